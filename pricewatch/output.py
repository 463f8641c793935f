"""Rendering rows for the terminal: a plain text table, CSV or JSON (``--format``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pricewatch.cells import csv_cell
from pricewatch.text import clean_text

__all__ = ["FORMATS", "render_rows"]

FORMATS = ("table", "csv", "json")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return clean_text(str(value))  # a scraped name's ESC or NUL never reaches the terminal


def render_rows(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, fmt: str = "table"
) -> str:
    """Rows as text in ``fmt``; ``columns`` picks and orders the keys (default: the first row's)."""
    if columns is None:
        columns = list(rows[0].keys()) if rows else []
    if fmt == "json":
        return json.dumps([{c: row.get(c) for c in columns} for row in rows], indent=2, default=str) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(_cell(row.get(c))) for c in columns])  # no formulas
        return buffer.getvalue()
    if not rows:
        return "(no rows)\n"
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells)
    return "\n".join(lines) + "\n"
