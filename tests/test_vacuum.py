"""`pricewatch vacuum`: old raw responses go into monthly archives (or away), price history stays."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT
from openrouter_bodies import LIST_URL, TRUE_PRICES, models_body

from pricewatch.cli import cli
from pricewatch.errors import StoreError
from pricewatch.scraper.housekeeping import vacuum_raw_responses
from pricewatch.scraper.sources import openrouter
from pricewatch.scraper.store import load_raw_body, open_database, save_raw_response

SNAPSHOT = REPO_ROOT / "data" / "snapshot"
NOW = datetime(2026, 9, 1, tzinfo=UTC)


def _history(db):
    return [tuple(r) for r in db.execute("SELECT * FROM prices ORDER BY id").fetchall()]


def _list_body(step: int) -> bytes:
    prices = {m: (p, f"0.0000{step + 10}") for m, (p, _) in TRUE_PRICES.items()}
    return json.dumps(models_body(prices)).encode()


@pytest.fixture
def db(db_path):
    """A database with prices (the shipped snapshot) and hourly list bodies from June to August."""
    result = CliRunner().invoke(cli, ["refresh", "--db", str(db_path), "--replay", str(SNAPSHOT)])
    assert result.exit_code == 0, result.output
    db = open_database(db_path)
    with db.atomic():
        for step, day in enumerate(["2026-06-10", "2026-06-20", "2026-07-05", "2026-08-30"]):
            save_raw_response(
                db,
                run_id=None,
                url=LIST_URL,
                status=200,
                body=_list_body(step),
                fetched_at=f"{day}T00:00:00Z",
            )
    return db


def test_old_bodies_move_into_monthly_archives_and_stay_readable(db, db_path):
    bodies = {r[0]: load_raw_body(db, r[0]) for r in db.execute("SELECT sha256 FROM raw_responses")}
    history = _history(db)
    report = vacuum_raw_responses(db, older_than=timedelta(days=30), now=NOW, db_path=db_path)
    assert report.months == ["2026-06", "2026-07"]
    assert report.bodies == 3  # June (2) and July (1); the snapshot's August bodies are younger
    archived = dict(db.execute("SELECT month, bodies FROM raw_archives").fetchall())
    assert archived == {"2026-06": 2, "2026-07": 1}
    assert db.execute("SELECT count(*) FROM raw_responses").fetchone()[0] == len(bodies) - 3
    for sha, body in bodies.items():  # every body, archived or not, reads back byte for byte
        assert load_raw_body(db, sha) == body
    assert _history(db) == history


def test_an_archived_body_parses_to_the_same_records(db, db_path):
    sha = db.execute("SELECT sha256 FROM fetches WHERE fetched_at = '2026-06-10T00:00:00Z'").fetchone()[0]
    before = openrouter.parse(LIST_URL, load_raw_body(db, sha)).records
    vacuum_raw_responses(db, older_than=timedelta(days=30), now=NOW, db_path=db_path)
    assert db.execute("SELECT count(*) FROM raw_responses WHERE sha256 = ?", [sha]).fetchone()[0] == 0
    assert openrouter.parse(LIST_URL, load_raw_body(db, sha)).records == before


def test_the_latest_body_of_a_url_is_never_archived(db, db_path):
    report = vacuum_raw_responses(
        db, older_than=timedelta(days=0), now=NOW + timedelta(days=400), db_path=db_path
    )
    latest = db.execute(
        "SELECT sha256 FROM fetches WHERE url = ? ORDER BY fetched_at DESC LIMIT 1", [LIST_URL]
    ).fetchone()[0]
    assert db.execute("SELECT count(*) FROM raw_responses WHERE sha256 = ?", [latest]).fetchone()[0] == 1
    assert report.kept_latest == db.execute("SELECT count(*) FROM raw_responses").fetchone()[0] > 0


def test_a_second_vacuum_extends_the_months_archive(db, db_path):
    vacuum_raw_responses(db, older_than=timedelta(days=75), now=NOW, db_path=db_path)  # June 10 only
    first = db.execute("SELECT sha256 FROM raw_archive_members").fetchall()
    assert len(first) == 1
    vacuum_raw_responses(db, older_than=timedelta(days=30), now=NOW, db_path=db_path)
    assert db.execute("SELECT bodies FROM raw_archives WHERE month = '2026-06'").fetchone() == (2,)
    assert load_raw_body(db, first[0][0]).startswith(b'{"data"')


def test_prune_deletes_old_bodies_and_says_so_when_one_is_asked_for(db, db_path):
    history = _history(db)
    sha = db.execute("SELECT sha256 FROM fetches WHERE fetched_at = '2026-06-10T00:00:00Z'").fetchone()[0]
    report = vacuum_raw_responses(db, older_than=timedelta(days=30), now=NOW, prune=True, db_path=db_path)
    assert report.bodies == 3 and db.execute("SELECT count(*) FROM raw_archives").fetchone() == (0,)
    with pytest.raises(StoreError, match="pruned by `pricewatch vacuum --prune`"):
        load_raw_body(db, sha)
    assert db.execute("SELECT count(*) FROM fetches WHERE sha256 = ?", [sha]).fetchone() == (1,)
    assert _history(db) == history


def test_vacuum_command_reports_what_it_did(db, db_path):
    db.conn.close()
    result = CliRunner().invoke(cli, ["vacuum", "--db", str(db_path), "--older-than", "30"])
    assert result.exit_code == 0, result.output
    assert (
        "Archived" in result.output and "monthly archives" in result.output and "Database:" in result.output
    )


def test_vacuum_of_a_missing_database_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["vacuum", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2  # a missing database is a usage error (no database is created)
    assert result.output.startswith("Error: no database at")


def test_bodies_read_in_fetch_order_decompress_the_month_once(db_path, monkeypatch):
    from pricewatch.scraper.store import raw as store

    db = open_database(db_path)
    with db.atomic():
        for hour in range(24):  # one URL, a new body every hour of 1 May; the last one stays
            fetched_at = f"2026-05-01T{hour:02d}:00:00Z"
            save_raw_response(
                db, run_id=None, url=LIST_URL, status=200, body=_list_body(hour), fetched_at=fetched_at
            )
    in_fetch_order = [r[0] for r in db.execute("SELECT sha256 FROM fetches ORDER BY fetched_at")][:-1]
    expected = {sha: load_raw_body(db, sha) for sha in in_fetch_order}
    report = vacuum_raw_responses(db, older_than=timedelta(days=30), now=NOW, db_path=db_path)
    assert report.bodies == 23 and report.months == ["2026-05"]
    restarts = []
    real_restart = store._ArchiveReader._restart
    monkeypatch.setattr(
        store._ArchiveReader, "_restart", lambda self: restarts.append(1) or real_restart(self)
    )
    for sha in in_fetch_order:
        assert load_raw_body(db, sha) == expected[sha]
    assert len(restarts) == 1  # opened once, read through once
    for sha in reversed(in_fetch_order):  # backwards still works (one pass back per body)
        assert load_raw_body(db, sha) == expected[sha]
