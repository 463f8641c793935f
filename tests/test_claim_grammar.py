"""The claim grammar (analysis/claim_grammar.py): tokens, forms as token tables, one source for check and scan."""

from __future__ import annotations

import re

import pytest

from pricewatch.analysis.claim_grammar import (
    FORM_ORDER,
    GRAMMAR,
    NUMBER_PATTERN,
    clean_name,
    match_form,
    name_variants,
    normalise_sentence,
    tables,
    tokenize,
)
from pricewatch.analysis.scan import find_claims, is_claim_like

#: One sentence per form, in the order the forms are tried.
EXAMPLES = {
    "workload": "150-200 million tokens per day with 95% cache hits and a 90/10 input/output split "
    "costs $4,200-$6,000 per month on Claude Opus 4.6",
    "workload_on": "A power user processing 150-200 million tokens per day on Claude Opus 4.6 with a 95% "
    "cache hit rate and a 90/10 input/output split would pay roughly $4,200-$6,000/month.",
    "request": "1.5M input and 100K output tokens cost $7.50 on Claude Opus 4.6",
    "price_pair": "Claude Opus 4.6 costs $5/$25 per 1M tokens on Anthropic",
    "price_fields": "Claude Opus 4.6 costs $5 input and $25 output",
    "price_fields_for": "$5 per million input tokens and $25 per million output tokens for Claude Opus 4.6",
    "field_first": "Cache reads for Kimi K2.5 on DeepInfra cost $0.07/MTok",
    "model_field": "Kimi K2.5 on DeepInfra cache reads: $0.07/MTok",
    "times": "DeepSeek V3.2 is roughly 10-20x cheaper than Claude Opus 4.6",
    "times_while": "DeepSeek V3.2 matches GPT-5 on coding while costing 10x less.",
    "paying": "For chat you're paying 5x more for Claude Opus 4.6 vs Claude Sonnet 4.6.",
    "percent_cheaper": "Claude Sonnet 4.6 is 40% cheaper than Claude Opus 4.6",
    "percent_of": "Claude Sonnet 4.6 costs 60% of Claude Opus 4.6",
    "fraction_of": "Kimi K2.5 costs about a tenth of the price of Claude Opus 4.6",
    "markup": "Claude Opus 4.6 is a markup of over 10 times on Kimi K2.5 via DeepInfra",
    "cache_vs_input": "Claude Opus 4.6 cache reads cost $0.50/MTok vs $5 for uncached input, a 90% saving",
    "cache_cut": "Heavy caching can cut your effective input costs by 90% on Claude Opus 4.6.",
    "trend_fold": "LLM prices have fallen 10-fold in the last three years.",
    "trend_fold_year": "For an LLM of equivalent performance, the cost is decreasing by 10x every year.",
    "trend_percent": "prices are falling 50% or more per year",
    "share_of": "10% of $5,000 is about $500",
    "beyond_range": "The $180 subscription is well above the $100-$200 range.",
    "split_cut": "Routing with a 70/30 split cuts costs by 60-80%.",
    "stated_product": "At the list price: 90K × $0.045/1K = $4.05 per session",
    "per_period": "The bill: $73/day = $2,190/month",
    "stated_equation": "Per session: 30 calls × 3,000 tokens = 90,000 tokens",
}


def test_tokens_are_numbers_words_and_single_characters():
    tokens = tokenize("Kimi K2.5 costs $0.45/$2,250.5 (1,000x) — 10-fold")
    assert [(t.kind, t.text) for t in tokens] == [
        ("word", "Kimi"),
        ("word", "K"),
        ("num", "2.5"),
        ("word", "costs"),
        ("sym", "$"),
        ("num", "0.45"),
        ("sym", "/"),
        ("sym", "$"),
        ("num", "2,250.5"),
        ("sym", "("),
        ("num", "1,000"),
        ("word", "x"),
        ("sym", ")"),
        ("sym", "—"),
        ("num", "10"),
        ("sym", "-"),
        ("word", "fold"),
    ]


@pytest.mark.parametrize("text", ["4,200", "0.39", "1,000,000.25", "5,", "1.2.3", "12,3456", "7."])
def test_the_number_pattern_is_the_tokenizer_rule(text):
    first = tokenize(text)[0]
    assert re.match(NUMBER_PATTERN, text).group(0) == first.text


def test_every_form_has_an_example_in_it_and_is_tried_in_order():
    assert list(EXAMPLES) == list(FORM_ORDER) and set(FORM_ORDER) == set(GRAMMAR)
    for form, sentence in EXAMPLES.items():
        found = match_form(normalise_sentence(sentence))
        assert found is not None and found[0] == form, sentence


def test_a_scan_finds_every_form_check_reads():
    """The grammar is scan's too: a sentence `check` reads is never dropped by a scan."""
    from pricewatch.analysis.claim_text import Names
    from pricewatch.inputs import load_model_facts
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    catalog = load_catalog(default_catalog_path())
    names = Names(catalog.resolve_model, catalog.suggest_models, catalog.resolve_provider)
    for sentence in EXAMPLES.values():
        assert is_claim_like(sentence), sentence
        found, unparsed = find_claims(sentence + "\n", names, load_model_facts(catalog))
        assert len(found) == 1 and not unparsed, sentence


def test_names_are_cleaned_of_fillers_asides_and_price_words():
    assert clean_name("the Claude Opus 4.6's API price.") == "Claude Opus 4.6"
    assert clean_name("“Kimi K2.5” (the new one) list pricing") == "Kimi K2.5"
    assert clean_name("API price") == "API"
    assert name_variants("Opus  4.6") == ["Opus  4.6", "Opus-4.6", "Opus 4.6", "Claude Opus  4.6"]


def test_the_tables_are_plain_json():
    import json

    emitted = json.loads(json.dumps(tables()))
    assert emitted["forms"] == json.loads(json.dumps(GRAMMAR)) and emitted["form_order"] == list(FORM_ORDER)


def test_the_written_out_whitespace_is_every_character_python_calls_whitespace():
    import sys

    from pricewatch.analysis.claim_grammar import WHITESPACE

    assert "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) == WHITESPACE
