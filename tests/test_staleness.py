"""Staleness: a source whose last ok run is older than three times its interval is flagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from pricewatch.cli import cli
from pricewatch.queries import source_status
from pricewatch.scraper.sources import SOURCE_NAMES
from pricewatch.scraper.store import format_time, open_database
from pricewatch.scraper.store.reader import open_reader

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def _write_runs(db_path, ages: dict[str, timedelta], now: datetime, status: str = "ok") -> None:
    db = open_database(db_path)
    for source, age in ages.items():
        finished = now - age
        db["runs"].insert(
            {
                "source": source,
                "origin": "live",
                "started_at": format_time(finished - timedelta(seconds=5)),
                "finished_at": format_time(finished),
                "status": status,
                "records_seen": 10,
                "models_seen": 5,
                "prices_changed": 0,
                "errors": 0,
            }
        )
    db.conn.close()


def _status(db_path, *args):
    return CliRunner().invoke(cli, ["status", "--db", str(db_path), *args])


def test_a_source_older_than_three_intervals_is_stale(db_path):
    _write_runs(db_path, {"openrouter": timedelta(hours=3, minutes=1)}, NOW)
    rows = {r["source"]: r for r in source_status(open_reader(db_path), ["openrouter"], now=NOW)}
    assert rows["openrouter"]["stale"] is True
    assert (
        rows["openrouter"]["problem"]
        == "stale: data as of 2026-09-01T08:59:00Z, 3h old, over 3x its 1h interval"
    )


def test_a_source_within_three_intervals_is_not_stale(db_path):
    _write_runs(db_path, {"openrouter": timedelta(hours=2, minutes=59)}, NOW)
    rows = {r["source"]: r for r in source_status(open_reader(db_path), ["openrouter"], now=NOW)}
    assert rows["openrouter"]["stale"] is False and rows["openrouter"]["problem"] == ""


def test_intervals_can_be_given_and_an_unscheduled_source_is_never_stale(db_path):
    _write_runs(db_path, {"openrouter": timedelta(days=30), "curated": timedelta(days=300)}, NOW)
    reader = open_reader(db_path)
    rows = {r["source"]: r for r in source_status(reader, ["openrouter"], now=NOW, intervals={})}
    assert not rows["openrouter"]["stale"] and not rows["curated"]["stale"]
    rows = {r["source"]: r for r in source_status(reader, ["openrouter"], now=NOW)}
    assert rows["openrouter"]["stale"] and not rows["curated"]["stale"]


def test_a_failing_stale_source_names_both_problems(db_path):
    _write_runs(db_path, {"openrouter": timedelta(days=2)}, NOW)
    _write_runs(db_path, {"openrouter": timedelta(hours=1)}, NOW, status="failed")
    row = source_status(open_reader(db_path), ["openrouter"], now=NOW)[0]
    assert row["problem"] == (
        "last run failed; failing since 2026-09-01T11:00:00Z (1 failed run); "
        "stale: data as of 2026-08-30T12:00:00Z, 2d old, over 3x its 1h interval"
    )
    assert row["health"] == "failing" and row["failing_since"] == "2026-09-01T11:00:00Z"


def test_status_check_exits_1_on_a_stale_source(db_path):
    now = datetime.now(UTC)
    fresh = dict.fromkeys(SOURCE_NAMES, timedelta(minutes=5))
    _write_runs(db_path, {**fresh, "openrouter": timedelta(hours=4)}, now)
    result = _status(db_path, "--check", "--format", "json")
    assert result.exit_code == 1, result.output
    assert '"stale": true' in result.output and "over 3x its 1h interval" in result.output


def test_status_check_exits_0_when_every_source_is_fresh(db_path):
    _write_runs(db_path, dict.fromkeys(SOURCE_NAMES, timedelta(minutes=5)), datetime.now(UTC))
    result = _status(db_path, "--check")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("every", "code"), [("10m", 1), ("1h", 0)])
def test_status_config_sets_the_intervals(db_path, tmp_path, every, code):
    _write_runs(db_path, dict.fromkeys(SOURCE_NAMES, timedelta(minutes=45)), datetime.now(UTC))
    config = tmp_path / "schedule.toml"
    config.write_text(
        f'[kinds]\naggregator = {{ every = "{every}" }}\nfirst-party = {{ every = "{every}" }}\n'
        f'host = {{ every = "{every}" }}\n'
    )
    assert _status(db_path, "--check", "--config", str(config)).exit_code == code
