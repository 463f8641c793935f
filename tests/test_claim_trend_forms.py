"""Issue 15: trend sentences of real articles (a16z's "LLMflation"), judged with the default trend
definition (analysis/trend_default.py) over the period they state, on the shipped history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pricewatch.analysis.claim_check import check_report
from pricewatch.analysis.claim_text import parse_claim
from pricewatch.analysis.claims import TrendClaim
from pricewatch.analysis.scan import scan_article

NOW = "2026-12-05T23:59:59Z"
MADE = date(2024, 11, 12)
FOLD_A_YEAR = "For an LLM of equivalent performance, the cost is decreasing by 10x every year."


@pytest.fixture(scope="module")
def shipped(shipped_api):
    from pricewatch.commands._analysis import load_inputs
    from pricewatch.commands.check import names_from_catalog

    inputs = load_inputs(shipped_api[1], None)
    return names_from_catalog(inputs.catalog), inputs.facts, inputs.points


def test_a_fold_a_year_with_no_level_is_the_default_trend(shipped):
    names, facts, points = shipped
    parsed = parse_claim(FOLD_A_YEAR, names)
    (claim,) = parsed.claims
    assert isinstance(claim, TrendClaim)
    assert (claim.form, claim.claimed.low, claim.reference_model, claim.start) == (
        "fold_per_year",
        Decimal(10),
        None,
        None,
    )
    report = check_report(parsed.text, parsed.claims, parsed.combine, points, facts, NOW)
    # since GPT-4's launch to now: 11.5x a year (95% CI 4.15-32x)
    assert report.verdict == "holds" and "fell 11.5x a year" in report.results[0].summary
    # made on 2024-11-12 (the article's day), the period ends then: 74.5x a year (CI 18.2-305x)
    made = check_report(parsed.text, parsed.claims, parsed.combine, points, facts, NOW, MADE)
    assert made.verdict == "off" and "fell 74.5x a year" in made.results[0].summary


def test_a_fold_since_then_at_this_level_binds_the_model_and_day_named_before(shipped):
    names, facts, points = shipped
    article = (
        "Models this good have only existed since GPT-4 came out in March of 2023. "
        "Since then the price for models at this level has come down by about a factor of 62.\n"
    )
    report = scan_article(article, names, facts, points, NOW, made_on=MADE)
    (found,) = report.claims
    (part,) = found.results
    assert part.claim.start == date(2023, 3, 14) and part.claim.end == MADE
    assert part.claim.reference_model is None  # GPT-4: the default definition
    assert found.verdict == "off" and part.direction == "understated"
    assert "fell 571.4x from 2023-03-14" in part.summary


def test_since_then_with_no_model_before_it_is_listed_unread(shipped):
    names, facts, points = shipped
    report = scan_article(
        "Since then the price for models at this level has come down by a factor of 62.\n",
        names,
        facts,
        points,
        NOW,
    )
    assert report.claims == [] and "no model named before it" in report.unparsed[0].reason
