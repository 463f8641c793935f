"""The OpenRouter parser against real recorded responses (../shared/samples/openrouter).

A recording is a fixed file, so the prices its PROVENANCE.md names are facts to assert.
Skipped when the samples folder is absent; the samples are never copied into tests/.
"""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from pricewatch.scraper.records import PriceRecord
from pricewatch.scraper.refresh import observations_from_records
from pricewatch.scraper.sources import openrouter

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT.parent / "shared" / "samples" / "openrouter"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="no shared samples")

LIST_URL = "https://openrouter.ai/api/v1/models"
PRICE_BOUND = Decimal(1000)  # USD per million tokens; nothing real comes near it
# PROVENANCE.md's table: file -> (recorded URL path, endpoint count).
ENDPOINTS = {
    "moonshotai__kimi-k2.6.json": ("/api/v1/models/moonshotai/kimi-k2.6-20260420/endpoints", 17),
    "z-ai__glm-5.1.json": ("/api/v1/models/z-ai/glm-5.1-20260406/endpoints", 18),
    "deepseek__deepseek-v3.2.json": ("/api/v1/models/deepseek/deepseek-v3.2-20251201/endpoints", 9),
    "qwen__qwen3-235b-a22b-2507.json": ("/api/v1/models/qwen/qwen3-235b-a22b-07-25/endpoints", 11),
    "meta-llama__llama-3.3-70b-instruct.json": (
        "/api/v1/models/meta-llama/llama-3.3-70b-instruct/endpoints",
        15,
    ),
    "openai__gpt-oss-120b.json": ("/api/v1/models/openai/gpt-oss-120b/endpoints", 19),
    "anthropic__claude-opus-4.7.json": ("/api/v1/models/anthropic/claude-4.7-opus-20260416/endpoints", 6),
}


def _parse_list(name: str) -> list[PriceRecord]:
    parsed = openrouter.parse(LIST_URL, (SAMPLES / name).read_bytes())
    assert parsed.row_errors == []
    return parsed.records


def _parse_endpoints(name: str) -> list[PriceRecord]:
    path, _count = ENDPOINTS[name]
    parsed = openrouter.parse("https://openrouter.ai" + path, (SAMPLES / "endpoints" / name).read_bytes())
    assert parsed.row_errors == []
    return parsed.records


def _find(records: list[PriceRecord], model: str, **key: object) -> PriceRecord:
    found = [
        r
        for r in records
        if r.model == model
        and r.tier == key.get("tier", "standard")
        and r.min_prompt_tokens == key.get("min_prompt_tokens", 0)
        and all(
            getattr(r, name) == value
            for name, value in key.items()
            if name not in ("tier", "min_prompt_tokens")
        )
    ]
    assert len(found) == 1, (model, key, found)
    return found[0]


def _assert_sane(records: list[PriceRecord]) -> None:
    # Endpoints of one host may share an offer key (scraper/identity.py decides which are one offer).
    keys = [r.offer_key() for r in records if not r.endpoint]
    assert len(keys) == len(set(keys)), "duplicate offer keys"
    for record in records:
        prices = [v for v in record.price_values().values() if v is not None]
        prices += [u.amount for u in record.unit_prices if u.unit.endswith("_mtok")]
        assert all(Decimal(0) <= price < PRICE_BOUND for price in prices), record


@pytest.mark.parametrize("name", ["models.json", "models_2026-06-08.json"])
def test_list_parses_with_sane_prices_and_unique_offers(name: str) -> None:
    records = _parse_list(name)
    assert len(records) >= (400 if name == "models.json" else 300)
    assert {r.provider for r in records} == {"OpenRouter"}
    _assert_sane(records)


def test_every_model_of_the_list_gives_a_record() -> None:
    models = json.loads((SAMPLES / "models.json").read_bytes())["data"]
    assert len(models) == 421
    ids = {
        r.model + {"standard": "", "free": ":free", "batch": ":batch"}[r.tier]
        for r in _parse_list("models.json")
    }
    assert ids == {m["id"] for m in models}


def test_list_spot_prices_of_2026_08_22() -> None:
    records = _parse_list("models.json")
    opus = _find(records, "anthropic/claude-opus-4.8")
    assert (opus.input, opus.output, opus.cache_read) == (Decimal(5), Decimal(25), Decimal("0.5"))
    assert (opus.cache_write, opus.cache_write_1h, opus.reasoning) == (Decimal("6.25"), Decimal(10), None)
    assert [(u.unit, u.amount) for u in opus.unit_prices] == [("web_search", Decimal("0.01"))]
    assert opus.info is not None and opus.info.canonical_slug == "anthropic/claude-4.8-opus-20260528"
    assert opus.context_length == 1000000
    kimi = _find(records, "moonshotai/kimi-k2.6")
    assert (kimi.input, kimi.output, kimi.cache_read) == (
        Decimal("0.5415"),
        Decimal("2.28"),
        Decimal("0.0912"),
    )
    deepseek = _find(records, "deepseek/deepseek-v3.2")
    assert (deepseek.input, deepseek.output) == (Decimal("0.26"), Decimal("0.38"))
    qwen = _find(records, "qwen/qwen3-235b-a22b-2507")
    assert (qwen.input, qwen.output) == (Decimal("0.09"), Decimal("0.55"))
    assert sum(r.tier == "free" for r in records) == 18


