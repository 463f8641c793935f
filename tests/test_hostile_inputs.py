"""Malformed responses and prices (issue 18): `pricewatch refresh` against a database that
already holds good prices, with one hostile OpenRouter models list beside a good first-party
source. Each case is one row of docs/hostile-inputs.md, "Malformed responses and prices":
the source fails (or the item is a row error and the rest is stored) with a one-line reason,
the stored prices are unchanged, `PRAGMA integrity_check` is ok and no empty price is stored.
"""

from __future__ import annotations

import html
import json
import shutil
import sqlite3
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
import respx
from click.testing import CliRunner
from openrouter_bodies import LIST_URL, TRUE_PRICES, models_body

from pricewatch.cli import cli
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import make_record

FIRST_URL = "https://hostilefirst.example/pricing"
VICTIM = "anthropic/claude-opus-4.8"  # the item the price cases spoil; the others stay good
HUGE_ID = "huge/" + "m" * 10_000
UNICODE_ID = "uni/\u202eevil\u202c-\U0001f600-\u05e9\u05dc\u05d5\u05dd"
UNICODE_NAME = "\u202eNEVO\u202c \u05de\u05d5\u05d3\u05dc \U0001f600 <b>&amp;</b>"


def _first_party() -> types.ModuleType:
    """A first-party source (one page, one price) that stays good while OpenRouter misbehaves."""
    module = types.ModuleType("hostilefirst")
    module.NAME, module.KIND, module.LISTS_EVERYTHING = "hostilefirst", "first-party", False
    module.DEFAULT_BASE_URL = "https://hostilefirst.example"
    module.start_urls = lambda base: [f"{base}/pricing"]
    module.parse = lambda url, body: Parsed(
        [make_record(model="Claude Opus 4.6", provider="Anthropic", input="5", output="25")]
    )
    return module


@pytest.fixture(autouse=True)
def _sources(monkeypatch):
    from pricewatch.scraper import sources

    monkeypatch.setattr(sources, "SOURCE_NAMES", (*sources.SOURCE_NAMES, "hostilefirst"))
    monkeypatch.setitem(sources._loaded, "hostilefirst", _first_party())


