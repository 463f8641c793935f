"""Exact money through the store, and the store's own rules."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pricewatch.money import (
    decimal_from_text,
    decimal_to_text,
    per_million_from_per_token,
    per_token_from_per_million,
)
from pricewatch.scraper.store import Observation, apply_observations

prices = st.decimals(min_value=0, max_value=10_000, places=10, allow_nan=False, allow_infinity=False)


def test_per_token_string_is_exactly_per_million():
    assert per_million_from_per_token(decimal_from_text("0.000003")) == 3
    assert decimal_to_text(per_million_from_per_token(decimal_from_text("0.0000005415"))) == "0.5415"
    assert decimal_to_text(per_million_from_per_token(decimal_from_text("3e-06"))) == "3"
    assert decimal_to_text(Decimal("1.10")) == "1.1"
    assert decimal_to_text(Decimal("0.000")) == "0"


@given(prices)
def test_text_form_round_trips(value):
    assert decimal_from_text(decimal_to_text(value)) == value


@given(prices)
def test_unit_conversions_invert(value):
    assert per_million_from_per_token(per_token_from_per_million(value)) == value


def _observation(price: Decimal, at: str = "2026-01-01T00:00:00Z") -> Observation:
    return Observation("m/x", "p", "standard", 0, "", at, prices=(price, price * 2, None, None, None, None))


@given(prices)
@settings(max_examples=60, deadline=None)
def test_price_round_trips_through_the_store(value):
    db = _memory_db()
    with db.atomic():
        apply_observations(db, [_observation(value)], origin="live", run_id=None, source="t")
    [row] = list(db.query("SELECT input, output FROM prices"))
    assert Decimal(row["input"]) == value
    assert Decimal(row["output"]) == value * 2
    assert "e" not in row["input"].lower()


def _memory_db():
    from sqlite_utils import Database

    from pricewatch.scraper.store import migrations

    db = Database(memory=True)
    migrations.apply(db)
    return db


def test_repeated_observation_only_moves_last_seen():
    db = _memory_db()
    with db.atomic():
        apply_observations(db, [_observation(Decimal(5))], origin="live", run_id=None, source="t")
        stats = apply_observations(
            db, [_observation(Decimal(5), "2026-02-01T00:00:00Z")], origin="live", run_id=None, source="t"
        )
    assert stats.price_rows_added == 0
    [row] = list(db.query("SELECT valid_from, last_seen FROM prices"))
    assert row == {"valid_from": "2026-01-01T00:00:00Z", "last_seen": "2026-02-01T00:00:00Z"}


def test_curated_row_contradicting_measured_history_is_listed_not_written():
    db = _memory_db()
    with db.atomic():
        apply_observations(db, [_observation(Decimal(5))], origin="backfill", run_id=None, source="t")
        stats = apply_observations(
            db, [_observation(Decimal(6), "2026-01-15T00:00:00Z")], origin="curated", run_id=None, source=None
        )
    assert stats.disagreements == 1
    assert [r["input"] for r in db.query("SELECT input FROM prices")] == ["5"]
    [disagreement] = list(db.query("SELECT observed_origin, stored_origin FROM disagreements"))
    assert disagreement == {"observed_origin": "curated", "stored_origin": "backfill"}
