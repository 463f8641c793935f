"""Plain English -> structured claims: every form `check` understands, names, did-you-mean."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pricewatch.analysis.claim_text import (
    FORMS,
    Names,
    find_models,
    parse_claim,
    parse_money,
    parse_tokens,
)
from pricewatch.analysis.claims import Figure
from pricewatch.errors import EXIT_USAGE, UnknownModelError, UnparseableClaimError

D = Decimal
OPUS, FLASH, SONNET = "anthropic/claude-opus-4.6", "google/gemini-2.5-flash", "anthropic/claude-sonnet-4.6"


@pytest.fixture(scope="module")
def names():
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    catalog = load_catalog(default_catalog_path())
    return Names(catalog.resolve_model, catalog.suggest_models, catalog.resolve_provider)


def only(text, names):
    parsed = parse_claim(text, names)
    assert len(parsed.claims) == 1
    return parsed.claims[0]


def test_numbers_tokens_and_money():
    assert parse_tokens("1M") == 1_000_000 and parse_tokens("100K") == 100_000
    assert parse_tokens("1.5 billion") == 1_500_000_000 and parse_tokens("150,000") == 150_000
    assert parse_money("$4,200") == 4200 and parse_money("$5K") == 5000 and parse_money("$0.07") == D("0.07")


def test_price_form_with_and_without_provider(names):
    claim = only("Claude Opus 4.6 costs $5/$25 per million tokens", names)
    assert (claim.kind, claim.model, claim.provider, claim.input, claim.output) == (
        "price",
        OPUS,
        None,
        5,
        25,
    )
    claim = only("Kimi K2.5 costs $0.45/$2.25 per million tokens on DeepInfra.", names)
    assert (claim.model, claim.provider, claim.input) == ("moonshotai/kimi-k2.5", "deepinfra", D("0.45"))


def test_prices_per_thousand_tokens_become_per_million(names):
    claim = only("GPT-4 costs $0.03/$0.06 per 1K tokens", names)
    assert (claim.input, claim.output) == (D(30), D(60))
    claim = only("GPT-4 costs $0.03 per 1K tokens input and $0.06 per 1K tokens output", names)
    assert (claim.input, claim.output) == (D(30), D(60))
    claim = only("GPT-4 costs $30 per million input tokens and $60 per million output tokens", names)
    assert (claim.input, claim.output) == (D(30), D(60))


def test_times_cheaper_and_more_expensive(names):
    claim = only("Gemini 2.5 Flash is 80x cheaper than Claude Opus 4.6", names)
    assert (claim.kind, claim.form, claim.a.model, claim.b.model) == ("ratio", "times_cheaper", FLASH, OPUS)
    assert claim.claimed == Figure.point(80)
    swapped = only("Claude Opus 4.6 is 2x more expensive than Sonnet 4.6", names)
    assert (swapped.a.model, swapped.b.model) == (SONNET, OPUS)
    ranged = only("Gemini 2.5 Flash is roughly 10-20 times cheaper than Opus 4.6", names)
    assert ranged.claimed == Figure.span(10, 20)


def test_percent_of_and_percent_cheaper(names):
    claim = only("Claude Sonnet 4.6 costs 60% of Claude Opus 4.6", names)
    assert (claim.form, claim.a.model, claim.b.model, claim.claimed) == (
        "percent_of",
        SONNET,
        OPUS,
        Figure.point(60),
    )
    claim = only("Claude Sonnet 4.6 costs 60% of the price of Claude Opus 4.6's API", names)
    assert claim.b.model == OPUS
    claim = only("Claude Sonnet 4.6 is 40% cheaper than Opus 4.6", names)
    assert (claim.form, claim.claimed) == ("percent_cheaper", Figure.point(40))


def test_request_cost_form(names):
    claim = only("1M input and 100K output tokens cost $7.50 on Opus 4.6", names)
    assert (claim.kind, claim.model, claim.input_tokens, claim.output_tokens) == (
        "request_cost",
        OPUS,
        10**6,
        10**5,
    )
    assert claim.claimed == Figure.point(D("7.50"))


def test_workload_form_gives_both_cache_readings(names):
    parsed = parse_claim(
        "150-200 million tokens per day with 95% cache hits and a 90/10 input/output split "
        "costs $4,200-$6,000 per month on Claude Opus 4.6",
        names,
    )
    assert parsed.combine == "any"
    assert [c.cache_reading for c in parsed.claims] == ["input", "all"]
    first = parsed.claims[0]
    assert first.tokens_per_day == Figure.span(150_000_000, 200_000_000)
    assert (first.input_share, first.cache_hit, first.claimed) == (
        D("0.9"),
        D("0.95"),
        Figure.span(4200, 6000),
    )


def test_trend_forms(names):
    claim = only("prices fell 50-100x in two years", names)
    assert (claim.kind, claim.form, claim.claimed, claim.years) == (
        "trend",
        "fold_over_period",
        Figure.span(50, 100),
        2,
    )
    claim = only("Cost fell 10x in 3 years.", names)
    assert (claim.claimed, claim.years) == (Figure.point(10), 3)
    claim = only("prices fall 50%+ per year", names)
    assert (claim.form, claim.claimed) == ("percent_per_year", Figure(low=D(50), high=None))
    assert only("LLM prices fall 90% a year", names).claimed == Figure.point(90)


def test_unknown_model_says_did_you_mean(names):
    with pytest.raises(UnknownModelError) as caught:
        parse_claim("Gemini 2.5 Flashh is 80x cheaper than Claude Opus 4.6", names)
    assert str(caught.value).startswith(
        "Unknown model: Gemini 2.5 Flashh; did you mean google/gemini-2.5-flash"
    )
    assert caught.value.exit_code == EXIT_USAGE


def test_unparseable_sentence_lists_the_forms(names):
    with pytest.raises(UnparseableClaimError) as caught:
        parse_claim("the moon is made of cheese", names)
    message = str(caught.value)
    assert message.startswith("cannot read a claim in 'the moon is made of cheese'")
    assert all(form in message for form in FORMS)
    assert caught.value.exit_code == EXIT_USAGE


def test_find_models_in_free_text(names):
    text = "Qwen 3.5 397B-A17B (comparable to Opus 4.6) and GPT-4, not Claude Pro or version 2.1.34"
    assert [(m.words, m.model) for m in find_models(text, names)] == [
        ("Qwen 3.5 397B-A17B", "qwen/qwen3.5-397b-a17b"),
        ("Opus 4.6", OPUS),
        ("GPT-4", "openai/gpt-4"),
    ]
    # the longest name wins: "Claude Opus 4.6", not "Opus 4.6"
    assert [m.words for m in find_models("for Claude Opus 4.6.", names)] == ["Claude Opus 4.6"]


# ----------------------------------------------------------------------------- issue 15: the price forms articles use

KIMI, DEEPSEEK = "moonshotai/kimi-k2.5", "deepseek/deepseek-v3.2"
PRICE_SENTENCES = [
    # (sentence, model, provider, input, output, cache_read) -- USD per million tokens
    ("Claude Opus 4.6 costs $5/$25 per 1M tokens", OPUS, None, D(5), D(25), None),
    ("Claude Opus 4.6 costs $5/$25 per MTok", OPUS, None, D(5), D(25), None),
    ("DeepSeek V3.2 costs 28 cents/42 cents per million tokens", DEEPSEEK, None, D("0.28"), D("0.42"), None),
    ("DeepSeek V3.2 costs 28 cents per million input tokens", DEEPSEEK, None, D("0.28"), None, None),
    ("Claude Opus 4.6 costs $5 input and $25 output per million tokens", OPUS, None, D(5), D(25), None),
    ("Claude Opus 4.6 pricing: $5/M input, $25/M output", OPUS, None, D(5), D(25), None),
    (
        "Claude Opus 4.6 pricing: $5/M input, $25/M output, $0.50/M cache reads",
        OPUS,
        None,
        D(5),
        D(25),
        D("0.5"),
    ),
    ("Kimi K2.5: $0.45 per million input tokens", KIMI, None, D("0.45"), None, None),
    ("Kimi K2.5 costs $2.25 per 1M output tokens on DeepInfra", KIMI, "deepinfra", None, D("2.25"), None),
    ("Kimi K2.5: $0.07/MTok cache reads via DeepInfra", KIMI, "deepinfra", None, None, D("0.07")),
    (
        "GPT-4 costs $0.03 per 1K tokens for input and $0.06 per 1K tokens for output",
        "openai/gpt-4",
        None,
        D(30),
        D(60),
        None,
    ),
    (
        "$5 per million input tokens and $25 per million output tokens for Claude Opus 4.6",
        OPUS,
        None,
        D(5),
        D(25),
        None,
    ),
    (
        "The $5,000 figure comes from Anthropic's retail API pricing: $5 per million input tokens and "
        "$25 per million output tokens for Opus 4.6.",
        OPUS,
        "anthropic",
        D(5),
        D(25),
        None,
    ),
]


@pytest.mark.parametrize(("text", "model", "provider", "inp", "out", "cache"), PRICE_SENTENCES)
def test_price_forms_of_real_articles(names, text, model, provider, inp, out, cache):
    claim = only(text, names)
    assert (claim.kind, claim.model, claim.provider) == ("price", model, provider)
    assert (claim.input, claim.output, claim.cache_read) == (inp, out, cache)


# ----------------------------------------------------------------------------- issue 15: refusals that help, binding


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (
            "Claude Opus 4.6 costs $5 per hour",
            "the nearest form is '<model> costs $<in>/$<out> per million tokens [on <provider>]': "
            "'Claude Opus 4.6 costs $5' reads, 'per hour' does not",
        ),
        (
            "prices fell 10x recently",
            "the nearest form is '<price|cost> fell <N>x (by a factor of <N>) in <Y> years': 'prices fell 10x' reads, 'recently' does not",
        ),
        (
            "Opus 4.6 is 5x cheaper",
            "the nearest form is '<model A> is <N>x cheaper than <model B>': 'Opus 4.6 is 5x cheaper' reads, "
            "then the sentence stops short of it",
        ),
        ("it's 10x cheaper, they say", "no part of it is in any of the forms"),
    ],
)
def test_a_refusal_names_the_part_it_could_not_read_and_the_nearest_form(names, text, why):
    with pytest.raises(UnparseableClaimError) as caught:
        parse_claim(text, names)
    assert caught.value.why == why
    assert str(caught.value).startswith(f"cannot read a claim in {text!r} ({why}); the forms understood are:")


def test_on_at_via_binds_the_host_of_that_model(names):
    claim = only("Kimi K2.5 on DeepInfra costs $0.45/$2.25 per million tokens", names)
    assert (claim.model, claim.provider) == (KIMI, "deepinfra")
    claim = only("Kimi K2.5 via DeepInfra: $0.07 per million cache reads", names)
    assert (claim.model, claim.provider, claim.cache_read) == (KIMI, "deepinfra", D("0.07"))
    # each model keeps its own host; none is carried to the other model
    claim = only("Kimi K2.5 on DeepInfra is 10x cheaper than Claude Opus 4.6", names)
    assert (claim.a.model, claim.a.provider, claim.b.model, claim.b.provider) == (
        KIMI,
        "deepinfra",
        OPUS,
        None,
    )
    claim = only("Claude Opus 4.6 is 10x more expensive than Kimi K2.5 at DeepInfra", names)
    assert (claim.a.model, claim.a.provider, claim.b.model, claim.b.provider) == (
        KIMI,
        "deepinfra",
        OPUS,
        None,
    )
    claim = only("1M input and 100K output tokens cost $0.67 on Kimi K2.5 on DeepInfra", names)
    assert (claim.model, claim.provider) == (KIMI, "deepinfra")


def test_did_you_mean_keeps_the_host_the_sentence_names(names):
    with pytest.raises(UnknownModelError) as caught:
        parse_claim("Kimi K2.5x on DeepInfra costs $0.45/$2.25 per million tokens", names)
    assert caught.value.name == "Kimi K2.5x"
    assert caught.value.suggestions and all(s.endswith(" on DeepInfra") for s in caught.value.suggestions)
    assert "moonshotai/kimi-k2.5 on DeepInfra" in caught.value.suggestions


def test_two_different_hosts_for_one_price_are_refused(names):
    from pricewatch.errors import ClaimError

    with pytest.raises(ClaimError) as caught:
        parse_claim("Kimi K2.5 on DeepInfra costs $0.45/$2.25 per million tokens on OpenRouter", names)
    assert str(caught.value) == "two hosts named for moonshotai/kimi-k2.5: deepinfra and openrouter"


# ----------------------------------------------------------------------------- issue 15: forms15


def test_did_you_mean_never_drops_a_host_the_sentence_names(names):
    from pricewatch.errors import ClaimError

    # a known model with an unknown host: refused for the host, never "did you mean" another model
    with pytest.raises(ClaimError) as caught:
        parse_claim("Kimi K2.5 on DeepInfraa costs $0.45/$2.25 per million tokens", names)
    assert str(caught.value) == "Unknown provider: DeepInfraa (named for moonshotai/kimi-k2.5)"
    # neither known: the host stays in every suggestion
    with pytest.raises(UnknownModelError) as unknown:
        parse_claim("Kimi K2.55 on DeepInfraa costs $0.45/$2.25 per million tokens", names)
    assert unknown.value.name == "Kimi K2.55"
    assert unknown.value.suggestions and all(s.endswith(" on DeepInfraa") for s in unknown.value.suggestions)


def test_a_host_in_an_aside_binds_that_model(names):
    claim = only("Kimi K2.5 (on DeepInfra) costs $0.45/$2.25 per million tokens", names)
    assert (claim.model, claim.provider) == (KIMI, "deepinfra")
    claim = only("Kimi K2.5 (via DeepInfra) is 10x cheaper than Claude Opus 4.6", names)
    assert (claim.a.provider, claim.b.provider) == ("deepinfra", None)
    # an aside that names no host changes nothing
    claim = only("Qwen 3.5 397B-A17B (comparable to Opus 4.6) costs $0.39/$2.34 per million tokens", names)
    assert (claim.model, claim.provider) == ("qwen/qwen3.5-397b-a17b", None)


@pytest.mark.parametrize(
    ("text", "a", "a_host", "b", "percent"),
    [
        ("Kimi K2.5 costs a tenth of Claude Opus 4.6", KIMI, None, OPUS, 10),
        (
            "Kimi K2.5 on DeepInfra costs about a tenth of the price of Claude Opus 4.6",
            KIMI,
            "deepinfra",
            OPUS,
            10,
        ),
        ("Kimi K2.5 costs a fifth of the cost of Claude Opus 4.6", KIMI, None, OPUS, 20),
        ("Kimi K2.5 is half the price of Claude Opus 4.6", KIMI, None, OPUS, 50),
        ("Kimi K2.5 costs one quarter of Claude Opus 4.6.", KIMI, None, OPUS, 25),
    ],
)
def test_fractions_are_ratios(names, text, a, a_host, b, percent):
    claim = only(text, names)
    assert (claim.kind, claim.form, claim.a.model, claim.a.provider, claim.b.model) == (
        "ratio",
        "percent_of",
        a,
        a_host,
        b,
    )
    assert claim.claimed == Figure.point(percent)


def test_a_markup_of_over_n_times_is_retail_over_the_host_price(names):
    claim = only("Claude Opus 4.6 is a markup of over 10 times on Kimi K2.5 via DeepInfra", names)
    assert (claim.form, claim.a.model, claim.a.provider, claim.b.model, claim.b.provider) == (
        "times_cheaper",
        KIMI,
        "deepinfra",
        OPUS,
        None,
    )
    assert (claim.claimed.low, claim.claimed.high) == (10, None)  # "over 10": a lower bound
    claim = only("Claude Opus 4.6 carries a markup of 8-12x over Kimi K2.5", names)
    assert (claim.claimed.low, claim.claimed.high) == (8, 12)


def test_new_forms_are_listed_for_people():
    assert any("a tenth of" in form for form in FORMS)
    assert any("markup" in form for form in FORMS)


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("Kimi K2.5 costs 10% of what Claude Opus 4.6 costs", 10),
        ("Kimi K2.5 comes in at about 10% of the price of Claude Opus 4.6", 10),
        ("Kimi K2.5 is priced at 10% of the cost of Claude Opus 4.6.", 10),
        ("Kimi K2.5 costs a tenth as much as Claude Opus 4.6", 10),
        ("Kimi K2.5 costs half of what Claude Opus 4.6 charges.", 50),
    ],
)
def test_n_percent_of_the_cost_comparisons(names, text, percent):
    claim = only(text, names)
    assert (claim.form, claim.a.model, claim.b.model, claim.claimed) == (
        "percent_of",
        KIMI,
        OPUS,
        Figure.point(percent),
    )


@pytest.mark.parametrize(
    ("text", "provider", "field", "value"),
    [
        ("Cache reads for Kimi K2.5 on DeepInfra cost $0.07/MTok", "deepinfra", "cache_read", D("0.07")),
        ("Kimi K2.5 on DeepInfra cache reads: $0.07/MTok", "deepinfra", "cache_read", D("0.07")),
        ("The output price of Kimi K2.5 is $2.25 per million tokens", None, "output", D("2.25")),
        ("Kimi K2.5 input tokens cost 45 cents per million", None, "input", D("0.45")),
    ],
)
def test_one_field_prices_named_before_the_figure(names, text, provider, field, value):
    claim = only(text, names)
    assert (claim.kind, claim.model, claim.provider, getattr(claim, field)) == (
        "price",
        KIMI,
        provider,
        value,
    )


@pytest.mark.parametrize("dash", ["–", "-", " – ", " to "])
def test_money_ranges_with_en_dash_or_hyphen(names, dash):
    parsed = parse_claim(
        f"150{dash}200 million tokens per day with 95% cache hits and a 90/10 input/output split costs "
        f"$4,200{dash}$6,000 per month on Claude Opus 4.6",
        names,
    )
    assert {(c.claimed.low, c.claimed.high) for c in parsed.claims} == {(4200, 6000)}
    assert {(c.tokens_per_day.low, c.tokens_per_day.high) for c in parsed.claims} == {
        (150_000_000, 200_000_000)
    }
