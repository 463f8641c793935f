"""Forms real articles use (issue 15, six more articles): check and scan read them alike.

Verdicts are against the curated prices (the real shipped rows), as of NOW.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from claim_data import curated_points

from pricewatch.analysis.claim_text import Names, parse_claim
from pricewatch.analysis.claims import evaluate
from pricewatch.analysis.scan import find_claims, scan_article
from pricewatch.errors import ClaimError, UnknownModelError
from pricewatch.inputs import load_model_facts

NOW = "2026-12-05T12:00:00Z"
GPT4O, GPT5, SONNET = "openai/gpt-4o", "openai/gpt-5", "anthropic/claude-sonnet-4.6"
OPUS, V3, V32 = "anthropic/claude-opus-4.6", "deepseek/deepseek-chat-v3", "deepseek/deepseek-v3.2"
KIMI, K2T = "moonshotai/kimi-k2.5", "moonshotai/kimi-k2-thinking"


@pytest.fixture(scope="module")
def inputs():
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    catalog = load_catalog(default_catalog_path())
    names = Names(catalog.resolve_model, catalog.suggest_models, catalog.resolve_provider)
    return names, load_model_facts(catalog), curated_points()


def _check(text, inputs):
    names, facts, points = inputs
    parsed = parse_claim(text, names)
    return parsed.claims, [evaluate(claim, points, facts, NOW).verdict for claim in parsed.claims]


def _scan(text, inputs):
    names, facts, points = inputs
    return scan_article(text, names, facts, points, NOW)


# ----------------------------------------------------------------------------- price forms


def test_a_lead_in_before_the_model_is_not_part_of_its_name(inputs):
    text = (
        "The raw numbers: GPT-4o costs $5.00 per million input tokens and $15.00 per million output tokens."
    )
    claims, verdicts = _check(text, inputs)
    assert (claims[0].model, claims[0].input, claims[0].output) == (GPT4O, Decimal("5.00"), Decimal("15.00"))
    assert verdicts == ["stale"]  # $5/$15 was GPT-4o's launch price (2024-05-13 to 2024-08-06)
    assert [c.verdict for c in _scan(text, inputs).claims] == ["stale"]


def test_a_description_between_the_name_and_a_colon(inputs):
    text = (
        "Kimi K2.5 1T params with 32B active: $0.45 per million input tokens, $2.25 per million output tokens"
    )
    claims, verdicts = _check(text, inputs)
    assert (claims[0].model, claims[0].input, claims[0].output) == (KIMI, Decimal("0.45"), Decimal("2.25"))
    assert verdicts == ["off"]  # Moonshot's own price is $0.60/$3.00 ($0.45/$2.25 is DeepInfra's)
    assert [c.verdict for c in _scan(text, inputs).claims] == ["off"]


@pytest.mark.parametrize(
    "text",
    [
        "GPT-5 fast: $1 per million input tokens",  # not a description: refused, not read as GPT-5
        "GPT-4o minii: $1 per million input tokens",
    ],
)
def test_a_name_with_unknown_words_before_a_colon_is_refused(inputs, text):
    with pytest.raises(UnknownModelError):
        parse_claim(text, inputs[0])


@pytest.mark.parametrize(
    "text", ["The input price is $5 per million tokens", "Its output price is $25 per million tokens."]
)
def test_a_price_that_names_no_model_says_so(inputs, text):
    with pytest.raises(ClaimError, match=r"names no model: '(The|Its)' is not a model's name"):
        parse_claim(text, inputs[0])


# ----------------------------------------------------------------------------- ratio forms


def test_a_ratio_against_two_models_is_a_group_of_two_comparisons(inputs):
    claims, verdicts = _check("DeepSeek V3.2 costs 90% less than GPT-5 and Claude Sonnet 4.6.", inputs)
    assert [(c.a.model, c.b.model, c.form) for c in claims] == [
        (V32, GPT5, "percent_cheaper"),
        (V32, SONNET, "percent_cheaper"),
    ]
    # judged on the remaining share: V3.2's cheapest curated blend is ~10% of GPT-5's, 4.7% of Sonnet's
    assert verdicts == ["holds", "off"]


def test_a_group_with_a_part_that_is_no_model_names_that_part(inputs):
    with pytest.raises(UnknownModelError, match="Unknown model: Foo Bar 9"):
        parse_claim("DeepSeek V3.2 costs 90% less than GPT-5 and Foo Bar 9.", inputs[0])
    with pytest.raises(UnknownModelError, match="Unknown model: Foo and Bar"):
        parse_claim("DeepSeek V3.2 costs 90% less than Foo and Bar.", inputs[0])


def test_a_field_after_a_ratio_compares_that_price(inputs):
    claims, verdicts = _check("Kimi K2 Thinking costs 88% less than GPT-5 for input tokens.", inputs)
    assert (claims[0].a.model, claims[0].b.model, claims[0].a_price, claims[0].b_price) == (
        K2T,
        GPT5,
        "input",
        "input",
    )
    assert verdicts == ["off"]  # $0.60 vs $1.25 input: 52% less, not 88%


@pytest.mark.parametrize(
    "text",
    [
        "DeepSeek V3 outperforms GPT-4o on MMLU, HumanEval and GPQA while costing 14× less.",
        "DeepSeek V3 launched in 2024 as a challenge, a model that exceeds GPT-4o on most benchmarks "
        "while costing 14 times less.",
    ],
)
def test_while_costing_less_compares_the_subject_with_the_model_it_beats(inputs, text):
    claims, verdicts = _check(text, inputs)
    assert [(c.a.model, c.b.model, c.form, c.claimed.low) for c in claims] == [
        (V3, GPT4O, "times_cheaper", Decimal(14))
    ]
    assert verdicts == ["off"]  # about 9-11x on the 3:1 blend
    assert [c.verdict for c in _scan(text, inputs).claims] == ["off"]


def test_paying_more_for_a_vs_b(inputs):
    claims, verdicts = _check(
        "For chat, you're paying 230× more for Claude Opus 4.6 vs Claude Sonnet 4.6.", inputs
    )
    assert [(c.a.model, c.b.model) for c in claims] == [(SONNET, OPUS)]  # Sonnet is the cheaper one
    assert verdicts == ["off"]


# ----------------------------------------------------------------------------- short names (scan)


def test_a_short_name_binds_to_the_model_the_article_named_before(inputs):
    names, facts, _ = inputs
    text = (
        "Kimi K2 Thinking is Moonshot's reasoning model.\n\n"
        "The difference is cost: K2 costs 88% less than GPT-5 for input tokens.\n\n"
        "We compared Claude Opus 4.6 with GPT-5.\n\n"
        "For general Q&A, you're paying 20x more for Opus vs GPT-5."
    )
    report = _scan(text, inputs)
    read = [
        (c.line, [(r.claim.a.model, r.claim.b.model) for r in c.results], c.verdict) for c in report.claims
    ]
    assert read == [(3, [(K2T, GPT5)], "off"), (7, [(GPT5, OPUS)], "off")]
    # `check` has no article: the short name is refused with "did you mean"
    with pytest.raises(UnknownModelError):
        parse_claim("K2 costs 88% less than GPT-5 for input tokens.", names)
    # scan reads a sentence alone as check does: nothing
    assert find_claims("K2 costs 88% less than GPT-5 for input tokens.", names, facts)[0] == []


def test_a_short_name_is_whole_words_of_a_name_named_before(inputs):
    from pricewatch.analysis.scan_names import short_name_model

    facts = inputs[1]
    assert short_name_model("K2", [K2T, KIMI], facts) == K2T  # "Kimi K2.5", named last, has no "K2"
    assert short_name_model("K2", [KIMI], facts) is None  # "K2" is not a whole word of "Kimi K2.5"
    assert short_name_model("Opus", [OPUS, SONNET], facts) == OPUS
    assert short_name_model("4.6", [OPUS], facts) is None  # a number alone is no name
    assert short_name_model("the", [OPUS], facts) is None


# ----------------------------------------------------------------------------- the unit carried (scan)


def test_a_bare_price_takes_the_unit_of_the_price_before_it_in_the_paragraph(inputs):
    text = (
        "DeepSeek V3.2 costs $0.28 per million input tokens. Claude Sonnet 4.6 costs $3.00. GPT-5 costs $2.50.\n\n"
        "GPT-5 costs $1.25."
    )
    report = _scan(text, inputs)
    read = [(r.claim.model, r.claim.input, c.verdict) for c in report.claims for r in c.results]
    assert read[1:] == [(SONNET, Decimal("3.00"), "holds"), (GPT5, Decimal("2.50"), "off")]
    # the next paragraph has no price to take a unit from: listed with the reason
    assert [u.quote for u in report.unparsed] == ["GPT-5 costs $1.25."]
    assert "no price before it in the paragraph" in report.unparsed[0].reason


def test_a_bare_price_alone_is_refused_by_check_and_not_read_by_scan(inputs):
    names, facts, _ = inputs
    with pytest.raises(ClaimError):
        parse_claim("Claude Sonnet 4.6 costs $3.00.", names)
    assert find_claims("Claude Sonnet 4.6 costs $3.00.", names, facts)[0] == []


# ----------------------------------------------------------------------------- models as columns (scan)

COLUMNS = """Two models compared.

