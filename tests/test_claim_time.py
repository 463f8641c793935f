"""Issue 15, time: every claim as of now and as of the day it was made; a trend over the period it states."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date

import jsonschema
import pytest
from claim_data import curated_points
from conftest import REPO_ROOT
from test_check_cli import SCHEMA, run, small_db  # noqa: F401  (small_db is a fixture)

from pricewatch.analysis.article_date import article_date, period_bound
from pricewatch.analysis.claim_text import Names, parse_claim
from pricewatch.analysis.claim_time import anchor_claim
from pricewatch.analysis.claims import TrendClaim, check_registry, evaluate_parts, parse_registry
from pricewatch.analysis.scan import scan_article
from pricewatch.errors import ClaimError
from pricewatch.inputs import load_model_facts

NOW = "2026-12-05T23:59:59Z"
MADE = date(2026, 6, 1)


@pytest.fixture(scope="module")
def setting():
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    catalog = load_catalog(default_catalog_path())
    names = Names(catalog.resolve_model, catalog.suggest_models, catalog.resolve_provider)
    return names, load_model_facts(catalog), list(curated_points())


# ----------------------------------------------------------------------------- the article's date


@pytest.mark.parametrize(
    ("top", "day"),
    [
        ("Published March 2, 2026", date(2026, 3, 2)),
        ("Title of the piece\n2026-03-02", date(2026, 3, 2)),
        ("Title\nPublished: 2 March 2026\nUpdated: Mar 9, 2026", date(2026, 3, 9)),  # the update wins
        ("Title\nBy Jane Doe · March 2, 2026", date(2026, 3, 2)),
        ("**Posted on Sept. 14, 2025**", date(2025, 9, 14)),
    ],
)
def test_an_article_states_its_date_in_a_dateline(top, day):
    found = article_date(top + "\n\nOpus 4.6 costs $5/$25 per million tokens.\n")
    assert found is not None and found.day == day


@pytest.mark.parametrize(
    "text",
    [
        "Prices fell 10x in two years.\nSince March 2, 2024 the price of Opus fell by half, they say.",
        "March 2, 2024 was the day GPT-4 Turbo's price was cut again and again.",
        "\n".join(["A line."] * 6) + "\nPublished March 2, 2026",  # not near the top
        "Published February 30, 2026",  # no such day
    ],
)
def test_a_date_mentioned_in_a_claim_is_not_the_articles_date(text):
    assert article_date(text) is None


def test_the_words_of_a_period_are_days():
    assert period_bound("early 2024", "start") == period_bound("early 2024", "end") == date(2024, 2, 1)
    assert period_bound("mid-2025", "start") == date(2025, 7, 1)
    assert (period_bound("2023", "start"), period_bound("2023", "end")) == (
        date(2023, 1, 1),
        date(2023, 12, 31),
    )
    assert period_bound("March 2025", "end") == date(2025, 3, 31)
    assert period_bound("12", "start") is None


# ----------------------------------------------------------------------------- stated periods


@pytest.mark.parametrize(
    ("sentence", "start", "end", "years", "price"),
    [
        ("prices fell 10x in two years", None, None, 2, "blended"),
        (
            "output prices fell 50-100x from early 2024 to early 2026",
            date(2024, 2, 1),
            date(2026, 2, 1),
            None,
            "output",
        ),
        ("prices fell 10x between 2023 and 2025", date(2023, 1, 1), date(2025, 12, 31), None, "blended"),
        ("LLM prices have fallen 10-fold since mid-2023", date(2023, 7, 1), None, None, "blended"),
        (
            "input prices fell 5x from March 2024 to Jan 2026",
            date(2024, 3, 1),
            date(2026, 1, 31),
            None,
            "input",
        ),
    ],
)
def test_check_reads_the_period_a_trend_claim_states(setting, sentence, start, end, years, price):
    names, _, _ = setting
    (claim,) = parse_claim(sentence, names).claims
    assert isinstance(claim, TrendClaim) and claim.form == "fold_over_period"
    assert (claim.start, claim.end, claim.years, claim.price) == (start, end, years, price)


def test_a_period_that_ends_before_it_starts_is_refused(setting):
    with pytest.raises(ClaimError, match="a period from 2026 to 2024 ends before it starts"):
        parse_claim("prices fell 10x from 2026 to 2024", setting[0])


def test_in_two_years_ends_on_the_day_the_claim_was_made():
    claim = TrendClaim(form="fold_over_period", claimed="10", years="2")
    assert anchor_claim(claim, MADE).end == MADE
    assert anchor_claim(claim, None) == claim
    later = TrendClaim(form="fold_over_period", claimed="10", start=date(2024, 2, 1), end=date(2026, 12, 31))
    assert anchor_claim(later, MADE).end == MADE  # a period cannot end after the claim was made


# ----------------------------------------------------------------------------- the example


def _article(sentence: str) -> str:
    return f"Published June 1, 2026\n\nThe cost of tokens\n\n{sentence}\n"


def test_a_two_year_fall_gets_the_same_verdict_from_scan_and_from_the_registry(setting):
    """Issue 15: "a 50-100x cost reduction in two years", as the article states its period
    (output prices, early 2024 to early 2026), gets from scan (the article's dateline) the
    verdict `check --registry` gives its registry entry (made_on 2026-06-01), then and now."""
    names, facts, points = setting
    registry = parse_registry(tomllib.loads((REPO_ROOT / "data" / "claims.toml").read_text("utf-8")))
    entry = next(e for e in registry if e.id == "fifty-to-hundred-x-in-two-years")
    (registered,) = check_registry([entry], points, facts, NOW)
    sentence = (
        "Output prices show a 50-100x cost reduction from early 2024 to early 2026 for equivalent capability."
    )
    report = scan_article(_article(sentence), names, facts, points, NOW)
    assert report.made_on == MADE and "dateline, line 1" in (report.made_on_from or "")
    (found,) = report.claims
    assert found.then is not None
    assert (found.verdict, found.then.verdict) == (registered.now.verdict, registered.then.verdict)
    # the same period, price and bar; the level differs: the registry entry states GPT-4 Turbo's,
    # the sentence names none and gets the default (GPT-4, analysis/trend_default.py)
    assert _without_level(found.results[0].summary) == _without_level(registered.now.parts[0].summary)
    assert _without_level(found.then.parts[0].summary) == _without_level(registered.then.parts[0].summary)


def _without_level(summary: str) -> str:
    return re.sub(r"at \S+ >= [\d.]+ ", "at LEVEL ", summary)


def test_in_two_years_is_the_same_period_from_scan_and_check_then_and_now(setting):
    names, facts, points = setting
    sentence = "That's a 50-100x cost reduction in two years for equivalent capability."
    report = scan_article(_article(sentence), names, facts, points, NOW)
    (found,) = report.claims
    (claim,) = [r.claim for r in found.results]
    assert isinstance(claim, TrendClaim) and (claim.years, claim.end) == (2, MADE)
    assert found.then is not None and found.verdict == found.then.verdict
    # the window is 2024-06-01 to 2026-06-01 both times, not the two years before the check
    assert "window 2024-06-01 to 2026-06-01" in found.results[0].assumptions[0]
    checked = anchor_claim(parse_claim("prices fell 50-100x in two years", names).claims[0], MADE)
    now = evaluate_parts([checked], "all", points, facts, NOW)
    assert now.verdict == found.verdict and now.parts[0].comparisons == found.results[0].comparisons


# ----------------------------------------------------------------------------- the commands


FLASH_THEN = "Gemini 2.5 Flash costs $0.15/$0.60 per million tokens"


def test_check_made_on_shows_both_verdicts_and_now_sets_the_exit_code(small_db):  # noqa: F811
    result = run("check", FLASH_THEN, "--made-on", "2025-05-01", "--as-of", "2026-01-01", "--db", small_db)
    assert result.exit_code == 1, result.output  # stale now
    assert "STALE: held from 2025-04-17 to 2025-06-17" in result.output
    assert "As of the day it was made (2025-05-01): HOLDS" in result.output
    as_json = run(
        "check", FLASH_THEN, "--made-on", "2025-05-01", "--as-of", "2026-01-01", "--json", "--db", small_db
    )
    report = json.loads(as_json.output)
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert (report["verdict"], report["made_on"], report["then"]["verdict"]) == (
        "stale",
        "2025-05-01",
        "holds",
    )
    assert report["then"]["at"].startswith("2025-05-01")
    plain = json.loads(run("check", FLASH_THEN, "--json", "--db", small_db).output)
    assert plain["made_on"] is None and plain["then"] is None


def test_scan_reads_the_dateline_and_made_on_overrides_it(small_db, tmp_path):  # noqa: F811
    article = tmp_path / "a.md"
    article.write_text(f"Updated: May 1, 2025\n\n{FLASH_THEN}.\n", encoding="utf-8")
    result = run("scan", article, "--as-of", "2026-01-01", "--json", "--db", small_db)
    report = json.loads(result.output)
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert result.exit_code == 1 and report["made_on"] == "2025-05-01"
    assert report["claims"][0]["verdict"] == "stale" and report["claims"][0]["then"]["verdict"] == "holds"
    text = run("scan", article, "--as-of", "2026-01-01", "--made-on", "2025-08-01", "--db", small_db)
    assert "made on 2025-08-01 (--made-on)" in text.output
    assert "As of the day it was made (2025-08-01): STALE" in text.output


def test_made_on_is_for_a_claim_text_not_the_registry(small_db):  # noqa: F811
    result = run("check", "--registry", "--made-on", "2026-01-01", "--db", small_db)
    assert result.exit_code == 2 and "--made-on is for a claim TEXT" in result.output
