"""Runs: one row per source per refresh, load or backfill, written before the work and closed after."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from pricewatch.errors import StoreError
from pricewatch.scraper.store.times import now_text

__all__ = [
    "ORIGINS",
    "RUN_STATUSES",
    "abandon_fetch",
    "abandon_running_runs",
    "finish_run",
    "last_ok_run",
    "start_run",
]

ORIGINS = ("live", "replay", "backfill", "curated")
RUN_STATUSES = ("running", "ok", "partial", "failed", "abandoned")
# How many of a partial run's problems its row keeps (the count is in ``errors``).
MAX_STORED_PROBLEMS = 100


def start_run(
    db: Database, source: str, origin: str, started_at: str | None = None, pid: int | None = None
) -> int:
    """Insert a `running` row for one source's run and commit it at once (it must survive a crash)."""
    if origin not in ORIGINS:
        raise StoreError(f"unknown origin {origin!r}")
    with db.atomic():
        table = db.table("runs")
        table.insert(
            {
                "source": source,
                "origin": origin,
                "started_at": started_at or now_text(),
                "status": "running",
                "records_seen": 0,
                "models_seen": 0,
                "prices_changed": 0,
                "errors": 0,
                "pid": pid,
            }
        )
        run_id = table.last_pk
        assert run_id is not None  # an insert into a rowid table always has one
        return int(run_id)


def finish_run(
    db: Database,
    run_id: int,
    status: str,
    *,
    records_seen: int = 0,
    models_seen: int = 0,
    prices_changed: int = 0,
    errors: int = 0,
    error: str | None = None,
    observed_at: str | None = None,
    problems: list[str] | None = None,
) -> None:
    """Close a run with its status and counts (inside the caller's transaction, if any).

    ``problems`` (a partial run's unreadable items and failed pages) is stored as a JSON
    list, the first ``MAX_STORED_PROBLEMS`` of them, for `pricewatch status` to name.

    ``observed_at`` is when the run's data was observed: a replay's recorded time, a
    backfill's newest commit, the newest curated row; a live run (and a failure) is
    observed when it ran, the default. Sources are aged by it, never by when a replay ran.
    """
    if status not in RUN_STATUSES:
        raise StoreError(f"unknown run status {status!r}")
    finished = now_text()
    db.table("runs").update(
        run_id,
        {
            "finished_at": finished,
            "observed_at": observed_at or finished,
            "status": status,
            "records_seen": records_seen,
            "models_seen": models_seen,
            "prices_changed": prices_changed,
            "errors": errors,
            "error": error,
            "problems": json.dumps(problems[:MAX_STORED_PROBLEMS]) if problems else None,
        },
    )
    if status in ("ok", "partial"):
        # A run may have written a period a cited correction says is wrong: correct it.
        from pricewatch.scraper.store.corrections import sync_corrections

        sync_corrections(db)


def abandon_fetch(db: Database, source: str, origin: str, started_at: str, pid: int | None = None) -> int:
    """An `abandoned` run of a refresh stopped while fetching (it had written nothing yet)."""
    run_id = start_run(db, source, origin, started_at=started_at, pid=pid)
    with db.atomic():
        finish_run(db, run_id, "abandoned", error="stopped while fetching, before anything was stored")
    return run_id


def abandon_running_runs(db: Database) -> int:
    """Mark runs left `running` by a process that died as `abandoned`; call with the writer lock held.

    A run left running means a process died mid-write: SQLite's ``quick_check`` runs first,
    and a damaged file is refused (DamagedDatabaseError) before anything is written to it.
    """
    from pricewatch.scraper.store.files import refuse_damaged

    if db.execute("SELECT 1 FROM runs WHERE status = 'running' LIMIT 1").fetchone():
        refuse_damaged(db.conn, db.conn.execute("PRAGMA database_list").fetchone()[2])
    with db.atomic():
        cursor = db.execute(
            "UPDATE runs SET status = 'abandoned', finished_at = ?, "
            "error = coalesce(error, 'the process stopped before the run finished') "
            "WHERE status = 'running'",
            [now_text()],
        )
        return cursor.rowcount


def last_ok_run(db: Database, source: str) -> dict[str, Any] | None:
    """The latest run of ``source`` that finished ok, or None."""
    rows = list(
        db.query(
            "SELECT * FROM runs WHERE source = ? AND status = 'ok' ORDER BY started_at DESC, id DESC LIMIT 1",
            [source],
        )
    )
    return rows[0] if rows else None
