"""The database file itself: that it exists, that it is ours, that it is intact, that it is whole.

Every command that reads an existing database calls ``require_database`` before anything
else (before the writer lock, which would create the folder), so a command run in the
wrong directory says "no database" instead of creating an empty one. ``refuse_foreign``
keeps pricewatch from migrating somebody else's SQLite file. ``quick_check`` runs SQLite's
``PRAGMA quick_check`` (before a build publishes, after a crash recovery). ``checkpoint``
folds the write-ahead log into the file when a writer lets go of the lock, so the file
alone is a complete copy (``cp data/pricewatch.db`` copies every run).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pricewatch.errors import DamagedDatabaseError, ForeignDatabaseError, NoDatabaseError

__all__ = [
    "OUR_TABLES",
    "checkpoint",
    "lock_target",
    "machine_refusal",
    "quick_check",
    "refuse_damaged",
    "refuse_foreign",
    "require_database",
]

#: Tables only a pricewatch database has (any one of them, or sqlite-utils' migrations
#: table naming the "pricewatch" set, makes a file ours).
OUR_TABLES = frozenset({"prices", "offers", "runs"})
_MIGRATIONS_TABLE = "_sqlite_migrations"


def require_database(path: Path | str) -> Path:
    """``path`` when a database file is there; NoDatabaseError (exit 2) otherwise. Creates nothing."""
    path = Path(path)
    if not path.is_file():
        raise NoDatabaseError(path)
    return path


def lock_target(path: Path | str) -> Path:
    """The path the writer lock is derived from: symlinks resolved, so two names of one file share a lock."""
    return Path(path).resolve()


def refuse_foreign(conn: sqlite3.Connection, path: Path | str) -> None:
    """ForeignDatabaseError when the file has tables but none of ours (an empty file is ours to create)."""
    try:
        tables = {
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_")
        }
    except sqlite3.OperationalError:
        raise  # cannot open or read it (a read-only folder...): the caller decides
    except sqlite3.DatabaseError as error:  # "file is not a database": not a file to migrate
        raise DamagedDatabaseError(path, [str(error)]) from None
    if not tables or tables & OUR_TABLES:
        return
    if _MIGRATIONS_TABLE in tables:
        sets = {r[0] for r in conn.execute(f"SELECT DISTINCT migration_set FROM {_MIGRATIONS_TABLE}")}
        if "pricewatch" in sets:
            return
    raise ForeignDatabaseError(path)


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA quick_check`` reports: [] when the file is intact, else its lines (first 10)."""
    try:
        lines = [str(r[0]) for r in conn.execute("PRAGMA quick_check(10)")]
    except sqlite3.DatabaseError as error:  # "file is not a database", "database disk image is malformed"
        return [str(error)]
    return [] if lines == ["ok"] else lines


def refuse_damaged(conn: sqlite3.Connection, path: Path | str) -> None:
    """DamagedDatabaseError when ``quick_check`` finds anything."""
    problems = quick_check(conn)
    if problems:
        raise DamagedDatabaseError(path, problems)


def checkpoint(path: Path | str) -> bool:
    """Fold the write-ahead log into the database file and truncate it; True when it is empty now.

    Best effort: a reader in the middle of a transaction can keep part of the log (the next
    writer's checkpoint folds it); a missing file or a database not in WAL mode is left alone.
    """
    path = Path(path)
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(path, timeout=2)  # a long reader (a build) delays the writer at most 2 s
    except sqlite3.Error:
        return False
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy
    except sqlite3.Error:
        return False
    finally:
        conn.close()


# What SQLite says when the machine refuses -> what the user reads (one line, exit 4).
_SQLITE_REFUSALS = {
    "database or disk is full": "the disk is full (SQLite: database or disk is full)",
    "attempt to write a readonly database": "the database is read-only here (SQLite: attempt to write a readonly database)",
    "unable to open database file": "the database file cannot be opened here (SQLite: unable to open database file; check the folder's permissions)",
    "disk I/O error": "the disk failed a read or write (SQLite: disk I/O error)",
}


def machine_refusal(error: BaseException) -> str | None:
    """A sentence when ``error`` is SQLite refusing for the machine's sake (full disk, read-only
    file, no permission), else None: such an error is no source's fault and stops the command."""
    if not isinstance(error, sqlite3.Error):
        return None
    text = str(error)
    return next((said for known, said in _SQLITE_REFUSALS.items() if known in text), None)
