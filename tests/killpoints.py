"""Kill a `pricewatch` command at a checkpoint the test chooses (tests/checkpointed_cli.py), never after a delay.

Shared by the kill tests of backfill and vacuum (tests/test_crash_safety_backfill.py,
tests/test_crash_safety_vacuum.py). The command runs in a subprocess that reports each
checkpoint ("WHERE STEP") on a pipe and waits for the test's answer; the test answers
every step until the chosen one (its ``occurrence``-th sighting) and SIGKILLs the process
there. So each kill lands where the test says, on any machine under any load.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

CHECKPOINTED_CLI = Path(__file__).parent / "checkpointed_cli.py"


def answer_until(report_fd: int, go_fd: int, step: str, occurrence: int, log: Path) -> list[str]:
    """Let the command go on at each checkpoint until its ``occurrence``-th ``step``; the steps seen.

    A bounded wait on the command (not on a clock): it fails, naming the steps seen and the
    command's own output, when the process ends or stays silent for two minutes first.
    """
    seen: list[str] = []
    buffer = b""
    deadline = time.monotonic() + 120
    while True:
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            seen.append(line.decode())
            if line.decode().split()[-1] == step:
                occurrence -= 1
                if occurrence == 0:
                    return seen
            os.write(go_fd, b"g")
        ready, _, _ = select.select([report_fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(report_fd, 4096) if ready else b""
        if not chunk:
            why = "ended" if ready else "was silent for two minutes"
            raise AssertionError(f"the command {why} before {step!r} (steps seen: {seen}): {log.read_text()}")
        buffer += chunk


def kill_at(
    args: list[str], step: str, log: Path, *, occurrence: int = 1, env: dict | None = None
) -> list[str]:
    """Run ``pricewatch ARGS`` in a subprocess, SIGKILL it at its ``occurrence``-th ``step``; the steps seen."""
    report_read, report_write = os.pipe()
    go_read, go_write = os.pipe()
    command = [sys.executable, str(CHECKPOINTED_CLI), str(report_write), str(go_read), *args]
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            env=dict(os.environ, **(env or {})),
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(report_write, go_read),
        )
    os.close(report_write)
    os.close(go_read)
    try:
        seen = answer_until(report_read, go_write, step, occurrence, log)
        process.kill()
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        os.close(report_read)
        os.close(go_write)
    assert process.returncode == -signal.SIGKILL, log.read_text()
    return seen


def connect(db_path: Path):
    return closing(sqlite3.connect(db_path))


def integrity(db_path: Path) -> list[tuple]:
    with connect(db_path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall()


def run_statuses(db_path: Path) -> list[str]:
    with connect(db_path) as conn:
        return [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
