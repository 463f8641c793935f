"""Hostile names (issue 18): a control character in one name never stops a build or leaves in
any file, and a look-alike or crafted id never takes a catalog model's page name."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from site_data import observe, replay_db

from pricewatch.output import render_rows
from pricewatch.site.build import build_site
from pricewatch.site.model import assign_slugs
from pricewatch.text import clean_text

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
NUL_ID = "evil/nul\x00model"
NUL_NAME = "Nul\x00 \x1b[31mRed\x1b[0m \x85Model\x7f"
LOOKALIKE = "openai/gpt-4o\u200b"
CRAFTED = "OpenAI/GPT-4o"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from pricewatch.scraper.store import open_database

    path = replay_db(tmp_path_factory.mktemp("names") / "pricewatch.db")
    db = open_database(path)
    db["models"].upsert_all(
        [
            {"id": NUL_ID, "name": NUL_NAME, "creator": "evil", "catalogued": 0},
            {"id": LOOKALIKE, "name": "GPT-4o (look-alike)", "creator": "openai", "catalogued": 0},
            {"id": CRAFTED, "name": "GPT-4o (crafted)", "creator": "openai", "catalogued": 0},
        ],
        pk="id",
    )
    db.conn.close()
    rows = []
    for model in (NUL_ID, LOOKALIKE, CRAFTED):
        rows.append(
            {
                "model": model,
                "provider": "deepinfra",
                "at": "2026-08-01T00:00:00Z",
                "input": "1",
                "output": "2",
            }
        )
        rows.append(
            {
                "model": model,
                "provider": "deepinfra",
                "at": "2026-08-10T00:00:00Z",
                "input": "2",
                "output": "2",
            }
        )
    observe(path, rows)
    out = tmp_path_factory.mktemp("site") / "public"
    build_site(path, out, now=NOW, workers=1)
    return out


def test_clean_text_removes_controls_and_keeps_layout():
    assert clean_text("a\x00b\x1b[0m\tc\nd\r\x85e\x7f\ud800\ufffe") == "ab[0m\tc\nd\re"
    assert clean_text("Claude Opus 4.6 — €5") == "Claude Opus 4.6 — €5"


def test_a_nul_in_a_name_does_not_stop_the_build_and_leaves_in_no_file(built):
    leaked = [
        str(path.relative_to(built))
        for path in built.rglob("*")
        if path.is_file()
        and path.suffix in (".html", ".svg", ".json", ".csv", ".xml", ".txt")
        and CONTROL.search(path.read_text(encoding="utf-8"))
    ]
    assert leaked == []
    for feed in built.rglob("*.xml"):
        ET.parse(feed)  # every feed and the sitemap are well-formed XML
    pages = [p.read_text(encoding="utf-8") for p in (built / "models").glob("evil--nul*.html")]
    assert pages and "Nul [31mRed[0m Model" in pages[0]


def test_the_terminal_table_shows_no_control_characters():
    table = render_rows([{"model": NUL_ID, "name": NUL_NAME}])
    assert not CONTROL.search(table) and "evil/nulmodel" in table


def test_a_catalog_model_keeps_its_page_name_against_look_alikes(built):
    page = (built / "models" / "openai--gpt-4o.html").read_text(encoding="utf-8")
    assert "look-alike" not in page and "crafted" not in page
    others = sorted(p.name for p in (built / "models").glob("openai--gpt-4o-*.html"))
    assert len(others) == 2  # the look-alike and the crafted id, each under its own hashed name


def test_slugs_owned_by_the_catalog():
    slugs = assign_slugs(["openai/gpt-4o", LOOKALIKE, CRAFTED, "x/y"], owners=["openai/gpt-4o"])
    assert slugs["openai/gpt-4o"] == "openai--gpt-4o" and slugs["x/y"] == "x--y"
    assert len({slugs[LOOKALIKE], slugs[CRAFTED], "openai--gpt-4o"}) == 3
    # Without an owner, every colliding id is hashed (the rule for ids the catalog does not know).
    assert assign_slugs([LOOKALIKE, CRAFTED])[CRAFTED] != "openai--gpt-4o"
