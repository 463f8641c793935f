"""Raw responses: every fetched body stored once (content-addressed, zlib), the fetch log, the archives.

``save_raw_response`` records a fetch (change-only: an unchanged body of a URL only moves
``last_fetched_at``); ``load_raw_body`` reads a body back, from ``raw_responses`` or from
the month's tar.xz in ``raw_archives`` once `pricewatch vacuum` moved it there. The
queries and writes of that vacuum (``pricewatch.scraper.housekeeping``) are here too.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from sqlite_utils import Database

from pricewatch.errors import StoreError

__all__ = [
    "archived_month",
    "compact_file",
    "delete_raw_bodies",
    "ingested_commits",
    "iter_raw_bodies",
    "last_fetch",
    "load_raw_body",
    "old_raw_bodies",
    "raw_body_sizes",
    "save_raw_response",
    "write_archive",
]


def save_raw_response(
    db: Database,
    *,
    run_id: int | None,
    url: str,
    status: int,
    body: bytes | None,
    fetched_at: str,
    etag: str | None = None,
    last_modified: str | None = None,
    content_type: str | None = None,
    repository: str | None = None,
    git_commit: str | None = None,
    path: str | None = None,
) -> str | None:
    """Record a fetch; its body is stored once, content-addressed and compressed.

    Backfilled versions pass ``repository``/``git_commit``/``path`` and no body: they are
    referenced, not copied.
    """
    sha = None
    if body is not None:
        sha = hashlib.sha256(body).hexdigest()
        stored = db.conn.execute("SELECT 1 FROM raw_responses WHERE sha256 = ?", [sha]).fetchone()
        if stored is None:
            db.conn.execute(
                "INSERT INTO raw_responses (sha256, size, compression, body) VALUES (?, ?, 'zlib', ?)",
                [sha, len(body), zlib.compress(body, 6)],
            )
    if repository is None:
        latest = db.conn.execute(
            "SELECT id, sha256, status, last_fetched_at FROM fetches WHERE url = ? AND repository IS NULL "
            "ORDER BY fetched_at DESC, id DESC LIMIT 1",
            [url],
        ).fetchone()
        if latest is not None and latest[1] == sha and latest[2] == status and sha is not None:
            if latest[3] is None or fetched_at > latest[3]:
                db.conn.execute(
                    "UPDATE fetches SET last_fetched_at = ? WHERE id = ?", [fetched_at, latest[0]]
                )
            return sha
    db.conn.execute(
        "INSERT INTO fetches (run_id, url, status, fetched_at, last_fetched_at, sha256, etag, last_modified, "
        "content_type, repository, git_commit, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            url,
            status,
            fetched_at,
            fetched_at,
            sha,
            etag,
            last_modified,
            content_type,
            repository,
            git_commit,
            path,
        ],
    )
    return sha


def load_raw_body(db: Database, sha256: str) -> bytes:
    """A stored body by its hash."""
    rows = list(db.query("SELECT compression, body FROM raw_responses WHERE sha256 = ?", [sha256]))
    if not rows:
        archived = _load_archived_body(db, sha256)
        if archived is None:
            raise StoreError(
                f"no stored response {sha256} (never stored, or pruned by `pricewatch vacuum --prune`)"
            )
        return archived
    row = rows[0]
    return zlib.decompress(row["body"]) if row["compression"] == "zlib" else row["body"]


class _ArchiveReader:
    """A forward-only reader of one month's tar.xz, kept between calls (one per thread).

    `pricewatch vacuum` writes members in the order the bodies were last fetched, and
    `reparse` reads them in fetch order, so reading on from where the last call stopped
    decompresses a month once instead of once per body. A body behind the reader's
    position costs one restart.
    """

    def __init__(self, key: tuple, blob: bytes) -> None:
        self.key = key
        self.blob = blob
        self._restart()

    def _restart(self) -> None:
        # Kept open across calls on purpose; it only reads the bytes in memory.
        self.archive = tarfile.open(fileobj=io.BytesIO(self.blob), mode="r|xz")  # noqa: SIM115
        # One iterator per pass: iterating the TarFile again would revisit (seek back to) old members.
        self.members = iter(self.archive)

    def _scan(self, sha256: str) -> bytes | None:
        for member in self.members:
            handle = self.archive.extractfile(member)
            if member.name == sha256:
                return handle.read() if handle is not None else None
        return None

    def find(self, sha256: str) -> bytes | None:
        found = self._scan(sha256)
        if found is None:
            self._restart()
            found = self._scan(sha256)
        return found


_archive_readers = threading.local()


def _load_archived_body(db: Database, sha256: str) -> bytes | None:
    """A body from its month's tar.xz archive (written by `pricewatch vacuum`), or None."""
    if not db.table("raw_archive_members").exists():  # a read-only database from before the migration
        return None
    row = db.execute(
        "SELECT a.month, a.updated_at FROM raw_archive_members m JOIN raw_archives a ON a.month = m.month "
        "WHERE m.sha256 = ?",
        [sha256],
    ).fetchone()
    if row is None:
        return None
    key = (id(db.conn), *row)
    reader = getattr(_archive_readers, "reader", None)
    if reader is None or reader.key != key:
        blob = db.execute("SELECT archive FROM raw_archives WHERE month = ?", [row[0]]).fetchone()[0]
        reader = _archive_readers.reader = _ArchiveReader(key, blob)
    return reader.find(sha256)


