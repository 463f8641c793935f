"""Layout drift through the store: renaming any required column of anthropic, google or openai.

Each parser states the columns (and, for Google, the row labels) it requires as constants.
For every one of them, a refresh of the source's golden body with that one title renamed
must fail the source with the layout-drift error naming the title, and leave every stored
price exactly as the good refresh stored it (a refresh through the store, not just parse()).
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from golden import fixture_body

from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.sources import anthropic, google, openai
from pricewatch.scraper.sources._markdown import header_key
from pricewatch.scraper.store import open_database

RENAMED = "Renamed column"


def _rename_in_table(body: str, heading: str, title: str, occurrence: int = 0) -> str:
    """``body`` with the header cell ``title`` of the first table under ``heading`` renamed.

    ``heading`` is matched as a whole heading line (any level); ``occurrence`` picks a later
    table under a heading of that text (Google's "### Standard" repeats per model).
    """
    lines = body.split("\n")
    headings = [i for i, line in enumerate(lines) if re.fullmatch(rf"#+\s+{re.escape(heading)}\s*", line)]
    assert len(headings) > occurrence, (heading, occurrence)
    start = headings[occurrence]
    header = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith("|"))
    cells = lines[header].split("|")
    hits = [i for i, cell in enumerate(cells) if header_key(cell) == header_key(title)]
    assert len(hits) == 1, (title, lines[header])
    cells[hits[0]] = f" {RENAMED} "
    lines[header] = "|".join(cells)
    return "\n".join(lines)


def _rename_row_label(body: str, heading: str, label: str, occurrence: int = 0) -> str:
    """``body`` with the row labelled ``label`` (a prefix) of the first table under ``heading`` renamed."""
    lines = body.split("\n")
    headings = [i for i, line in enumerate(lines) if re.fullmatch(rf"#+\s+{re.escape(heading)}\s*", line)]
    start = headings[occurrence]
    first = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith("|"))
    for i in range(first, len(lines)):
        if not lines[i].lstrip().startswith("|"):
            break
        cells = lines[i].split("|")
        if header_key(cells[1]).startswith(header_key(label)):
            cells[1] = f" {RENAMED} "
            lines[i] = "|".join(cells)
            return "\n".join(lines)
    raise AssertionError(f"no row {label!r} under {heading!r}")


def _refresh(db_path: Path, catalog, module, body: str):
    (url,) = module.start_urls(module.DEFAULT_BASE_URL)

    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == url
        return httpx.Response(200, text=body, headers={"content-type": "text/markdown"})

    [outcome] = run_refresh(
        db_path=db_path, catalog=catalog, source_names=[module.NAME], transport=httpx.MockTransport(handler)
    )
    return outcome


def _stored(db_path: Path) -> list[dict]:
    db = open_database(db_path)
    tables = ("prices", "unit_prices", "scheduled_prices")
    return [dict(row) for table in tables for row in db.query(f"SELECT * FROM {table} ORDER BY id")]


def _anthropic_cases():
    yield anthropic.MODEL_PRICING_HEADING, anthropic.MODEL_COLUMN
    for title in anthropic.STANDARD_COLUMNS:
        yield anthropic.MODEL_PRICING_HEADING, title
    yield anthropic.BATCH_HEADING, anthropic.MODEL_COLUMN
    for title in anthropic.BATCH_COLUMNS:
        yield anthropic.BATCH_HEADING, title
    for title in anthropic.FAST_COLUMNS:
        yield anthropic.FAST_MODE_HEADING, title


ANTHROPIC = [pytest.param(heading, title, id=f"{heading}:{title}") for heading, title in _anthropic_cases()]


def _assert_drift_fails_and_keeps_prices(module, body: str, renamed: str, title: str, tmp_path, catalog):
    db_path = tmp_path / "drift.db"
    assert _refresh(db_path, catalog, module, body).status == "ok"
    before = _stored(db_path)
    assert len(before) > 5
    outcome = _refresh(db_path, catalog, module, renamed)
    assert outcome.status == "failed"
    assert f"'{title}'" in outcome.error, outcome.error
    assert outcome.error.endswith("the page layout may have changed")
    assert _stored(db_path) == before


@pytest.mark.parametrize(("heading", "title"), ANTHROPIC)
def test_anthropic_renamed_required_column_fails_the_source_and_keeps_prices(
    heading: str, title: str, tmp_path, catalog
) -> None:
    body = fixture_body("anthropic", "current.md").read_text(encoding="utf-8")
    renamed = _rename_in_table(body, heading, title)
    _assert_drift_fails_and_keeps_prices(anthropic, body, renamed, title, tmp_path, catalog)


# --- google: the paid column of every tier table, and the required rows ------------------

GOOGLE_PAID = "Paid Tier, per 1M tokens in USD"
GOOGLE = [
    *(
        pytest.param(heading, "column", GOOGLE_PAID, id=f"{heading}:{google.PAID_COLUMN_PREFIX}")
        for heading in google.TIER_HEADINGS
    ),
    *(
        pytest.param(heading, "row", label, id=f"{heading}:{label}")
        for heading in google.TIER_HEADINGS
        for label, *_ in google.REQUIRED_ROWS.values()
    ),
]


@pytest.mark.parametrize(("heading", "kind", "title"), GOOGLE)
def test_google_renamed_required_column_fails_the_source_and_keeps_prices(
    heading: str, kind: str, title: str, tmp_path, catalog
) -> None:
    body = fixture_body("google", "models.md").read_text(encoding="utf-8")
    if kind == "column":
        renamed, named = _rename_in_table(body, heading, title), google.PAID_COLUMN_PREFIX
    else:
        renamed, named = _rename_row_label(body, heading, title), title
    _assert_drift_fails_and_keeps_prices(google, body, renamed, named, tmp_path, catalog)


# --- openai: every column of the tier tables ----------------------------------------------

OPENAI = [
    pytest.param(heading, title, id=f"{heading}:{title}")
    for heading in ("Standard pricing data", "Batch pricing data", "Flex pricing data", "Fast pricing data")
    for title in (openai.MODEL_COLUMN, *openai.REQUIRED_COLUMNS, *openai.OPTIONAL_COLUMNS)
]


@pytest.mark.parametrize(("heading", "title"), OPENAI)
def test_openai_renamed_column_fails_the_source_and_keeps_prices(
    heading: str, title: str, tmp_path, catalog
) -> None:
    body = fixture_body("openai", "official.md").read_text(encoding="utf-8")
    named = title if title in (openai.MODEL_COLUMN, *openai.REQUIRED_COLUMNS) else RENAMED
    _assert_drift_fails_and_keeps_prices(
        openai, body, _rename_in_table(body, heading, title), named, tmp_path, catalog
    )
