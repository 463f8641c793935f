"""The claim reader on hostile text (issue 18): size limits with a clear refusal, chained
patterns read in linear time with the old patterns' answers, the grammar's work bounded.
No timing here: bench/claims_adversarial.py times growing inputs (docs/benchmarks.md)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from pricewatch.analysis import claim_grammar, scan
from pricewatch.analysis.claim_grammar import MAX_CLAIM_CHARS, match_form
from pricewatch.analysis.claim_text import parse_claim
from pricewatch.analysis.scan import _CLAIM_LIKE_CHAINS, _in_order, find_claims
from pricewatch.commands.check import names_from_catalog
from pricewatch.errors import ClaimTooLongError

_M = scan._MONEY
_C = scan._COST_WORDS
# The single regexes the chains replace (as they were before issue 18), for short inputs only.
OLD_CHAINS = [
    rf"\d\s*(?:x|×|-fold|fold)\b(?=.*{_C})",
    rf"{_C}.*\d\s*(?:x|×|-fold)\b",
    rf"{_M}[^.]*\b(?:monthly|per\s+month|a\s+month)\b",
    rf"{_M}[^.;]*(?:≈|~=|=)\s*{_M}",
    r"\bper\s+(?:\w+\s+){0,2}(?:user|seat|conversation|session|request|call|query|subscriber|developer)\b"
    rf"[^.$]*{_M}",
    rf"\b(?:fell|fallen|dropped|declined)\b[^.]*\d\s*{scan._FOLD_WORDS}",
    rf"\binput\b[^.]*\boutput\b[^.]*\bcosts?\b[^.]*{_M}",
    r"\b(?:cut|cuts|reduc\w*|lower\w*|slash\w*|sav\w*)\b[^.]*\b(?:costs?|price|bill|spend)\b[^.]*"
    r"\bby\s+(?:up\s+to\s+|about\s+|roughly\s+)?\d+(?:\.\d+)?\s*%",
]
SENTENCES = [
    "Input costs $3 and output costs $15 per million tokens.",
    "input and output tokens together cost about $12.50 a request",
    "The input. Then output costs $5",
    "It is 3x cheaper than GPT-4o.",
    "Prices are 10x lower now",
    "Costs fell 10x in two years.",
    "prices dropped by a factor of 1,000 over three years",
    "Dropped. 10x",
    "We pay $20 per month for it.",
    "$1.50 and more monthly",
    "$1. Later monthly",
    "$300 ≈ $3.6k a year",
    "$300; ≈ $3.6k",
    "per active user the bill came to $4",
    "per user. $4",
    "Caching cuts input costs by up to 90% on Opus.",
    "Caching cuts input. costs by 90%",
    "The fold was 2x, and the price rose",
    "cheaper 3x",
    "it costs\n3x more",
    "3x\ncheaper",
    "Nothing to see here.",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_the_chains_say_what_the_old_patterns_said(sentence):
    old = any(re.search(pattern, sentence, re.I) for pattern in OLD_CHAINS)
    new = any(_in_order(sentence, parts, stops) for parts, stops in _CLAIM_LIKE_CHAINS)
    assert new == old


def test_in_order_tries_each_stretch_once():
    """The structure that makes it linear: one search per part per stretch, never one per start."""
    calls = []

    class Counting:
        def __init__(self, pattern: str) -> None:
            self.pattern = re.compile(pattern)

        def finditer(self, text):
            return self.pattern.finditer(text)

        def search(self, text, pos, endpos):
            calls.append((pos, endpos))
            return self.pattern.search(text, pos, endpos)

    text = "input " * 3000  # 3,000 starts of the first part, no "output" anywhere
    assert not _in_order(text, (re.compile(r"\binput\b"), Counting(r"\boutput\b")), ".")
    assert len(calls) == 1


@pytest.fixture(scope="module")
def names():
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    return names_from_catalog(load_catalog(default_catalog_path()))


HOSTILE = ["Input output costs ", "1x 1,1 ", "$1 / ", "GPT-4o is cheaper than ", "Fell 1 "]


@pytest.mark.parametrize("fragment", HOSTILE)
def test_a_9kb_claim_is_refused_at_once_with_the_limit(names, fragment):
    text = (fragment * 9000)[:9000]
    with pytest.raises(ClaimTooLongError, match=f"9,000 characters long; the limit is {MAX_CLAIM_CHARS}"):
        parse_claim(text, names)


def test_check_refuses_a_long_claim_with_exit_2(tmp_path):
    from pricewatch.cli import cli
    from pricewatch.scraper.store import open_database

    open_database(tmp_path / "empty.db")
    result = CliRunner().invoke(cli, ["check", "--db", str(tmp_path / "empty.db"), "$1 / " * 1800])
    assert result.exit_code == 2, result.output
    assert "the claim is 9,000 characters long; the limit is 400: not read" in result.output


@pytest.mark.parametrize("fragment", HOSTILE)
def test_scan_lists_a_9kb_run_on_sentence_as_unread_and_reads_an_article_of_short_ones(names, fragment):
    found, unparsed = find_claims((fragment * 9000)[:9000], names, {})
    assert found == [] and len(unparsed) == 1
    assert re.search(r"(8,99\d|9,000) characters long; the limit is 400: not read", unparsed[0].reason)
    assert len(unparsed[0].quote) <= 121
    sentence = (fragment * 100)[: MAX_CLAIM_CHARS - 10].strip() + "."
    find_claims((sentence + " ") * 25, names, {})  # ~9.7 KB of sentences under the limit returns


def test_the_grammar_tries_each_form_position_once(monkeypatch):
    """Two spans in a form cost O(tokens²) steps, not one step per way of splitting the sentence."""
    steps = []
    real = claim_grammar._seq_step

    def counting(*args):
        steps.append(1)
        return real(*args)

    monkeypatch.setattr(claim_grammar, "_seq_step", counting)

    def count(repeats: int) -> int:
        steps.clear()
        match_form("GPT-4o is cheaper than " * repeats)
        return len(steps)

    small, large = count(10), count(20)
    assert large <= 4.5 * small  # doubling the sentence at most quadruples the work


def test_an_article_over_the_limit_is_refused():
    from pricewatch.analysis.claim_grammar import MAX_ARTICLE_CHARS

    with pytest.raises(ClaimTooLongError, match="the article is"):
        scan.scan_article("x" * (MAX_ARTICLE_CHARS + 1), None, {}, [], "2026-01-01")  # type: ignore[arg-type]
