"""Issue 14: renaming any required column, heading or key of a source fails that source with the
layout-drift error and changes no stored price.

Each case refreshes a source through the store from its embedded snapshot bodies (the good
run), then again with one name its parser requires renamed in those bodies. The names come
from the parsers' own constants, so a required column added there is renamed here too.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from golden import SNAPSHOT

from pricewatch.errors import LAYOUT_CHANGED
from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.replay import MANIFEST_NAME
from pricewatch.scraper.sources import deepseek, minimax, mistral, moonshot, openrouter, xai
from pricewatch.scraper.store import open_database

Bodies = dict[str, str]
Rename = Callable[[Bodies], Bodies]


def _snapshot_bodies(source: str) -> Bodies:
    manifest = json.loads((SNAPSHOT / MANIFEST_NAME).read_text(encoding="utf-8"))
    return {
        entry["url"]: (SNAPSHOT / entry["body"]).read_text(encoding="utf-8")
        for entry in manifest["responses"]
        if entry["body"].startswith(f"{source}/")
    }


def _replace(old: str, new: str, *, pattern: bool = False) -> Rename:
    """A rename of ``old`` to ``new`` in every body of the source (it must occur somewhere)."""

    def rename(bodies: Bodies) -> Bodies:
        if pattern:
            renamed = {url: re.sub(old, new, body) for url, body in bodies.items()}
        else:
            renamed = {url: body.replace(old, new) for url, body in bodies.items()}
        assert renamed != bodies, f"{old!r} is in none of the bodies"
        return renamed

    return rename


def _cases() -> list[tuple[str, str, Rename]]:
    """(source, the required name, how to rename it in the bodies)."""
    cases: list[tuple[str, str, Rename]] = []
    # minimax: the section heading, the tab titles, every column.
    cases += [
        ("minimax", f"## {h}", _replace(f"## {h}\n", f"## {h} models\n"))
        for h in minimax.SECTION_HEADINGS[:1]
    ]
    cases += [
        ("minimax", tab, _replace(f'<Tab title="{tab}', f'<Tab title="{tab} plan'))
        for tab in minimax.TAB_TIERS
    ]
    cases += [
        ("minimax", column, _replace(f"| {column} ", f"| {column} (new) ")) for column in minimax.COLUMNS
    ]
    # moonshot: every DocTable column title.
    cases += [
        ("moonshot", title, _replace(f'title: "{title}"', f'title: "{title} (new)"'))
        for title in moonshot.DOC_COLUMNS
    ]
    # deepseek: the table's first label, the pricing block, every meter, every period.
    cases += [
        (
            "deepseek",
            deepseek.HEADER_LABEL,
            _replace(f">{deepseek.HEADER_LABEL}<", f">{deepseek.HEADER_LABEL}S<"),
        ),
        ("deepseek", deepseek.PRICING_LABEL, _replace(f">{deepseek.PRICING_LABEL}<", ">PRICES<")),
    ]
    for label in deepseek.METERS:
        raw = label.replace(" (", "<br>(")  # the page breaks the line before "(CACHE ...)"
        cases.append(("deepseek", label, _replace(raw, raw.replace("TOKENS", "TOKENS NEW"))))
    cases += [
        ("deepseek", period, _replace(f"<td>{period}</td>", f"<td>{period} HOURS</td>"))
        for period in deepseek.PERIODS
        if period
    ]
    # mistral: the model list, and every key of a model file (renamed in every file: a schema change).
    cases.append(
        ("mistral", mistral.MODELS_CONST, _replace(f"const {mistral.MODELS_CONST} ", "const ALL_MODELS "))
    )
    for key in mistral.REQUIRED_KEYS:
        if key == mistral.PRICING_TYPE_KEY:
            rename = _replace(r"(pricing: \{\s*)type:", r"\1kind:", pattern=True)
        else:
            rename = _replace(rf"\b{key}:", f"{key}New:", pattern=True)
        cases.append(("mistral", key, rename))
    # xai: the section heading and every column.
    cases.append(
        ("xai", xai.TEXT_HEADING, _replace(f"## {xai.TEXT_HEADING}", f"## {xai.TEXT_HEADING} (new)"))
    )
    cases += [("xai", column, _replace(f"| {column} |", f"| {column} (new) |")) for column in xai.COLUMNS]
    # Required columns removed outright (not renamed): the same error, nothing changes.
    cases += [("minimax", column, _drop(column)) for column in minimax.REQUIRED_COLUMNS]
    cases += [("xai", column, _drop(column)) for column in xai.REQUIRED_COLUMNS]
    cases += [
        (
            "moonshot",
            partner,
            _replace(rf'\{{\s*title: "{re.escape(partner)}"[^}}]*\}},?\s*', "", pattern=True),
        )
        for partner in moonshot.PAIRED_COLUMNS.values()
    ]
    # openrouter: the list's keys and the required pricing keys, renamed in every body.
    cases += [
        ("openrouter", key, _replace(f'"{key}":', f'"{key}_new":'))
        for key in ("data", "id", "pricing", *openrouter.REQUIRED_PRICING_KEYS)
    ]
    return cases


def _drop(title: str) -> Rename:
    """Leave the pipe-table column ``title`` out of every table (it must be in one)."""
    from test_unread_columns import drop_column

    def drop(bodies: Bodies) -> Bodies:
        dropped = {url: drop_column(body, title) for url, body in bodies.items()}
        assert dropped != bodies, f"{title!r} is in none of the bodies"
        return dropped

    return drop


CASES = _cases()


def _refresh(db_path: Path, catalog, source: str, bodies: Bodies):
    def handler(request: httpx.Request) -> httpx.Response:
        body = bodies.get(str(request.url))
        return httpx.Response(404) if body is None else httpx.Response(200, text=body)

    [outcome] = run_refresh(
        db_path=db_path, catalog=catalog, source_names=[source], transport=httpx.MockTransport(handler)
    )
    return outcome


def _prices(db_path: Path) -> list[dict]:
    return list(open_database(db_path).query("SELECT * FROM prices ORDER BY id"))


@pytest.fixture(scope="module")
def stored(tmp_path_factory, request):
    """One good refresh per source, copied for each case (a refresh is the slow part)."""
    from conftest import REPO_ROOT

    from pricewatch.scraper.catalog import load_catalog

    catalog = load_catalog(REPO_ROOT / "data" / "catalog.toml")
    databases = {}
    for source in sorted({source for source, _, _ in CASES}):
        db_path = tmp_path_factory.mktemp(source) / "good.db"
        outcome = _refresh(db_path, catalog, source, _snapshot_bodies(source))
        assert outcome.status in ("ok", "partial"), outcome.error
        databases[source] = db_path
    return catalog, databases


@pytest.mark.parametrize(("source", "name", "rename"), CASES, ids=[f"{s}:{n}" for s, n, _ in CASES])
def test_renaming_a_required_name_fails_the_source_and_keeps_its_prices(
    stored, tmp_path, source, name, rename
):
    catalog, databases = stored
    db_path = tmp_path / "drift.db"
    with sqlite3.connect(databases[source]) as good, sqlite3.connect(db_path) as copy:
        good.backup(copy)  # the WAL included
    before = _prices(db_path)
    assert before, "the good run stored prices"
    outcome = _refresh(db_path, catalog, source, rename(_snapshot_bodies(source)))
    assert outcome.status == "failed"
    assert outcome.error is not None and outcome.error.endswith(LAYOUT_CHANGED)
    if source != "openrouter":  # its error names what it could not find: no models, no `data`
        assert name.removeprefix("## ").rstrip("*") in outcome.error
    assert _prices(db_path) == before


def test_a_promotional_price_is_stored_as_charged_and_named_in_the_summary(db_path, catalog):
    outcome = _refresh(db_path, catalog, "minimax", _snapshot_bodies("minimax"))
    assert outcome.status == "ok"
    assert any("promotional prices stored as charged" in m and "MiniMax-M3" in m for m in outcome.messages)
    [m3] = open_database(db_path).query(
        "SELECT input_text AS input, output_text AS output, cache_read_text AS cache_read FROM current_prices "
        "WHERE model = 'minimax/minimax-m3'"
        " AND tier = 'standard' AND min_prompt_tokens = 0"
    )
    assert {k: Decimal(v) for k, v in m3.items()} == {
        "input": Decimal("0.30"),
        "output": Decimal("1.20"),
        "cache_read": Decimal("0.06"),
    }
