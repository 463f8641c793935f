"""The OpenRouter source: one test per quirk of its API (golden fixtures: tests/test_golden_fixtures.py)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricewatch.errors import SourceLayoutError
from pricewatch.money import decimal_to_text
from pricewatch.scraper.records import PriceRecord
from pricewatch.scraper.sources import get_source, openrouter

LIST_URL = "https://openrouter.ai/api/v1/models"
ENDPOINTS_URL = "https://openrouter.ai/api/v1/models/test/model-20260101/endpoints"


# ---------------------------------------------------------------- helpers


def _model(model_id: str, pricing: Any = None, **extra: Any) -> dict[str, Any]:
    model: dict[str, Any] = {"id": model_id, "canonical_slug": model_id.split(":")[0], "name": model_id}
    if pricing is not None:
        model["pricing"] = pricing
    model.update(extra)
    return model


def _list(*models: dict[str, Any], **top: Any) -> bytes:
    return json.dumps({"data": list(models), **top}).encode()


def _endpoints(model_id: str, *endpoints: dict[str, Any]) -> bytes:
    return json.dumps({"data": {"id": model_id, "name": model_id, "endpoints": list(endpoints)}}).encode()


def _endpoint(provider: str, tag: str, prompt: str, completion: str, **extra: Any) -> dict[str, Any]:
    pricing = {"prompt": prompt, "completion": completion, "discount": 0}
    return {"provider_name": provider, "tag": tag, "pricing": pricing, **extra}


def _one(url: str, body: bytes) -> PriceRecord:
    parsed = openrouter.parse(url, body)
    assert parsed.row_errors == []
    (record,) = parsed.records
    return record


CHEAP = {"prompt": "0.000001", "completion": "0.000002"}

# ---------------------------------------------------------------- module contract


def test_module_constants_and_start_urls() -> None:
    assert get_source("openrouter") is openrouter
    assert (openrouter.NAME, openrouter.KIND) == ("openrouter", "aggregator")
    assert openrouter.LISTS_EVERYTHING is True
    assert openrouter.start_urls(openrouter.DEFAULT_BASE_URL) == ["https://openrouter.ai/api/v1/models"]
    assert openrouter.start_urls("http://127.0.0.1:8000/") == ["http://127.0.0.1:8000/api/v1/models"]


def test_all_lists_the_public_names() -> None:
    public = {name for name in vars(openrouter) if not name.startswith("_") and name.isidentifier()}
    assert set(openrouter.__all__) <= public
    assert {"NAME", "KIND", "DEFAULT_BASE_URL", "LISTS_EVERYTHING", "parse", "start_urls"} <= set(
        openrouter.__all__
    )


# ---------------------------------------------------------------- prices


def test_zero_price_is_free_and_missing_key_is_unknown() -> None:
    record = _one(LIST_URL, _list(_model("a/b:free", {"prompt": "0", "completion": "0"})))
    assert (record.input, record.output) == (Decimal(0), Decimal(0))
    assert record.cache_read is None and record.reasoning is None


def test_minus_one_makes_a_variable_record_with_unknown_prices() -> None:
    record = _one(LIST_URL, _list(_model("openrouter/auto", {"prompt": "-1", "completion": "-1"})))
    assert record.variable is True
    assert (record.input, record.output) == (None, None)


def test_minus_one_in_one_price_keeps_the_others() -> None:
    record = _one(LIST_URL, _list(_model("openrouter/fusion", {"prompt": "-1", "completion": "0.000002"})))
    assert record.variable is True
    assert (record.input, record.output) == (None, Decimal(2))


def test_float_noise_in_a_price_string_is_rounded_away() -> None:
    # 0.95 / 1e6 printed from a double: 16 significant digits, more than a double holds.
    body = _endpoints(
        "moonshotai/kimi-k2.6", _endpoint("Fireworks", "fireworks", "0.0000009499999999999999", "0.000004")
    )
    record = _one(ENDPOINTS_URL, body)
    assert decimal_to_text(record.input) == "0.95"
    # A repeating fraction printed to 16 digits is read at 10 significant digits (the
    # documented rule); printed to 15 digits, a double could hold it, so it is kept as sent.
    long, short = ("0.00000008333333333333334", "0.0000000833333333333333")
    record = _one(LIST_URL, _list(_model("a/b", {"prompt": long, "completion": short})))
    assert record.input == Decimal("0.08333333333")
    assert record.output == Decimal("0.0833333333333333")


@given(st.decimals(min_value=0, max_value=Decimal("0.01"), places=12, allow_nan=False, allow_infinity=False))
def test_per_token_text_becomes_exactly_a_million_times_it(per_token: Decimal) -> None:
    text = format(per_token, "f")
    record = _one(LIST_URL, _list(_model("a/b", {"prompt": text, "completion": text})))
    assert record.input == Decimal(text) * 1_000_000


def test_unit_prices_have_honest_units_and_zero_is_dropped() -> None:
    pricing = {
        **CHEAP,
        "web_search": "0.014",
        "request": "0",
        "image": "0.0000003",
        "audio": "0.000001",
        "input_audio_cache": "0.0000001",
        "audio_output": "0.000064",
        "image_output": "0.00003",
    }
    record = _one(LIST_URL, _list(_model("google/x", pricing)))
    units = {u.unit: u.amount for u in record.unit_prices}
    assert units == {
        "web_search": Decimal("0.014"),  # per search, as given
        "image_input_mtok": Decimal("0.3"),  # per token in, per million out
        "audio_input_mtok": Decimal(1),
        "audio_cache_read_mtok": Decimal("0.1"),
        "audio_output_mtok": Decimal(64),
        "image_output_mtok": Decimal(30),
    }


def test_overrides_are_separate_offers_and_missing_keys_inherit_the_base() -> None:
    pricing = {
        "prompt": "0.000002",
        "completion": "0.000012",
        "internal_reasoning": "0.000012",
        "web_search": "0.014",
        "input_cache_read": "0.0000002",
        "overrides": [{"min_prompt_tokens": 200000, "prompt": "0.000004", "completion": "0.000018"}],
    }
    parsed = openrouter.parse(LIST_URL, _list(_model("google/gemini-x", pricing)))
    base, long = sorted(parsed.records, key=lambda r: r.min_prompt_tokens)
    assert (base.min_prompt_tokens, base.input, base.output) == (0, Decimal(2), Decimal(12))
    assert (long.min_prompt_tokens, long.input, long.output) == (200000, Decimal(4), Decimal(18))
    assert long.offer_key()[:3] == base.offer_key()[:3]
    # Not in the override: inherited.
    assert long.cache_read == Decimal("0.2") and long.reasoning == Decimal(12)
    assert [u.unit for u in long.unit_prices] == ["web_search"]


def test_a_bad_override_is_a_row_error_and_the_base_stays() -> None:
    pricing = {**CHEAP, "overrides": [{"prompt": "0.000004"}, {"min_prompt_tokens": 1000, "prompt": "x"}]}
    parsed = openrouter.parse(LIST_URL, _list(_model("a/b", pricing)))
    assert [r.min_prompt_tokens for r in parsed.records] == [0]
    assert parsed.row_errors == [
        "a/b: pricing.overrides[0]: no positive min_prompt_tokens",
        "a/b: pricing.overrides[1]: pricing.prompt: not a number: 'x'",
    ]


def test_endpoint_discount_is_informative_and_the_listed_price_is_stored() -> None:
    body = _endpoints(
        "deepseek/deepseek-v3.2", _endpoint("Alibaba", "alibaba", "0.0000003705", "0.0000011115")
    )
    body = body.replace(b'"discount": 0', b'"discount": 0.35')
    record = _one(ENDPOINTS_URL, body)
    assert (record.input, record.output) == (Decimal("0.3705"), Decimal("1.1115"))


# ---------------------------------------------------------------- ids, tiers, links, metadata


@pytest.mark.parametrize(
    ("model_id", "model", "tier"),
    [
        ("google/gemma-4-31b-it:free", "google/gemma-4-31b-it", "free"),
        ("openai/gpt-5.5:batch", "openai/gpt-5.5", "batch"),
        ("qwen/qwen-plus-2025-07-28:thinking", "qwen/qwen-plus-2025-07-28:thinking", "standard"),
        ("~x-ai/grok-latest", "~x-ai/grok-latest", "standard"),
    ],
)
def test_free_and_batch_suffixes_become_tiers(model_id: str, model: str, tier: str) -> None:
    record = _one(LIST_URL, _list(_model(model_id, CHEAP)))
    assert (record.model, record.provider, record.tier) == (model, "OpenRouter", tier)


def test_links_details_are_used_verbatim_once_per_canonical_slug() -> None:
    details = {"details": "/api/v1/models/google/gemma-4-31b-it-20260402/endpoints"}
    body = _list(
        _model("google/gemma-4-31b-it", CHEAP, links=details),
        _model("google/gemma-4-31b-it:free", {"prompt": "0", "completion": "0"}, links=details),
    )
    parsed = openrouter.parse(LIST_URL, body)
    assert len(parsed.records) == 2
    # The list source follows no endpoints link: the sweep (openrouter-endpoints) does.
    assert parsed.links == []
    sweep = openrouter.endpoint_links(LIST_URL, body)
    assert sweep.records == []
    assert sweep.links == ["/api/v1/models/google/gemma-4-31b-it-20260402/endpoints"]


def test_links_are_built_from_the_canonical_slug_when_details_are_absent() -> None:
    model = _model("anthropic/claude-opus-4.8", CHEAP, canonical_slug="anthropic/claude-4.8-opus-20260528")
    parsed = openrouter.endpoint_links(LIST_URL, _list(model))
    assert parsed.links == ["/api/v1/models/anthropic/claude-4.8-opus-20260528/endpoints"]


def test_a_next_page_link_is_followed() -> None:
    body = _list(_model("a/b", CHEAP), links={"next": "/api/v1/models?page=2"})
    assert openrouter.parse(LIST_URL, body).links == ["/api/v1/models?page=2"]
    assert openrouter.endpoint_links(LIST_URL, body).links[-1] == "/api/v1/models?page=2"


def test_model_info_from_the_list() -> None:
    model = _model(
        "google/gemma-4-31b-it:free",
        {"prompt": "0", "completion": "0"},
        name="Google: Gemma 4 31B (free)",
        created=1775148486,
        context_length=262144,
        hugging_face_id="",
        canonical_slug="google/gemma-4-31b-it-20260402",
    )
    info = _one(LIST_URL, _list(model)).info
    assert info is not None
    assert info.display_name == "Google: Gemma 4 31B"
    assert info.created_at == "2026-04-02T16:48:06Z"
    assert (info.context_length, info.hugging_face_id) == (262144, None)
    assert info.canonical_slug == "google/gemma-4-31b-it-20260402"


def test_an_endpoint_tag_is_reported_as_the_endpoint_not_the_variant() -> None:
    # Which endpoints are one offer is decided when names are resolved (scraper/identity.py).
    body = _endpoints(
        "meta-llama/llama-3.3-70b-instruct",
        _endpoint("SambaNova", "sambanova-turbo", "0.00000045", "0.0000009", quantization="bf16"),
        _endpoint("SambaNova", "sambanova/bf16", "0.0000006", "0.0000012", quantization="unknown"),
    )
    parsed = openrouter.parse(ENDPOINTS_URL, body)
    assert [(r.provider, r.variant, r.endpoint, r.quantization) for r in parsed.records] == [
        ("SambaNova", "", "sambanova-turbo", "bf16"),
        ("SambaNova", "", "sambanova/bf16", None),
    ]


def test_a_repeated_tag_is_kept_as_given_and_a_missing_one_names_the_host() -> None:
    body = _endpoints(
        "qwen/qwen3-235b-a22b-2507",
        _endpoint("Google", "google-vertex/us-south1", "0.00000022", "0.00000088"),
        _endpoint("Google", "google-vertex/us-south1", "0.00000025", "0.000001"),
        _endpoint("Chutes", "", "0.0000001", "0.0000002"),
    )
    parsed = openrouter.parse(ENDPOINTS_URL, body)
    assert [r.endpoint for r in parsed.records] == [
        "google-vertex/us-south1",
        "google-vertex/us-south1",
        "Chutes",
    ]


def test_endpoint_model_uses_the_tier_suffix_rule() -> None:
    record = _one(ENDPOINTS_URL, _endpoints("a/b:free", _endpoint("Chutes", "chutes", "0", "0")))
    assert (record.model, record.tier) == ("a/b", "free")


# ---------------------------------------------------------------- failures


@pytest.mark.parametrize("url", [LIST_URL, ENDPOINTS_URL])
def test_invalid_json_raises_source_layout_error(url: str) -> None:
    with pytest.raises(SourceLayoutError, match="invalid JSON") as info:
        openrouter.parse(url, b"<html>rate limited</html>")
    assert info.value.url == url


@pytest.mark.parametrize("body", [b"{}", b'{"data": {}}', b"[]", b'{"data": null}'])
def test_a_list_body_without_a_data_list_raises(body: bytes) -> None:
    with pytest.raises(SourceLayoutError, match="no `data` list"):
        openrouter.parse(LIST_URL, body)


def test_an_endpoints_body_without_endpoints_raises() -> None:
    with pytest.raises(SourceLayoutError, match=r"data\.endpoints"):
        openrouter.parse(ENDPOINTS_URL, b'{"data": []}')


def test_zero_models_is_a_layout_error() -> None:
    with pytest.raises(SourceLayoutError) as info:
        openrouter.parse(LIST_URL, _list())
    assert str(info.value) == (
        f"no models in /api/v1/models response at {LIST_URL}; the page layout may have changed"
    )


def test_an_unknown_url_raises() -> None:
    with pytest.raises(SourceLayoutError, match="not an OpenRouter models or endpoints URL"):
        openrouter.parse("https://openrouter.ai/api/v1/credits", b"{}")


def test_model_without_pricing_is_a_row_error_not_a_crash() -> None:
    parsed = openrouter.parse(LIST_URL, _list(_model("x/y"), _model("a/b", CHEAP)))
    assert [r.model for r in parsed.records] == ["a/b"]
    assert parsed.row_errors == ["x/y: no pricing"]


def test_non_numeric_price_skips_the_model() -> None:
    parsed = openrouter.parse(
        LIST_URL, _list(_model("x/y", {"prompt": "free", "completion": "0"}), _model("a/b", CHEAP))
    )
    assert [r.model for r in parsed.records] == ["a/b"]
    assert parsed.row_errors == ["x/y: pricing.prompt: not a number: 'free'"]


def test_a_record_pydantic_rejects_is_a_row_error() -> None:
    parsed = openrouter.parse(
        LIST_URL, _list(_model("x/y", {"prompt": "-0.5", "completion": "0"}), _model("a/b", CHEAP))
    )
    assert [r.model for r in parsed.records] == ["a/b"]
    assert len(parsed.row_errors) == 1 and parsed.row_errors[0].startswith("x/y: input:")


def test_only_bad_models_is_still_zero_records() -> None:
    with pytest.raises(SourceLayoutError, match="no models"):
        openrouter.parse(LIST_URL, _list(_model("x/y")))


def test_an_endpoint_without_pricing_is_a_row_error() -> None:
    body = _endpoints(
        "a/b",
        {"provider_name": "Groq", "tag": "groq"},
        _endpoint("Together", "together", "0.000001", "0.000001"),
    )
    parsed = openrouter.parse(ENDPOINTS_URL, body)
    assert [r.provider for r in parsed.records] == ["Together"]
    assert parsed.row_errors == ["a/b @ Groq (groq): no pricing"]


# ---------------------------------------------------------------- the embedded snapshot (data/snapshot)


def test_replay_fixture_serves_the_list_and_every_models_endpoints() -> None:
    replay = Path(__file__).resolve().parents[1] / "data" / "snapshot"
    manifest = json.loads((replay / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["recorded_at"] == "2026-08-22T18:35:39Z"
    # The snapshot also serves the first-party sources (tests/test_sources_registry.py).
    bodies = {
        r["url"]: (replay / r["body"]).read_bytes()
        for r in manifest["responses"]
        if r["url"].startswith(openrouter.DEFAULT_BASE_URL + "/")
    }
    assert all(r["status"] == 200 and r["method"] == "GET" for r in manifest["responses"])
    listing = openrouter.endpoint_links(LIST_URL, bodies.pop(LIST_URL))
    assert {openrouter.DEFAULT_BASE_URL + link for link in listing.links} == set(bodies)
    for url, body in bodies.items():
        parsed = openrouter.parse(url, body)
        assert parsed.records and parsed.row_errors == [], url
