"""What the views need to apply the "current" rule in SQL: the catalog's cited lifecycle
dates, which providers sell a model as its maker, and the curated window setting.

The rule itself is ``pricewatch.analysis.lifecycle``'s (retirement ends a maker's offer and
any offer no source saw since; a curated price is current only within a window of its last
confirmation). Its inputs live in the catalog and in a command-line setting, so a plain SQL
reader (``pricewatch query``, Datasette) could not apply it; this module copies them into
the database whenever the catalog is loaded (``sync_catalog``), and the views
(``views.py``) read them from here:

- ``model_lifecycle``: one row per cited date of data/catalog.toml (``event`` deprecated or
  retired), with its citation;
- ``model_makers``: (model, provider) for every provider that sells a catalogued model as
  its maker (the catalog's ``maker_of``);
- ``settings``: ``curated_window_days``, written when a command that loads the catalog is
  given the setting; the views fall back to ``pricewatch.defaults`` without a row.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from pricewatch.defaults import CURATED_WINDOW_SETTING
from pricewatch.scraper.catalog import Catalog

__all__ = ["stored_setting", "write_curated_window", "write_model_lifecycle"]

LIFECYCLE_EVENTS = ("deprecated", "retired")


def write_model_lifecycle(db: Database, catalog: Catalog) -> None:
    """Make ``model_lifecycle`` and ``model_makers`` the catalog's (inside the caller's
    transaction); an unchanged catalog writes nothing."""
    lifecycle = {
        (model.id, event, cited.on.isoformat(), cited.source, cited.evidence, cited.confidence)
        for model in catalog.models.values()
        for event in LIFECYCLE_EVENTS
        if (cited := getattr(model, event)) is not None
    }
    makers = {
        (model_id, provider_id) for model_id in catalog.models for provider_id in catalog.makers_of(model_id)
    }
    _replace(
        db,
        "model_lifecycle",
        ("model_id", "event", "on_date", "source_url", "evidence", "confidence"),
        lifecycle,
    )
    _replace(db, "model_makers", ("model_id", "provider_id"), makers)


def _replace(db: Database, table: str, columns: tuple[str, ...], rows: set[tuple[Any, ...]]) -> None:
    stored = {tuple(row) for row in db.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()}
    if stored == rows:
        return
    db.execute(f"DELETE FROM {table}")
    if rows:
        db.table(table).insert_all(dict(zip(columns, row, strict=True)) for row in sorted(rows))


def write_curated_window(db: Database, days: int) -> None:
    """Store the curated window the views apply (days >= 1)."""
    if days < 1:
        raise ValueError(f"the curated window is a whole number of days >= 1, not {days}")
    if stored_setting(db, CURATED_WINDOW_SETTING) == str(days):
        return
    db.execute(
        "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        [CURATED_WINDOW_SETTING, str(days)],
    )


def stored_setting(db: Database, name: str) -> str | None:
    """A setting's stored value, or None."""
    row = db.execute("SELECT value FROM settings WHERE name = ?", [name]).fetchone()
    return None if row is None else row[0]
