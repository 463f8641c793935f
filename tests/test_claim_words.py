"""Issue 15, words: overstated/understated in the claim's own quantity, bounds, groups, impossible claims."""

from __future__ import annotations

import json
from decimal import Decimal

import jsonschema
import pytest
from claim_data import point
from test_check_cli import SCHEMA

from pricewatch.analysis import claims as C
from pricewatch.analysis.claim_text import Names, parse_claim
from pricewatch.analysis.claim_words import bounded, group_summary, impossible
from pricewatch.analysis.claims import (
    Figure,
    PriceClaim,
    PriceRef,
    RatioClaim,
    TrendClaim,
    TrendMeasure,
    evaluate,
    evaluate_parts,
    judge_trend,
)
from pricewatch.analysis.prices import ModelFacts
from pricewatch.errors import ClaimError

D = Decimal
NOW = "2026-11-25T12:00:00Z"
OPUS, FLASH, KIMI, QWEN, PRO = (
    "anthropic/claude-opus-4.6",
    "google/gemini-2.5-flash",
    "moonshotai/kimi-k2.5",
    "qwen/qwen3.5-397b-a17b",
    "google/gemini-2.5-pro",
)
FACTS = {
    OPUS: ModelFacts(OPUS, "Claude Opus 4.6", "anthropic", False, ("anthropic",), {}),
    FLASH: ModelFacts(FLASH, "Gemini 2.5 Flash", "google", False, ("google",), {}),
    KIMI: ModelFacts(KIMI, "Kimi K2.5", "moonshotai", True, ("moonshotai",), {}),
    QWEN: ModelFacts(QWEN, "Qwen3.5 397B", "qwen", True, ("qwen",), {}),
    PRO: ModelFacts(PRO, "Gemini 2.5 Pro", "google", False, ("google",), {}),
}
POINTS = [
    # cache reads at $0.60 against $5 input: a saving of 88%
    point(OPUS, "anthropic", "2026-02-05", input="5", output="25", cache_read="0.6"),
    point(FLASH, "google", "2025-06-17", input="0.3", output="2.5"),
    point(KIMI, "deepinfra", "2026-06-10", input="0.45", output="2.25"),
    point(QWEN, "together", "2026-06-10", input="0.39", output="2.34"),
    point(PRO, "google", "2025-06-17", input="1.25", output="10"),
]
_KNOWN = {"claude opus 4.6": OPUS, "opus 4.6": OPUS, "gemini 2.5 flash": FLASH}
WORDS = Names(resolve_model=lambda name: _KNOWN.get(name.lower()))


def _cut(claimed) -> RatioClaim:
    ref = PriceRef(model=OPUS)
    return RatioClaim(
        a=ref, b=ref, a_price="cache_read", b_price="input", form="percent_cheaper", claimed=claimed
    )


# ----------------------------------------------------------------------------- the claim's own quantity


def test_a_claimed_90_percent_saving_that_is_really_88_is_overstated():
    verdict = evaluate(_cut(90), POINTS, FACTS, NOW)
    (said,) = verdict.comparisons
    assert (said.claimed, said.actual) == (Figure.point(90), D(88))  # told as the saving claimed
    assert verdict.verdict == "off" and verdict.direction == "overstated"
    assert verdict.factor == C._tidy(D(90) / D(88))
    low = evaluate(_cut(80), POINTS, FACTS, NOW)  # 80% claimed, 88% real: understated
    assert low.verdict == "off" and low.direction == "understated"
    assert evaluate(_cut(88), POINTS, FACTS, NOW).verdict == "holds"


@pytest.mark.parametrize(
    ("claimed", "direction"),
    [(80, "overstated"), (5, "understated")],  # Flash is 11.76x cheaper than Opus (3:1 blend)
)
def test_x_cheaper_is_over_or_understated_as_the_multiple_claimed(claimed, direction):
    claim = RatioClaim(a=PriceRef(model=FLASH), b=PriceRef(model=OPUS), form="times_cheaper", claimed=claimed)
    verdict = evaluate(claim, POINTS, FACTS, NOW)
    assert (verdict.verdict, verdict.direction) == ("off", direction)


def _fit(actual: str, low: str, high: str) -> TrendMeasure:
    return TrendMeasure(mode="fit", actual=D(actual), interval=[D(low), D(high)], head="fell; claimed ")


@pytest.mark.parametrize(
    ("form", "claimed", "direction"),
    [
        ("fold_per_year", "10", "overstated"),  # 10x a year claimed, 3x (2-4x) measured
        ("fold_per_year", "1.5", "understated"),
        ("percent_per_year", "95", "overstated"),  # 95% a year is a 20x fall
        ("percent_per_year", "20", "understated"),  # 20% a year is a 1.25x fall
    ],
)
def test_trend_rates_are_over_or_understated_as_the_rate_claimed(form, claimed, direction):
    work = C._Work.empty()
    judge_trend(TrendClaim(form=form, claimed=claimed), _fit("3", "2", "4"), work)
    (comparison,) = work.comparisons
    assert not comparison.holds and comparison.direction == direction


def test_a_trend_holds_only_when_its_interval_excludes_rising_prices():
    holds = C._Work.empty()
    judge_trend(TrendClaim(form="percent_per_year", claimed={"low": 50}), _fit("3", "2", "4"), holds)
    assert holds.comparisons[0].holds and not holds.missing
    wide = C._Work.empty()  # 2.87x a year, but the 95% interval runs 0.67x-12.2x: a rise is not ruled out
    judge_trend(TrendClaim(form="percent_per_year", claimed={"low": 50}), _fit("2.87", "0.67", "12.2"), wide)
    assert wide.comparisons[0].holds  # the claim meets the interval...
    assert wide.missing == [  # ...but the data cannot tell a fall from a rise
        "prices not shown to fall: the fit's 95% interval (0.67x-12.2x a year) includes rising prices (1x or less)"
    ]


