"""Reading the database without the store's imports: stdlib sqlite3 opened with mode=ro.

The read-only commands (query, history, status, check, trend) must start fast, so they
do not import sqlite-utils or pydantic. ``ReadOnlyDatabase`` offers the few methods the
readers use (``query``, ``execute``, ``table_names``), shaped like sqlite-utils' own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pricewatch.errors import StoreError

__all__ = ["ReadOnlyDatabase", "open_readonly"]


class ReadOnlyDatabase:
    """A read-only connection with sqlite-utils-shaped ``query`` and ``table_names``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows as dicts."""
        cursor = self.conn.execute(sql, params)
        columns = [d[0] for d in cursor.description or []]
        return (dict(zip(columns, row, strict=True)) for row in cursor)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """A plain cursor (writes fail: the connection is mode=ro)."""
        return self.conn.execute(sql, params)

    def table_names(self) -> list[str]:
        """Tables of the database."""
        return [r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def view_names(self) -> list[str]:
        """Views of the database."""
        return [r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")]

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def open_readonly(path: Path | str) -> ReadOnlyDatabase:
    """The database at ``path`` opened through a ``mode=ro`` URI, so nothing can change it."""
    path = Path(path)
    if not path.exists():
        raise StoreError(f"no database at {path}: run `pricewatch refresh` or `make demo` first")
    return ReadOnlyDatabase(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True))
