"""The shipped history: a database's price history as files in data/history/.

``export_history`` writes what the curated file, the real histories and the recordings put
into a database (price periods with their origins, unit prices, scheduled changes, the
offers, models and providers they belong to, the runs that observed them, the citation of
every version read, held typos, disagreements) as one gzip'd JSON-lines file per table.
Raw bodies stay out (``fetches.sha256`` is dropped): a citation is the repository, commit
and path, or the URL and the recording time, never the page.

``import_history`` loads those files into a new database, keeping every id, so the result
is the database the history was exported from. Loading data/curated_prices.csv afterwards
adds nothing when the file is the one the history was built with (a test holds the two
together) and applies an edit made since. It refuses a database that already holds offers
(a merge of two timelines row by row would bypass the timeline's rules) and does nothing
when the same history was loaded before.

File format (``<table>.jsonl.gz``, gzip without a timestamp so a rebuild from the same
data gives the same bytes): line 1 ``{"table": ..., "columns": [...]}``, then one JSON array
per row in primary-key order. JSON keeps NULL apart from ``""`` (a price not given vs
the plain variant), which CSV cannot.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pricewatch.errors import ShippedHistoryError
from pricewatch.scraper.store.schema import Database, hand_host_offers_to_the_sweep

__all__ = ["HISTORY_TABLES", "ImportSummary", "export_history", "history_digest", "import_history"]

# What each table contributes, in load order (a row's references load before it). The whole
# history ships, curated rows included: it is built in the order a user's database is (the
# curated history first, then the measured), and a curated row that a later sighting
# confirmed or a later listing closed keeps that knowledge.
HISTORY_TABLES: tuple[tuple[str, str], ...] = (
    ("runs", "1"),
    ("providers", "1"),
    ("models", "1"),
    ("offers", "1"),
    ("prices", "1"),
    ("unit_prices", "1"),
    ("list_prices", "1"),
    ("scheduled_prices", "1"),
    ("curated_sources", "1"),
    ("fetches", "1"),
    ("quarantine", "1"),
    ("disagreements", "1"),
    ("unmapped_names", "1"),
)
# Columns never shipped: the body of a fetch (raw pages stay out of the project).
_DROPPED = {"fetches": {"sha256"}}
# Tables whose rows carry ids other tables refer to; the rest are ordered by all columns.
_ORDER = {
    "providers": "id",
    "models": "id",
    "unmapped_names": "source, kind, name",
    "curated_sources": "offer_id, valid_from",
    "list_prices": "price_id, field",
}
_SUFFIX = ".jsonl.gz"


def _columns(db: Database, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()]


def _rows(db: Database, table: str, where: str, columns: list[str]) -> Iterator[list[Any]]:
    order = _ORDER.get(table, "id")
    names = ", ".join(f'"{c}"' for c in columns)
    yield from (
        list(row) for row in db.execute(f"SELECT {names} FROM {table} WHERE {where} ORDER BY {order}")
    )


def _rename(table: str, row: list[Any], columns: list[str], repositories: Mapping[str, str]) -> list[Any]:
    """A fetch row's local clone path replaced by the public repository it is a copy of."""
    if table != "fetches" or not repositories:
        return row
    index = columns.index("repository")
    if row[index] in repositories:
        row = list(row)
        row[index] = repositories[row[index]]
    return row


