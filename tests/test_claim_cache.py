"""Issue 15: a cache-read price beside the same model's uncached input price, and the saving.

Both prices and the saving bind to the model (and host) the sentence names; the saving is
computed on that model's two prices at that host, in `check` and in `scan` alike.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from claim_data import curated_points

from pricewatch.analysis.claim_text import Names, parse_claim
from pricewatch.analysis.claims import PriceClaim, RatioClaim, evaluate_parts
from pricewatch.analysis.scan import scan_article
from pricewatch.inputs import load_model_facts

NOW = "2026-12-05T23:59:59Z"
OPUS = "Claude Opus 4.6 cache reads cost $0.50/MTok vs $5 for uncached input, a 90% saving"
KIMI = "With Kimi K2.5 on DeepInfra, cache reads cost $0.07 per million against $0.45 uncached input, an 84% discount"


@pytest.fixture(scope="module")
def setting():
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    catalog = load_catalog(default_catalog_path())
    names = Names(catalog.resolve_model, catalog.suggest_models, catalog.resolve_provider)
    return names, load_model_facts(catalog), list(curated_points())


def test_check_reads_both_prices_and_the_saving_on_one_model_and_host(setting):
    names, facts, points = setting
    price, saving = parse_claim(KIMI, names).claims
    assert isinstance(price, PriceClaim) and isinstance(saving, RatioClaim)
    assert (price.model, price.provider) == ("moonshotai/kimi-k2.5", "deepinfra")
    assert (price.cache_read, price.input, price.output) == (Decimal("0.07"), Decimal("0.45"), None)
    assert saving.a == saving.b and (saving.a.model, saving.a.provider) == (
        "moonshotai/kimi-k2.5",
        "deepinfra",
    )
    assert (saving.a_price, saving.b_price, saving.form) == ("cache_read", "input", "percent_cheaper")
    report = evaluate_parts(parse_claim(KIMI, names).claims, "all", points, facts, NOW)
    assert report.verdict == "holds"
    assert "84.44% cheaper" in report.parts[1].summary


@pytest.mark.parametrize("text", [OPUS, KIMI, OPUS.replace(", a 90% saving", "")])
def test_the_real_prices_hold(setting, text):
    names, facts, points = setting
    parsed = parse_claim(text, names)
    assert evaluate_parts(parsed.claims, parsed.combine, points, facts, NOW).verdict == "holds"


def test_a_saving_the_two_prices_do_not_give_is_off(setting):
    names, facts, points = setting
    parsed = parse_claim(OPUS.replace("90%", "95%"), names)
    report = evaluate_parts(parsed.claims, parsed.combine, points, facts, NOW)
    assert [part.verdict for part in report.parts] == ["holds", "off"]


def test_scan_reads_the_input_price_and_the_saving_too(setting):
    names, facts, points = setting
    article = f"Caching\n\n{OPUS}.\n\n{KIMI}.\n"
    report = scan_article(article, names, facts, points, NOW)
    assert [c.verdict for c in report.claims] == ["holds", "holds"]
    kinds = [[part.claim.kind for part in c.results] for c in report.claims]
    assert kinds == [["price", "ratio"], ["price", "ratio"]]
    hosts = [part.claim.a.provider for c in report.claims for part in c.results if part.claim.kind == "ratio"]
    assert hosts == [None, "deepinfra"]
