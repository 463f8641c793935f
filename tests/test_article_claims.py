"""The ground truth of the two real articles and the harness that scores `scan` against it.

The scoring itself (90% found, 95% right) is tests/test_article_gate.py, switched on with
PRICEWATCH_ARTICLE_GATE=1; these tests keep the truth file and the matching honest.
"""

from __future__ import annotations

import pytest
from article_truth import ARTICLES, TRUTH, harness


def test_truth_file_reads_and_each_claim_is_well_formed():
    truth = harness.load_truth(TRUTH)
    assert truth.as_of == "2026-12-05"
    assert truth.files == ["anthropic-compute-cost-analysis.txt", "claude-costs-5k-per-user.txt"]
    assert len(truth.claims) == 18
    for claim in truth.claims:
        assert len(claim.phrase.split()) <= harness.MAX_PHRASE_WORDS
        assert claim.kind != "cost_per_user" or claim.verdict == "cannot_check", claim


def test_a_bad_entry_is_refused_with_its_place(tmp_path):
    bad = tmp_path / "truth.toml"
    bad.write_text(
        '[[article]]\nfile = "a.txt"\n[[article.claim]]\nline = 3\nphrase = "x"\nkind = "price"\n'
        'verdict = "true"\nreason = "r"\n'
    )
    with pytest.raises(ValueError, match=r"a.txt line 3 'x': verdict 'true'"):
        harness.load_truth(bad)


@pytest.mark.skipif(not ARTICLES.is_dir(), reason="no ../shared/articles")
def test_every_phrase_is_on_its_line_of_the_article():
    truth = harness.load_truth(TRUTH)
    for entry in (*truth.claims, *truth.skips):
        text = (ARTICLES / entry.file).read_text(encoding="utf-8")
        assert harness.phrase_on_line(text, entry.line, entry.phrase), (entry.file, entry.line, entry.phrase)


def _claim(line, phrase, kind, verdict, **more):
    return harness.TruthClaim(
        file="a.txt", line=line, phrase=phrase, kind=kind, verdict=verdict, reason="r", **more
    )


def _result(kind, verdict, model, provider, **more):
    return {
        "kind": kind,
        "verdict": verdict,
        "summary": "s",
        "claim": {"kind": kind, "model": model, "provider": provider},
        "prices": [{"model": model, "provider": provider}],
        **more,
    }


def test_matching_tells_right_wrong_binding_wrong_verdict_wrong_words_and_missed():
    opus, kimi = "anthropic/claude-opus-4.6", "moonshotai/kimi-k2.5"
    report = {
        "claims": [
            {
                "line": 1,
                "quote": "Opus 4.6 costs $5 per million input tokens; Kimi costs $0.45.",
                "results": [
                    _result("price", "holds", kimi, "deepinfra"),
                    _result("price", "holds", opus, "anthropic"),
                ],
            },
            {
                "line": 2,
                "quote": "Kimi K2.5 on OpenRouter: $0.45.",
                "results": [_result("price", "off", kimi, "moonshotai")],
            },
            {
                "line": 3,
                "quote": "It is 90% cheaper.",
                "results": [_result("ratio", "off", kimi, None, direction="understated")],
            },
            {
                "line": 4,
                "quote": "That is 10% of $5,000.",
                "results": [_result("arithmetic", "off", None, None)],
            },
        ],
        "unparsed": [{"line": 5, "quote": "A heavy user costs $5,000 a month.", "reason": "no token volume"}],
    }
    claims = [
        _claim(1, "Kimi costs $0.45", "price", "holds", models=(kimi,), providers=("deepinfra",)),
        _claim(1, "Opus 4.6 costs $5", "price", "holds", models=(opus,), providers=("anthropic",)),
        _claim(2, "Kimi K2.5 on OpenRouter", "price", "holds", models=(kimi,), providers=("openrouter",)),
        _claim(3, "90% cheaper", "ratio", "off", direction="overstated"),
        _claim(4, "10% of $5,000", "arithmetic", "holds"),
        _claim(5, "costs $5,000 a month", "cost_per_user", "cannot_check"),
    ]
    outcomes, extra = harness.compare_article(claims, report)
    assert [o.status for o in outcomes] == [
        "right",
        "right",
        "wrong binding",  # the named host is OpenRouter; the verdict rests on Moonshot's price
        "wrong words",
        "wrong verdict",
        "missed",
    ]
    assert outcomes[-1].detail == "skipped: no token volume"
    assert extra == []
    total = harness.score(outcomes)
    assert (total.claims, total.found, total.right) == (6, 5, 2)
