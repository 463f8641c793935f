"""Costs per user: cannot_check with the tokens they would buy; the article verdict and unread sentences (issue 15 point 5)."""

from __future__ import annotations

import pytest
from claim_data import point

from pricewatch.analysis.claim_text import Names
from pricewatch.analysis.claim_volume import main_model, per_use
from pricewatch.analysis.scan import scan_article
from pricewatch.inputs import load_model_facts

NOW = "2026-11-25T12:00:00Z"
OPUS = "anthropic/claude-opus-4.6"
POINTS = [point(OPUS, "anthropic", "2026-02-05", input="5", output="25")]


@pytest.fixture(scope="module")
def catalog_inputs():
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    catalog = load_catalog(default_catalog_path())
    names = Names(catalog.resolve_model, catalog.suggest_models, catalog.resolve_provider)
    return names, load_model_facts(catalog)


def _scan(text: str, catalog_inputs):
    names, facts = catalog_inputs
    return scan_article(text, names, facts, POINTS, NOW, source="t")


def test_the_cost_per_user_a_sentence_states():
    use = per_use("Inference per conversation: $0.10 to $2.00 depending on length, for the AI model")
    assert use is not None and (use.low, use.high, use.who, use.monthly) == (
        use.low.__class__("0.10"),
        use.high.__class__("2.00"),
        "conversation",
        False,
    )
    # the plan's price is not the cost per user; the amount nearest before "per user" is
    use = per_use("The $200/month Max plan costs Anthropic $5,000 a month per user in compute")
    assert use is not None and use.low == 5000 and use.monthly
    use = per_use("Anthropic's $200/month Max plan can consume about $5,000 in compute")
    assert use is not None and (use.low, use.who, use.monthly) == (5000, "subscriber", True)
    assert per_use("Netflix spends $15,000 per subscriber on content") is None  # not about tokens
    assert per_use("Claude costs $20 a month") is None  # no "per user"


def test_the_main_model_is_named_most_at_least_twice():
    assert main_model(["a", "b", "a"]) == "a"
    assert main_model(["a"]) is None
    assert main_model(["a", "b", "a", "b"]) is None


def test_a_cost_per_user_gets_the_tokens_it_would_buy_at_the_named_model(catalog_inputs):
    report = _scan("Anthropic spends $5,000 a month for every Claude Opus 4.6 user.\n", catalog_inputs)
    (found,) = report.claims
    (verdict,) = found.results
    assert verdict.verdict == "cannot_check"
    assert (
        "$5,000.00 per user a month at Claude Opus 4.6's 3:1 blended $10.00/M (anthropic) = 500M tokens a month"
        in (verdict.summary)
    )
    assert [(s.formula, s.result) for s in verdict.steps] == [
        ("$5,000.00 per user a month / $10.00 per million", "500M tokens")
    ]


def test_a_cost_per_conversation_uses_the_model_its_paragraph_names(catalog_inputs):
    report = _scan(
        "Claude Opus 4.6 is the flagship. Inference per conversation: $0.10 to $2.00.\n", catalog_inputs
    )
    (verdict,) = report.claims[0].results
    assert (
        "= 10K-200K tokens per conversation" in verdict.summary
        and "named in its paragraph" in verdict.summary
    )


def test_with_no_model_it_says_which_model_it_needs(catalog_inputs):
    report = _scan("Someone spends $5,000 for every user of their AI.\n", catalog_inputs)
    (verdict,) = report.claims[0].results
    assert verdict.verdict == "cannot_check" and "need the model whose tokens it pays for" in verdict.summary
    assert "buys" not in verdict.summary


def test_a_maker_or_family_named_gives_the_spread_over_its_current_models(catalog_inputs):
    names, facts = catalog_inputs
    haiku = "anthropic/claude-haiku-4.5"
    points = [*POINTS, point(haiku, "anthropic", "2025-10-15", input="1", output="5")]
    for text in (
        "Anthropic spends $5,000 for every user of its AI.\n",
        "The average Claude user costs Anthropic $5,000 a month.\n",
    ):
        report = scan_article(text, names, facts, points, NOW, source="t")
        (verdict,) = report.claims[0].results
        assert verdict.verdict == "cannot_check", verdict.summary
        assert ("models its maker sells on 2026-11-25, $5,000.00 per user") in verdict.summary, (
            verdict.summary
        )
        assert (
            "buys 500M tokens at Claude Opus 4.6's 3:1 blended $10.00/M to 2.5B at Claude Haiku 4.5's $2.00/M"
        ) in verdict.summary
        assert verdict.steps and verdict.steps[0].result == "500M-2.5B tokens"


def test_an_article_whose_claims_are_mostly_unread_does_not_hold(catalog_inputs):
    held = "Claude Opus 4.6 costs $5/$25 per million tokens.\n"
    unread = "Costs fell 10x, they say.\nSomething is 3x cheaper, somewhere.\n"
    mostly_unread = _scan(held + unread, catalog_inputs)
    assert [f.verdict for f in mostly_unread.claims] == ["holds"] and len(mostly_unread.unparsed) == 2
    assert mostly_unread.verdict == "cannot_check"
    assert mostly_unread.summary == (
        "1 claims read (1 holds); 2 claim-like sentences unread; most of what the article claims is unread, "
        "so it is not said to hold: CANNOT CHECK"
    )
    mostly_read = _scan(
        held + "Claude Opus 4.6 costs $5 per million input tokens.\n" + unread, catalog_inputs
    )
    assert mostly_read.verdict == "holds"  # as many read as unread: the claims read decide
    # a cost per user no price can test counts as unread
    per_user = _scan(
        held + "Anthropic spends $5,000 for every Claude Opus 4.6 user.\n" + unread, catalog_inputs
    )
    assert per_user.verdict == "cannot_check"
