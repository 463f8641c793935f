"""Cells of the CSV files pricewatch writes (downloads, ``--format csv``), safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula: a model named ``=HYPERLINK("http://evil", "x")``
in a source's listing would become a link, or worse, in whoever opens
``current-prices.csv``. Such text cells get a leading ``'`` (OWASP's advice), which
spreadsheets show as text; plain numbers (``-1``, ``0.5``, ``1e-6``) stay as they are.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["csv_cell"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: None -> "", a text a spreadsheet would run -> prefixed with ``'``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
