"""Issue 15's measure on the two real articles: at least 90% of the claims prices or arithmetic
can test are found, and at least 95% of those found get the right verdict (as of 2026-12-05,
on the shipped history). The ground truth is tests/data/article_claims.toml.

The article test is skipped where ../shared/articles is absent (`python bench/claims_articles.py
../shared/articles` prints each claim, expected vs got). Then sentences quoted from other real
articles (tests/data/real_claim_sentences.toml), in forms `check` should read.
"""

from __future__ import annotations

import pytest
from article_truth import ARTICLES, TRUTH, harness


@pytest.mark.skipif(not ARTICLES.is_dir(), reason="no ../shared/articles")
def test_scan_finds_90_percent_and_gets_95_percent_of_those_right(tmp_path_factory):
    truth = harness.load_truth(TRUTH)
    db = harness.build_demo_db(tmp_path_factory.mktemp("articles"))
    compared = harness.run(ARTICLES, truth, truth.as_of, db)
    assert sorted(compared) == sorted(truth.files)
    total = harness.score([o for outcomes, _ in compared.values() for o in outcomes])
    table = harness.render(compared, truth)
    assert total.found_pct >= harness.FOUND_THRESHOLD, table
    assert total.right_pct >= harness.RIGHT_THRESHOLD, table


def _names():
    from pricewatch.commands.check import names_from_catalog
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    return names_from_catalog(load_catalog(default_catalog_path()))  # as `check` reads names


def _sentences():
    import tomllib

    path = TRUTH.parent / "real_claim_sentences.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["sentence"]


def _scanned(entry):
    """The claims `scan` reads in the entry's sentence after its context (curated prices)."""
    from claim_data import curated_points

    from pricewatch.analysis.scan import scan_article
    from pricewatch.inputs import load_model_facts
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    facts = load_model_facts(load_catalog(default_catalog_path()))
    text = entry.get("context", "") + "\n" + entry["text"] + "\n"
    report = scan_article(text, _names(), facts, curated_points(), "2026-12-05T23:59:59Z", source="t")
    last = text.count("\n")
    return [v for found in report.claims if found.line == last for v in found.results]


@pytest.mark.parametrize("entry", _sentences(), ids=lambda e: e["text"][:40])
def test_check_reads_the_forms_of_other_real_articles(entry):
    """Sentences of other real articles, each in a form `check` (or, in context, `scan`) reads,
    or refused with the reason where no reading is honest."""
    from pricewatch.analysis.claim_text import parse_claim
    from pricewatch.errors import UnparseableClaimError

    text = entry["text"]
    reader = entry.get("reader", "check")
    if reader == "refused":
        with pytest.raises(UnparseableClaimError, match=entry["reason"]):
            parse_claim(text, _names())
        return
    if reader == "scan":  # verdicts: the models are those of the prices they rest on
        verdicts = _scanned(entry)
        assert verdicts and {v.kind for v in verdicts} == {entry["kind"]}, (text, verdicts)
        read = {p.model for v in verdicts for p in v.prices}
    else:
        claims = parse_claim(text, _names()).claims
        assert {c.kind for c in claims} == {entry["kind"]}, text
        read = {m for c in claims for m in harness._models(c.to_dict())}
    assert set(entry.get("models", ())) <= read, (text, read)
