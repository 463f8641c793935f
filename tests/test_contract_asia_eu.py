"""Contract tests against the shared real recordings (skipped when ../shared/samples is absent).

A recording is a fixed file, so the prices its PROVENANCE.md names are facts to assert.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from golden import fixture_body

from pricewatch.errors import SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord
from pricewatch.scraper.sources import deepseek, minimax, mistral, moonshot, xai

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="no shared samples")

# A sanity bound per currency, per million tokens (CNY prices run about 7x USD).
PRICE_BOUND = {"USD": Decimal(1000), "EUR": Decimal(1000), "CNY": Decimal(1000)}
MISTRAL_DIR = mistral.start_urls(mistral.DEFAULT_BASE_URL)[0].rsplit("/", 1)[0] + "/"


def _check_invariants(records: list[PriceRecord], at_least: int) -> None:
    assert len(records) >= at_least
    keys = [(r.model, r.provider, r.tier, r.min_prompt_tokens, r.variant, r.currency) for r in records]
    assert len(keys) == len(set(keys)), "duplicate offer keys"
    for record in records:
        bound = PRICE_BOUND[record.currency]
        for name, value in record.price_values().items():
            if value is not None:
                assert 0 <= value < bound, (record.model, name, value)
        for unit in record.unit_prices:
            assert 0 <= unit.amount < bound, (record.model, unit.unit)


def _find(records: list[PriceRecord], model: str, **key: object) -> PriceRecord:
    found = [r for r in records if r.model == model and all(getattr(r, k) == v for k, v in key.items())]
    assert len(found) == 1, (model, key, found)
    return found[0]


# ---------------------------------------------------------------- deepseek


def test_deepseek_recording_2026_09_parses_with_peak_and_off_peak_prices() -> None:
    body = (SAMPLES / "deepseek" / "hermenics-2026-09-13_pricing.trimmed.html").read_bytes()
    parsed = deepseek.parse(deepseek.start_urls()[0], body)
    assert parsed.row_errors == []
    _check_invariants(parsed.records, at_least=4)
    flash = _find(parsed.records, "DeepSeek-V4.1-Flash", tier="off-peak")
    assert (flash.cache_read, flash.input, flash.output) == (
        Decimal("0.003"),
        Decimal("0.15"),
        Decimal("0.6"),
    )
    pro = _find(parsed.records, "DeepSeek-V4-Pro-0813", tier="standard")
    assert (pro.cache_read, pro.input, pro.output) == (Decimal("0.044"), Decimal("1.32"), Decimal("3.96"))
    assert _find(parsed.records, "DeepSeek-V4.1-Flash", tier="standard").output == Decimal("1.2")


# ---------------------------------------------------------------- mistral


def _mistral_all() -> tuple[Parsed, list[PriceRecord], list[str]]:
    folder = SAMPLES / "mistral" / "platform-docs-public" / "models"
    index = mistral.parse(MISTRAL_DIR + "index.ts", (folder / "index.ts").read_bytes())
    records: list[PriceRecord] = []
    errors: list[str] = []
    for link in index.links:
        parsed = mistral.parse(MISTRAL_DIR + link, (folder / link).read_bytes())
        records.extend(parsed.records)
        errors.extend(parsed.row_errors)
    return index, records, errors


def test_mistral_recording_parses_every_listed_model_file() -> None:
    index, records, errors = _mistral_all()
    assert len(index.links) == 65
    _check_invariants(records, at_least=40)
    assert all(r.provider == "Mistral" for r in records)
    # Files with no price at all, and one with EUR for output only, are reported, not guessed.
    assert sorted(errors) == [
        "mistral-ocr-2503: no published price",
        "pixtral-large-2411: EUR prices for some meters only: EUR record skipped",
        "shieldstral-1-0: no published price",
    ]


def test_mistral_recording_exact_prices_from_provenance() -> None:
    _, records, _ = _mistral_all()
    large = _find(records, "mistral-large-2512", currency="USD")
    assert (large.input, large.output) == (Decimal("0.5"), Decimal("1.5"))
    large_eur = _find(records, "mistral-large-2512", currency="EUR")
    assert (large_eur.input, large_eur.output) == (Decimal("0.44"), Decimal("1.3"))
    medium = _find(records, "mistral-medium-3-5", currency="USD")
    assert (medium.input, medium.output) == (Decimal("1.5"), Decimal("7.5"))
    small = _find(records, "mistral-small-2603", currency="USD")
    assert (small.input, small.output) == (Decimal("0.15"), Decimal("0.6"))
    codestral = _find(records, "codestral-2508", currency="USD")
    assert (codestral.input, codestral.output) == (Decimal("0.3"), Decimal("0.9"))
    assert _find(records, "codestral-embed-2505", currency="USD").input == Decimal("0.15")
    glm = _find(records, "zai-glm-5-2", currency="USD")
    assert (glm.input, glm.cache_read, glm.output) == (Decimal("1.4"), Decimal("0.14"), Decimal("4.4"))
    voxtral = _find(records, "voxtral-mini-2602", currency="USD")
    assert [(u.unit, u.amount) for u in voxtral.unit_prices] == [("audio_minute", Decimal("0.003"))]
    assert voxtral.input is None and voxtral.output is None


def test_mistral_recording_deprecated_kept_retired_dropped() -> None:
    folder = SAMPLES / "mistral" / "platform-docs-public" / "models"
    _, records, _ = _mistral_all()
    models = {r.model for r in records}
    assert mistral.lifecycle((folder / "mistral-medium-3-1-25-08.ts").read_bytes()) == {
        "mistral-medium-2508": "deprecated"
    }
    assert _find(records, "mistral-medium-2508", currency="USD").output == Decimal("2.0")
    # codestral-25-01 is Retired but its file still lists 0.3 / 0.9.
    assert mistral.lifecycle((folder / "codestral-25-01.ts").read_bytes()) == {"codestral-2501": "retired"}
    assert "codestral-2501" not in models


# ---------------------------------------------------------------- moonshot


def test_moonshot_recording_parses_cny_prices() -> None:
    body = (SAMPLES / "moonshot" / "llm-docs-2025-12_pricing-chat.en.md").read_bytes()
    parsed = moonshot.parse(moonshot.start_urls()[0], body)
    assert parsed.row_errors == []
    _check_invariants(parsed.records, at_least=12)
    assert {r.currency for r in parsed.records} == {"CNY"}
    k2 = _find(parsed.records, "kimi-k2-0905-preview")
    assert (k2.cache_read, k2.input, k2.output, k2.context_length) == (
        Decimal(1),
        Decimal(4),
        Decimal(16),
        262144,
    )
    turbo = _find(parsed.records, "kimi-k2-turbo-preview")
    assert (turbo.cache_read, turbo.input, turbo.output) == (Decimal(1), Decimal(8), Decimal(58))
    short = _find(parsed.records, "kimi-latest", min_prompt_tokens=0)
    assert (short.cache_read, short.input, short.output) == (Decimal(1), Decimal(2), Decimal(10))
    long = _find(parsed.records, "kimi-latest", min_prompt_tokens=32768)
    assert (long.cache_read, long.input, long.output) == (Decimal(1), Decimal(10), Decimal(30))


KIMI = SAMPLES / "kimi"
KIMI_PAGES = {page: KIMI / f"{page}_2026-08-18.md" for page in moonshot.PRICING_PAGES}


def _kimi(page: str) -> Parsed:
    url = next(u for u in moonshot.start_urls() if u.endswith(f"/{page}.md"))
    parsed = moonshot.parse(url, KIMI_PAGES[page].read_bytes())
    assert parsed.row_errors == []
    _check_invariants(parsed.records, at_least=1)
    assert {(r.provider, r.currency) for r in parsed.records} == {("Moonshot AI", "USD")}
    return parsed


def test_kimi_recordings_exist_for_every_start_page() -> None:
    assert all(path.is_file() for path in KIMI_PAGES.values())


@pytest.mark.parametrize(
    ("page", "model", "prices", "context"),
    [
        # kimi/PROVENANCE.md spot facts 1..4: cache hit, input (cache miss), output.
        ("chat-k3", "kimi-k3", ("0.30", "3.00", "15.00"), 1048576),
        ("chat-k27-code", "kimi-k2.7-code", ("0.19", "0.95", "4.00"), 262144),
        ("chat-k27-code", "kimi-k2.7-code-highspeed", ("0.38", "1.90", "8.00"), 262144),
        ("chat-k26", "kimi-k2.6", ("0.16", "0.95", "4.00"), 262144),
        ("chat-k25", "kimi-k2.5", ("0.10", "0.60", "3.00"), 262144),
    ],
)
def test_kimi_recording_exact_prices_from_provenance(page, model, prices, context) -> None:
    record = _find(_kimi(page).records, model)
    assert (record.cache_read, record.input, record.output) == tuple(Decimal(p) for p in prices)
    assert record.context_length == context


def test_kimi_v1_recording_has_six_rows_without_cache_prices() -> None:
    records = _kimi("chat-v1").records
    assert len(records) == 6
    expected = {"8k": ("0.20", "2.00"), "32k": ("1.00", "3.00"), "128k": ("2.00", "5.00")}
    for size, (input_price, output_price) in expected.items():
        for model in (f"moonshot-v1-{size}", f"moonshot-v1-{size}-vision-preview"):
            record = _find(records, model)
            assert (record.input, record.output, record.cache_read) == (
                Decimal(input_price),
                Decimal(output_price),
                None,
            )


# ---------------------------------------------------------------- minimax


def test_minimax_recording_parses_text_prices() -> None:
    body = (SAMPLES / "minimax" / "llm-docs-2025-12_pricing-pay-as-you-go.en.md").read_bytes()
    parsed = minimax.parse(minimax.start_urls()[0], body)
    assert parsed.row_errors == []
    _check_invariants(parsed.records, at_least=2)
    for model in ("MiniMax-M2", "MiniMax-M2-Stable"):
        record = _find(parsed.records, model)
        assert (record.input, record.output, record.cache_read, record.cache_write) == (
            Decimal("0.3"),
            Decimal("1.2"),
            Decimal("0.03"),
            Decimal("0.375"),
        )


def test_deepseek_markdown_conversion_is_not_read_as_prices() -> None:
    # The 2025-12 recordings are an html-to-text conversion, not what the URL serves.
    body = (SAMPLES / "deepseek" / "llm-docs-2025-12_pricing.en.md").read_bytes()
    with pytest.raises(SourceLayoutError, match="no pricing table found"):
        deepseek.parse(deepseek.start_urls()[0], body)


def _minimax_2026() -> Parsed:
    body = (SAMPLES / "minimax" / "pricing-paygo_2026-08-18.llm-section.md").read_bytes()
    parsed = minimax.parse(minimax.start_urls()[0], body)
    assert parsed.row_errors == []
    _check_invariants(parsed.records, at_least=11)
    return parsed


@pytest.mark.parametrize(
    ("tier", "threshold", "charged", "listed"),
    [
        # minimax/PROVENANCE.md (2026-08-18) spot facts 1..3: input, output, cache read.
        ("standard", 0, ("0.30", "1.20", "0.06"), ("0.60", "2.40", "0.12")),
        ("standard", 512000, ("0.60", "2.40", "0.12"), ("1.20", "4.80", "0.24")),
        ("priority", 0, ("0.45", "1.80", "0.09"), ("0.90", "3.60", "0.18")),
        ("priority", 512000, ("0.90", "3.60", "0.18"), ("1.80", "7.20", "0.36")),
    ],
)
def test_minimax_2026_recording_m3_prices_from_provenance(tier, threshold, charged, listed) -> None:
    m3 = _find(_minimax_2026().records, "MiniMax-M3", tier=tier, min_prompt_tokens=threshold)
    assert (m3.input, m3.output, m3.cache_read, m3.cache_write) == (*(Decimal(p) for p in charged), None)
    assert [(p.field, p.amount) for p in m3.list_prices] == [
        (name, Decimal(p)) for name, p in zip(("input", "output", "cache_read"), listed, strict=True)
    ]


def test_minimax_2026_recording_other_models_from_provenance() -> None:
    records = _minimax_2026().records
    m27 = _find(records, "MiniMax-M2.7")
    assert (m27.input, m27.output, m27.cache_read, m27.cache_write) == (
        Decimal("0.3"),
        Decimal("1.2"),
        Decimal("0.06"),
        Decimal("0.375"),
    )
    fast = _find(records, "MiniMax-M2.7-highspeed")
    assert (fast.input, fast.output) == (Decimal("0.6"), Decimal("2.4"))
    for model in ("MiniMax-M2.5", "MiniMax-M2.1", "MiniMax-M2"):
        legacy = _find(records, model)
        assert (legacy.cache_read, legacy.cache_write) == (Decimal("0.03"), Decimal("0.375"))
    assert {r.tier for r in records if r.model != "MiniMax-M3"} == {"standard"}


# ---------------------------------------------------------------- xai (a description, no recording)


def test_xai_fixture_rows_are_the_rows_provenance_quotes() -> None:
    """The two-tier fixture's rows are PROVENANCE's quoted rows, character for character."""
    provenance = (SAMPLES / "xai" / "PROVENANCE.md").read_text(encoding="utf-8")
    fixture = fixture_body("xai", "pricing_two-tiers.md").read_text(encoding="utf-8")
    header = "| Model | Context | Input / 1M tokens | Cached input / 1M tokens | Output / 1M tokens |"
    rows = [
        "| grok-4.7 (< 200k prompt tokens) | 500k | $2.00 | $0.50 | $6.00 |",
        "| grok-4.7 (≥ 200k prompt tokens) | 500k | $4.00 | $1.00 | $12.00 |",
    ]
    for line in (header, *rows):
        assert f"`{line}`" in provenance and line in fixture
    assert "### Text API Pricing" in provenance
    assert (
        "grok-4.3 `$1.25 / $0.20 / $2.50`" in provenance
        and "grok-build-0.1\n  `$1.00 / $0.20 / $2.00`" in provenance
    )
    records = xai.parse(xai.start_urls()[0], fixture.encode()).records
    assert {(r.min_prompt_tokens, r.input, r.cache_read, r.output) for r in records} == {
        (0, Decimal("2.00"), Decimal("0.50"), Decimal("6.00")),
        (200000, Decimal("4.00"), Decimal("1.00"), Decimal("12.00")),
    }
