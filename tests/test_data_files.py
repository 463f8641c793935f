"""The curated data files in data/: catalog, dated list prices and peer groups agree with each other."""

from __future__ import annotations

import csv
import tomllib
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from pricewatch.scraper.catalog import Catalog, load_catalog

DATA = Path(__file__).resolve().parent.parent / "data"
COLUMNS = [
    "date",
    "provider",
    "model",
    "tier",
    "min_prompt_tokens",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "cache_read_usd_per_mtok",
    "cache_write_usd_per_mtok",
    "cache_write_1h_usd_per_mtok",
    "currency",
    "event",
    "source_url",
    "evidence",
    "confidence",
]
PRICE_COLUMNS = [c for c in COLUMNS if c.endswith("_usd_per_mtok")]
TIERS = {"standard", "batch", "flex", "priority", "off-peak", "free"}
EVENTS = {"launch", "price-change", "observed"}
CONFIDENCE = {"high", "medium", "low"}
SEED_OPEN = {
    "qwen/qwen3.5-397b-a17b",
    "moonshotai/kimi-k2.5",
    "deepseek/deepseek-v3.2",
    "meta-llama/llama-4-maverick",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(DATA / "catalog.toml")  # raises StoreError on a name given to two models


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with (DATA / "curated_prices.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def groups() -> dict:
    with (DATA / "peer_groups.toml").open("rb") as handle:
        return tomllib.load(handle)["groups"]


def test_enough_rows_spanning_2023_to_2026(rows):
    assert len(rows) >= 250
    years = {date.fromisoformat(r["date"]).year for r in rows}
    assert min(years) == 2023 and max(years) == 2026
    assert years == {2023, 2024, 2025, 2026}


def test_providers_and_models_are_in_the_catalog(rows, catalog):
    assert {r["provider"] for r in rows} - set(catalog.providers) == set()
    assert {r["model"] for r in rows} - set(catalog.models) == set()


def test_vocabularies(rows):
    for r in rows:
        assert r["tier"] in TIERS, r
        assert r["event"] in EVENTS, r
        assert r["confidence"] in CONFIDENCE, r
        assert r["currency"] == "USD", r
        assert r["source_url"].startswith("https://"), r
        assert r["evidence"].strip(), r
        assert int(r["min_prompt_tokens"]) >= 0, r


def test_prices_are_exact_non_negative_decimals(rows):
    for r in rows:
        for column in PRICE_COLUMNS:
            text = r[column]
            if text == "":
                continue
            assert text == text.strip() and "e" not in text.lower(), (column, r)
            try:
                value = Decimal(text)
            except InvalidOperation:
                pytest.fail(f"{column}={text!r} is not a decimal: {r}")
            assert value.is_finite() and value >= 0, (column, r)
        assert r["input_usd_per_mtok"] or r["output_usd_per_mtok"], r


def test_one_row_per_price_key(rows):
    keys = [(r["date"], r["provider"], r["model"], r["tier"], r["min_prompt_tokens"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_gpt_4o_launch_and_2024_cut(rows):
    def price(day: str) -> tuple[Decimal, Decimal]:
        (row,) = [
            r
            for r in rows
            if (r["date"], r["provider"], r["model"], r["tier"], r["min_prompt_tokens"])
            == (day, "openai", "openai/gpt-4o", "standard", "0")
        ]
        return Decimal(row["input_usd_per_mtok"]), Decimal(row["output_usd_per_mtok"])

    assert price("2024-05-13") == (Decimal(5), Decimal(15))
    assert price("2024-08-06") == (Decimal("2.5"), Decimal(10))


def test_dated_snapshots_resolve_to_the_base_model(catalog):
    assert catalog.resolve_model("openai/gpt-4o-2024-05-13") == "openai/gpt-4o"
    assert catalog.resolve_model("openai/gpt-4o-2024-08-06") == "openai/gpt-4o"


def test_catalog_scores_are_cited(catalog):
    for model in catalog.models.values():
        for score in model.extra.get("scores", []):
            assert {"name", "value", "measured_on", "source", "confidence"} <= set(score), model.id
            assert score["confidence"] in CONFIDENCE, model.id
            assert isinstance(score["measured_on"], date), model.id
            assert "band" not in score, model.id
        if model.total_params_b is not None:
            assert model.extra.get("params_source"), model.id


def test_peer_groups_use_catalog_models(groups, catalog):
    assert groups
    for group_id, group in groups.items():
        assert group["title"] and group["reason"].strip() and group["sources"], group_id
        for model_id in group["closed"]:
            assert not catalog.models[model_id].open_weights, (group_id, model_id)
        for model_id in group["open"]:
            assert catalog.models[model_id].open_weights, (group_id, model_id)


def test_seed_group(groups):
    seed = groups["opus-4-6-seed"]
    assert seed["closed"] == ["anthropic/claude-opus-4.6"]
    assert len(seed["open"]) == 4 and set(seed["open"]) == SEED_OPEN
