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


def test_third_party_prices_never_override_a_makers_and_fill_only_before_it():
    db = _memory_db()
    with db.atomic():
        apply_observations(db, [_observation(Decimal(5))], origin="replay", run_id=None, source="maker")
        early = _observation(Decimal(4), "2025-12-01T00:00:00Z")
        typo = _observation(Decimal(500), "2026-01-15T00:00:00Z")
        same = _observation(Decimal(5), "2026-03-01T00:00:00Z")
        stats = apply_observations(
            db, [early, typo, same], origin="third-party", run_id=None, source="litellm"
        )
    assert stats.disagreements == 1
    rows = list(
        db.query("SELECT valid_from, valid_to, last_seen, input, origin FROM prices ORDER BY valid_from")
    )
    assert rows == [
        {
            "valid_from": "2025-12-01T00:00:00Z",
            "valid_to": "2026-01-01T00:00:00Z",
            "last_seen": "2025-12-01T00:00:00Z",
            "input": "4",
            "origin": "third-party",
        },
        # The maker's row is untouched: no split, no last_seen from the third party.
        {
            "valid_from": "2026-01-01T00:00:00Z",
            "valid_to": None,
            "last_seen": "2026-01-01T00:00:00Z",
            "input": "5",
            "origin": "replay",
        },
    ]
    [offer] = list(db.query("SELECT source FROM offers"))
    assert offer["source"] == "maker"


def test_a_maker_observation_supersedes_a_third_party_timeline_from_its_time_on():
    db = _memory_db()
    with db.atomic():
        apply_observations(
            db,
            [
                _observation(Decimal(v), at)
                for v, at in ((4, "2025-12-01T00:00:00Z"), (9, "2026-02-01T00:00:00Z"))
            ],
            origin="third-party",
            run_id=None,
            source="litellm",
        )
        apply_observations(db, [_observation(Decimal(5))], origin="live", run_id=None, source="maker")
    rows = list(db.query("SELECT valid_from, valid_to, input, origin FROM prices ORDER BY valid_from"))
    assert [
        (r["valid_from"][:10], r["valid_to"] and r["valid_to"][:10], r["input"], r["origin"]) for r in rows
    ] == [
        ("2025-12-01", "2026-01-01", "4", "third-party"),
        ("2026-01-01", None, "5", "live"),
    ]


def test_the_rank_migration_relabels_litellm_backfills_as_third_party():
    from sqlite_utils import Database

    from pricewatch.scraper.store import migrations

    db = Database(memory=True)
    migrations.apply(db, stop_before="m_ranks_third_party_origin")
    db.execute("INSERT INTO runs (id, source, origin) VALUES (1, 'backfill:litellm', 'backfill')")
    db.execute("INSERT INTO runs (id, source, origin) VALUES (2, 'backfill:openrouter-git', 'backfill')")
    for price_id, run_id in ((1, 1), (2, 2)):
        db.execute(
            "INSERT INTO prices (id, offer_id, valid_from, last_seen, run_id, origin, currency, input) "
            "VALUES (?, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?, 'backfill', 'USD', '1')",
            [price_id, run_id],
        )
    migrations.apply(db)
    assert [r["origin"] for r in db.query("SELECT origin FROM prices ORDER BY id")] == [
        "third-party",
        "backfill",
    ]


def test_the_quarantine_origin_migration_gives_held_rows_their_runs_origin():
    from sqlite_utils import Database

    from pricewatch.scraper.store import migrations

    db = Database(memory=True)
    migrations.apply(db, stop_before="m_ranks_quarantine_origin")
    db.execute("INSERT INTO runs (id, source, origin) VALUES (7, 'openrouter', 'replay')")
    db.execute("INSERT INTO quarantine (id, run_id, source, status) VALUES (1, 7, 'openrouter', 'pending')")
    migrations.apply(db)
    assert [r["origin"] for r in db.query("SELECT origin FROM quarantine")] == ["replay"]


def test_the_endpoints_source_migration_hands_the_host_offers_to_the_sweep():
    from sqlite_utils import Database

    from pricewatch.scraper.store import migrations

    db = Database(memory=True)
    migrations.apply(db, stop_before="m_pages_endpoints_source")
    for offer_id, provider, source in (
        (1, "openrouter", "openrouter"),  # OpenRouter's own list price: the list's
        (2, "deepinfra", "openrouter"),  # a host's endpoint: the sweep's from now on
        (3, "anthropic", "anthropic"),  # a maker's page keeps its own
    ):
        db.execute(
            "INSERT INTO offers (id, model_id, provider_id, tier, min_prompt_tokens, variant, source) "
            "VALUES (?, 'm', ?, 'standard', 0, '', ?)",
            [offer_id, provider, source],
        )
    migrations.apply(db)
    assert [r["source"] for r in db.query("SELECT source FROM offers ORDER BY id")] == [
        "openrouter",
        "openrouter-endpoints",
        "anthropic",
    ]
    assert db["list_prices"].exists()


def test_a_shipped_history_from_before_the_sweep_source_hands_its_host_offers_over(tmp_path):
    from pricewatch.scraper.store import open_database
    from pricewatch.scraper.store.shipped import export_history, import_history

    old = open_database(tmp_path / "old.db")
    old.execute("INSERT INTO runs (id, source, origin, status) VALUES (1, 'openrouter', 'replay', 'ok')")
    for offer_id, provider in ((1, "openrouter"), (2, "deepinfra")):
        old.execute(
            "INSERT INTO offers (id, model_id, provider_id, tier, min_prompt_tokens, variant, source) "
            "VALUES (?, 'm', ?, 'standard', 0, '', 'openrouter')",
            [offer_id, provider],
        )
        old.execute(
            "INSERT INTO prices (offer_id, valid_from, last_seen, run_id, origin, currency, input) "
            "VALUES (?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1, 'replay', 'USD', '1')",
            [offer_id],
        )
    old.conn.commit()
    export_history(old, tmp_path / "history")
    new = open_database(tmp_path / "new.db")
    import_history(new, tmp_path / "history", "2026-12-05T00:00:00Z")
    assert [r["source"] for r in new.query("SELECT source FROM offers ORDER BY id")] == [
        "openrouter",
        "openrouter-endpoints",
    ]
