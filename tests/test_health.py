"""A source's health (ok / degraded / failing / stale) and `status --check` on it.

A steady known partial (a maker's model file without a price, refreshed every time the
same way) is degraded: reported, named, exit 0. A failing or stale source exits 1.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import respx
from click.testing import CliRunner
from httpx import Response
from openrouter_bodies import LIST_URL, TRUE_PRICES, models_body

from pricewatch.cli import cli
from pricewatch.queries import check_fails, source_status
from pricewatch.scraper.sources import SOURCE_NAMES
from pricewatch.scraper.store import format_time, open_database
from pricewatch.scraper.store.reader import open_reader

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
UNPRICED = [
    "mistral-ocr-2512: no token price: skipped",
    "voxtral-mini: unknown input label 'minute': skipped",
]


def _run(db_path, source: str, age: timedelta, status: str, now: datetime, problems=None, error=None):
    db = open_database(db_path)
    finished = now - age
    db["runs"].insert(
        {
            "source": source,
            "origin": "live",
            "started_at": format_time(finished - timedelta(seconds=5)),
            "finished_at": format_time(finished),
            "observed_at": format_time(finished),
            "status": status,
            "records_seen": 10,
            "models_seen": 5,
            "prices_changed": 0,
            "errors": len(problems or []) + (1 if error else 0),
            "error": error
            or (
                f"{len(problems)} problem{'' if len(problems) == 1 else 's'}; first: {problems[0]}"
                if problems
                else None
            ),
            "problems": json.dumps(problems) if problems else None,
        }
    )
    db.conn.close()


def _fresh_everywhere(db_path, now):
    for source in SOURCE_NAMES:
        _run(db_path, source, timedelta(minutes=5), "ok", now)


def _rows(db_path, now=NOW):
    reader = open_reader(db_path)
    try:
        return {r["source"]: r for r in source_status(reader, ["mistral", "openrouter"], now=now)}
    finally:
        reader.close()


def _check(db_path):
    return CliRunner().invoke(cli, ["status", "--check", "--db", str(db_path), "--format", "json"])


def test_a_steady_partial_source_is_degraded_with_its_items_named_and_passes_the_check(db_path):
    now = datetime.now(UTC)
    _fresh_everywhere(db_path, now)
    for hours in (13, 7, 1):  # partial, the same two items, every run
        _run(db_path, "mistral", timedelta(hours=hours), "partial", now, problems=UNPRICED)
    row = _rows(db_path, now)["mistral"]
    assert row["health"] == "degraded"
    assert row["problem"] == "degraded: 2 items without a usable price: " + "; ".join(UNPRICED)
    assert row["data_as_of"] == format_time(now - timedelta(hours=1))  # a partial run's data counts
    result = _check(db_path)
    assert result.exit_code == 0, result.output
    assert '"health": "degraded"' in result.output


def test_a_failing_source_fails_the_check_and_says_since_when(db_path):
    now = datetime.now(UTC)
    _fresh_everywhere(db_path, now)
    _run(db_path, "mistral", timedelta(minutes=30), "failed", now, error="mistral: HTTP 503")
    _run(db_path, "mistral", timedelta(minutes=10), "failed", now, error="mistral: HTTP 503")
    row = _rows(db_path, now)["mistral"]
    assert row["health"] == "failing"
    assert row["failing_since"] == format_time(now - timedelta(minutes=30))
    assert "(2 failed runs)" in row["problem"] and row["last_error"] == "mistral: HTTP 503"
    result = _check(db_path)
    assert result.exit_code == 1
    assert '"health": "failing"' in result.output


def test_a_stale_source_fails_the_check(db_path):
    now = datetime.now(UTC)
    for source in SOURCE_NAMES:
        age = timedelta(hours=4) if source == "openrouter" else timedelta(minutes=5)
        _run(db_path, source, age, "ok", now)
    assert _rows(db_path, now)["openrouter"]["health"] == "stale"
    result = _check(db_path)
    assert result.exit_code == 1
    assert '"health": "stale"' in result.output and "over 3x its 1h interval" in result.output


def test_a_partial_after_failures_is_degraded_again_and_an_abandoned_run_is_no_failure(db_path):
    _run(db_path, "mistral", timedelta(hours=3), "failed", NOW, error="boom")
    _run(db_path, "mistral", timedelta(hours=2), "partial", NOW, problems=UNPRICED[:1])
    _run(db_path, "mistral", timedelta(hours=1), "abandoned", NOW, error="the process stopped")
    row = _rows(db_path)["mistral"]
    assert row["health"] == "degraded" and row["failing_since"] == ""
    assert "1 item without a usable price: mistral-ocr-2512" in row["problem"]
    assert "last run abandoned" in row["problem"]
    assert check_fails([row]) == []


def test_a_refresh_with_an_unpriced_item_stores_the_items_and_reports_degraded(db_path):
    prices = {**TRUE_PRICES, "acme/no-price": ("not a price", "0.000001")}
    with respx.mock(assert_all_called=False) as mock:
        mock.get(LIST_URL).mock(return_value=Response(200, json=models_body(prices)))
        result = CliRunner().invoke(cli, ["refresh", "--db", str(db_path), "--source", "openrouter"])
    assert result.exit_code == 1, result.output  # refresh itself says partial
    row = _rows(db_path, datetime.now(UTC))["openrouter"]
    assert row["health"] == "degraded", row
    assert "acme/no-price" in row["problem"]