def test_list_overrides_and_routers_of_2026_08_22() -> None:
    records = _parse_list("models.json")
    tiers = [_find(records, "qwen/qwen3.7-flash", min_prompt_tokens=n) for n in (0, 32000, 256000)]
    assert [(r.input, r.output) for r in tiers] == [
        (Decimal("0.03"), Decimal("0.13")),
        (Decimal("0.1"), Decimal("0.4")),
        (Decimal("0.2"), Decimal("0.8")),
    ]
    for router in ("openrouter/auto", "openrouter/auto-beta", "openrouter/fusion", "openrouter/pareto-code"):
        record = _find(records, router)
        assert record.variable and record.input is None and record.output is None


def test_older_snapshot_prices_of_2026_06_08() -> None:
    records = _parse_list("models_2026-06-08.json")
    kimi = _find(records, "moonshotai/kimi-k2.6")
    assert (kimi.input, kimi.output) == (Decimal("0.684"), Decimal("3.42"))
    deepseek = _find(records, "deepseek/deepseek-v3.2")
    assert (deepseek.input, deepseek.output) == (Decimal("0.2288"), Decimal("0.3432"))
    assert {"anthropic/claude-3.5-haiku", "anthropic/claude-opus-4.6-fast"} <= {r.model for r in records}


def test_links_details_are_used_verbatim() -> None:
    models = json.loads((SAMPLES / "models.json").read_bytes())["data"]
    parsed = openrouter.endpoint_links(LIST_URL, (SAMPLES / "models.json").read_bytes())
    assert set(parsed.links) == {m["links"]["details"] for m in models}
    assert len(parsed.links) == len(set(parsed.links))
    assert "/api/v1/models/anthropic/claude-4.8-opus-20260528/endpoints" in parsed.links
    # The recorded endpoints URLs (canonical slugs, not ids) are all still linked.
    assert {path for path, _count in ENDPOINTS.values()} <= set(parsed.links)
    assert "/api/v1/models/qwen/qwen3-235b-a22b-2507/endpoints" not in parsed.links


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_endpoints_file_parses_with_its_stated_count(name: str) -> None:
    records = _parse_endpoints(name)
    assert len(records) == ENDPOINTS[name][1]
    _assert_sane(records)


def test_endpoints_spot_prices() -> None:
    kimi = _parse_endpoints("moonshotai__kimi-k2.6.json")
    io_net = kimi[0]
    assert (io_net.provider, io_net.endpoint, io_net.quantization) == ("Io Net", "io-net/int4", "int4")
    assert (io_net.input, io_net.output, io_net.context_length) == (Decimal("0.73"), Decimal("3.49"), 262142)
    deepinfra = _find(kimi, "moonshotai/kimi-k2.6", provider="DeepInfra")
    assert (deepinfra.endpoint, deepinfra.input, deepinfra.output) == (
        "deepinfra/fp4",
        Decimal("0.75"),
        Decimal("3.5"),
    )
    fireworks = _find(kimi, "moonshotai/kimi-k2.6", provider="Fireworks")
    # "0.0000009499999999999999" in the recording: a printed double, read as 0.95.
    assert fireworks.input == Decimal("0.95") and fireworks.quantization is None

    zai = _find(_parse_endpoints("z-ai__glm-5.1.json"), "z-ai/glm-5.1", provider="Z.AI")
    assert (zai.endpoint, zai.input, zai.output) == ("z-ai", Decimal("1.4"), Decimal("4.4"))

    deepseek = _parse_endpoints("deepseek__deepseek-v3.2.json")
    alibaba = _find(deepseek, "deepseek/deepseek-v3.2", provider="Alibaba")
    assert alibaba.input == Decimal("0.3705")  # listed price, already net of its 0.35 discount
    baidu = _find(deepseek, "deepseek/deepseek-v3.2", provider="Baidu")
    assert (baidu.input, baidu.context_length) == (Decimal("0.252"), 131072)

    cerebras = _find(
        _parse_endpoints("qwen__qwen3-235b-a22b-2507.json"), "qwen/qwen3-235b-a22b-2507", provider="Cerebras"
    )
    assert (cerebras.endpoint, cerebras.input, cerebras.output) == (
        "cerebras/fp16",
        Decimal("0.6"),
        Decimal("1.2"),
    )
    assert cerebras.context_length == 131072

    opus = _parse_endpoints("anthropic__claude-opus-4.7.json")
    assert {(r.input, r.output, r.cache_read, r.context_length) for r in opus} == {
        (Decimal(5), Decimal(25), Decimal("0.5"), 1000000)
    }
    assert {r.endpoint for r in opus if r.provider == "Anthropic"} == {"anthropic", "anthropic/2"}

    gpt_oss = _parse_endpoints("openai__gpt-oss-120b.json")
    cheapest = min(r.input for r in gpt_oss if r.input is not None)
    assert cheapest == Decimal("0.039")
    assert {r.provider for r in gpt_oss if r.input == cheapest} == {"DekaLLM", "DeepInfra"}


