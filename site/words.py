"""Visitor words for the project's internal names: origins, capability score ids, repository paths.

The analysis and the command line speak in ids (``replay``, ``lmarena_text_score``,
``data/peer_groups.toml``); the pages say what those mean. Only the wording changes: the
data embedded for the browser's scripts keeps its ids (the claim box needs them).
"""

from __future__ import annotations

import re

__all__ = ["FORBIDDEN_WORDS", "ORIGIN_WORDS", "SCORE_WORDS", "origin_label", "plain"]

#: How each stored origin reads on a page.
ORIGIN_WORDS = {
    "live": "live",
    "replay": "recorded page",
    "backfill": "page history",
    "curated": "curated",
    "third-party": "third-party",
}

#: Capability score ids (data/catalog.toml) and their names for people.
SCORE_WORDS = {
    "aa_intelligence_index_2026_08": "Artificial Analysis intelligence index (as of August 2026)",
    "aa_intelligence_index": "Artificial Analysis intelligence index",
    "lmarena_text_score_2026_07": "LMArena text score (snapshot of July 2026)",
    "lmarena_text_score": "LMArena text score",
}

#: What no visitor should read on a page (tests/test_site_words.py greps the built site).
FORBIDDEN_WORDS = (
    "shared/",
    "data/",
    "seed",
    "replay",
    *SCORE_WORDS,
)

_SCORES = re.compile("|".join(re.escape(score) for score in sorted(SCORE_WORDS, key=len, reverse=True)))
# "lmarena_text_score score >= 1274" would read "LMArena text score score".
_SCORE_SCORE = re.compile(r"(score) score\b")
_FILES = re.compile(r" ?\(data/[\w-]+\.toml\)|(?:\.\./)?shared/[\w./-]+")
_NAMED_FILES = {
    "data/curated_prices.csv": "the curated price list",
    "data/peer_groups.toml": "the peer groups",
}
_ORIGIN_IN_BRACKETS = re.compile(r"\((replay|backfill)([;,)])")


def origin_label(origin: str | None) -> str:
    """``replay`` -> ``recorded page``; an origin not listed stays as it is."""
    if not origin:
        return ""
    return ORIGIN_WORDS.get(origin, origin)


def plain(text: str | None) -> str:
    """Text from the analysis in visitor words: score ids named, repository paths dropped."""
    if not text:
        return ""
    text = _SCORES.sub(lambda m: SCORE_WORDS[m.group(0)], str(text))
    text = _SCORE_SCORE.sub(r"\1", text)
    text = _ORIGIN_IN_BRACKETS.sub(lambda m: f"({ORIGIN_WORDS[m.group(1)]}{m.group(2)}", text)
    text = _FILES.sub("", text)
    for path, words in _NAMED_FILES.items():
        text = text.replace(path, words)
    return text