# ----------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    ("words", "claimed", "verdict", "direction"),
    [
        ("at least", 11, "holds", None),  # 11.76x is above 11
        ("over", 12, "off", "overstated"),  # 11.76x is not over 12: a bound has no tolerance
        ("more than", 13, "off", "overstated"),
        ("at most", 12, "holds", None),
        ("under", 11, "off", "understated"),  # 11.76x is not under 11
        ("up to", 11, "off", "understated"),
        ("roughly", 13, "holds", None),  # about 13x: within +-15%
        ("about", 14, "off", "overstated"),
    ],
)
def test_bound_words_hold_on_their_side_and_about_within_tolerance(words, claimed, verdict, direction):
    (claim,) = parse_claim(
        f"Gemini 2.5 Flash is {words} {claimed}x cheaper than Claude Opus 4.6", WORDS
    ).claims
    result = evaluate(claim, POINTS, FACTS, NOW)
    assert (result.verdict, result.direction) == (verdict, direction), result.summary


def test_bound_words_read_alike_in_every_figure_form():
    assert bounded(Figure.point(10), "at least") == Figure(low=D(10), high=None)
    assert bounded(Figure.point(10), "up to") == Figure(low=None, high=D(10))
    assert bounded(Figure.point(10), "roughly") == Figure.point(10)
    (trend,) = parse_claim("prices fell over 10x in two years", WORDS).claims
    assert trend.claimed == Figure(low=D(10), high=None)
    (rate,) = parse_claim("prices fall under 40% per year", WORDS).claims
    assert rate.claimed == Figure(low=None, high=D(40))
    (cut,) = parse_claim("caching cuts input costs by up to 90% on Claude Opus 4.6", WORDS).claims
    assert cut.claimed == Figure(low=None, high=D(90))
    assert evaluate(cut, POINTS, FACTS, NOW).verdict == "holds"  # 88% is up to 90%


# ----------------------------------------------------------------------------- impossible claims


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("prices fall 100% per year", "a fall of 100% a year is impossible"),
        ("prices fall 120% per year", "more would make prices negative"),
        ("Gemini 2.5 Flash is 120% cheaper than Claude Opus 4.6", "a saving of 120% is impossible"),
        ("caching cuts input costs by 150% on Claude Opus 4.6", "100% cheaper is free"),
    ],
)
def test_impossible_claims_are_refused_with_the_reason(sentence, reason):
    with pytest.raises(ClaimError, match=reason):
        parse_claim(sentence, WORDS)


def test_an_impossible_structured_claim_is_refused_not_judged():
    negative = PriceClaim(model=OPUS, input="-5")
    assert impossible(negative) == "a negative price (input) is impossible"
    verdict = evaluate(negative, POINTS, FACTS, NOW)
    assert verdict.verdict == "cannot_check" and verdict.missing == [
        "refused: a negative price (input) is impossible"
    ]
    assert impossible(TrendClaim(form="percent_per_year", claimed="99")) is None
    assert (
        impossible(
            RatioClaim(a=PriceRef(model=OPUS), b=PriceRef(model=FLASH), form="percent_of", claimed=150)
        )
        is None
    )


# ----------------------------------------------------------------------------- groups


def test_a_group_claim_reports_min_median_max_and_which_parts_hold():
    """ "Comparable models at roughly 10% of Opus's price": one figure claimed of three models."""
    parts = [
        RatioClaim(a=PriceRef(model=m), b=PriceRef(model=OPUS), form="percent_of", claimed=10)
        for m in (QWEN, PRO, KIMI)
    ]
    entry = evaluate_parts(parts, "all", POINTS, FACTS, NOW)
    group = entry.group
    assert group is not None and group.parts == 3 and group.unit == "%"
    shares = sorted(p.comparisons[0].actual for p in entry.parts)
    assert (group.min, group.median, group.max) == (shares[0], shares[1], shares[2])
    assert group.holding == [1, 3]  # Qwen 8.78% and Kimi 9% of Opus's blended price; Pro 34.4%: no
    assert entry.verdict == "off" and "holding: 1, 3 of 3" in group.text
    assert group.text.startswith("3 parts: min 8.78%, median 9%, max 34.38%")
    assert group_summary(entry.parts[:1]) is None  # one part is no group


def test_a_group_in_the_json_of_a_scan_is_in_the_schema():
    parts = [
        RatioClaim(a=PriceRef(model=m), b=PriceRef(model=OPUS), form="percent_of", claimed=10)
        for m in (QWEN, KIMI)
    ]
    entry = evaluate_parts(parts, "all", POINTS, FACTS, NOW)
    report = C.CheckReport(text="t", at=NOW, verdict=entry.verdict, results=entry.parts, group=entry.group)
    jsonschema.Draft202012Validator({**SCHEMA, "oneOf": [{"$ref": "#/$defs/CheckReport"}]}).validate(
        json.loads(report.to_json())
    )


def test_scan_reads_bound_words_and_refuses_impossible_claims_as_check_does():
    from pricewatch.analysis.scan import scan_article

    article = (
        "Prices are declining over 50% a year.\n\n"
        "We saw a more than 50x cost reduction in two years.\n\n"
        "Prices fall 120% a year, one vendor says.\n"
    )
    report = scan_article(article, WORDS, FACTS, POINTS, NOW)
    claimed = [r.claim.claimed for found in report.claims for r in found.results]
    assert claimed == [Figure(low=D(50), high=None), Figure(low=D(50), high=None)]
    (refused,) = report.unparsed
    assert refused.reason.startswith("refused: a fall of 120% a year is impossible")
