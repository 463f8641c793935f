"""Housekeeping: compact old raw responses into one tar.xz per month (or prune them), then VACUUM.

Raw bodies are kept so history can be re-parsed, but an hourly scraper stores hundreds
of distinct bodies a day. ``vacuum_raw_responses`` moves every body last fetched before
the cutoff out of ``raw_responses`` into ``raw_archives`` (one tar.xz per month, members
named by sha256 in the order they were last fetched, so a reparse reads each month in one
pass; successive versions of the same JSON compress to a fraction of their zlib size);
``fetches.sha256`` keeps pointing at them and ``store.load_raw_body`` reads them back. ``prune=True`` deletes them instead. Price history is never touched, and the
latest body of every URL stays in place (conditional requests need it at hand).
"""

from __future__ import annotations

import io
import tarfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from pricewatch.scraper.store import format_time

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
    rows = db.execute(
        """
        WITH latest AS (
            SELECT sha256 FROM (
                SELECT sha256, row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, id DESC) AS rn
                FROM fetches WHERE status = 200 AND sha256 IS NOT NULL
            ) WHERE rn = 1
        ),
        used AS (
            SELECT sha256, max(coalesce(last_fetched_at, fetched_at)) AS last_used
            FROM fetches WHERE sha256 IS NOT NULL GROUP BY sha256
        )
        SELECT r.sha256, u.last_used, r.sha256 IN (SELECT sha256 FROM latest) AS is_latest
        FROM raw_responses r LEFT JOIN used u ON u.sha256 = r.sha256
        WHERE u.last_used IS NULL OR u.last_used < ?
        ORDER BY u.last_used, r.sha256
        """,
        [cutoff],
    ).fetchall()
    by_month: dict[str, list[str]] = defaultdict(list)
    kept = 0
    for sha, last_used, is_latest in rows:
        if is_latest:
            kept += 1
            continue
        by_month[last_used[:7] if last_used else UNREFERENCED].append(sha)
    return dict(by_month), kept


def _bodies(db: Database, hashes: list[str]) -> Iterator[tuple[str, bytes, int]]:
    """(sha256, uncompressed body, stored bytes) one at a time, so a month never sits in memory whole."""
    for sha in hashes:
        compression, body = db.execute(
            "SELECT compression, body FROM raw_responses WHERE sha256 = ?", [sha]
        ).fetchone()
        yield sha, (zlib.decompress(body) if compression == "zlib" else body), len(body)


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0  # the same bodies give the same archive
    archive.addfile(info, io.BytesIO(data))


def _archive_month(db: Database, month: str, hashes: list[str], now: str) -> tuple[int, int]:
    """Write (or extend) one month's archive with ``hashes``; returns (body bytes, stored bytes) moved."""
    previous = db.execute(
        "SELECT archive, bodies, size FROM raw_archives WHERE month = ?", [month]
    ).fetchone()
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
        for sha, body, stored in _bodies(db, hashes):
            if sha not in names:
                _add(archive, sha, body)
                names.add(sha)
            members.append((sha, month, len(body)))
            body_bytes += len(body)
            stored_bytes += stored
    total = (previous[2] if previous else 0) + body_bytes
    db.execute(
        "INSERT INTO raw_archives (month, format, bodies, size, archive, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(month) DO UPDATE SET bodies = excluded.bodies, size = excluded.size, "
        "archive = excluded.archive, updated_at = excluded.updated_at",
        [month, ARCHIVE_FORMAT, len(names), total, buffer.getvalue(), now],
    )
    db.conn.executemany(
        "INSERT OR REPLACE INTO raw_archive_members (sha256, month, size) VALUES (?, ?, ?)", members
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
) -> VacuumReport:
    """Archive (or with ``prune`` delete) bodies last fetched more than ``older_than`` ago; then VACUUM.

    Call with the writer lock held. Each month is one transaction: an interrupted vacuum
    leaves every body either in raw_responses or in its archive, never in neither.
    """
    stamp = format_time(now)
    report = VacuumReport(cutoff=format_time(now - older_than), pruned=prune, size_before=_file_size(db_path))
    by_month, report.kept_latest = _old_bodies(db, report.cutoff)
    for month, hashes in sorted(by_month.items()):
        with db.atomic():
            if prune:
                for sha in hashes:
                    size, stored = db.execute(
                        "SELECT size, length(body) FROM raw_responses WHERE sha256 = ?", [sha]
                    ).fetchone()
                    report.body_bytes += size or 0
                    report.stored_bytes += stored or 0
            else:
                body_bytes, stored_bytes = _archive_month(db, month, hashes, stamp)
                report.body_bytes += body_bytes
                report.stored_bytes += stored_bytes
            db.conn.executemany("DELETE FROM raw_responses WHERE sha256 = ?", [(sha,) for sha in hashes])
        report.bodies += len(hashes)
        report.months.append(month)
    # VACUUM cannot run inside a transaction; TRUNCATE leaves no large -wal file behind.
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    report.size_after = _file_size(db_path)
    return report
