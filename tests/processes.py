"""Processes as /proc shows them (Linux): a process's descendants, whether one still runs.

Used by the tests that prove no process is left behind (chart workers of a killed build,
`pricewatch datasette` once stopped) and by conftest.py's end-of-run check. A zombie (state
Z: exited, not yet reaped by its parent) counts as gone: it runs nothing and holds no port.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

__all__ = ["AVAILABLE", "command_line", "descendants", "running", "survivors", "wait_until_gone"]

PROC = Path("/proc")
AVAILABLE = (PROC / "self" / "stat").exists()


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of a process, or None when there is no such process."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses; it ends at the last ")".
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0]


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    stat = _stat(pid)
    return stat is not None and stat[1] != "Z"


def descendants(pid: int) -> list[int]:
    """Every running process below ``pid`` (children, their children, ...), in pid order."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] != "Z":
                children.setdefault(stat[0], []).append(int(entry.name))
    found: list[int] = []
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children.get(child, []))
    return sorted(found)


def command_line(pid: int) -> str:
    """The command line of ``pid`` as one string ("" once it is gone)."""
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def wait_until_gone(pids: Iterable[int], timeout: float) -> list[int]:
    """Wait (at most ``timeout`` seconds) until none of ``pids`` runs; returns those still running."""
    left = list(pids)
    deadline = time.monotonic() + timeout
    while True:
        left = [pid for pid in left if running(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


# multiprocessing starts these beside a process's first pool; they read a pipe from that
# process and exit with it, so as its direct children they are not left behind.
_HELPERS = (
    "from multiprocessing.forkserver import main",
    "from multiprocessing.resource_tracker import main",
)


def survivors(pid: int, *, ignore: Iterable[int] = (), grace: float = 10.0) -> list[int]:
    """Processes below ``pid`` still running after at most ``grace`` seconds (for those just ending).

    Not counted: ``ignore`` (e.g. those already there when the tests began), and
    multiprocessing's forkserver and resource tracker as direct children of ``pid``
    (their children, pool workers, are counted).
    """
    ignored = set(ignore)

    def helper(child: int) -> bool:
        stat = _stat(child)
        return stat is not None and stat[0] == pid and any(h in command_line(child) for h in _HELPERS)

    return wait_until_gone([p for p in descendants(pid) if p not in ignored and not helper(p)], grace)
