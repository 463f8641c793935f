"""Issue 15: a price naming no host, for a model its maker no longer sells, judged at the hosts that sell it.

On the shipped history (as of 2026-12-05): DeepSeek V3.2's maker price ended on 2026-04-24;
"$0.27/$1.10" was never any host's price (off, against the hosts' current prices), and
"$0.28/$0.42" was the maker's price (stale). ``cannot_check`` stays when no host sells it.
"""

from __future__ import annotations

import pytest
from claim_data import point

from pricewatch.analysis.claim_check import check_report
from pricewatch.analysis.claim_text import parse_claim
from pricewatch.analysis.claims import PriceClaim, evaluate
from pricewatch.analysis.prices import ModelFacts
from pricewatch.analysis.scan import scan_article

NOW = "2026-12-05T23:59:59Z"
V32 = "deepseek/deepseek-v3.2"


@pytest.fixture(scope="module")
def shipped(shipped_api):
    from pricewatch.commands._analysis import load_inputs
    from pricewatch.commands.check import names_from_catalog

    inputs = load_inputs(shipped_api[1], None)
    return names_from_catalog(inputs.catalog), inputs.facts, inputs.points


def _check(text: str, shipped):
    names, facts, points = shipped
    parsed = parse_claim(text, names)
    return check_report(parsed.text, parsed.claims, parsed.combine, points, facts, NOW)


def test_figures_no_host_ever_charged_are_off_against_the_current_prices(shipped):
    report = _check("DeepSeek V3.2 costs $0.27/$1.10 per million tokens", shipped)
    (part,) = report.results
    assert (report.verdict, part.direction) == ("off", "understated")
    assert "at alibaba" in part.summary  # the nearest host's price: $0.3705 / $1.11
    assert "no longer sold by deepseek" in part.summary and "sold on 2026-12-05 by alibaba" in part.summary
    assert part.summary.endswith("$0.27/$1.10 is no host's price in the history")
    assert part.claim.provider is None and part.missing == []


def test_the_makers_earlier_price_is_stale(shipped):
    report = _check("DeepSeek V3.2 costs $0.28/$0.42 per million tokens", shipped)
    assert report.verdict == "stale"
    assert (report.results[0].held_from[:10], report.results[0].held_until[:10]) == (
        "2025-12-01",
        "2026-04-24",
    )


def test_scan_judges_a_table_row_of_such_figures_off(shipped):
    names, facts, points = shipped
    article = "| Model | Input | Output |\n|---|---|---|\n| DeepSeek V3.2 | $0.27/M | $1.10/M |\n"
    report = scan_article(article, names, facts, points, NOW)
    assert [c.verdict for c in report.claims] == ["off"]


FACTS = {V32: ModelFacts(V32, "DeepSeek V3.2", "deepseek", True, ("deepseek",), {})}


def _ended(*hosts):
    return [point(V32, "deepseek", "2025-12-01", "2026-04-24", input="0.28", output="0.42"), *hosts]


def test_nothing_to_compare_stays_cannot_check():
    claim = PriceClaim(text="x", model=V32, input="0.27", output="1.10")
    verdict = evaluate(claim, _ended(), FACTS, NOW)
    assert verdict.verdict == "cannot_check" and "no host sells it" in verdict.summary


def test_a_host_within_tolerance_holds_there():
    claim = PriceClaim(text="x", model=V32, input="0.50", output="1.50")
    hosts = (
        point(V32, "friendli", "2026-05-16", input="0.52", output="1.50"),
        point(V32, "sambanova", "2026-05-16", input="3.00", output="4.50"),
    )
    verdict = evaluate(claim, _ended(*hosts), FACTS, NOW)
    assert verdict.verdict == "holds" and "at friendli" in verdict.summary
