"""A replay directory's history in git (git scraping): its commits, and each commit's copy of it.

``pricewatch rebuild`` walks ``iter_snapshot_commits`` oldest first, exports each
commit's directory with ``export_snapshot`` (``git archive``, so the work tree is never
touched) and replays it with the commit time as the observation time (``pin_recorded_at``).
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from pricewatch.errors import GitError
from pricewatch.scraper.gitlog import resolve_repository
from pricewatch.scraper.replay import MANIFEST_NAME

__all__ = ["SnapshotCommit", "export_snapshot", "iter_snapshot_commits", "pin_recorded_at"]


@dataclass(frozen=True)
class SnapshotCommit:
    """A commit that touched the snapshot directory, with its committer time (aware, UTC offset kept)."""

    commit: str
    committed_at: datetime


def _git(repo: Path, *args: str) -> bytes:
    try:
        completed = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (rebuild reads the snapshot history with git)") from None
    if completed.returncode != 0:
        lines = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed in {repo}: {lines[-1] if lines else 'no message'}")
    return completed.stdout


def _relative(path: str) -> str:
    relative = PurePosixPath(path.strip("/") or ".")
    if relative.is_absolute() or ".." in relative.parts:
        raise GitError(f"--path {path!r} must be a directory inside the repository")
    return str(relative)


def iter_snapshot_commits(repo: Path, path: str) -> list[SnapshotCommit]:
    """The commits that touched ``path`` (a directory in ``repo``), oldest first."""
    top = resolve_repository(Path(repo))
    out = _git(top, "log", "--reverse", "--format=%H %cI", "--", _relative(path)).decode()
    commits = []
    for line in out.splitlines():
        commit, _, stamp = line.partition(" ")
        commits.append(SnapshotCommit(commit, datetime.fromisoformat(stamp)))
    return commits


def export_snapshot(repo: Path, commit: str, path: str, destination: Path) -> Path | None:
    """Write ``path`` as it was at ``commit`` under ``destination``; None when it has no manifest there."""
    top = resolve_repository(Path(repo))
    relative = _relative(path)
    listed = _git(top, "ls-tree", "--name-only", commit, "--", f"{relative}/{MANIFEST_NAME}").decode().strip()
    if not listed:
        return None  # the directory was deleted (or had no manifest) in this commit
    data = _git(top, "archive", "--format=tar", commit, "--", relative)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(destination, filter="data")  # "data": no links out, no absolute paths
    return destination / relative


def pin_recorded_at(directory: Path, moment: datetime) -> None:
    """Make ``moment`` the observation time of every response in a replay directory's manifest."""
    manifest = Path(directory) / MANIFEST_NAME
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["recorded_at"] = moment.isoformat()
    for entry in data.get("responses", []):
        if isinstance(entry, dict):
            entry.pop("recorded_at", None)
    manifest.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
