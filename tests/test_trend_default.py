"""The site's trend headline and `check "prices fall N% per year"` are one definition (issue 15, point 3).

On the shipped history and catalog: the headline's fold per year is built by the site's own
code (``sections._trends``) and the claim is parsed and evaluated as `pricewatch check` does;
the two must be the same number, whatever the data make it.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest

NOW = datetime(2026, 12, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def shipped(shipped_api):
    from pricewatch.commands._analysis import load_inputs
    from pricewatch.scraper.store.reader import open_reader
    from pricewatch.site.model import load_site_data
    from pricewatch.site.sections import _trends

    db = shipped_api[1]
    inputs = load_inputs(db, None)
    reader = open_reader(db)
    try:
        site = load_site_data(reader, inputs.catalog, NOW)
    finally:
        reader.close()
    return inputs, site, _trends(site)


def _evaluate(text, inputs, at):
    from pricewatch.analysis.claim_text import parse_claim
    from pricewatch.analysis.claims import evaluate, measure_trend
    from pricewatch.commands.check import names_from_catalog

    (claim,) = parse_claim(text, names_from_catalog(inputs.catalog)).claims
    return (
        claim,
        evaluate(claim, inputs.points, inputs.facts, at),
        measure_trend(claim, inputs.points, inputs.facts, at),
    )


def test_the_headline_fold_is_the_checkers_default_fold(shipped):
    inputs, site, trends = shipped
    headline = trends["items"][0]
    assert trends["headline"]["anchor"] == headline["anchor"] == "gpt-4-level"
    fold = headline["fit"]["fold_per_year"]
    _, verdict, measure = _evaluate("prices fall 93% per year", inputs, site.now_text)
    assert measure.mode == "fit"
    assert float(measure.actual) == pytest.approx(fold, rel=1e-12)
    # the same threshold and window, stated on both
    assert f">= {headline['threshold']}" in verdict.summary
    assert f"over {headline['start']} to" in verdict.summary
    definition = trends["headline"]["definition"]
    assert f"≥ {headline['threshold']}" in definition and headline["start"] in definition
    assert any(a.startswith("the default definition, the site's headline trend") for a in verdict.assumptions)


def test_a_fall_in_n_years_keeps_its_period_and_takes_the_default_level(shipped):
    inputs, site, _ = shipped
    _, verdict, _ = _evaluate("prices fell 10x in 2 years", inputs, site.now_text)
    (step,) = [s for s in verdict.steps if s.label == "capability threshold"]
    # level GPT-4, at the version in force when the stated period starts (gpt-4-0613 by then)
    assert step.formula.startswith(
        "lmarena_text_score_2026_07 of GPT-4 (gpt-4-0613, the version in force on 2024-"
    )
    assert step.result == "1186"
    two_years_before = f"{int(site.now_text[:4]) - 2}{site.now_text[4:10]}"
    assert f"from {two_years_before} " in verdict.summary  # the stated period, not the whole history
    assert any(a.startswith("the default level of the site's headline trend") for a in verdict.assumptions)


def test_the_trend_series_reach_2026(shipped):
    _, _, trends = shipped
    headline = trends["items"][0]
    assert any(p["date"].startswith("2026") for p in headline["records"]), [
        p["date"] for p in headline["records"]
    ]
    assert any(p["date"].startswith("2026") for p in trends["frontier"]["records"])
    gpt4o = trends["items"][1]
    assert gpt4o["anchor"] == "gpt-4o-level"


def test_current_models_without_a_score_are_listed(shipped):
    _, _, trends = shipped
    names = {m["id"] for m in trends["unscored"]}
    assert "anthropic/claude-opus-4.6" not in names  # scored from the 2026 snapshot
    assert "openai/gpt-5.6-sol" in names  # released after the snapshot: no row, so listed


def test_every_2026_07_score_cites_the_one_snapshot():
    from pricewatch.paths import default_catalog_path

    catalog = tomllib.loads(default_catalog_path().read_text(encoding="utf-8"))
    scores = [
        (model, s)
        for model, entry in catalog["models"].items()
        for s in entry.get("scores", [])
        if s["name"] == "lmarena_text_score_2026_07"
    ]
    assert len(scores) > 100
    for model, s in scores:
        assert str(s["measured_on"]) == "2026-07-08", model
        assert s["evidence"].startswith("SmallAi-API/LLM-Ranking data/leaderboard-text.json @fa9be56 "), model
        assert "95% CI" in s["evidence"] and 'category "full"' in s["evidence"], model
    scored = {model for model, _ in scores}
    for model in (
        "anthropic/claude-opus-4.6",
        "anthropic/claude-sonnet-4.6",
        "google/gemini-3.1-pro-preview",
        "openai/gpt-5.4",
        "moonshotai/kimi-k2.5",
        "qwen/qwen3.5-397b-a17b",
        "z-ai/glm-5",
        "minimax/minimax-m2.5",
        "deepseek/deepseek-v4-pro",
        "openai/gpt-4",
    ):
        assert model in scored, model
