"""How we know each price: its last confirmation (time and source), and sources aged by observation time."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from pricewatch.queries import source_status
from pricewatch.refresh_command import run_demo
from pricewatch.scraper.scheduler import SourceRuns, last_run_times
from pricewatch.scraper.store import Observation, apply_observations, migrations, open_database
from pricewatch.scraper.store.reader import open_reader

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _observation(price: Decimal, at: str, model: str = "m/x", provider: str = "p") -> Observation:
    return Observation(
        model, provider, "standard", 0, "", at, prices=(price, price * 2, None, None, None, None)
    )


def _memory_db() -> Database:
    db = Database(memory=True)
    migrations.apply(db)
    return db


def _confirmation(db: Database) -> list[tuple]:
    return [
        (r["valid_from"], r["valid_to"], r["last_seen"], r["last_seen_by"])
        for r in db.query("SELECT * FROM prices ORDER BY valid_from")
    ]


def test_a_price_row_remembers_which_source_last_saw_it_and_when():
    db = _memory_db()
    with db.atomic():
        apply_observations(
            db,
            [_observation(Decimal(5), "2026-01-01T00:00:00Z")],
            origin="curated",
            run_id=None,
            source="curated",
        )
        apply_observations(
            db,
            [_observation(Decimal(5), "2026-03-01T00:00:00Z")],
            origin="replay",
            run_id=None,
            source="openrouter",
        )
    # The curated row keeps its origin; a measured source confirmed it at its recorded time.
    assert _confirmation(db) == [("2026-01-01T00:00:00Z", None, "2026-03-01T00:00:00Z", "openrouter")]
    [row] = db.query("SELECT origin, confirmed_by, last_seen FROM current_prices")
    assert row == {"origin": "curated", "confirmed_by": "openrouter", "last_seen": "2026-03-01T00:00:00Z"}


def test_a_late_observation_placed_inside_history_names_its_source():
    db = _memory_db()
    with db.atomic():
        for at in ("2026-01-01T00:00:00Z", "2026-05-01T00:00:00Z"):
            apply_observations(db, [_observation(Decimal(5), at)], origin="live", run_id=None, source="a")
        # A backfill fills the history in: same price, between the two sightings.
        apply_observations(
            db, [_observation(Decimal(5), "2026-02-01T00:00:00Z")], origin="backfill", run_id=None, source="b"
        )
        # A changed price closes the row; the closed row keeps its last confirmation.
        apply_observations(
            db, [_observation(Decimal(4), "2026-06-01T00:00:00Z")], origin="live", run_id=None, source="a"
        )
    assert _confirmation(db) == [
        ("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-05-01T00:00:00Z", "a"),
        ("2026-06-01T00:00:00Z", None, "2026-06-01T00:00:00Z", "a"),
    ]


def _old_schema(path: Path) -> Database:
    """A database made by the migrations before this part's (``m_confirm_*``)."""
    old = Migrations("pricewatch")
    old._migrations = [m for m in migrations._migrations if not m.name.startswith("m_confirm")]
    db = Database(path)
    old.apply(db)
    return db


def test_an_older_database_is_carried_forward(db_path):
    db = _old_schema(db_path)
    with db.atomic():
        db["runs"].insert(
            {
                "id": 1,
                "source": "openrouter",
                "origin": "replay",
                "started_at": "2026-12-01T00:00:00Z",
                "finished_at": "2026-12-01T00:00:01Z",
                "status": "ok",
            }
        )
        db["offers"].insert({"id": 1, "model_id": "m/x", "provider_id": "p", "tier": "standard"})
        at = "2026-08-22T18:35:39Z"
        db["prices"].insert(
            {"offer_id": 1, "valid_from": at, "last_seen": at, "run_id": 1, "origin": "replay", "input": "5"}
        )
        db["fetches"].insert({"run_id": 1, "url": "u", "status": 200, "fetched_at": at})
    db.close()
    # Read as it is (read-only commands never migrate): a run's start is all it has.
    assert last_run_times(db_path) == {"openrouter": SourceRuns(datetime(2026, 12, 1, tzinfo=UTC))}
    db = open_database(db_path)
    assert [r["last_seen_by"] for r in db.query("SELECT last_seen_by FROM prices")] == ["openrouter"]
    assert [r["observed_at"] for r in db.query("SELECT observed_at FROM runs")] == [at]
    assert [r["confirmed_by"] for r in db.query("SELECT confirmed_by FROM current_prices")] == ["openrouter"]
    db.close()
    assert last_run_times(db_path) == {
        "openrouter": SourceRuns(datetime(2026, 8, 22, 18, 35, 39, tzinfo=UTC))
    }


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "pricewatch.db"
    run_demo(path, None)
    return path


def test_a_replayed_run_is_observed_when_it_was_recorded_not_when_it_ran(demo_db):
    times = {source: runs.observed_at for source, runs in last_run_times(demo_db).items()}
    assert times["openrouter"] == datetime(2026, 8, 22, 18, 35, 39, tzinfo=UTC)
    assert times["deepseek"] == datetime(2026, 9, 13, tzinfo=UTC)
    assert times["google"] == datetime(2026, 8, 18, tzinfo=UTC)
    # The curated file is as of its newest row.
    assert times["curated"] < datetime(2026, 9, 13, tzinfo=UTC)


def test_status_ages_sources_by_observation_time(demo_db):
    rows = {r["source"]: r for r in source_status(open_reader(demo_db), ["openrouter", "google"], now=NOW)}
    assert rows["google"]["data_as_of"] == "2026-08-18T00:00:00Z"
    assert rows["google"]["age"] == "105d" and rows["google"]["stale"] is True
    assert rows["openrouter"]["age"] == "100d"
    assert "stale: data as of 2026-08-18T00:00:00Z, 105d old" in rows["google"]["problem"]


def test_every_stored_price_names_the_source_that_last_confirmed_it(demo_db):
    with closing(sqlite3.connect(demo_db)) as conn:
        missing = conn.execute("SELECT count(*) FROM prices WHERE last_seen_by IS NULL").fetchone()[0]
        by = dict(conn.execute("SELECT confirmed_by, count(*) FROM current_prices GROUP BY 1").fetchall())
    assert missing == 0
    assert by["deepseek"] >= 1 and by["openrouter"] >= 1 and by["curated"] >= 1
