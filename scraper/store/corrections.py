"""Corrections: a cited curated correction overrides a wrong stored price, and says so.

``corrections`` holds data/corrections.csv as loaded (replaced whole by each load): for one
offer and one price field, from a time (and until one, or open), the value that was stored
by mistake, the right one, why, and a citation. ``sync_corrections`` makes ``prices`` agree:
every period of that offer in the range whose field still holds the wrong value gets the
right one, and ``price_corrections`` records each such change (period, field, what was
stored, what is right), so the history shows the correction as a correction. A correction
removed from the file is undone the same way. It runs at the end of every writing run
(``finish_run``) and after a reparse, so a period written again from the same wrong
observation is corrected again.

Why write the right value rather than overlay it when reading: every reader (the views,
the analysis, the site, the change log) then sees one truth without knowing about
corrections, and what was stored stays in ``price_corrections``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlite_utils import Database

from pricewatch.errors import StoreError
from pricewatch.fields import PRICE_FIELDS

__all__ = ["correction_id", "replace_corrections", "sync_corrections"]

_KEY = (
    "model",
    "provider",
    "tier",
    "min_prompt_tokens",
    "variant",
    "valid_from",
    "field",
    "stored",
    "corrected",
)


def correction_id(row: Mapping[str, Any]) -> str:
    """A stable id for a correction: what it targets and what it changes (not its wording)."""
    return hashlib.sha256("|".join(str(row.get(k)) for k in _KEY).encode()).hexdigest()[:16]


def replace_corrections(db: Database, rows: Iterable[Mapping[str, Any]]) -> int:
    """Replace the ``corrections`` table by ``rows`` (inside the caller's transaction); then sync."""
    records = [{"id": correction_id(row), **row} for row in rows]
    for record in records:
        if record["field"] not in PRICE_FIELDS:
            raise StoreError(f"not a price field: {record['field']!r}")
    db.execute("DELETE FROM corrections")
    if records:
        db.table("corrections").insert_all(records, pk="id", replace=True)
    return sync_corrections(db)


def sync_corrections(db: Database) -> int:
    """Make ``prices`` agree with ``corrections``; returns how many period fields it changed."""
    if "price_corrections" not in db.table_names():
        return 0
    changed = 0
    db.execute("DELETE FROM price_corrections WHERE price_id NOT IN (SELECT id FROM prices)")
    # Undo what no current correction asks for (removed from the file, or changed).
    stale = list(
        db.query(
            "SELECT pc.price_id, pc.field, pc.stored, pc.corrected FROM price_corrections pc "
            "LEFT JOIN corrections c ON c.id = pc.correction_id WHERE c.id IS NULL"
        )
    )
    for row in stale:
        field = _field(row["field"])
        db.execute(
            f"UPDATE prices SET {field} = ? WHERE id = ? AND {field} IS ?",
            [row["stored"], row["price_id"], row["corrected"]],
        )
        db.execute("DELETE FROM price_corrections WHERE price_id = ? AND field = ?", [row["price_id"], field])
        changed += 1
    for c in list(db.query("SELECT * FROM corrections ORDER BY valid_from, id")):
        field = _field(c["field"])
        targets = list(
            db.query(
                f"SELECT p.id FROM prices p JOIN offers o ON o.id = p.offer_id "
                "WHERE o.model_id = ? AND o.provider_id = ? AND o.tier = ? AND o.min_prompt_tokens = ? "
                "AND o.variant = ? AND (p.valid_to IS NULL OR p.valid_to > ?) "
                "AND (? IS NULL OR p.valid_from < ?) "
                f"AND p.{field} IS ? "
                "AND NOT EXISTS (SELECT 1 FROM price_corrections x WHERE x.price_id = p.id AND x.field = ?)",
                [
                    c["model"],
                    c["provider"],
                    c["tier"],
                    c["min_prompt_tokens"],
                    c["variant"],
                    c["valid_from"],
                    c["valid_until"],
                    c["valid_until"],
                    c["stored"],
                    field,
                ],
            )
        )
        for target in targets:
            db.execute(f"UPDATE prices SET {field} = ? WHERE id = ?", [c["corrected"], target["id"]])
            db.table("price_corrections").insert(
                {
                    "price_id": target["id"],
                    "field": field,
                    "stored": c["stored"],
                    "corrected": c["corrected"],
                    "correction_id": c["id"],
                },
                pk=("price_id", "field"),
                replace=True,
            )
            changed += 1
    return changed


def _field(name: str) -> str:
    # Column names go into SQL text: only the known price fields.
    if name not in PRICE_FIELDS:
        raise StoreError(f"not a price field: {name!r}")
    return name