def _refresh(db: Path, answer) -> tuple[int, list[dict]]:
    """`pricewatch refresh` of OpenRouter's list (answered by ``answer``) and the first-party page."""
    with respx.mock(assert_all_called=False) as router:
        route = router.get(LIST_URL)
        if isinstance(answer, BaseException):
            route.mock(side_effect=answer)
        else:
            route.mock(return_value=answer)
        router.get(FIRST_URL).mock(return_value=httpx.Response(200, text="ok"))
        args = ["refresh", "--db", str(db), "--source", "openrouter", "--source", "hostilefirst"]
        result = CliRunner().invoke(cli, [*args, "--format", "json", "-q"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A database holding good prices from both sources (made once, copied per test)."""
    from pricewatch.scraper import sources

    path = tmp_path_factory.mktemp("seed") / "pricewatch.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sources, "SOURCE_NAMES", (*sources.SOURCE_NAMES, "hostilefirst"))
        patch.setitem(sources._loaded, "hostilefirst", _first_party())
        code, rows = _refresh(path, httpx.Response(200, json=models_body(TRUE_PRICES)))
    assert code == 0 and [r["status"] for r in rows] == ["ok", "ok"], rows
    return path


@pytest.fixture
def db(seeded, tmp_path) -> Path:
    path = tmp_path / "pricewatch.db"
    shutil.copy(seeded, path)
    return path


PRICE_COLUMNS = "offer_id, valid_from, valid_to, input, output, cache_read, variable, closed_reason"


def _query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _prices(db: Path) -> list[tuple]:
    return _query(db, f"SELECT {PRICE_COLUMNS} FROM prices ORDER BY id")


def _assert_nothing_lost(db: Path, before: list[tuple]) -> None:
    assert _prices(db) == before
    assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    assert _query(db, "SELECT count(*) FROM runs WHERE status = 'running'") == [(0,)]
    empty = "SELECT count(*) FROM prices WHERE coalesce(input, output) IS NULL AND variable = 0"
    assert _query(db, empty) == [(0,)]


def _body(**pricing) -> bytes:
    body = models_body(TRUE_PRICES)
    body["data"][0]["pricing"].update(pricing)
    assert body["data"][0]["id"] == VICTIM
    return json.dumps(body).encode()


GOOD = json.dumps(models_body(TRUE_PRICES)).encode()


# ----------------------------------------------------------------------------- whole responses


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        pytest.param(httpx.Response(200, content=GOOD[: len(GOOD) // 2]), "invalid JSON", id="truncated"),
        pytest.param(httpx.Response(200, content=b""), "invalid JSON", id="empty"),
        pytest.param(
            httpx.Response(200, headers={"content-length": str(26 * 1024 * 1024)}, content=b""),
            "body larger than 25 MB limit",
            id="oversized",
        ),
        pytest.param(
            httpx.ReadError("Connection reset by peer"), "Connection reset by peer", id="reset-read"
        ),
        pytest.param(
            httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
            "peer closed connection",
            id="reset-protocol",
        ),
    ],
)
def test_a_broken_response_fails_its_source_in_one_line_and_loses_nothing(db, answer, reason):
    before = _prices(db)
    code, rows = _refresh(db, answer)
    assert code == 1
    listing, first = rows
    assert (listing["source"], listing["status"], first["status"]) == ("openrouter", "failed", "ok")
    assert reason in listing["error"] and "\n" not in listing["error"]
    _assert_nothing_lost(db, before)
    [(run_error,)] = _query(db, "SELECT error FROM runs WHERE source = 'openrouter' ORDER BY id DESC LIMIT 1")
    assert reason in run_error


# ----------------------------------------------------------------------------- one bad price


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(
            _body(prompt="-0.000005"), "input: Input should be greater than or equal to 0", id="negative"
        ),
        pytest.param(_body(prompt="NaN"), "not a finite number", id="nan-text"),
        pytest.param(GOOD.replace(b'"0.000005"', b"NaN", 1), "not a finite number", id="nan-json"),
        pytest.param(_body(prompt="1e309"), "out of range", id="1e309-text"),
        pytest.param(GOOD.replace(b'"0.000005"', b"1e309", 1), "out of range", id="1e309-json"),
        pytest.param(_body(prompt=None), "not a number: None", id="null"),
        pytest.param(
            _body(prompt="$5"), "input: Input should be less than or equal to 100000", id="dollar-5"
        ),
    ],
)
def test_a_bad_price_is_refused_for_its_item_and_the_rest_is_stored(db, body, reason):
    before = _prices(db)
    code, rows = _refresh(db, httpx.Response(200, content=body))
    assert code == 1
    listing, first = rows
    assert (listing["status"], first["status"]) == ("partial", "ok"), listing
    assert VICTIM in listing["error"] and reason in listing["error"] and "\n" not in listing["error"]
    _assert_nothing_lost(db, before)


# ----------------------------------------------------------------------------- names


def test_huge_and_unicode_names_are_stored_cleanly_and_escaped_by_the_build(db, tmp_path):
    from datetime import UTC, datetime

    from pricewatch.site.build import build_site

    body = models_body(
        {**TRUE_PRICES, HUGE_ID: ("0.000001", "0.000002"), UNICODE_ID: ("0.000001", "0.000002")}
    )
    body["data"][-2]["name"] = "H" * 10_000
    body["data"][-1]["name"] = UNICODE_NAME
    before = _prices(db)
    code, rows = _refresh(db, httpx.Response(200, json=body))
    assert (code, [r["status"] for r in rows]) == (0, ["ok", "ok"])
    assert _prices(db)[: len(before)] == before  # the good prices untouched, two offers added
    assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    stored = dict(_query(db, "SELECT id, name FROM models WHERE id IN (SELECT model_id FROM offers)"))
    assert (stored[HUGE_ID], stored[UNICODE_ID]) == ("H" * 10_000, UNICODE_NAME)  # as given, not cut

    out = tmp_path / "public"
    build_site(db, out, now=datetime(2026, 11, 25, 12, 0, tzinfo=UTC), workers=1)
    assert all(len(path.name.encode()) <= 255 for path in out.rglob("*"))  # the slug is capped
    [huge_page] = (out / "models").glob("huge--m*.html")
    assert "H" * 10_000 in huge_page.read_text(encoding="utf-8")
    [unicode_page] = (out / "models").glob("uni--evil*.html")
    # Shown as text, without its right-to-left override (it would display the name reversed).
    shown = html.escape(UNICODE_NAME.replace("\u202e", "").replace("\u202c", ""), quote=False)
    assert f"<h1>{shown}</h1>" in unicode_page.read_text(encoding="utf-8")
    for path in out.rglob("*"):
        if path.suffix in (".html", ".xml", ".svg", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "<b>&amp;</b>" not in text, path  # never markup
            assert "\u202e" not in text, path  # no bidirectional override leaves the project
        if path.suffix == ".xml":
            ET.parse(path)  # feeds and sitemap stay well-formed
