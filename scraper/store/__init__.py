"""The store: the one place that reads and writes the project's SQLite tables.

Every SQL statement (and every sqlite-utils table access) on the project's tables lives
in this package, split by job:

    schema.py        migrations (sqlite-utils ``Migrations``), views, ``open_database`` for writers
    times.py         the one time format (UTC ISO 8601 text, compared as text)
    observations.py  ``Observation``: what writers hand the store (pure values)
    prices.py        price timelines: placing observations, delisting, closing
    runs.py          the ``runs`` rows
    raw.py           raw bodies, the fetch log, the monthly archives (and vacuum's queries)
    writer.py        catalog rows, unmapped names, quarantine, curated citations, fx rates
    reparse.py       the queries and writes of `pricewatch reparse`
    reader.py        ``StoreReader``: the typed protocol the read-only commands and the site
                     receive, on stdlib sqlite3 opened ``mode=ro``

The rules:

- Nothing outside this package writes SQL on the project's tables or touches a table
  through sqlite-utils (tests/test_architecture.py checks it). The one exception is the
  user's own SQL of `pricewatch query`, run read-only through ``StoreReader.run_user_query``.
- Writers (refresh, curated, backfill, reparse, fx, housekeeping) get a sqlite-utils
  ``Database`` from ``open_database`` and pass it to the functions here, which take it as
  their first argument; there is no module-level connection. Transactions are the caller's
  (``with db.atomic():``): one per source run.
- Readers get a ``StoreReader`` (``open_reader``) and receive plain values from it, never a
  connection, a cursor or SQL; ``reader.py`` imports neither sqlite-utils nor pydantic, so
  the read-only commands start fast.
- The store never imports ``pricewatch.analysis``: it returns its own values
  (``PricePeriod``, ``CurrentPrice``...), which the front (``pricewatch.inputs``,
  ``pricewatch.crosscheck``) turns into the analysis' types. Analysis receives values,
  never rows or a connection.

Prices are exact: canonical decimal TEXT per million tokens (``pricewatch.money``), never
REAL. History is change-only: an unchanged refresh only moves ``last_seen``.

The names below are imported lazily (PEP 562), so ``from pricewatch.scraper.store import
open_reader`` does not import sqlite-utils through the writers' modules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pricewatch.scraper.store.observations import (
        ApplyStats,
        Observation,
        UnitObservation,
        observation_from_json,
        observation_to_json,
    )
    from pricewatch.scraper.store.prices import apply_observations, delist_missing, latest_prices
    from pricewatch.scraper.store.raw import last_fetch, load_raw_body, save_raw_response
    from pricewatch.scraper.store.reader import StoreReader, open_reader
    from pricewatch.scraper.store.runs import (
        ORIGINS,
        RUN_STATUSES,
        abandon_running_runs,
        finish_run,
        last_ok_run,
        start_run,
    )
    from pricewatch.scraper.store.schema import Database, migrations, open_database
    from pricewatch.scraper.store.times import TIME_FORMAT, format_time, now_text, parse_time
    from pricewatch.scraper.store.writer import record_unmapped, sync_catalog

# Public name -> the submodule that defines it.
_EXPORTS = {
    "TIME_FORMAT": "times",
    "format_time": "times",
    "now_text": "times",
    "parse_time": "times",
    "ApplyStats": "observations",
    "Observation": "observations",
    "UnitObservation": "observations",
    "observation_from_json": "observations",
    "observation_to_json": "observations",
    "ORIGINS": "runs",
    "RUN_STATUSES": "runs",
    "abandon_running_runs": "runs",
    "finish_run": "runs",
    "last_ok_run": "runs",
    "start_run": "runs",
    "Database": "schema",
    "migrations": "schema",
    "open_database": "schema",
    "last_fetch": "raw",
    "load_raw_body": "raw",
    "save_raw_response": "raw",
    "apply_observations": "prices",
    "delist_missing": "prices",
    "latest_prices": "prices",
    "record_unmapped": "writer",
    "sync_catalog": "writer",
    "StoreReader": "reader",
    "open_reader": "reader",
}

__all__ = [
    "ORIGINS",
    "RUN_STATUSES",
    "TIME_FORMAT",
    "ApplyStats",
    "Database",
    "Observation",
    "StoreReader",
    "UnitObservation",
    "abandon_running_runs",
    "apply_observations",
    "delist_missing",
    "finish_run",
    "format_time",
    "last_fetch",
    "last_ok_run",
    "latest_prices",
    "load_raw_body",
    "migrations",
    "now_text",
    "observation_from_json",
    "observation_to_json",
    "open_database",
    "open_reader",
    "parse_time",
    "record_unmapped",
    "save_raw_response",
    "start_run",
    "sync_catalog",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