def _resolved(name: str, catalog) -> list:
    observations, _models, _providers = observations_from_records(
        _parse_endpoints(name), catalog, "2026-05-18T21:38:38Z"
    )
    return observations


def test_one_host_at_one_price_is_one_offer_and_other_prices_are_keyed_by_tag(catalog) -> None:
    # Anthropic's `anthropic` and `anthropic/2`, two Bedrock regions, two Vertex regions: one price each.
    opus = _resolved("anthropic__claude-opus-4.7.json", catalog)
    assert sorted((o.provider_id, o.variant) for o in opus) == [
        ("amazon-bedrock", ""),
        ("anthropic", ""),
        ("google", ""),
    ]
    # SambaNova sells llama-3.3 at two prices: the cheaper keeps the offer, the dearer is keyed by its tag.
    llama = _resolved("meta-llama__llama-3.3-70b-instruct.json", catalog)
    assert sorted((o.variant, o.prices[0]) for o in llama if o.provider_id == "sambanova") == [
        ("", Decimal("0.45")),
        ("sambanova/bf16", Decimal("0.6")),
    ]
    # Two Google endpoints with one tag at two prices: still two offers, whatever the listing order.
    qwen = _resolved("qwen__qwen3-235b-a22b-2507.json", catalog)
    google = sorted((o.variant, o.prices[0]) for o in qwen if o.provider_id == "google")
    assert google == [("", Decimal("0.22")), ("google-vertex/us-south1", Decimal("0.25"))]
    # Quantization is an attribute of the offer, not a provider.
    kimi = _resolved("moonshotai__kimi-k2.6.json", catalog)
    deepinfra = [o for o in kimi if o.provider_id == "deepinfra"]
    assert [(o.variant, o.quantization) for o in deepinfra] == [("", "fp4")]


# ---------------------------------------------------------------- bench/make_openrouter_replay.py


def _bench_module() -> ModuleType:
    path = REPO_ROOT / "bench" / "make_openrouter_replay.py"
    spec = importlib.util.spec_from_file_location("make_openrouter_replay", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _served(manifest_path: Path) -> dict[str, bytes]:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return {r["url"]: (manifest_path.parent / r["body"]).read_bytes() for r in manifest["responses"]}


def test_replay_serves_the_list_and_every_endpoints_url(tmp_path: Path) -> None:
    served = _served(_bench_module().build_replay(SAMPLES, tmp_path / "replay"))
    assert served[LIST_URL] == (SAMPLES / "models.json").read_bytes()
    listing = openrouter.endpoint_links(LIST_URL, served.pop(LIST_URL))
    assert {"https://openrouter.ai" + link for link in listing.links} == set(served)
    kimi_url = "https://openrouter.ai/api/v1/models/moonshotai/kimi-k2.6-20260420/endpoints"
    assert len(openrouter.parse(kimi_url, served[kimi_url]).records) == 17  # the recording
    for url, body in served.items():
        parsed = openrouter.parse(url, body)
        assert parsed.records and parsed.row_errors == [], url
    opus_url = "https://openrouter.ai/api/v1/models/anthropic/claude-4.8-opus-20260528/endpoints"
    (opus,) = openrouter.parse(opus_url, served[opus_url]).records
    assert (opus.provider, opus.endpoint, opus.input, opus.output) == ("Anthropic", "anthropic", 5, 25)


def test_replay_drops_endpoints_and_changes_prices(tmp_path: Path) -> None:
    bench = _bench_module()
    changes = {"moonshotai/kimi-k2.6": Decimal(2)}
    served = _served(bench.build_replay(SAMPLES, tmp_path / "replay", drop_fraction=0.9, changes=changes))
    body = served.pop(LIST_URL)
    listing, links = openrouter.parse(LIST_URL, body), openrouter.endpoint_links(LIST_URL, body).links
    assert len(served) == len(links) - round(0.9 * len(links))
    kimi = _find(listing.records, "moonshotai/kimi-k2.6")
    assert (kimi.input, kimi.output) == (Decimal("1.083"), Decimal("4.56"))
    assert kimi.cache_read == Decimal("0.0912")  # only prompt and completion are scaled
    full = _served(bench.build_replay(SAMPLES, tmp_path / "full", changes=changes))
    url = "https://openrouter.ai/api/v1/models/moonshotai/kimi-k2.6-20260420/endpoints"
    io_net = openrouter.parse(url, full[url]).records[0]
    assert (io_net.input, io_net.output) == (Decimal("1.46"), Decimal("6.98"))
