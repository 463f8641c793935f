"""Reading a file's committed versions with git itself (no hand-written object parser).

Three git processes per file, whatever the number of versions:

- ``git log --format=%H %cI --reverse -- PATH``: the commits that touched the file, oldest
  first, with their committer time;
- ``git cat-file --batch-check``: the blob each ``<commit>:<path>`` names (or "missing");
- ``git cat-file --batch``: the distinct blobs' bytes, streamed, each read once.

Identical contents share one blob id, so a caller keyed on the blob parses each body once.
``logical_history`` follows one logical file across several paths (a rename, a successor
file) with the same three processes.

A folder of many files (models.dev's ``providers/``) is read as a tree instead:
``tree_history`` runs one ``git log --first-parent --raw`` for every commit's changed files
(blob ids, modes), and the bytes come from the same ``cat-file --batch`` stream.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pricewatch.errors import GitError

__all__ = [
    "FileVersion",
    "TreeChange",
    "TreeVersion",
    "iter_blobs",
    "list_files",
    "logical_history",
    "read_file",
    "repository_key",
    "resolve_repository",
    "tree_history",
    "version_history",
]

# The mode git gives a symbolic link (its blob holds the target path).
SYMLINK_MODE = "120000"


@dataclass(frozen=True)
class FileVersion:
    """One committed version of a file: the commit, its time (UTC, store format) and the blob."""

    commit: str
    committed_at: str
    blob: str | None  # None when the path does not exist at this commit (deleted there)
    # The path the blob is at, when one logical file spans several paths (``logical_history``).
    path: str | None = None


@dataclass(frozen=True)
class TreeChange:
    """One file a commit added, changed or deleted (against its first parent)."""

    path: str
    blob: str | None  # None when the commit deleted it
    symlink: bool = False  # the blob is a symbolic link's target path


@dataclass(frozen=True)
class TreeVersion:
    """One commit of the first-parent line and what it changed in the folder."""

    commit: str
    committed_at: str
    changes: tuple[TreeChange, ...]


def _git(repo: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    try:
        completed = subprocess.run(
            ["git", "-C", str(repo), *args], input=input_bytes, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed (backfill reads repositories with git)") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed in {repo}: {message[-1] if message else 'no message'}")
    return completed.stdout


def resolve_repository(repo: Path) -> Path:
    """The top folder of the git work tree (or bare repository) at ``repo``; GitError if none."""
    if not repo.exists():
        raise GitError(f"no such repository: {repo}")
    inside = _git(repo, "rev-parse", "--is-bare-repository").decode().strip()
    if inside == "true":
        return repo.resolve()
    return Path(_git(repo, "rev-parse", "--show-toplevel").decode().strip())


def repository_key(repo: Path) -> str:
    """What identifies a repository across clones: its origin URL, else its absolute path."""
    try:
        url = _git(repo, "config", "--get", "remote.origin.url").decode().strip()
    except GitError:  # no origin configured: git exits 1
        url = ""
    return url or str(repo.resolve())


def list_files(repo: Path, revision: str = "HEAD") -> list[str]:
    """Every file path in ``revision``'s tree."""
    return [
        line for line in _git(repo, "ls-tree", "-r", "--name-only", revision).decode().splitlines() if line
    ]


def read_file(repo: Path, path: str, revision: str = "HEAD") -> bytes:
    """One file's bytes at ``revision``."""
    return _git(repo, "show", f"{revision}:{path}")


def _utc(iso_time: str) -> str:
    return datetime.fromisoformat(iso_time).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def version_history(repo: Path, path: str) -> list[FileVersion]:
    """Every commit that touched ``path``, oldest first, with the blob it holds there."""
    log = _git(repo, "log", "--format=%H %cI", "--reverse", "--", path).decode().splitlines()
    commits = [line.split(" ", 1) for line in log if line.strip()]
    if not commits:
        return []
    request = "".join(f"{sha}:{path}\n" for sha, _ in commits).encode()
    answers = _git(repo, "cat-file", "--batch-check", input_bytes=request).decode().splitlines()
    if len(answers) != len(commits):
        raise GitError(f"git cat-file answered {len(answers)} lines for {len(commits)} versions of {path}")
    versions = []
    for (sha, when), answer in zip(commits, answers, strict=True):
        parts = answer.split()
        blob = parts[0] if len(parts) == 3 and parts[1] == "blob" else None
        versions.append(FileVersion(commit=sha, committed_at=_utc(when), blob=blob))
    return versions


