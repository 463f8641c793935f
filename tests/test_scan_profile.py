"""Issue 15: a usage profile stated on a list's intro line, carried to the list's costs (scan only)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pricewatch.analysis.claims import RequestCostClaim
from pricewatch.analysis.scan import scan_article
from pricewatch.analysis.scan_profile import Profile, read_profile, read_profile_cost

NOW = "2026-12-05T23:59:59Z"
INTRO = "For a support bot with one million daily messages averaging 500 input and 800 output tokens:"


@pytest.fixture(scope="module")
def shipped(shipped_api):
    from pricewatch.commands._analysis import load_inputs
    from pricewatch.commands.check import names_from_catalog

    inputs = load_inputs(shipped_api[1], None)
    return names_from_catalog(inputs.catalog), inputs.facts, inputs.points


def test_the_intro_states_tokens_per_period():
    assert read_profile(INTRO) == Profile(500_000_000, 800_000_000, "day")
    assert read_profile("We send 20,000 requests per month of 1,000 input and 200 output tokens:") == Profile(
        20_000_000, 4_000_000, "month"
    )
    assert read_profile("For a support bot with one million daily messages:") is None  # no token counts
    daily = read_profile(INTRO)
    assert daily is not None
    assert read_profile_cost("GPT-4o: $2,190/month", daily) is None  # another period
    cost = read_profile_cost("DeepSeek V3 via Nova: $5.20/day", daily)
    assert cost is not None and (cost.model, cost.host, cost.usd) == ("DeepSeek V3", "Nova", Decimal("5.20"))


def test_each_item_is_the_cost_of_that_volume_on_its_model(shipped):
    names, facts, points = shipped
    article = f"{INTRO}\n- GPT-4o: $73/day\n- DeepSeek V3 via Nova: $5.20/day\n- GPT-4o: $9,000/day\n"
    report = scan_article(article, names, facts, points, NOW)
    claims = [c.results[0].claim for c in report.claims]
    assert all(isinstance(c, RequestCostClaim) for c in claims)
    assert [(c.input_tokens, c.output_tokens) for c in claims] == [(500_000_000, 800_000_000)] * 3
    # GPT-4o at $2.50/$10: $1,250 + $8,000 = $9,250 a day; DeepSeek V3's cheapest host: $845.92
    assert [c.verdict for c in report.claims] == ["off", "off", "holds"]
    assert "cost $9,250.00" in report.claims[0].results[0].summary
    assert "cost $845.92" in report.claims[1].results[0].summary


def test_a_cost_the_item_also_converts_to_a_month_is_both_checked(shipped):
    names, facts, points = shipped
    report = scan_article(f"{INTRO}\n- GPT-4o: $73/day = $2,190/month\n", names, facts, points, NOW)
    (found,) = report.claims
    kinds = [part.claim.kind for part in found.results]
    assert "request_cost" in kinds and len(kinds) == 2  # the day-to-month arithmetic, and the profile's cost
    assert found.verdict == "off"


def test_a_list_without_a_profile_binds_nothing(shipped):
    names, facts, points = shipped
    article = "For a support bot with one million daily messages:\n- GPT-4o: $73/day\n"
    report = scan_article(article, names, facts, points, NOW)
    assert not any(
        isinstance(part.claim, RequestCostClaim) for found in report.claims for part in found.results
    )
