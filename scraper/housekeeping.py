"""Housekeeping: compact old raw responses into one tar.xz per month (or prune them), then VACUUM.

Raw bodies are kept so history can be re-parsed, but an hourly scraper stores hundreds
of distinct bodies a day. ``vacuum_raw_responses`` moves every body last fetched before
the cutoff out of ``raw_responses`` into ``raw_archives`` (one tar.xz per month, members
named by sha256 in the order they were last fetched, so a reparse reads each month in one
pass; successive versions of the same JSON compress to a fraction of their zlib size);
``fetches.sha256`` keeps pointing at them and ``store.load_raw_body`` reads them back. ``prune=True`` deletes them instead. Price history is never touched, and the
latest body of every URL stays in place (conditional requests need it at hand).

This module decides what moves and builds the archives; the queries and writes are
``pricewatch.scraper.store.raw``'s.
"""

from __future__ import annotations

import io
import tarfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pricewatch.scraper.store import Database, format_time
from pricewatch.scraper.store.raw import (
    archived_month,
    compact_file,
    delete_raw_bodies,
    iter_raw_bodies,
    old_raw_bodies,
    raw_body_sizes,
    write_archive,
)

__all__ = ["VacuumReport", "vacuum_raw_responses"]

ARCHIVE_FORMAT = "tar.xz"
# Bodies no fetch refers to any more (nothing should leave them) are filed under this month.
UNREFERENCED = "unreferenced"


@dataclass
class VacuumReport:
    """What a vacuum did: bodies moved or deleted, months written, the file size before and after."""

    cutoff: str
    bodies: int = 0
    body_bytes: int = 0
    stored_bytes: int = 0
    months: list[str] = field(default_factory=list)
    pruned: bool = False
    kept_latest: int = 0
    size_before: int = 0
    size_after: int = 0


def _old_bodies(db: Database, cutoff: str) -> tuple[dict[str, list[str]], int]:
    """Month -> hashes of the bodies last fetched before ``cutoff``; and how many were kept as latest."""
    rows = old_raw_bodies(db, cutoff)
    by_month: dict[str, list[str]] = defaultdict(list)
    kept = 0
    for sha, last_used, is_latest in rows:
        if is_latest:
            kept += 1
            continue
        by_month[last_used[:7] if last_used else UNREFERENCED].append(sha)
    return dict(by_month), kept


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0  # the same bodies give the same archive
    archive.addfile(info, io.BytesIO(data))


def _archive_month(db: Database, month: str, hashes: list[str], now: str) -> tuple[int, int]:
    """Write (or extend) one month's archive with ``hashes``; returns (body bytes, stored bytes) moved."""
    previous = archived_month(db, month)
    buffer = io.BytesIO()
    body_bytes = stored_bytes = 0
    names: set[str] = set()
    with tarfile.open(fileobj=buffer, mode="w:xz") as archive:
        if previous is not None:
            with tarfile.open(fileobj=io.BytesIO(previous[0]), mode="r|xz") as old:
                for member in old:
                    handle = old.extractfile(member)
                    if handle is not None:
                        _add(archive, member.name, handle.read())
                        names.add(member.name)
        members = []
        for sha, body, stored in iter_raw_bodies(db, hashes):
            if sha not in names:
                _add(archive, sha, body)
                names.add(sha)
            members.append((sha, month, len(body)))
            body_bytes += len(body)
            stored_bytes += stored
    total = (previous[2] if previous else 0) + body_bytes
    write_archive(
        db,
        month,
        ARCHIVE_FORMAT,
        bodies=len(names),
        size=total,
        archive=buffer.getvalue(),
        members=members,
        updated_at=now,
    )
    return body_bytes, stored_bytes


def _file_size(db_path: Path | None) -> int:
    if db_path is None:
        return 0
    return sum(p.stat().st_size for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists())


def vacuum_raw_responses(
    db: Database,
    *,
    older_than: timedelta,
    now: datetime,
    prune: bool = False,
    db_path: Path | None = None,
    checkpoint: Callable[[str, str], None] | None = None,
) -> VacuumReport:
    """Archive (or with ``prune`` delete) bodies last fetched more than ``older_than`` ago; then VACUUM.

    Call with the writer lock held. Each month is one transaction: an interrupted vacuum
    leaves every body either in raw_responses or in its archive, never in neither.

    ``checkpoint(where, step)``, when given, is called at each step a kill could land on
    (tests/test_crash_safety_vacuum.py stops there): per month ("2026-01", step) "archived"
    (the archive written, the raw rows not yet deleted, the transaction open), "deleted"
    (still open) and "committed"; then ("file", "compacting") while VACUUM runs and
    ("file", "compacted") after it.
    """
    stamp = format_time(now)
    report = VacuumReport(cutoff=format_time(now - older_than), pruned=prune, size_before=_file_size(db_path))
    by_month, report.kept_latest = _old_bodies(db, report.cutoff)
    for month, hashes in sorted(by_month.items()):
        with db.atomic():
            if prune:
                for sha in hashes:
                    size, stored = raw_body_sizes(db, sha)
                    report.body_bytes += size or 0
                    report.stored_bytes += stored or 0
            else:
                body_bytes, stored_bytes = _archive_month(db, month, hashes, stamp)
                report.body_bytes += body_bytes
                report.stored_bytes += stored_bytes
            if checkpoint is not None:
                checkpoint(month, "archived")
            delete_raw_bodies(db, hashes)
            if checkpoint is not None:
                checkpoint(month, "deleted")
        if checkpoint is not None:
            checkpoint(month, "committed")
        report.bodies += len(hashes)
        report.months.append(month)
    if checkpoint is None:
        compact_file(db)
    else:
        compact_file(db, during=lambda: checkpoint("file", "compacting"))
        checkpoint("file", "compacted")
    report.size_after = _file_size(db_path)
    return report
