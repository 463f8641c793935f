"""Issue 14: a struck-through promotion stores the price charged and notes the list price.

MiniMax's page prints ``~~\\$0.60~~ \\$0.30 / M tokens`` for MiniMax-M3: $0.30 is what a
buyer pays (the period's price in ``prices``), $0.60 the list price (``list_prices``, per
period and field), shown on the model page ("list $0.60, promotion") and by `history`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
from click.testing import CliRunner
from golden import SNAPSHOT

from pricewatch.cli import cli
from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.replay import MANIFEST_NAME
from pricewatch.scraper.store import open_database, open_reader
from pricewatch.site.model import load_site_data
from pricewatch.site.sections import model_page

M3 = "minimax/minimax-m3"
AUGUST, SEPTEMBER = "2026-08-18T00:00:00Z", "2026-09-20T00:00:00Z"


def _page() -> tuple[str, str]:
    manifest = json.loads((SNAPSHOT / MANIFEST_NAME).read_text(encoding="utf-8"))
    [entry] = [e for e in manifest["responses"] if e["body"].startswith("minimax/")]
    return entry["url"], (SNAPSHOT / entry["body"]).read_text(encoding="utf-8")


def _refresh(db_path: Path, catalog, body: str, at: str) -> None:
    url, _ = _page()

    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == url
        return httpx.Response(200, text=body, headers={"x-pricewatch-recorded-at": at})

    [outcome] = run_refresh(
        db_path=db_path, catalog=catalog, source_names=["minimax"], transport=httpx.MockTransport(handler)
    )
    assert outcome.status == "ok", outcome.error


def _m3_periods(db_path: Path) -> list[tuple]:
    db = open_database(db_path)
    rows = db.query(
        "SELECT p.id, p.valid_from, p.valid_to, p.input, p.output, p.cache_read FROM prices p "
        "JOIN offers o ON o.id = p.offer_id WHERE o.model_id = ? AND o.tier = 'standard' "
        "AND o.min_prompt_tokens = 0 ORDER BY p.valid_from",
        [M3],
    )
    out = []
    for row in rows:
        listed = {
            r["field"]: r["amount"]
            for r in db.query("SELECT field, amount FROM list_prices WHERE price_id = ?", [row["id"]])
        }
        out.append(
            (row["valid_from"], row["valid_to"], row["input"], row["output"], row["cache_read"], listed)
        )
    return out


def _promotion_ended(body: str) -> str:
    """The page once the promotion is over: the list price charged, nothing struck through."""
    return re.sub(r"~~(\\\$[\d.]+)~~ \\\$[\d.]+", r"\1", body)


def test_the_price_charged_is_stored_and_the_list_price_noted(db_path, catalog):
    _, body = _page()
    _refresh(db_path, catalog, body, AUGUST)
    assert _m3_periods(db_path) == [
        (AUGUST, None, "0.3", "1.2", "0.06", {"input": "0.6", "output": "2.4", "cache_read": "0.12"})
    ]
    # An unchanged page notes nothing new.
    _refresh(db_path, catalog, body, "2026-08-25T00:00:00Z")
    assert len(_m3_periods(db_path)) == 1


def test_when_the_promotion_ends_the_new_period_has_no_list_price(db_path, catalog):
    _, body = _page()
    _refresh(db_path, catalog, body, AUGUST)
    _refresh(db_path, catalog, _promotion_ended(body), SEPTEMBER)
    assert _m3_periods(db_path) == [
        (AUGUST, SEPTEMBER, "0.3", "1.2", "0.06", {"input": "0.6", "output": "2.4", "cache_read": "0.12"}),
        (SEPTEMBER, None, "0.6", "2.4", "0.12", {}),
    ]


def test_history_names_the_list_price(db_path, catalog):
    _, body = _page()
    _refresh(db_path, catalog, body, AUGUST)
    result = CliRunner().invoke(
        cli,
        [
            "history",
            M3,
            "--provider",
            "minimax",
            "--tier",
            "standard",
            "--db",
            str(db_path),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    base = next(r for r in rows if r["min_prompt_tokens"] == 0)
    assert base["input"] == "0.3"
    assert base["list_price"] == "list cache_read 0.12, input 0.6, output 2.4 (promotion)"
    minimax_27 = CliRunner().invoke(
        cli, ["history", "minimax/minimax-m2.7", "--db", str(db_path), "--format", "json"]
    )
    assert all(r["list_price"] is None for r in json.loads(minimax_27.output))


def test_the_model_page_shows_the_list_price_beside_the_price_charged(db_path, catalog):
    _, body = _page()
    _refresh(db_path, catalog, body, AUGUST)
    data = load_site_data(open_reader(db_path), catalog, datetime(2026, 8, 20, tzinfo=UTC))
    context, _ = model_page(M3, data)
    [row] = [r for r in context["current"] if r["tier"] == "standard" and r["min_prompt_tokens"] == 0]
    assert (row["input"], row["list_prices"]["input"]) == ("0.3", "0.6")

    from pricewatch.site.build import build_site

    out = db_path.parent / "site"
    build_site(db_path, out, catalog=catalog, now=datetime(2026, 8, 20, tzinfo=UTC), workers=1)
    page = next(out.glob("models/*m3*.html")).read_text(encoding="utf-8")
    assert "list $0.60, promotion" in page
    assert "list $2.40, promotion" in page