| Feature | Kimi K2 Thinking | GPT-5 |
|---|---|---|
| Context Window | 256K tokens | 128K tokens |
| Input Pricing | $0.15 / 1M tokens | $1.25 / 1M tokens |
| Cost Ratio | 8.3x cheaper | Baseline |
| Pricing | $0.15 | $1.25 |
"""


def test_a_table_whose_models_are_its_column_headers(inputs):
    report = _scan(COLUMNS, inputs)
    rows = {c.line: c for c in report.claims}
    prices = [(r.claim.model, r.claim.input, r.verdict) for r in rows[6].results]
    assert prices == [
        (K2T, Decimal("0.15"), "off"),
        (GPT5, Decimal("1.25"), "holds"),
    ]  # $0.15 is a cache price
    ratio = rows[7].results[0].claim
    assert (ratio.a.model, ratio.b.model, ratio.a_price, ratio.claimed.low) == (
        K2T,
        GPT5,
        "blended",
        Decimal("8.3"),
    )
    assert rows[7].verdict == "off"  # about 3x on the 3:1 blend (2.1x on input), not 8.3x
    # a price row whose first cell names no field is not guessed
    assert [
        (u.line, u.reason.startswith("a table row of prices under model columns")) for u in report.unparsed
    ] == [(8, True)]
