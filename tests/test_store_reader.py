"""The store's read-only reader: the one type the read-only commands and the site receive."""

from __future__ import annotations

import inspect
import sqlite3
from contextlib import closing
from decimal import Decimal

import pytest

from pricewatch.errors import QueryError, StoreError
from pricewatch.fields import PRICE_FIELDS
from pricewatch.scraper.store import Observation, UnitObservation, apply_observations, open_database
from pricewatch.scraper.store.reader import PricePeriod, SqliteStoreReader, StoreReader, open_reader

AT = "2026-03-01T00:00:00Z"


@pytest.fixture
def stored(db_path):
    db = open_database(db_path)
    with db.atomic():
        apply_observations(
            db,
            [
                Observation(
                    "m/x",
                    "p",
                    "standard",
                    0,
                    "",
                    AT,
                    prices=(Decimal("0.000003"), Decimal("1.10"), None, None, None, None),
                    unit_prices=(UnitObservation("request", Decimal("0.005")),),
                )
            ],
            origin="live",
            run_id=None,
            source="t",
        )
    db.close()
    return db_path


def test_the_sqlite_reader_has_every_method_of_the_protocol_with_its_signature():
    wanted = {n: f for n, f in vars(StoreReader).items() if inspect.isfunction(f) and not n.startswith("_")}
    assert len(wanted) > 15
    for name, function in wanted.items():
        assert inspect.signature(getattr(SqliteStoreReader, name)) == inspect.signature(function), name


def test_price_periods_are_values_with_exact_decimals(stored):
    reader = open_reader(stored)
    [period] = reader.price_periods()
    assert isinstance(period, PricePeriod)
    assert (period.model, period.provider, period.valid_from, period.valid_to) == ("m/x", "p", AT, None)
    assert dict(zip(PRICE_FIELDS, period.prices, strict=True))["input"] == Decimal("0.000003")
    assert period.prices[1] == Decimal("1.1") and period.variable is False
    [current] = reader.current_prices()
    assert current.prices["output"] == Decimal("1.1") and current.prices["cache_read"] is None
    [unit] = reader.current_unit_prices()
    assert (unit.model, unit.unit, unit.amount) == ("m/x", "request", "0.005")


def test_a_database_from_before_the_later_migrations_still_reads(stored):
    with closing(sqlite3.connect(stored)) as conn:
        conn.execute("DROP TABLE curated_sources")
        conn.execute("DROP TABLE unit_prices")
        conn.commit()
    reader = open_reader(stored)
    [period] = reader.price_periods()
    assert period.confidence is None and period.source_url is None
    assert [row["input"] for row in reader.price_history("m/x")] == ["0.000003"]
    assert reader.current_unit_prices() == []


def test_the_reader_cannot_write(stored):
    reader = open_reader(stored)
    with pytest.raises(QueryError, match="only reads"):
        reader.run_user_query("DELETE FROM prices")
    assert reader.run_user_query("SELECT count(*) AS n FROM prices") == (["n"], [{"n": 1}])


def test_a_missing_database_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="no database at"):
        open_reader(tmp_path / "none.db")


def test_backup_is_a_whole_copy_without_a_write_ahead_log(stored, tmp_path):
    open_reader(stored).backup_to(tmp_path / "copy.db")
    with closing(sqlite3.connect(tmp_path / "copy.db")) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT count(*) FROM prices").fetchone()[0] == 1
