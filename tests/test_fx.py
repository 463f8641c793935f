"""Currency rates: the shipped file, the loader, and the USD view that marks what it converted."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT

from pricewatch.cli import cli
from pricewatch.errors import FxDataError
from pricewatch.scraper.fx import load_fx_rates, rate_on, read_fx_rates, to_usd
from pricewatch.scraper.records import PRICE_FIELDS
from pricewatch.scraper.store import Observation, apply_observations, open_database

SHIPPED = REPO_ROOT / "data" / "fx_rates.csv"
HEADER = "date,currency,usd_per_unit,source_url,note,confidence\n"


def _prices(input_: str, output: str) -> tuple[Decimal | None, ...]:
    values = dict.fromkeys(PRICE_FIELDS)
    values.update(input=Decimal(input_), output=Decimal(output))
    return tuple(values[name] for name in PRICE_FIELDS)


def test_the_shipped_rates_cover_cny_and_eur_every_month_from_2023():
    rates = read_fx_rates(SHIPPED)
    for currency in ("CNY", "EUR"):
        months = {(r.date.year, r.date.month) for r in rates if r.currency == currency}
        assert {(y, m) for y in (2023, 2024) for m in range(1, 13)} <= months
        assert all(r.confidence in ("medium", "low") for r in rates if r.currency == currency)
    # Sanity: a euro bought 1.0-1.2 dollars and a yuan 0.13-0.15 over these years.
    assert all(Decimal("1.0") < r.usd_per_unit < Decimal("1.2") for r in rates if r.currency == "EUR")
    assert all(Decimal("0.13") < r.usd_per_unit < Decimal("0.15") for r in rates if r.currency == "CNY")


def test_a_bad_rates_file_names_every_bad_line(tmp_path):
    path = tmp_path / "fx.csv"
    path.write_text(
        HEADER
        + "2024-01-01,CNY,0.14,https://example.test/h10,,medium\n"
        + "2024-01-01,usd,1,https://example.test,,high\n"
        + "2024-02-01,EUR,-1.08,https://example.test,,medium\n"
        + "2024-01-01,CNY,0.15,https://example.test/h10,,medium\n"
    )
    with pytest.raises(FxDataError) as caught:
        read_fx_rates(path)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 5"]
    assert "already given on line 2" in problems[2]


def test_rate_on_takes_the_latest_rate_on_or_before_the_day():
    rates = read_fx_rates(SHIPPED)
    assert rate_on(rates, "EUR", date(2024, 3, 20)).date == date(2024, 3, 1)
    assert rate_on(rates, "EUR", date(2022, 12, 31)) is None
    assert rate_on(rates, "GBP", date(2024, 3, 20)) is None


def test_to_usd_is_exact():
    [rate] = [r for r in read_fx_rates(SHIPPED) if r.currency == "CNY" and r.date == date(2024, 1, 1)]
    assert to_usd(Decimal("4"), rate) == Decimal("4") * rate.usd_per_unit


def test_loading_unchanged_rates_writes_nothing(tmp_path):
    db = open_database(tmp_path / "fx.db")
    rates = read_fx_rates(SHIPPED)
    assert load_fx_rates(db, rates) == len(rates)
    assert load_fx_rates(db, rates) == 0
    assert db["fx_rates"].count == len(rates)


def test_the_usd_view_converts_with_the_latest_rate_and_says_so(tmp_path):
    path = tmp_path / "fx.csv"
    path.write_text(
        HEADER
        + "2025-01-01,CNY,0.137,https://example.test/h10,,medium\n"
        + "2025-06-01,CNY,0.14,https://example.test/h10,,low\n"
    )
    db = open_database(tmp_path / "view.db")
    load_fx_rates(db, read_fx_rates(path))
    at = "2025-12-19T00:00:00Z"
    observations = [
        Observation("moonshotai/kimi-k2", "moonshotai", "standard", 0, "", at, "CNY", _prices("4", "16")),
        Observation(
            "anthropic/claude-opus-4.6", "anthropic", "standard", 0, "", at, "USD", _prices("5", "25")
        ),
        Observation("some/model", "somehost", "standard", 0, "", at, "GBP", _prices("1", "2")),
    ]
    with db.atomic():
        apply_observations(db, observations, origin="replay", run_id=None, source=None)
    rows = {r["model"]: r for r in db.query("SELECT * FROM current_prices_usd")}
    kimi = rows["moonshotai/kimi-k2"]
    assert (kimi["input_text"], kimi["output_text"], kimi["published_currency"]) == ("0.56", "2.24", "CNY")
    assert (kimi["input"], kimi["output"]) == (0.56, 2.24)  # REAL beside the exact text
    assert (kimi["converted"], kimi["fx_rate"], kimi["fx_date"]) == (1, "0.14", "2025-06-01")
    opus = rows["anthropic/claude-opus-4.6"]
    assert (opus["input_text"], opus["output_text"], opus["converted"], opus["fx_rate"]) == (
        "5",
        "25",
        0,
        None,
    )
    # No rate for the currency: no USD figure, and nothing claims a conversion.
    unknown = rows["some/model"]
    assert (unknown["input"], unknown["input_text"], unknown["converted"]) == (None, None, 0)
    assert unknown["published_currency"] == "GBP"


def test_refresh_loads_the_rates_and_the_demo_converts_mistrals_eur(tmp_path):
    db_path = tmp_path / "demo.db"
    result = CliRunner().invoke(
        cli, ["refresh", "--db", str(db_path), "--replay", str(REPO_ROOT / "data" / "snapshot"), "-q"]
    )
    assert result.exit_code == 0, result.output
    query = CliRunner().invoke(
        cli,
        [
            "query",
            "--db",
            str(db_path),
            "--format",
            "json",
            "select published_currency, converted, fx_date from current_prices_usd where provider = 'mistralai'",
        ],
    )
    rows = json.loads(query.output)
    # Mistral sets its own EUR prices beside the USD ones (Moonshot's pages are in USD since 2026).
    assert {(r["published_currency"], r["converted"], bool(r["fx_date"])) for r in rows} == {
        ("EUR", 1, True),
        ("USD", 0, False),
    }
