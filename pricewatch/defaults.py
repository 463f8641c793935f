"""Defaults of settings that more than one layer applies (base layer: imports nothing of ours).

The curated confirmation window is applied twice, by one rule: in Python
(``pricewatch.analysis.lifecycle``) and in the database's views (``scraper/store/views.py``),
which use the database's stored copy of the setting (table ``settings``) and fall back to
this default when none is stored.
"""

from __future__ import annotations

__all__ = ["CURATED_WINDOW_DAYS", "CURATED_WINDOW_SETTING"]

#: How long a curated price stays current after its last confirmation, in days
#: (``pricewatch --curated-window-days``, env PRICEWATCH_CURATED_WINDOW_DAYS).
CURATED_WINDOW_DAYS = 120

#: Its row name in the database's ``settings`` table.
CURATED_WINDOW_SETTING = "curated_window_days"
