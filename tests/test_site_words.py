"""No internal jargon on any page: repository paths, "seed", "replay", raw score ids, float artifacts.

The built site (the replayed snapshot plus the curated history, what `pricewatch demo`
builds) is read as a visitor reads it: the text of every page, without the JSON embedded for
the scripts (the claim box needs the ids there) and without the markup.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from site_data import curated_db

from pricewatch.site.words import FORBIDDEN_WORDS, origin_label, plain

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# A price (or any figure) with more than 10 decimal places: a binary float shown raw.
FLOAT_ARTIFACT = re.compile(r"\d\.\d{11,}")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from pricewatch.site.build import build_site

    root = tmp_path_factory.mktemp("words")
    out = root / "public"
    build_site(curated_db(root / "pricewatch.db"), out, now=NOW, workers=2)
    return out


def visible_text(page: str) -> str:
    """What a visitor reads: scripts and tags dropped, entities decoded, spaces collapsed."""
    page = re.sub(r"<script\b[^>]*>.*?</script>", " ", page, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _pattern(word: str) -> str:
    """A path or an id anywhere; a plain word where one starts ("seeds'", "replayed"), in
    lower case, so that a model named "Seed 2.0" (bytedance-seed/seed-2.0) is not jargon."""
    if word.isalpha():
        return rf"(?<![\w/-]){re.escape(word)}"
    return "(?i)" + re.escape(word)


def test_no_page_shows_an_internal_word_or_a_float_artifact(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    found = []
    for path in pages:
        text = visible_text(path.read_text(encoding="utf-8"))
        for word in FORBIDDEN_WORDS:
            for m in re.finditer(_pattern(word), text):
                found.append(
                    f"{path.relative_to(site)}: {word!r} in ...{text[max(0, m.start() - 50) : m.end() + 30]}..."
                )
        found += [f"{path.relative_to(site)}: float {m.group()}" for m in FLOAT_ARTIFACT.finditer(text)]
    assert found == [], "\n".join(found[:40])


def test_a_model_called_seed_is_not_jargon():
    text = "ByteDance Seed 2.0 Mini (bytedance-seed/seed-2.0-mini); the seeds' comparison; replayed"
    assert [m.group() for w in FORBIDDEN_WORDS for m in re.finditer(_pattern(w), text)] == ["seed", "replay"]


def test_the_forbidden_list_holds_what_the_issue_names():
    for word in ("shared/", "seed", "replay", "lmarena_text_score", "aa_intelligence_index"):
        assert word in FORBIDDEN_WORDS


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("capability: lmarena_text_score >= 1274", "capability: LMArena text score >= 1274"),
        ("no model with a lmarena_text_score score >= 1274", "no model with a LMArena text score >= 1274"),
        (
            "on the index (aa_intelligence_index_2026_08)",
            "on the index (Artificial Analysis intelligence index (as of August 2026))",
        ),
        ("valid from 2026-08-22 (replay)", "valid from 2026-08-22 (recorded page)"),
        (
            "from 2026-09-12 (replay; named provider anthropic)",
            "from 2026-09-12 (recorded page; named provider anthropic)",
        ),
        ("the analysis in shared/articles/x.txt prices", "the analysis in  prices"),
        ("data/curated_prices.csv: dated list prices", "the curated price list: dated list prices"),
        ("The group mid-2026 (data/peer_groups.toml) holds", "The group mid-2026 holds"),
        ("", ""),
    ],
)
def test_plain_words(text, shown):
    assert plain(text) == shown


def test_origins_in_visitor_words():
    assert origin_label("replay") == "recorded page"
    assert origin_label("backfill") == "page history"
    assert origin_label("live") == "live"
    assert origin_label("something-new") == "something-new"
    assert origin_label(None) == ""


def test_the_embedded_data_keeps_its_ids(site):
    """Only the words change: the claim box's data still names scores and origins by id."""
    claims = (site / "claims.html").read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="pricewatch-data">(.*?)</script>', claims, re.S)
    assert data is not None and "lmarena_text_score" in data.group(1)