def export_history(
    db: Database, out_dir: Path, repositories: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Write the measured and third-party history of ``db`` into ``out_dir``; rows per table.

    ``repositories`` maps a clone's path as recorded in ``fetches.repository`` to the public
    repository it copies (the citation users can follow).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for table, _ in HISTORY_TABLES:  # ours only: other files in the folder stay
        (out_dir / f"{table}{_SUFFIX}").unlink(missing_ok=True)
    counts = {}
    for table, where in HISTORY_TABLES:
        columns = [c for c in _columns(db, table) if c not in _DROPPED.get(table, set())]
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as stream:
            stream.write(json.dumps({"table": table, "columns": columns}).encode() + b"\n")
            count = 0
            for row in _rows(db, table, where, columns):
                row = _rename(table, row, columns, repositories or {})
                stream.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
                count += 1
        (out_dir / f"{table}{_SUFFIX}").write_bytes(buffer.getvalue())
        counts[table] = count
    return counts


def history_digest(history_dir: Path) -> str:
    """A hash of the shipped files: what a database records having loaded."""
    digest = hashlib.sha256()
    for table, _ in HISTORY_TABLES:
        path = history_dir / f"{table}{_SUFFIX}"
        digest.update(table.encode() + b"\0")
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _read(path: Path) -> tuple[str, list[str], Iterator[list[Any]]]:
    try:
        lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
        header = json.loads(lines[0])
        table, columns = header["table"], header["columns"]
    except (ValueError, KeyError, TypeError, IndexError, OSError, EOFError) as error:
        raise ShippedHistoryError(f"{path}: not a shipped-history file ({error})") from error

    def rows() -> Iterator[list[Any]]:
        for number, line in enumerate(lines[1:], start=2):
            try:
                row = json.loads(line)
            except ValueError as error:
                raise ShippedHistoryError(f"{path}:{number}: unreadable row ({error})") from error
            if not isinstance(row, list) or len(row) != len(columns):
                raise ShippedHistoryError(f"{path}:{number}: expected {len(columns)} values")
            yield row

    return table, columns, rows()


@dataclass(frozen=True)
class ImportSummary:
    """What ``import_history`` did: rows per table, or that the history was already loaded."""

    rows: dict[str, int]
    already_loaded: bool = False

    @property
    def price_rows(self) -> int:
        return self.rows.get("prices", 0)


_LOADED_TABLE = "shipped_history_loads"


def _loaded_digests(db: Database) -> set[str]:
    return {row[0] for row in db.execute(f"SELECT digest FROM {_LOADED_TABLE}").fetchall()}


def import_history(db: Database, history_dir: Path, loaded_at: str) -> ImportSummary:
    """Load the shipped history in ``history_dir`` into ``db`` (a new database), in one transaction."""
    digest = history_digest(history_dir)
    if digest in _loaded_digests(db):
        return ImportSummary({}, already_loaded=True)
    used = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("offers", "prices", "runs", "fetches")
    }
    held = [f"{count} {table}" for table, count in used.items() if count]
    if held:
        raise ShippedHistoryError(
            f"the shipped history loads into a new database, and this one already holds {', '.join(held)} "
            "(delete it, or use another --db)"
        )
    counts: dict[str, int] = {}
    with db.atomic():
        for table, _ in HISTORY_TABLES:
            path = history_dir / f"{table}{_SUFFIX}"
            if not path.exists():
                raise ShippedHistoryError(f"{path}: missing from the shipped history")
            name, columns, rows = _read(path)
            if name != table:
                raise ShippedHistoryError(f"{path}: holds table {name!r}, expected {table!r}")
            unknown = sorted(set(columns) - set(_columns(db, table)))
            if unknown:
                raise ShippedHistoryError(
                    f"{path}: columns {', '.join(unknown)} are not in this database's {table} "
                    "(the shipped history was built by another schema: rebuild it with `make history`)"
                )
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            # Catalogued models and providers may already be there (a curated load first):
            # theirs are kept, the history only adds what is missing.
            verb = "INSERT OR IGNORE" if table in ("providers", "models", "unmapped_names") else "INSERT"
            cursor = db.conn.executemany(f"{verb} INTO {table} ({names}) VALUES ({marks})", rows)
            counts[table] = cursor.rowcount
        # A history built before OpenRouter's endpoints sweep was a source of its own.
        hand_host_offers_to_the_sweep(db)
        db.execute(
            f"INSERT INTO {_LOADED_TABLE} (digest, loaded_at, price_rows) VALUES (?, ?, ?)",
            (digest, loaded_at, counts["prices"]),
        )
    return ImportSummary(counts)


def history_contributions(db: Database) -> list[dict[str, Any]]:
    """What each source of the history holds: one row per source and origin.

    ``periods`` counts price periods, ``changes`` those that follow an earlier period of the
    same offer, ``first``/``last`` the observation times they span; ``citations`` how many
    versions (commits or recorded responses) were read, from which repositories or URLs.
    """
    rows = db.execute(
        """
        SELECT r.source, p.origin, count(DISTINCT p.offer_id) AS offers, count(*) AS periods,
               sum(CASE WHEN EXISTS (SELECT 1 FROM prices q WHERE q.offer_id = p.offer_id
                                     AND q.valid_to = p.valid_from) THEN 1 ELSE 0 END) AS changes,
               min(p.valid_from) AS first, max(coalesce(p.last_seen, p.valid_from)) AS last
        FROM prices p JOIN runs r ON r.id = p.run_id
        GROUP BY r.source, p.origin ORDER BY r.source, p.origin
        """
    ).fetchall()
    out = []
    for source, origin, offers, periods, changes, first, last in rows:
        cited = db.execute(
            """
            SELECT coalesce(f.repository, f.url), count(*) FROM fetches f JOIN runs r ON r.id = f.run_id
            WHERE r.source = ? GROUP BY 1 ORDER BY 1
            """,
            (source,),
        ).fetchall()
        out.append(
            {
                "source": source,
                "origin": origin,
                "offers": offers,
                "periods": periods,
                "changes": changes,
                "first": first,
                "last": last,
                "citations": {where: count for where, count in cited},
            }
        )
    return out
