"""Contract tests: the first-party parsers against the real recorded pages in ../shared/samples.

A recording is a fixed file, so the prices its PROVENANCE.md names are facts; skipped when
the shared samples are not present.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.sources import anthropic, google, openai

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="no shared samples")

SANITY_BOUND = Decimal(1000)  # USD per million tokens; o1-pro output is $600

# (module, recording, minimum record count)
RECORDINGS = [
    pytest.param(anthropic, "anthropic/pricing_2026-09.md", 34, id="anthropic-2026-09"),
    pytest.param(anthropic, "anthropic/pricing_2026-08-21.md", 30, id="anthropic-2026-08-21"),
    pytest.param(anthropic, "anthropic/pricing_2026-03-28.md", 25, id="anthropic-2026-03-28"),
    pytest.param(openai, "openai/pricing_2026-08.md", 100, id="openai-2026-08"),
    pytest.param(openai, "openai/pricing_2026-06-26_rendered.md", 25, id="openai-2026-06-26-rendered"),
    pytest.param(google, "google/pricing_2026-08.md", 80, id="google-2026-08"),
    pytest.param(google, "google/pricing_2025-11-21.md", 30, id="google-2025-11-21"),
]

# (recording, model, tier, min_prompt_tokens, variant, {field: price}) from PROVENANCE.md
_FABLE_51 = {
    "input": "10",
    "cache_write": "12.50",
    "cache_write_1h": "20",
    "cache_read": "0.25",
    "output": "50",
}

FACTS = [
    # anthropic 2026-09 (lower-case header, "Cache hits and refreshes", footnoted "$0.25 / MTok1")
    ("anthropic/pricing_2026-09.md", "Claude Fable 5.1", "standard", 0, "", _FABLE_51),
    ("anthropic/pricing_2026-09.md", "Claude Mythos 5.1", "standard", 0, "", _FABLE_51),
    ("anthropic/pricing_2026-09.md", "Claude Fable 5", "standard", 0, "", {"input": "10", "cache_read": "1"}),
    (
        "anthropic/pricing_2026-09.md",
        "Claude Opus 5",
        "standard",
        0,
        "",
        {"input": "5", "cache_write": "6.25", "cache_write_1h": "10", "cache_read": "0.50", "output": "25"},
    ),
    (
        "anthropic/pricing_2026-09.md",
        "Claude Sonnet 5",
        "standard",
        0,
        "",
        {"input": "2", "cache_write": "2.50", "cache_write_1h": "4", "cache_read": "0.20", "output": "10"},
    ),
    ("anthropic/pricing_2026-09.md", "Claude Fable 5.1", "batch", 0, "", {"input": "5", "output": "25"}),
    ("anthropic/pricing_2026-09.md", "Claude Opus 5", "batch", 0, "", {"input": "2.50", "output": "12.50"}),
    ("anthropic/pricing_2026-09.md", "Claude Haiku 3.5", "batch", 0, "", {"input": "0.40", "output": "2"}),
    ("anthropic/pricing_2026-09.md", "Claude Opus 5", "priority", 0, "fast", {"input": "10", "output": "50"}),
    (
        "anthropic/pricing_2026-09.md",
        "Claude Opus 4.8",
        "priority",
        0,
        "fast",
        {"input": "10", "output": "50"},
    ),
    # anthropic 2026-08-21
    (
        "anthropic/pricing_2026-08-21.md",
        "Claude Opus 5",
        "standard",
        0,
        "",
        {"input": "5", "cache_write": "6.25", "cache_write_1h": "10", "cache_read": "0.50", "output": "25"},
    ),
    (
        "anthropic/pricing_2026-08-21.md",
        "Claude Fable 5",
        "standard",
        0,
        "",
        {"input": "10", "cache_write": "12.50", "cache_write_1h": "20", "cache_read": "1", "output": "50"},
    ),
    ("anthropic/pricing_2026-08-21.md", "Claude Fable 5", "batch", 0, "", {"input": "5", "output": "25"}),
    (
        "anthropic/pricing_2026-08-21.md",
        "Claude Sonnet 5",
        "standard",
        0,
        "",
        {"input": "2", "cache_write": "2.50", "cache_write_1h": "4", "cache_read": "0.20", "output": "10"},
    ),
    (
        "anthropic/pricing_2026-08-21.md",
        "Claude Haiku 4.5",
        "standard",
        0,
        "",
        {"input": "1", "cache_write": "1.25", "cache_write_1h": "2", "cache_read": "0.10", "output": "5"},
    ),
    (
        "anthropic/pricing_2026-08-21.md",
        "Claude Haiku 4.5",
        "batch",
        0,
        "",
        {"input": "0.50", "output": "2.50"},
    ),
    ("anthropic/pricing_2026-08-21.md", "Claude Haiku 3.5", "standard", 0, "", {"cache_write_1h": "1.60"}),
    (
        "anthropic/pricing_2026-08-21.md",
        "Claude Opus 5",
        "priority",
        0,
        "fast",
        {"input": "10", "output": "50"},
    ),
    (
        "anthropic/pricing_2026-08-21.md",
        "Claude Opus 4.8",
        "priority",
        0,
        "fast",
        {"input": "10", "output": "50"},
    ),
    # anthropic 2026-03-28
    (
        "anthropic/pricing_2026-03-28.md",
        "Claude Opus 4.6",
        "standard",
        0,
        "",
        {"input": "5", "cache_write": "6.25", "cache_write_1h": "10", "cache_read": "0.50", "output": "25"},
    ),
    (
        "anthropic/pricing_2026-03-28.md",
        "Claude Opus 4.6",
        "batch",
        0,
        "",
        {"input": "2.50", "output": "12.50"},
    ),
    (
        "anthropic/pricing_2026-03-28.md",
        "Claude Sonnet 4.6",
        "standard",
        0,
        "",
        {"input": "3", "cache_write": "3.75", "cache_write_1h": "6", "cache_read": "0.30", "output": "15"},
    ),
    (
        "anthropic/pricing_2026-03-28.md",
        "Claude Haiku 3",
        "standard",
        0,
        "",
        {
            "input": "0.25",
            "cache_write": "0.30",
            "cache_write_1h": "0.50",
            "cache_read": "0.03",
            "output": "1.25",
        },
    ),
    (
        "anthropic/pricing_2026-03-28.md",
        "Claude Haiku 3",
        "batch",
        0,
        "",
        {"input": "0.125", "output": "0.625"},
    ),
    ("anthropic/pricing_2026-03-28.md", "Claude Haiku 3.5", "standard", 0, "", {"cache_write_1h": "1.6"}),
    (
        "anthropic/pricing_2026-03-28.md",
        "Claude Sonnet 4.5",
        "standard",
        200000,
        "",
        {"input": "6", "output": "22.50"},
    ),
    (
        "anthropic/pricing_2026-03-28.md",
        "Claude Sonnet 4",
        "standard",
        200000,
        "",
        {"input": "6", "output": "22.50"},
    ),
    (
        "anthropic/pricing_2026-03-28.md",
        "Claude Opus 4.6",
        "priority",
        0,
        "fast",
        {"input": "30", "output": "150"},
    ),
    # openai 2026-08
    (
        "openai/pricing_2026-08.md",
        "gpt-5.6-sol",
        "standard",
        0,
        "",
        {"input": "4.00", "cache_read": "0.40", "cache_write": "5.00", "output": "20.00"},
    ),
    (
        "openai/pricing_2026-08.md",
        "gpt-5.6-sol",
        "standard",
        272000,
        "",
        {"input": "8.00", "cache_read": "0.80", "cache_write": "10.00", "output": "30.00"},
    ),
    (
        "openai/pricing_2026-08.md",
        "gpt-5.4-mini",
        "standard",
        0,
        "",
        {"input": "0.75", "cache_read": "0.075", "cache_write": None, "output": "4.50"},
    ),
    (
        "openai/pricing_2026-08.md",
        "gpt-4o",
        "standard",
        0,
        "",
        {"input": "2.50", "cache_read": "1.25", "output": "10.00"},
    ),
    (
        "openai/pricing_2026-08.md",
        "gpt-4o",
        "batch",
        0,
        "",
        {"input": "1.25", "cache_read": None, "output": "5.00"},
    ),
    (
        "openai/pricing_2026-08.md",
        "gpt-5.6-sol",
        "batch",
        0,
        "",
        {"input": "2.00", "cache_read": "0.20", "cache_write": "2.50", "output": "10.00"},
    ),
    (
        "openai/pricing_2026-08.md",
        "gpt-5.6-sol",
        "batch",
        272000,
        "",
        {"input": "4.00", "cache_read": "0.40", "cache_write": "5.00", "output": "15.00"},
    ),
    (
        "openai/pricing_2026-08.md",
        "o4-mini",
        "flex",
        0,
        "",
        {"input": "0.55", "cache_read": "0.138", "output": "2.20"},
    ),
    (
        "openai/pricing_2026-08.md",
        "gpt-5.5",
        "priority",
        0,
        "",
        {"input": "12.50", "cache_read": "1.25", "output": "75.00"},
    ),
    # openai 2026-06-26, the crawler's rendering of the HTML page
    (
        "openai/pricing_2026-06-26_rendered.md",
        "gpt-5.5",
        "standard",
        0,
        "",
        {"input": "5.00", "cache_read": "0.50", "output": "30.00"},
    ),
    (
        "openai/pricing_2026-06-26_rendered.md",
        "gpt-5.5",
        "standard",
        272000,
        "",
        {"input": "10.00", "cache_read": "1.00", "output": "45.00"},
    ),
    (
        "openai/pricing_2026-06-26_rendered.md",
        "gpt-5.4",
        "priority",
        0,
        "",
        {"input": "5.00", "cache_read": "0.50", "output": "30.00"},
    ),
    (
        "openai/pricing_2026-06-26_rendered.md",
        "gpt-5.4-nano",
        "batch",
        0,
        "",
        {"input": "0.10", "cache_read": "0.01", "output": "0.625"},
    ),
    # google 2025-11-21
    (
        "google/pricing_2025-11-21.md",
        "Gemini 3 Pro Preview",
        "standard",
        0,
        "",
        {"input": "2.00", "output": "12.00", "cache_read": "0.20"},
    ),
    (
        "google/pricing_2025-11-21.md",
        "Gemini 3 Pro Preview",
        "standard",
        200000,
        "",
        {"input": "4.00", "output": "18.00", "cache_read": "0.40"},
    ),
    (
        "google/pricing_2025-11-21.md",
        "Gemini 3 Pro Preview",
        "batch",
        0,
        "",
        {"input": "1.00", "output": "6.00"},
    ),
    (
        "google/pricing_2025-11-21.md",
        "Gemini 3 Pro Preview",
        "batch",
        200000,
        "",
        {"input": "2.00", "output": "9.00"},
    ),
    (
        "google/pricing_2025-11-21.md",
        "Gemini 2.5 Pro",
        "standard",
        0,
        "",
        {"input": "1.25", "output": "10.00", "cache_read": "0.125"},
    ),
    (
        "google/pricing_2025-11-21.md",
        "Gemini 2.5 Pro",
        "standard",
        200000,
        "",
        {"input": "2.50", "output": "15.00", "cache_read": "0.25"},
    ),
    (
        "google/pricing_2025-11-21.md",
        "Gemini 2.5 Pro",
        "batch",
        200000,
        "",
        {"input": "1.25", "output": "7.50"},
    ),
    (
        "google/pricing_2025-11-21.md",
        "Gemini 2.5 Flash",
        "standard",
        0,
        "",
        {"input": "0.30", "output": "2.50", "cache_read": "0.03"},
    ),
    (
        "google/pricing_2025-11-21.md",
        "Gemini 2.5 Flash-Lite",
        "standard",
        0,
        "",
        {"input": "0.10", "output": "0.40", "cache_read": "0.01"},
    ),
    (
        "google/pricing_2025-11-21.md",
        "Gemini 2.0 Flash",
        "standard",
        0,
        "",
        {"input": "0.10", "output": "0.40", "cache_read": "0.025"},
    ),
]

# google 2026-08: dated cells ("$0.75 through December 31, 2026. $1.50 starting January 1, 2027.")
# give the price in force and, with effective_from, the scheduled one; Flex and Priority are tiers.
# (recording, model, tier, min_prompt_tokens, effective_from, {field: price})
G26 = "google/pricing_2026-08.md"
JAN_2027 = date(2027, 1, 1)
DATED_FACTS = [
    (
        G26,
        "Gemini 3.7 Flash",
        "standard",
        0,
        None,
        {"input": "0.75", "output": "3.75", "cache_read": "0.075"},
    ),
    (
        G26,
        "Gemini 3.7 Flash",
        "standard",
        0,
        JAN_2027,
        {"input": "1.50", "output": "7.50", "cache_read": "0.15"},
    ),
    (G26, "Gemini 3.7 Flash", "priority", 0, None, {"input": "1.35", "output": "6.75"}),
    (G26, "Gemini 3.7 Flash", "priority", 0, JAN_2027, {"input": "2.70", "output": "13.50"}),
    (G26, "Gemini 3.7 Flash", "batch", 0, None, {"input": "0.375"}),
    (G26, "Gemini 3.7 Flash", "batch", 0, JAN_2027, {"input": "0.75"}),
    (G26, "Gemini 3.7 Flash", "flex", 0, None, {"input": "0.375"}),
    (G26, "Gemini 3.7 Flash", "flex", 0, JAN_2027, {"input": "0.75"}),
    (G26, "Gemini 3.5 Flash", "standard", 0, None, {"input": "1.50", "output": "9.00", "cache_read": "0.15"}),
    (G26, "Gemini 3.5 Flash", "flex", 0, None, {"input": "0.75", "output": "4.50", "cache_read": "0.08"}),
    (G26, "Gemini 3.5 Flash", "priority", 0, None, {"input": "2.70", "output": "16.20"}),
    (G26, "Gemini 3.1 Pro Preview", "standard", 0, None, {"input": "2.00", "output": "12.00"}),
    (G26, "Gemini 3.1 Pro Preview", "standard", 200000, None, {"input": "4.00", "output": "18.00"}),
    (G26, "Gemini 3.1 Pro Preview", "priority", 0, None, {"input": "3.60", "output": "21.60"}),
    (G26, "Gemini 3.1 Pro Preview", "priority", 200000, None, {"input": "7.20", "output": "32.40"}),
    (G26, "Gemini 2.5 Pro", "standard", 0, None, {"input": "1.25", "output": "10.00"}),
    (G26, "Gemini 2.5 Pro", "standard", 200000, None, {"input": "2.50", "output": "15.00"}),
    (G26, "Gemini 2.5 Flash-Lite", "standard", 0, None, {"input": "0.10", "output": "0.40"}),
]

# (recording, model, tier, unit, amount): audio input is a UnitPrice, not the token price.
UNIT_FACTS = [
    (G26, "Gemini 2.5 Flash-Lite", "standard", "audio_input_mtok", "0.30"),
    ("google/pricing_2025-11-21.md", "Gemini 2.5 Flash", "standard", "audio_input_mtok", "1.00"),
    ("google/pricing_2025-11-21.md", "Gemini 2.5 Flash-Lite", "standard", "audio_input_mtok", "0.30"),
    ("google/pricing_2025-11-21.md", "Gemini 2.0 Flash", "standard", "audio_input_mtok", "0.70"),
]

_cache: dict[str, Parsed] = {}


def _parsed(recording: str) -> Parsed:
    if recording not in _cache:
        module = {"anthropic": anthropic, "openai": openai, "google": google}[recording.split("/")[0]]
        (url,) = module.start_urls(module.DEFAULT_BASE_URL)
        _cache[recording] = module.parse(url, (SAMPLES / recording).read_bytes())
    return _cache[recording]


@pytest.mark.parametrize(("module", "recording", "minimum"), RECORDINGS)
def test_recording_parses_with_sane_records(module, recording: str, minimum: int) -> None:
    parsed = _parsed(recording)
    assert parsed.row_errors == []
    assert len(parsed.records) >= minimum
    keys = Counter((record.offer_key(), record.effective_from) for record in parsed.records)
    assert [key for key, count in keys.items() if count > 1] == []
    for record in parsed.records:
        for name, value in record.price_values().items():
            if value is not None:
                assert Decimal(0) <= value < SANITY_BOUND, (record.model, name, value)
        for unit in record.unit_prices:
            assert Decimal(0) <= unit.amount < SANITY_BOUND


@pytest.mark.parametrize(
    ("recording", "model", "tier", "min_prompt_tokens", "variant", "prices"),
    FACTS,
    ids=[f"{f[0].split('/')[1]}:{f[1]}:{f[2]}:{f[3]}{':' + f[4] if f[4] else ''}" for f in FACTS],
)
def test_recording_has_provenance_price(
    recording: str, model: str, tier: str, min_prompt_tokens: int, variant: str, prices: dict
) -> None:
    records = {
        r.offer_key()[0:1] + r.offer_key()[2:]: r for r in _parsed(recording).records if not r.effective_from
    }
    record = records[(model, tier, min_prompt_tokens, variant)]
    for name, value in prices.items():
        assert getattr(record, name) == (None if value is None else Decimal(value)), name


@pytest.mark.parametrize(
    ("recording", "model", "tier", "min_prompt_tokens", "effective_from", "prices"),
    DATED_FACTS,
    ids=[f"{f[1]}:{f[2]}:{f[3]}:{f[4] or 'now'}" for f in DATED_FACTS],
)
def test_recording_has_provenance_price_in_force_or_scheduled(
    recording: str, model: str, tier: str, min_prompt_tokens: int, effective_from: date | None, prices: dict
) -> None:
    [record] = [
        r
        for r in _parsed(recording).records
        if (r.model, r.tier, r.min_prompt_tokens, r.effective_from)
        == (model, tier, min_prompt_tokens, effective_from)
    ]
    for name, value in prices.items():
        assert getattr(record, name) == Decimal(value), name


def test_google_2026_08_reads_every_model_section_and_its_four_tiers() -> None:
    parsed = _parsed(G26)
    assert parsed.row_errors == []
    now = [r for r in parsed.records if r.effective_from is None]
    assert len({r.model for r in now}) == 30  # 33 model sections less Veo 3.1, Lyria 3 and unpriced Gemma 4
    assert {r.tier for r in now} == {"standard", "batch", "flex", "priority"}
    dated = [r for r in parsed.records if r.effective_from is not None]
    assert {r.effective_from for r in dated} == {JAN_2027}
    assert {r.model for r in dated} == {"Gemini 3.7 Flash", "Gemini 3.6 Flash"}


@pytest.mark.parametrize(("recording", "model", "tier", "unit", "amount"), UNIT_FACTS)
def test_recording_has_provenance_unit_price(
    recording: str, model: str, tier: str, unit: str, amount: str
) -> None:
    (record,) = [
        r
        for r in _parsed(recording).records
        if (r.model, r.tier, r.min_prompt_tokens, r.effective_from) == (model, tier, 0, None)
    ]
    assert {u.unit: u.amount for u in record.unit_prices}[unit] == Decimal(amount)


def test_anthropic_model_table_has_fifteen_rows() -> None:
    standard = [r for r in _parsed("anthropic/pricing_2026-08-21.md").records if r.tier == "standard"]
    assert len(standard) == 15


def test_anthropic_2026_09_gives_every_model_its_cache_read_price() -> None:
    # Before issue 14 the reworded header left every cache-read price empty, silently.
    standard = [r for r in _parsed("anthropic/pricing_2026-09.md").records if r.tier == "standard"]
    assert len(standard) == 17
    assert standard[0].model == "Claude Fable 5.1" and standard[-1].model == "Claude Haiku 3.5"
    assert [r.model for r in standard if None in (r.input, r.output, r.cache_read, r.cache_write)] == []


def test_openai_standard_table_has_thirty_six_models() -> None:
    standard = {
        r.model
        for r in _parsed("openai/pricing_2026-08.md").records
        if r.tier == "standard" and r.min_prompt_tokens == 0
    }
    assert len(standard) == 36
    assert "gpt-5.5" in standard and not any("context length" in name for name in standard)


def test_google_sections_exclude_tools_and_unpriced_models() -> None:
    models = {r.model for r in _parsed("google/pricing_2025-11-21.md").records}
    assert "Pricing for Tools" not in models
    assert not {"Gemma 3", "Gemma 3n", "Imagen 4", "Veo 3"} & models
    assert "Gemini 3 Pro Image Preview" in models  # the mojibake emoji is stripped from the heading
