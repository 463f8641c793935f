"""Export a database's real history into data/history/, and load it into a new database.

The store does the rows (``store.shipped``); this module adds the edges: the writer lock,
the summary file people read (``data/history/SUMMARY.json``: per source, what it
contributed and where it was read), and the digest that makes a second load a no-op.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pricewatch.scraper.store.shipped import ImportSummary

__all__ = ["SUMMARY_FILE", "run_export_history", "run_load_history"]

SUMMARY_FILE = "SUMMARY.json"


def _renamed(citations: Mapping[str, int], repositories: Mapping[str, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for where, count in citations.items():
        key = repositories.get(where, where)
        out[key] = out.get(key, 0) + count
    return out


def run_export_history(
    db_path: Path, out_dir: Path, repositories: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Write ``db_path``'s history into ``out_dir``; returns the summary."""
    from pricewatch.scraper.lock import writer_lock
    from pricewatch.scraper.store import open_database
    from pricewatch.scraper.store.shipped import export_history, history_contributions

    repositories = dict(repositories or {})
    with writer_lock(db_path):
        db = open_database(db_path)
        try:
            counts = export_history(db, out_dir, repositories)
            sources = history_contributions(db)
        finally:
            db.conn.close()
    for row in sources:
        row["citations"] = _renamed(row["citations"], repositories)
    newest = max((row["last"] for row in sources if row["last"]), default=None)
    summary = {
        "data_as_of": newest,
        "rows": counts,
        "sources": sources,
        "size_bytes": sum(p.stat().st_size for p in out_dir.glob("*.jsonl.gz")),
    }
    (out_dir / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def run_load_history(
    db_path: Path,
    history_dir: Path,
    *,
    wait: bool = True,
    on_wait: Callable[[Path], None] | None = None,
) -> ImportSummary:
    """Load the shipped history in ``history_dir`` into the database at ``db_path`` (new, or loaded before)."""
    from pricewatch.paths import shipped_data_dir
    from pricewatch.scraper.fx import load_fx_rates, read_fx_rates
    from pricewatch.scraper.lock import writer_lock
    from pricewatch.scraper.store import now_text, open_database
    from pricewatch.scraper.store.shipped import import_history

    rates = read_fx_rates(shipped_data_dir() / "fx_rates.csv")
    with writer_lock(db_path, wait=wait, on_wait=on_wait):
        db = open_database(db_path)
        try:
            loaded = import_history(db, history_dir, now_text())
            # The dated currency rates behind current_prices_usd (a refresh loads them too).
            with db.atomic():
                load_fx_rates(db, rates)
            return loaded
        finally:
            db.conn.close()
