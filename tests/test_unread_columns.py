"""Issue 14: a price a page's table leaves out is unknown, never blanked; an unreadable cell is a row error.

For every source with an optional column (or row): a good refresh from the embedded
snapshot, then a refresh of the same page with that column left out of every table. The
offers keep the stored value of that price (``PriceRecord.unread``): no new price row, the
value unchanged, and the run ok. A "-" cell, by contrast, still says "not offered".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from golden import SNAPSHOT

from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.replay import MANIFEST_NAME
from pricewatch.scraper.sources import minimax, moonshot, openai, xai
from pricewatch.scraper.sources._markdown import header_key
from pricewatch.scraper.store import open_database

Bodies = dict[str, str]


def _snapshot_bodies(source: str) -> Bodies:
    manifest = json.loads((SNAPSHOT / MANIFEST_NAME).read_text(encoding="utf-8"))
    return {
        entry["url"]: (SNAPSHOT / entry["body"]).read_text(encoding="utf-8")
        for entry in manifest["responses"]
        if entry["body"].startswith(f"{source}/")
    }


def drop_column(body: str, title: str) -> str:
    """``body`` with the pipe-table column ``title`` (matched by header_key) left out of every table."""
    lines = body.split("\n")
    out: list[str] = []
    drop: int | None = None
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith("|"):
            drop = None
            out.append(line)
            continue
        cells = line.split("|")
        if drop is None:
            hits = [i for i, cell in enumerate(cells) if header_key(cell) == header_key(title)]
            drop = hits[0] if hits else -1
        if drop > 0 and drop < len(cells):
            del cells[drop]
        out.append("|".join(cells))
    return "\n".join(out)


def drop_row(body: str, label: str) -> str:
    """``body`` without any pipe-table row whose first cell starts with ``label``."""
    kept = [
        line
        for line in body.split("\n")
        if not (
            line.strip().startswith("|")
            and len(line.split("|")) > 1
            and header_key(line.split("|")[1]).startswith(header_key(label))
        )
    ]
    return "\n".join(kept)


def _refresh(db_path: Path, catalog, source: str, bodies: Bodies):
    def handler(request: httpx.Request) -> httpx.Response:
        body = bodies.get(str(request.url))
        return httpx.Response(404) if body is None else httpx.Response(200, text=body)

    [outcome] = run_refresh(
        db_path=db_path, catalog=catalog, source_names=[source], transport=httpx.MockTransport(handler)
    )
    return outcome


def _field_values(db_path: Path, field: str) -> dict[tuple, str | None]:
    rows = open_database(db_path).query(
        f"SELECT model, provider, tier, min_prompt_tokens, variant, {field}_text AS value FROM current_prices"
    )
    return {
        (r["model"], r["provider"], r["tier"], r["min_prompt_tokens"], r["variant"]): r["value"] for r in rows
    }


def _price_rows(db_path: Path) -> int:
    return next(iter(open_database(db_path).query("SELECT count(*) AS n FROM prices")))["n"]


# (source, field, how the page leaves it out)
CASES = [
    ("minimax", "cache_write", lambda body: drop_column(body, "Prompt caching Write")),
    ("xai", "cache_read", lambda body: drop_column(body, "Cached input / 1M tokens")),
    (
        "openai",
        "cache_write",
        lambda body: drop_column(drop_column(body, "Cache writes"), "Short context cache writes"),
    ),
    ("google", "cache_read", lambda body: drop_row(body, "Context caching price")),
]


@pytest.mark.parametrize(("source", "field", "leave_out"), CASES, ids=[f"{s}:{f}" for s, f, _ in CASES])
def test_an_optional_column_left_out_keeps_the_stored_price(tmp_path, catalog, source, field, leave_out):
    db_path = tmp_path / "unread.db"
    bodies = _snapshot_bodies(source)
    assert _refresh(db_path, catalog, source, bodies).status in ("ok", "partial")
    before = _field_values(db_path, field)
    assert any(value is not None for value in before.values()), f"the snapshot gives {field}"
    rows = _price_rows(db_path)

    thinner = {url: leave_out(body) for url, body in bodies.items()}
    assert thinner != bodies
    outcome = _refresh(db_path, catalog, source, thinner)
    assert outcome.status in ("ok", "partial"), outcome.error
    assert _field_values(db_path, field) == before
    assert _price_rows(db_path) == rows


def test_a_not_offered_cell_still_removes_the_price(tmp_path, catalog):
    # The M2.7 cache write becomes "-": that is the page saying "not offered", a change.
    db_path = tmp_path / "dash.db"
    bodies = _snapshot_bodies("minimax")
    assert _refresh(db_path, catalog, "minimax", bodies).status == "ok"
    changed = {
        url: re.sub(r"(\*\*MiniMax-M2\.7\*\*.*)\| \\\$0\.375 / M tokens +\|", r"\1| - |", body)
        for url, body in bodies.items()
    }
    assert changed != bodies
    assert _refresh(db_path, catalog, "minimax", changed).status == "ok"
    values = _field_values(db_path, "cache_write")
    assert values[("minimax/minimax-m2.7", "minimax", "standard", 0, "")] is None


def test_parsers_name_the_fields_a_table_leaves_out():
    body = _snapshot_bodies("minimax")
    [page] = body.values()
    records = minimax.parse("u", drop_column(page, "Prompt caching Write").encode()).records
    assert {r.unread for r in records} == {("cache_write",)}
    assert {r.unread for r in minimax.parse("u", page.encode()).records if r.model == "MiniMax-M2.7"} == {()}
    [xai_page] = _snapshot_bodies("xai").values()
    assert {
        r.unread for r in xai.parse("u", drop_column(xai_page, "Cached input / 1M tokens").encode()).records
    } == {("cache_read",)}
    [openai_page] = _snapshot_bodies("openai").values()
    assert all(
        r.unread == () or "cache_write" not in r.unread
        for r in openai.parse("u", openai_page.encode()).records
        if r.tier == "standard" and r.min_prompt_tokens == 0
    )
    v1 = next(url for url in _snapshot_bodies("moonshot") if "chat-v1" in url)
    assert {r.unread for r in moonshot.parse(v1, _snapshot_bodies("moonshot")[v1].encode()).records} == {
        ("cache_read",)
    }
