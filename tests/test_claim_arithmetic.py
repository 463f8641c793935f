"""Arithmetic on an article's own numbers (issue 15 point 4): checked exactly, no price data used."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pricewatch.analysis.calculator import calculate
from pricewatch.analysis.claim_text import Names, parse_claim
from pricewatch.analysis.claims import evaluate
from pricewatch.analysis.scan import find_claims, scan_article
from pricewatch.errors import ExpressionError, UnknownModelError, UnparseableClaimError

NOW = "2026-11-25T12:00:00Z"
NAMES = Names(lambda name: None)


def _check(text: str):
    parsed = parse_claim(text, NAMES)
    assert {c.kind for c in parsed.claims} == {"arithmetic"}, text
    return [evaluate(claim, [], {}, NOW) for claim in parsed.claims]


# ----------------------------------------------------------------------------- the calculator


def test_the_calculator_is_exact_decimal_arithmetic():
    assert calculate("0.1 + 0.2") == Decimal("0.3")  # never through a binary float
    assert calculate("100 * 70 / (70 + 30)") == 70
    assert calculate("5,000 × 10 / 100") == 500
    assert calculate("-2 * (3 - 5)") == 4
    assert calculate("0.123456789012345678901 * 1") == Decimal("0.123456789012345678901")
    for bad in ("__import__('os')", "2 ** 3", "1 / 0", "(1 + 2", "1 2", "", "1e3"):
        with pytest.raises(ExpressionError):
            calculate(bad)


# ----------------------------------------------------------------------------- one sentence (check, scan, the claim box)


def test_ten_percent_of_5000_is_about_500_holds():
    (verdict,) = _check("10% of $5,000 is about $500")
    assert verdict.verdict == "holds"
    assert verdict.prices == []  # no price data used
    assert "no price data used" in verdict.assumptions[0]
    assert [(s.formula, s.result) for s in verdict.steps] == [("5000 * 10 / 100", "$500.00")]
    assert _check("10% of $5,000 is $450")[0].verdict == "off"


def test_a_figure_inside_a_range_is_not_well_above_it():
    (verdict,) = _check("$180 is well above $100-$200")
    assert (verdict.verdict, verdict.direction) == ("off", "overstated")
    assert "180 / 200 = 0.9" in verdict.summary and "$180.00 lies inside the range" in verdict.summary
    assert _check("The $250 plan is above the $100-$200 range.")[0].verdict == "holds"
    assert _check("$80 a month is well below $100-$200")[0].verdict == "holds"
    assert _check("$150 is below $100-$200")[0].verdict == "off"


def test_a_split_cannot_save_more_than_the_share_it_routes():
    (verdict,) = _check("a 70/30 split cuts 60-80%")
    assert verdict.verdict == "off"
    assert "100 * 70 / (70 + 30) = 70%" in verdict.summary and "impossible" in verdict.summary
    assert verdict.comparisons[0].claimed.low == 80
    assert _check("Routing with a 70/30 split cuts costs by 50-60%.")[0].verdict == "holds"


# ----------------------------------------------------------------------------- figures stated earlier (scan)


def _scan(text: str):
    report = scan_article(text, NAMES, {}, [], NOW, source="t")
    return {found.line: found for found in report.claims}, report


def test_a_share_stated_before_derives_a_later_figure():
    text = (
        "Hosts sell comparable models at roughly 10% of the API price.\n"
        "A user spending $5,000 in API tokens ≈ $500 in real cost.\n"
        "A user spending $2,000 in API tokens ≈ $300 in real cost.\n"
    )
    found, _ = _scan(text)
    (held,) = found[2].results
    assert (held.verdict, held.claim.expression) == ("holds", "5000 * 10 / 100")
    assert [(g.line, g.figure) for g in held.claim.given] == [(1, "10%"), (2, "$5,000.00")]
    assert "stated on line 1" in [s.label for s in held.steps]
    assert found[3].verdict == "off"  # 10% of $2,000 is $200
    # the sentence alone states no share: nothing is read from it (check reads it no more)
    assert find_claims(text.splitlines()[1], NAMES, {})[0] == []


def test_a_share_of_something_else_is_never_used():
    found, _ = _scan(
        "Open models hold 10% of the market.\nA user spending $5,000 in API tokens ≈ $500 in real cost.\n"
    )
    assert 2 not in found or all(r.kind != "arithmetic" for r in found[2].results)


def test_a_loss_is_a_cost_stated_before_minus_the_plan_price():
    text = "The $200/month plan is popular.\nServing a heavy user costs $500 in compute.\nLoss per heavy user: $300/month.\n"
    found, _ = _scan(text)
    (loss,) = found[3].results
    assert (loss.verdict, loss.claim.expression) == ("holds", "500 - 200")
    assert [g.line for g in loss.claim.given] == [2, 1]


def test_break_even_years_at_each_monthly_price_stated_nearby():
    text = "The Pro plan costs $20 per month.\nIf a user cost $5,000, they'd need 20+ years to break even.\n"
    found, _ = _scan(text)
    (years,) = found[2].results
    assert (years.verdict, years.claim.expression) == ("holds", "5000 / 20 / 12")
    assert "20.83 years" in years.summary
    off, _ = _scan(text.replace("20+ years", "30+ years"))
    assert off[2].verdict == "off"


def test_a_multiple_of_two_prices_stated_just_before():
    text = "Model A costs $5.00 per million tokens and model B $0.20 per million tokens.\nThat is a 25x cost disadvantage.\n"
    found, _ = _scan(text)
    assert found[2].results[0].claim.expression == "5 / 0.2" and found[2].verdict == "holds"
    wrong, _ = _scan(text.replace("25x", "40x"))
    assert wrong[2].verdict == "off"


def test_table_totals_sum_and_multiply():
    text = (
        "| Item | Seats | Price | Total |\n"
        "|---|---|---|---|\n"
        "| Pro | 10 | $20 | $200 |\n"
        "| Team | 5 | $30 | $160 |\n"
        "| Total | | | $360 |\n"
    )
    found, _ = _scan(text)
    assert [r.claim.expression for r in found[3].results] == ["10 * 20"] and found[3].verdict == "holds"
    assert found[4].verdict == "off"  # 5 x $30 is $150
    (total,) = found[5].results
    assert (total.claim.expression, total.verdict) == ("200 + 160", "holds")


def test_a_stated_product_and_a_daily_figure_as_a_month():
    (product,) = _check("At the list price: 90K × $0.045/1K = $4.05 per session")
    assert (product.verdict, product.claim.expression) == ("holds", "90000 * 0.045 / 1000")
    month, calendar = _check("GPT-4o: $73/day = $2,190/month")  # a month of 30 or of 365/12 days
    assert (month.verdict, month.claim.expression) == ("holds", "73 * 30")
    assert (calendar.verdict, calendar.claim.expression) == ("off", "73 * 365 / 12")
    rounded = _check("At Gemini Flash: $0.015/day -> $0.46/month")  # the article's 30.4-day month
    assert [r.verdict for r in rounded] == ["off", "holds"]
    assert _check("$100 a month = $1,300 a year")[0].verdict == "off"  # 12 x $100


def test_a_stated_product_or_sum_of_plain_numbers():
    """Articles' own counts (issue 15 point 4): "30 calls × 3,000 tokens = 90,000 tokens"."""
    (product,) = _check("30 calls × 3,000 tokens = 90,000 tokens")
    assert (product.verdict, product.claim.expression) == ("holds", "30 * 3000")
    (total,) = _check("Average tokens per call: input 2,500 + output 500 = 3,000")
    assert (total.verdict, total.claim.expression) == ("holds", "2500 + 500")
    (wrong,) = _check("100 calls/day × 800 = 90,000 tokens/day")
    assert wrong.verdict == "off" and "80,000" in wrong.summary
    with pytest.raises((UnparseableClaimError, UnknownModelError)):
        parse_claim("it is 10x cheaper = a bargain", NAMES)  # "x" is a multiple, never a product