def logical_history(repo: Path, paths: Sequence[str]) -> list[FileVersion]:
    """The versions of one logical file kept at several paths over its life, oldest first.

    A file renamed (``data/prices.json`` -> ``prices/data.json``) or succeeded by another
    (``prices/new_data/v2/data.json``, written beside the old one, which stops changing):
    at each commit that touched any of ``paths``, the version is the blob of the path
    changed most recently among those present (a tie goes to the later path in
    ``paths``). Each version names its ``path``, so it can be cited. Three git processes,
    as for one path.
    """
    log = _git(repo, "log", "--format=%H %cI", "--reverse", "--", *paths).decode().splitlines()
    commits = [line.split(" ", 1) for line in log if line.strip()]
    if not commits:
        return []
    request = "".join(f"{sha}:{path}\n" for sha, _ in commits for path in paths).encode()
    answers = _git(repo, "cat-file", "--batch-check", input_bytes=request).decode().splitlines()
    if len(answers) != len(commits) * len(paths):
        raise GitError(
            f"git cat-file answered {len(answers)} lines for {len(commits)} commits of {len(paths)} paths"
        )
    blobs: dict[str, str | None] = dict.fromkeys(paths)
    changed: dict[str, int] = {}  # path -> the index of the commit that last changed it
    versions = []
    for index, (sha, when) in enumerate(commits):
        for offset, path in enumerate(paths):
            parts = answers[index * len(paths) + offset].split()
            blob = parts[0] if len(parts) == 3 and parts[1] == "blob" else None
            if blob != blobs[path]:
                blobs[path] = blob
                changed[path] = index
        present = [(changed.get(p, -1), order, p) for order, p in enumerate(paths) if blobs[p] is not None]
        if present:
            _, _, path = max(present)
            versions.append(FileVersion(commit=sha, committed_at=_utc(when), blob=blobs[path], path=path))
        else:
            versions.append(FileVersion(commit=sha, committed_at=_utc(when), blob=None))
    return versions


def tree_history(repo: Path, folder: str, revision: str = "HEAD") -> list[TreeVersion]:
    """Every first-parent commit of ``revision`` that changed files under ``folder``, oldest first.

    Merges count as one change against their first parent (the line the branch
    published), so a long-lived branch merged late adds its changes at the merge, never
    at its own commits' dates. Renames are a deletion and an addition.
    """
    out = _git(
        repo,
        "log",
        "-z",
        "--first-parent",
        "--diff-merges=first-parent",
        "--no-renames",
        "--root",
        "--raw",
        "--no-abbrev",
        "-r",
        "--reverse",
        "--format=commit %H %cI",
        revision,
        "--",
        folder,
    ).decode("utf-8", "surrogateescape")
    versions: list[TreeVersion] = []
    commit = when = ""
    changes: list[TreeChange] = []
    tokens = iter(out.split("\0"))
    for token in tokens:
        token = token.lstrip("\n")
        if token.startswith("commit "):
            if commit:
                versions.append(TreeVersion(commit, _utc(when), tuple(changes)))
            _, commit, when = token.split(" ", 2)
            changes = []
        elif token.startswith(":"):
            # ":<old mode> <new mode> <old blob> <new blob> <status>", then the path.
            _, new_mode, _, new_blob, status = token[1:].split(" ")
            path = next(tokens)
            if status.startswith("D"):
                changes.append(TreeChange(path, None))
            else:
                changes.append(TreeChange(path, new_blob, new_mode == SYMLINK_MODE))
    if commit:
        versions.append(TreeVersion(commit, _utc(when), tuple(changes)))
    return versions


def iter_blobs(repo: Path, blobs: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """(blob id, bytes) for each id, in order, streamed through one ``git cat-file --batch``."""
    wanted = list(blobs)
    if not wanted:
        return
    process = subprocess.Popen(
        ["git", "-C", str(repo), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    stdin = process.stdin

    def feed() -> None:
        # A thread writes the requests while we read: a full pipe would otherwise deadlock.
        try:
            stdin.write("".join(f"{sha}\n" for sha in wanted).encode())
        except BrokenPipeError:
            pass
        finally:
            stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for sha in wanted:
            header = process.stdout.readline().decode().split()
            if len(header) != 3 or header[1] != "blob":
                raise GitError(f"git cat-file: no blob {sha} ({' '.join(header) or 'no answer'})")
            size = int(header[2])
            body = process.stdout.read(size)
            process.stdout.read(1)  # the newline after each object
            yield header[0], body
    finally:
        writer.join(timeout=5)
        process.stdout.close()
        process.kill()
        process.wait()
        if process.stderr is not None:
            process.stderr.close()