def last_fetch(db: Database, url: str) -> dict[str, Any] | None:
    """The latest successful fetch of ``url`` with a stored body (for conditional requests)."""
    rows = list(
        db.query(
            "SELECT * FROM fetches WHERE url = ? AND status = 200 AND sha256 IS NOT NULL "
            "ORDER BY fetched_at DESC, id DESC LIMIT 1",
            [url],
        )
    )
    return rows[0] if rows else None


def ingested_commits(db: Database, repository: str, path: str) -> set[str]:
    """The commits of ``path`` in ``repository`` a backfill already stored (so it resumes)."""
    return {
        r["git_commit"]
        for r in db.query(
            "SELECT git_commit FROM fetches WHERE repository = ? AND path = ? AND git_commit IS NOT NULL",
            [repository, path],
        )
    }


# ----------------------------------------------------------------------------- vacuum


def old_raw_bodies(db: Database, cutoff: str) -> list[tuple[str, str | None, bool]]:
    """(sha256, last use, is the latest body of its URL) of every body last fetched before ``cutoff``.

    Oldest use first; a body no fetch refers to has no last use.
    """
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
    return [(sha, last_used, bool(is_latest)) for sha, last_used, is_latest in rows]


def iter_raw_bodies(db: Database, hashes: list[str]) -> Iterator[tuple[str, bytes, int]]:
    """(sha256, uncompressed body, stored bytes) one at a time, so a month never sits in memory whole."""
    for sha in hashes:
        compression, body = db.execute(
            "SELECT compression, body FROM raw_responses WHERE sha256 = ?", [sha]
        ).fetchone()
        yield sha, (zlib.decompress(body) if compression == "zlib" else body), len(body)


def raw_body_sizes(db: Database, sha256: str) -> tuple[int | None, int | None]:
    """(uncompressed size, stored bytes) of a body in ``raw_responses``."""
    size, stored = db.execute(
        "SELECT size, length(body) FROM raw_responses WHERE sha256 = ?", [sha256]
    ).fetchone()
    return size, stored


def archived_month(db: Database, month: str) -> tuple[bytes, int, int] | None:
    """(archive bytes, bodies, body bytes) of one month's stored archive, or None."""
    row = db.execute("SELECT archive, bodies, size FROM raw_archives WHERE month = ?", [month]).fetchone()
    return None if row is None else (row[0], row[1], row[2])


def write_archive(
    db: Database,
    month: str,
    archive_format: str,
    *,
    bodies: int,
    size: int,
    archive: bytes,
    members: list[tuple[str, str, int]],
    updated_at: str,
) -> None:
    """Store (or replace) one month's archive and its (sha256, month, size) members."""
    db.execute(
        "INSERT INTO raw_archives (month, format, bodies, size, archive, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(month) DO UPDATE SET bodies = excluded.bodies, size = excluded.size, "
        "archive = excluded.archive, updated_at = excluded.updated_at",
        [month, archive_format, bodies, size, archive, updated_at],
    )
    db.conn.executemany(
        "INSERT OR REPLACE INTO raw_archive_members (sha256, month, size) VALUES (?, ?, ?)", members
    )


def delete_raw_bodies(db: Database, hashes: list[str]) -> None:
    """Remove bodies from ``raw_responses`` (archived or pruned)."""
    db.conn.executemany("DELETE FROM raw_responses WHERE sha256 = ?", [(sha,) for sha in hashes])


def compact_file(db: Database, *, during: Callable[[], None] | None = None) -> None:
    """VACUUM, then truncate the write-ahead log so no large -wal file stays behind.

    VACUUM cannot run inside a transaction: call outside ``db.atomic()``. ``during``, when
    given, is called once while VACUUM runs (from SQLite's progress handler): where a test
    kills the process mid-VACUUM (tests/test_crash_safety_vacuum.py).
    """
    if during is None:
        db.execute("VACUUM")
    else:
        called = False

        def progress() -> int:
            nonlocal called
            if not called:
                called = True
                during()
            return 0  # go on

        db.conn.set_progress_handler(progress, 10)
        try:
            db.execute("VACUUM")
        finally:
            db.conn.set_progress_handler(None, 0)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
