"""Scheduled price changes: a dated cell is stored apart until its day, then placed at that day.

Google's "$0.75 through December 31, 2026. $1.50 starting January 1, 2027." read on
2026-08-18 is a price in force ($0.75) and a scheduled change ($1.50 from 2027-01-01);
read again after the day, the change is in the history from 2027-01-01. Every time here
is the recorded time of the response, never the wall clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx

from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.records import make_record
from pricewatch.scraper.scheduled import split_schedule
from pricewatch.scraper.sources import google
from pricewatch.scraper.store import open_database, open_reader
from pricewatch.site.model import load_site_data
from pricewatch.site.sections import model_page

AUGUST, SEPTEMBER, JANUARY = "2026-08-18T00:00:00Z", "2026-09-01T00:00:00Z", "2027-01-05T00:00:00Z"
DAY = "2027-01-01T00:00:00Z"
MODEL = "google/gemini-3.7-flash"

_HEAD = "| | Free Tier | Paid Tier, per 1M tokens in USD |\n|---|---|---|\n"


def _page(input_cell: str) -> str:
    return (
        "## Gemini 3.7 Flash\n\n### Standard\n\n"
        + _HEAD
        + f"| Input price | Free of charge | {input_cell} |\n"
        "| Output price (including thinking tokens) | Free of charge | $3.75 |\n"
    )


DATED = _page("$0.75 through December 31, 2026. $1.50 starting January 1, 2027.")
PLAIN = _page("$0.75")
REANNOUNCED = _page("$0.75 through December 31, 2026. $1.20 starting January 1, 2027.")


# --- the split (pure) -----------------------------------------------------------------


def _records():
    return [
        make_record(model="m", provider="p", input=Decimal("0.75")),
        make_record(model="m", provider="p", input=Decimal("1.50"), effective_from=date(2027, 1, 1)),
        make_record(model="n", provider="p", input=Decimal("2")),
    ]


def test_before_the_day_the_dated_record_is_scheduled():
    schedule = split_schedule(_records(), AUGUST)
    assert [(r.model, r.input, at) for r, at in schedule.in_force] == [
        ("m", Decimal("0.75"), AUGUST),
        ("n", Decimal("2"), AUGUST),
    ]
    assert [(r.input, at) for r, at in schedule.scheduled] == [(Decimal("1.50"), DAY)]


def test_after_the_day_the_dated_record_is_in_force_from_its_day():
    schedule = split_schedule(_records(), JANUARY)
    assert [(r.model, r.input, at) for r, at in schedule.in_force] == [
        ("m", Decimal("1.50"), DAY),
        ("m", Decimal("1.50"), JANUARY),
        ("n", Decimal("2"), JANUARY),
    ]
    assert schedule.scheduled == []


def test_records_without_a_day_pass_through_unchanged():
    records = [r for r in _records() if r.effective_from is None]
    assert [r for r, _ in split_schedule(records, AUGUST).in_force] == records


# --- through the store ------------------------------------------------------------------


def _refresh(db_path: Path, catalog, body: str, at: str) -> None:
    (url,) = google.start_urls(google.DEFAULT_BASE_URL)

    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == url
        return httpx.Response(200, text=body, headers={"x-pricewatch-recorded-at": at})

    [outcome] = run_refresh(
        db_path=db_path, catalog=catalog, source_names=["google"], transport=httpx.MockTransport(handler)
    )
    assert outcome.status == "ok", outcome.error


def _timeline(db_path: Path) -> list[tuple]:
    db = open_database(db_path)
    return [
        (r["valid_from"], r["valid_to"], r["input"], r["output"])
        for r in db.query(
            "SELECT p.* FROM prices p JOIN offers o ON o.id = p.offer_id WHERE o.model_id = ? AND o.tier = 'standard' "
            "ORDER BY p.valid_from",
            [MODEL],
        )
    ]


def _scheduled(db_path: Path) -> list[tuple]:
    db = open_database(db_path)
    return [
        (r["valid_from"], r["input"], r["output"], r["announced_at"], r["last_seen"], r["withdrawn_at"])
        for r in db.query("SELECT * FROM scheduled_prices ORDER BY id")
    ]


def test_a_dated_cell_is_a_scheduled_change_not_a_current_price(db_path, catalog):
    _refresh(db_path, catalog, DATED, AUGUST)
    assert _timeline(db_path) == [(AUGUST, None, "0.75", "3.75")]
    assert _scheduled(db_path) == [(DAY, "1.5", "3.75", AUGUST, AUGUST, None)]
    [current] = [c for c in open_reader(db_path).current_prices() if c.model == MODEL]
    assert current.prices["input"] == Decimal("0.75")
    # Announced again, unchanged: only last_seen moves.
    _refresh(db_path, catalog, DATED, SEPTEMBER)
    assert _scheduled(db_path) == [(DAY, "1.5", "3.75", AUGUST, SEPTEMBER, None)]


def test_after_its_day_the_change_is_placed_at_that_day(db_path, catalog):
    _refresh(db_path, catalog, DATED, AUGUST)
    _refresh(db_path, catalog, DATED, JANUARY)
    assert _timeline(db_path) == [(AUGUST, DAY, "0.75", "3.75"), (DAY, None, "1.5", "3.75")]


def test_a_change_the_page_stops_announcing_is_withdrawn(db_path, catalog):
    _refresh(db_path, catalog, DATED, AUGUST)
    _refresh(db_path, catalog, PLAIN, SEPTEMBER)
    assert _scheduled(db_path) == [(DAY, "1.5", "3.75", AUGUST, AUGUST, SEPTEMBER)]
    assert open_reader(db_path).scheduled_prices() == []
    assert _timeline(db_path) == [(AUGUST, None, "0.75", "3.75")]


def test_a_change_announced_anew_replaces_the_old_announcement(db_path, catalog):
    _refresh(db_path, catalog, DATED, AUGUST)
    _refresh(db_path, catalog, REANNOUNCED, SEPTEMBER)
    assert _scheduled(db_path) == [(DAY, "1.2", "3.75", SEPTEMBER, SEPTEMBER, None)]


def test_the_model_page_shows_it_as_scheduled_until_it_takes_effect(db_path, catalog):
    _refresh(db_path, catalog, DATED, AUGUST)
    data = load_site_data(open_reader(db_path), catalog, datetime(2026, 9, 2, tzinfo=UTC))
    context, _ = model_page(MODEL, data)
    [change] = context["scheduled"]
    assert (change["valid_from"], change["input"], change["output"]) == (DAY, "1.5", "3.75")
    assert change["label"] == "Google"
    # Once a refresh finds it in force, the history holds it and the page no longer lists it.
    _refresh(db_path, catalog, DATED, JANUARY)
    data = load_site_data(open_reader(db_path), catalog, datetime(2027, 1, 6, tzinfo=UTC))
    assert model_page(MODEL, data)[0]["scheduled"] == []
