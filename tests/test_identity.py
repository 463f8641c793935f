"""One identity per host: provider ids (slugs, aliases) and which endpoints are one offer."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from pricewatch.fields import PRICE_FIELDS
from pricewatch.scraper.catalog import provider_slug
from pricewatch.scraper.identity import endpoint_variants, merge_endpoints, price_key
from pricewatch.scraper.store import Observation

AT = "2026-08-22T18:35:39Z"


def _obs(
    provider: str, price: str, *, variant: str = "", quantization: str | None = None, **extra
) -> Observation:
    prices = (Decimal(price), Decimal(price) * 4) + (None,) * (len(PRICE_FIELDS) - 2)
    return Observation(
        model_id="moonshotai/kimi-k2.6",
        provider_id=provider,
        tier="standard",
        min_prompt_tokens=0,
        variant=variant,
        observed_at=AT,
        prices=prices,
        quantization=quantization,
        **extra,
    )


def _keys(observations: list[Observation]) -> list[tuple[str, str, Decimal | None]]:
    return [(o.provider_id, o.variant, o.prices[0]) for o in observations]


def test_endpoints_at_one_price_are_one_offer_with_their_quantizations() -> None:
    merged = merge_endpoints(
        [
            (_obs("deepinfra", "0.75", quantization="fp4", context_length=1000), "deepinfra/fp4"),
            (_obs("deepinfra", "0.75", quantization="fp8", context_length=2000), "deepinfra/fp8"),
            (_obs("fireworks", "0.95"), "fireworks"),
        ]
    )
    assert _keys(merged) == [("deepinfra", "", Decimal("0.75")), ("fireworks", "", Decimal("0.95"))]
    assert (merged[0].quantization, merged[0].context_length) == ("fp4,fp8", 2000)


def test_dearer_prices_are_keyed_by_their_tag_whatever_the_listing_order() -> None:
    endpoints = [
        (_obs("sambanova", "0.6"), "sambanova/bf16"),
        (_obs("sambanova", "0.45"), "sambanova-turbo"),
        (_obs("sambanova", "0.6"), "sambanova/b"),
    ]
    results = {
        tuple(sorted(_keys(merge_endpoints(list(order))))) for order in itertools.permutations(endpoints)
    }
    assert results == {(("sambanova", "", Decimal("0.45")), ("sambanova", "sambanova/b", Decimal("0.6")))}


def test_a_tag_that_keys_a_cheaper_price_gets_the_rank_of_its_price() -> None:
    # qwen3-235b-a22b-2507 on 2026-05-31: two `google-vertex/us-south1` endpoints at two prices.
    tag = "google-vertex/us-south1"
    merged = merge_endpoints(
        [(_obs("google", "0.30"), tag), (_obs("google", "0.25"), tag), (_obs("google", "0.22"), tag)]
    )
    assert sorted(_keys(merged)) == [
        ("google", "", Decimal("0.22")),
        ("google", tag, Decimal("0.25")),
        ("google", f"{tag}#3", Decimal("0.30")),
    ]


def test_an_older_rank_suffix_is_not_a_tag() -> None:
    assert endpoint_variants([("x/a#2", price_key(_obs("x", "2"))), ("x/a", price_key(_obs("x", "1")))]) == [
        "x/a",
        "",
    ]


def test_a_product_variant_stays_and_follows_the_tag() -> None:
    merged = merge_endpoints(
        [
            (_obs("openai", "5", variant="2024-05-13"), "azure/eu"),
            (_obs("openai", "2.5", variant="2024-05-13"), "openai"),
            (_obs("openai", "2.5"), "openai"),
        ]
    )
    assert sorted(_keys(merged)) == [
        ("openai", "", Decimal("2.5")),
        ("openai", "2024-05-13", Decimal("2.5")),
        ("openai", "azure/eu|2024-05-13", Decimal("5")),
    ]


def test_records_without_an_endpoint_pass_unchanged() -> None:
    plain = [_obs("anthropic", "5"), _obs("anthropic", "10", variant="fast"), _obs("anthropic", "6")]
    assert merge_endpoints([(o, "") for o in plain]) == plain


def test_unit_prices_are_part_of_the_price() -> None:
    from pricewatch.scraper.store import UnitObservation

    search = (UnitObservation("web_search", Decimal("0.01")),)
    merged = merge_endpoints(
        [(_obs("anthropic", "5"), "anthropic"), (_obs("anthropic", "5", unit_prices=search), "anthropic/2")]
    )
    assert [o.variant for o in merged] == ["", "anthropic/2"]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Arcee AI", "arcee-ai"),
        ("together_ai", "together-ai"),
        ("io.net", "io-net"),
        ("  Mancer 2 ", "mancer-2"),
    ],
)
def test_provider_slug(name: str, slug: str) -> None:
    assert provider_slug(name) == slug


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("DeepInfra", "deepinfra"),
        ("deepinfra", "deepinfra"),
        ("Fireworks AI", "fireworks"),
        ("fireworks-ai", "fireworks"),
        ("Io Net", "io-net"),
        ("io.net", "io-net"),
        ("Google", "google"),
        ("google-vertex", "google"),
        ("Google AI Studio", "google-ai-studio"),
        ("Moonshot AI", "moonshotai"),
        ("Arcee AI", None),
    ],
)
def test_every_spelling_of_a_catalogued_provider_is_its_id(catalog, name: str, provider: str | None) -> None:
    assert catalog.resolve_provider(name) == provider


# ---------------------------------------------------------------- one offer, several sources


def _cache_prices(one_hour: str | None, cache_read: str | None = "0.5") -> tuple[Decimal | None, ...]:
    given = {
        "input": "5",
        "output": "25",
        "cache_read": cache_read,
        "cache_write": "6.25",
        "cache_write_1h": one_hour,
    }
    return tuple(None if given.get(name) is None else Decimal(given[name]) for name in PRICE_FIELDS)


def _report(db, source: str, at: str, prices: tuple) -> None:
    from pricewatch.scraper.store import apply_observations, start_run

    run_id = start_run(db, source, "replay", started_at=at)
    observation = Observation("anthropic/claude-opus-4.7", "anthropic", "standard", 0, "", at, prices=prices)
    with db.atomic():
        apply_observations(db, [observation], origin="replay", run_id=run_id, source=source)


def _spans(db) -> list[tuple]:
    return [
        (r["valid_from"], r["valid_to"], r["last_seen"], r["cache_read"], r["cache_write_1h"])
        for r in db.query("SELECT * FROM prices ORDER BY valid_from")
    ]


def test_a_source_that_leaves_a_price_out_confirms_another_sources_span(db_path) -> None:
    from pricewatch.scraper.store import open_database

    db = open_database(db_path)
    # Anthropic's page gives the 1-hour cache write; OpenRouter's endpoint of Anthropic does not;
    # Anthropic's 2026-09 page lost cache reads (footnoted cells) that OpenRouter still gives.
    _report(db, "anthropic", "2026-08-21T00:00:00Z", _cache_prices("10"))
    _report(db, "openrouter", "2026-08-22T00:00:00Z", _cache_prices(None))
    _report(db, "anthropic", "2026-08-23T00:00:00Z", _cache_prices("10"))
    _report(db, "openrouter", "2026-08-24T00:00:00Z", _cache_prices(None))
    # An out-of-order report of another source is placed the same way.
    _report(db, "openrouter", "2026-08-21T12:00:00Z", _cache_prices(None))
    assert _spans(db) == [("2026-08-21T00:00:00Z", None, "2026-08-24T00:00:00Z", "0.5", "10")]
    # A price both give and that differs is a change; so is a price the span's own source drops.
    _report(db, "anthropic", "2026-08-25T00:00:00Z", _cache_prices("12"))
    _report(db, "anthropic", "2026-08-26T00:00:00Z", _cache_prices(None))
    assert [s[4] for s in _spans(db)] == ["10", "12", None]


# ---------------------------------------------------------------- carrying a database forward


def _old_style(db, source: str, origin: str, at: str, offers: list[tuple], *, delist: bool = False) -> None:
    """Store observations the way the store keyed them before: the endpoint tag in ``variant``."""
    from pricewatch.scraper.store import apply_observations, delist_missing, start_run

    run_id = start_run(db, source, origin, started_at=at)
    observations = [
        Observation(
            model,
            provider,
            "standard",
            0,
            variant,
            at,
            prices=tuple(Decimal(p) if p is not None else None for p in prices),
            quantization=quantization,
        )
        for model, provider, variant, prices, quantization in offers
    ]
    with db.atomic():
        stats = apply_observations(db, observations, origin=origin, run_id=run_id, source=source)
        if delist:
            delist_missing(db, source, stats.offer_ids_seen, at)


def _prices(*values: str | None) -> tuple:
    return (*values, *(None,) * (len(PRICE_FIELDS) - len(values)))


KIMI, OPUS, QWEN, ARCEE = (
    "moonshotai/kimi-k2.6",
    "anthropic/claude-opus-4.7",
    "qwen/qwen3-235b-a22b-2507",
    "arcee-ai/x",
)


def test_the_migration_merges_endpoint_offers_and_their_timelines(db_path) -> None:
    from sqlite_utils import Database

    from pricewatch.scraper.store import migrations

    db = Database(db_path)
    migrations.apply(db, stop_before="m_identity_one_offer_per_host")
    db.table("providers").insert_all(
        [
            {"id": "deepinfra", "catalogued": 1},
            {"id": "anthropic", "catalogued": 1},
            {"id": "google", "catalogued": 1},
        ]
    )
    db.table("providers").insert({"id": "Arcee AI", "name": "Arcee AI", "kind": "host", "catalogued": 0})
    db.table("quarantine").insert(
        {"source": "openrouter", "status": "pending", "offer": "x", "observation": "{}", "reason": "r"}
    )
    db.execute(
        "UPDATE quarantine SET observation = ?",
        [
            '{"model_id": "moonshotai/kimi-k2.6", "provider_id": "deepinfra", "tier": "standard", '
            '"min_prompt_tokens": 0, "variant": "deepinfra/fp4", "observed_at": "2026-06-01T00:00:00Z", '
            '"currency": "USD", "prices": ["9", null, null, null, null, null], "variable": false, '
            '"unit_prices": [], "quantization": null, "context_length": null}'
        ],
    )
    _old_style(
        db,
        "curated",
        "curated",
        "2026-04-22T00:00:00Z",
        [(KIMI, "deepinfra", "", _prices("0.75", "3.5"), None)],
    )
    _old_style(
        db,
        "anthropic",
        "replay",
        "2026-05-17T00:00:00Z",
        [(OPUS, "anthropic", "", _prices("5", "25", "0.5", "6.25", "10"), None)],
    )
    sweep = [
        (KIMI, "deepinfra", "deepinfra/fp4", _prices("0.75", "3.5"), "fp4"),
        (OPUS, "anthropic", "anthropic", _prices("5", "25", "0.5", "6.25"), None),
        (OPUS, "anthropic", "anthropic/2", _prices("5", "25", "0.5", "6.25"), None),
        (QWEN, "google", "google-vertex/us-south1", _prices("0.22", "0.88"), None),
        (QWEN, "google", "google-vertex/us-south1#2", _prices("0.25", "1"), None),
        (ARCEE, "Arcee AI", "arcee-ai", _prices("1", "2"), None),
    ]
    _old_style(db, "openrouter", "replay", "2026-05-18T00:00:00Z", sweep, delist=True)
    later = [
        (KIMI, "deepinfra", "deepinfra/fp4", _prices("0.8", "3.6"), "fp4"),
        sweep[1],
        sweep[3],
        sweep[4],
    ]
    _old_style(db, "openrouter", "replay", "2026-05-31T00:00:00Z", later, delist=True)

    migrations.apply(db)

    offers = {(r["model_id"], r["provider_id"], r["variant"]): r for r in db.query("SELECT * FROM offers")}
    assert sorted(offers) == [
        (OPUS, "anthropic", ""),
        (ARCEE, "arcee-ai", ""),
        (KIMI, "deepinfra", ""),
        (QWEN, "google", ""),
        (QWEN, "google", "google-vertex/us-south1"),
    ]

    def timeline(key):
        return [
            (
                r["valid_from"][:10],
                (r["valid_to"] or "")[:10],
                r["last_seen"][:10],
                r["origin"],
                r["input"],
                r["closed_reason"],
            )
            for r in db.query(
                "SELECT * FROM prices WHERE offer_id = ? ORDER BY valid_from", [offers[key]["id"]]
            )
        ]

    # Curated and measured history of DeepInfra's Kimi K2.6: one timeline.
    assert timeline((KIMI, "deepinfra", "")) == [
        ("2026-04-22", "2026-05-31", "2026-05-18", "curated", "0.75", "changed"),
        ("2026-05-31", "", "2026-05-31", "replay", "0.8", None),
    ]
    assert offers[(KIMI, "deepinfra", "")]["quantization"] == "fp4"
    # Anthropic's page and both of OpenRouter's Anthropic endpoints: one offer, the page's prices.
    [opus] = list(
        db.query("SELECT * FROM prices WHERE offer_id = ?", [offers[(OPUS, "anthropic", "")]["id"]])
    )
    assert (opus["valid_from"][:10], opus["valid_to"], opus["last_seen"][:10], opus["cache_write_1h"]) == (
        "2026-05-17",
        None,
        "2026-05-31",
        "10",
    )
    assert offers[(OPUS, "anthropic", "")]["source"] == "anthropic"
    assert [t[4] for t in timeline((QWEN, "google", ""))] == ["0.22"]
    assert [t[4] for t in timeline((QWEN, "google", "google-vertex/us-south1"))] == ["0.25"]
    # The uncatalogued host is its slug, and its delisting is kept.
    assert timeline((ARCEE, "arcee-ai", "")) == [
        ("2026-05-18", "2026-05-31", "2026-05-18", "replay", "1", "delisted")
    ]
    assert {r["id"] for r in db.query("SELECT id FROM providers")} == {
        "deepinfra",
        "anthropic",
        "google",
        "arcee-ai",
    }
    [held] = list(db.query("SELECT observation FROM quarantine"))
    assert '"variant": ""' in held["observation"]


# ---------------------------------------------------------------- the demo database


def test_on_the_demo_kimi_k26_and_opus_48_list_each_host_once(tmp_path, catalog) -> None:
    from datetime import UTC, datetime

    from site_data import curated_db

    from pricewatch.scraper.store.reader import open_reader
    from pricewatch.site.model import load_site_data
    from pricewatch.site.sections import model_page

    data = load_site_data(
        open_reader(curated_db(tmp_path / "demo.db")), catalog, datetime(2026, 9, 30, tzinfo=UTC)
    )

    def hosts(model_id: str) -> list[tuple[str, str, str | None, str | None]]:
        # Current and last-known-but-unconfirmed offers (a curated price past its
        # confirmation window is shown apart from the current ones): each host once in all.
        context = model_page(model_id, data)[0]
        rows = context["current"] + context["unconfirmed"]
        return sorted(
            (r["provider"], r["variant"], r["input"], r["output"])
            for r in rows
            if (r["tier"], r["min_prompt_tokens"]) == ("standard", 0)
        )

    # Before: DeepInfra, Fireworks and Moonshot twice each (curated "DeepInfra" and measured
    # "deepinfra/fp4" were two offers); Anthropic twice at one price on Opus 4.8.
    assert hosts("moonshotai/kimi-k2.6") == [
        ("deepinfra", "", "0.75", "3.5"),
        ("fireworks", "", "0.95", "4"),
        ("io-net", "", "0.73", "3.49"),
        ("moonshotai", "", "0.95", "4"),
        ("openrouter", "", "0.5415", "2.28"),
        ("together", "", "1.2", "4.5"),
    ]
    assert hosts("anthropic/claude-opus-4.8") == [("anthropic", "", "5", "25"), ("openrouter", "", "5", "25")]


def test_an_aggregators_differing_report_of_a_makers_offer_is_a_disagreement(db_path) -> None:
    from pricewatch.scraper.store import apply_observations, open_database, start_run

    db = open_database(db_path)
    _report(db, "anthropic", "2026-08-21T00:00:00Z", _cache_prices("10"))

    def openrouter(at: str, prices: tuple) -> None:
        run_id = start_run(db, "openrouter", "replay", started_at=at)
        observation = Observation(
            "anthropic/claude-opus-4.7", "anthropic", "standard", 0, "", at, prices=prices
        )
        with db.atomic():
            apply_observations(
                db,
                [observation],
                origin="replay",
                run_id=run_id,
                source="openrouter",
                yield_to=frozenset({"anthropic"}),
            )

    cheaper = tuple(None if p is None else p / 2 for p in _cache_prices(None))
    openrouter("2026-08-22T00:00:00Z", cheaper)
    openrouter("2026-08-23T00:00:00Z", _cache_prices(None))
    assert _spans(db) == [("2026-08-21T00:00:00Z", None, "2026-08-23T00:00:00Z", "0.5", "10")]
    assert [r["observed_origin"] for r in db.query("SELECT * FROM disagreements")] == ["replay"]
    assert [r["source"] for r in db.query("SELECT source FROM offers")] == ["anthropic"]
