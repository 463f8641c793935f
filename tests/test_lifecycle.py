"""Prices end: retirement, the curated confirmation window, a maker's page that no longer lists a model."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from pricewatch.analysis.claims import PriceClaim, evaluate
from pricewatch.analysis.lifecycle import settle_points, window_end
from pricewatch.analysis.prices import ModelFacts, PricePoint, market_price, offers_at
from pricewatch.cli import cli
from pricewatch.inputs import curated_window, load_model_facts, load_price_points
from pricewatch.refresh_command import run_demo

FACTS = {
    "a/old": ModelFacts(
        id="a/old", name="Old", creator="a", open_weights=True, makers=("a",), retired="2025-07-21"
    ),
    "a/new": ModelFacts(id="a/new", name="New", creator="a", open_weights=False, makers=("a",)),
}


def _point(model="a/old", provider="a", valid_from="2024-01-01T00:00:00Z", **kw) -> PricePoint:
    values = {"input": Decimal(8), "output": Decimal(24), "origin": "curated", "valid_to": None}
    values.update(kw)
    return PricePoint(model=model, provider=provider, tier="standard", min_prompt_tokens=0, variant="",
                      currency="USD", valid_from=valid_from, **values)  # fmt: skip


def test_retirement_ends_the_makers_offer_and_hosts_no_source_saw_since():
    maker = _point()
    host_seen_before = _point(provider="h1", last_confirmed="2025-01-01T00:00:00Z", origin="replay")
    host_seen_after = _point(provider="h2", last_confirmed="2026-01-01T00:00:00Z", origin="replay")
    maker_after = _point(valid_from="2025-08-01T00:00:00Z", origin="replay")
    # A price database that still lists it is no sighting of a sale (LiteLLM's Claude 2 at OpenRouter).
    database_after = _point(provider="h3", last_confirmed="2026-02-13T00:00:00Z", origin="third-party")
    settled = settle_points([maker, host_seen_before, host_seen_after, maker_after, database_after], FACTS)
    assert [(p.provider, p.valid_to, p.ended) for p in settled] == [
        ("a", "2025-07-21T00:00:00Z", "retired"),
        ("h1", "2025-07-21T00:00:00Z", "retired"),
        ("h2", None, None),  # a host still sells what its maker retired: a source saw it since
        ("h3", "2025-07-21T00:00:00Z", "retired"),
    ]


def test_a_curated_price_is_current_only_within_its_window():
    open_row = _point(model="a/new")
    [settled] = settle_points([open_row], FACTS, window_days=120)
    assert settled.unconfirmed_after == window_end("2024-01-01T00:00:00Z", 120) == "2024-04-30T00:00:00Z"
    assert settled.current_at("2024-04-29T23:59:59Z") and not settled.current_at("2024-04-30T00:00:00Z")
    assert settled.in_force("2026-01-01T00:00:00Z")  # still the latest knowledge, not current
    # A later confirmation by any source restarts the window.
    [seen] = settle_points([_point(model="a/new", last_confirmed="2026-01-01T00:00:00Z")], FACTS)
    assert seen.current_at("2026-03-01T00:00:00Z")
    # A period ended by a recorded change was in force until then: no window.
    [changed] = settle_points(
        [_point(model="a/new", valid_to="2025-06-01T00:00:00Z", ended="changed")], FACTS
    )
    assert changed.unconfirmed_after is None
    # Measured prices are current while their source lists them (the store closes them).
    [measured] = settle_points([_point(model="a/new", origin="live")], FACTS)
    assert measured.unconfirmed_after is None


def test_unconfirmed_prices_are_left_out_of_current_offers_and_the_cheapest_host():
    at = "2026-01-01T00:00:00Z"
    stale_cheap = _point(model="a/new", provider="h1", input=Decimal(1), output=Decimal(2))
    fresh = _point(model="a/new", provider="h2", last_confirmed="2025-12-01T00:00:00Z")
    points = settle_points([stale_cheap, fresh], FACTS)
    assert [p.provider for p in offers_at(points, "a/new", at)] == ["h2"]
    assert [p.provider for p in offers_at(points, "a/new", at, include_unconfirmed=True)] == ["h1", "h2"]
    market = market_price(points, "a/new", at)
    assert market is not None and market.offers[0].provider == "h2"


def test_a_check_on_an_unconfirmed_price_keeps_its_verdict_with_the_flag():
    points = settle_points([_point(model="a/new", input=Decimal(5), output=Decimal(25))], FACTS)
    claim = PriceClaim(text="New costs $5/$25", model="a/new", input=Decimal(5), output=Decimal(25))
    verdict = evaluate(claim, points, FACTS, "2026-12-01")
    assert verdict.verdict == "holds"
    assert verdict.unconfirmed_since == "2024-01-01"
    assert verdict.prices[0].unconfirmed_since == "2024-01-01"
    assert json.loads(verdict.to_json())["unconfirmed_since"] == "2024-01-01"


def test_a_check_on_a_retired_models_price_is_stale_with_the_dates():
    points = settle_points([_point()], FACTS)
    claim = PriceClaim(text="Old costs $8/$24", model="a/old", input=Decimal(8), output=Decimal(24))
    verdict = evaluate(claim, points, FACTS, "2026-12-01")
    assert verdict.verdict == "stale"
    assert (verdict.held_from, verdict.held_until) == ("2024-01-01T00:00:00Z", "2025-07-21T00:00:00Z")
    assert (
        "Old is no longer sold by a: its price there ended on 2025-07-21 (retired by its maker)"
        in verdict.summary
    )


class _StoredWindow:
    def __init__(self, days):
        self.days = days

    def curated_window_days(self):
        return self.days


def test_the_window_is_one_setting_the_command_lines_else_the_databases():
    assert curated_window(_StoredWindow(None)) == 120
    assert curated_window(_StoredWindow(45)) == 45
    assert curated_window(_StoredWindow(45), 30) == 30


def test_the_window_is_a_global_option_with_its_env_var_shown_in_help():
    runner = CliRunner()
    help_text = runner.invoke(cli, ["--help"]).output
    assert "--curated-window-days DAYS" in help_text and "PRICEWATCH_CURATED_WINDOW_DAYS" in help_text
    bad = runner.invoke(cli, ["check", "x"], env={"PRICEWATCH_CURATED_WINDOW_DAYS": "soon"})
    assert bad.exit_code == 2 and "soon" in bad.output


# ----------------------------------------------------------------------------- on `make demo`


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "pricewatch.db"
    run_demo(path, None)
    return path


def _check(db: Path, text: str, *args: str):
    return CliRunner().invoke(cli, ["check", text, "--db", str(db), "--as-of", "2026-12-01", *args])


def test_claude_2_is_stale_with_its_dates(demo_db):
    result = _check(demo_db, "Claude 2 costs $8/$24 per million tokens")
    assert result.exit_code == 1, result.output
    assert "STALE: held from 2023-07-11 to 2025-07-21" in result.output
    assert "retired by its maker" in result.output


def test_deepseek_v3_2_is_stale_at_deepseek_and_names_the_hosts_selling_it_now(demo_db):
    result = _check(demo_db, "DeepSeek V3.2 costs $0.28/$0.42 per million tokens", "--json")
    assert result.exit_code == 1, result.output
    [verdict] = json.loads(result.output)["results"]
    assert verdict["verdict"] == "stale"
    assert (verdict["held_from"], verdict["held_until"]) == ("2025-12-01T00:00:00Z", "2026-04-24T00:00:00Z")
    assert "no longer sold by deepseek" in verdict["summary"]
    assert "sold on 2026-12-01 by" in verdict["summary"]
    # Each host with its last confirmation: the endpoint sweeps end on 2026-05-31.
    assert "deepinfra ($0.26 / $0.38, confirmed 2026-05-31)" in verdict["summary"]


def test_deepseeks_page_ends_the_models_it_no_longer_lists(demo_db):
    with closing(sqlite3.connect(demo_db)) as conn:
        open_at_deepseek = {
            r[0] for r in conn.execute("SELECT model FROM current_prices WHERE provider = 'deepseek'")
        }
        ended = conn.execute(
            "SELECT p.valid_to, p.closed_reason FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.model_id = 'deepseek/deepseek-v3.2' AND o.provider_id = 'deepseek'"
        ).fetchall()
    assert open_at_deepseek == {"deepseek/deepseek-v4.1-flash", "deepseek/deepseek-v4-pro-0813"}
    assert ended == [("2026-09-13T00:00:00Z", "delisted")]


def test_a_curated_price_past_its_window_is_flagged_in_text_and_json(demo_db):
    # A curated price of 2025-02-27 that no page or host in the shipped history saw since.
    text = "GPT-4.5 Preview costs $75/$150 per million tokens"
    result = _check(demo_db, text)
    assert result.exit_code == 0, result.output
    assert "UNCONFIRMED since 2025-02-27" in result.output
    [verdict] = json.loads(_check(demo_db, text, "--json").output)["results"]
    assert verdict["verdict"] == "holds" and verdict["unconfirmed_since"] == "2025-02-27"


def _python_current(db: Path, at: str, window_days: int | None = None) -> set[tuple]:
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog
    from pricewatch.scraper.store.reader import open_reader

    reader = open_reader(db)
    try:
        facts = load_model_facts(load_catalog(default_catalog_path()))
        points = load_price_points(reader, facts, window_days=window_days)
    finally:
        reader.close()
    return {(p.model, p.provider, p.tier, p.min_prompt_tokens, p.variant) for p in points if p.current_at(at)}


def _view_current(db: Path) -> tuple[str, set[tuple]]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT model, provider, tier, min_prompt_tokens, variant, as_of FROM current_prices"
        ).fetchall()
    [as_of] = {row[-1] for row in rows}
    return as_of, {row[:-1] for row in rows}


def test_the_current_prices_view_applies_the_python_rule(demo_db):
    as_of, in_view = _view_current(demo_db)
    assert as_of == "2026-09-13T00:00:00Z"  # the newest observation, as the site says
    assert in_view == _python_current(demo_db, as_of)
    assert ("anthropic/claude-2", "anthropic", "standard", 0, "") not in in_view


def test_query_lists_no_retired_model_and_keeps_ended_rows_findable(demo_db):
    result = CliRunner().invoke(
        cli,
        ["query", "--db", str(demo_db), "--format", "json",
         "select model, input from current_prices order by input desc limit 5"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = [row["model"] for row in json.loads(result.output)]
    assert listed and "openai/gpt-4-32k" not in listed
    with closing(sqlite3.connect(demo_db)) as conn:
        # A retired model is current only at a host that a source saw selling it since.
        after_retirement = conn.execute(
            "SELECT c.provider IN (SELECT provider_id FROM model_makers m WHERE m.model_id = c.model), "
            "c.last_seen >= l.on_date FROM current_prices c "
            "JOIN model_lifecycle l ON l.model_id = c.model AND l.event = 'retired'"
        ).fetchall()
        assert all(not by_maker and seen_since for by_maker, seen_since in after_retirement)
        status = dict(
            conn.execute(
                "SELECT status, status_since FROM open_prices WHERE model = ? AND provider = ?",
                ["anthropic/claude-2", "anthropic"],
            ).fetchall()
        )
        assert status == {"retired": "2025-07-21T00:00:00Z"}
        [(since,)] = conn.execute(
            "SELECT status_since FROM open_prices WHERE model = 'openai/gpt-4-32k' AND status = 'unconfirmed'"
        ).fetchall()
        assert since.startswith("2023-")


def test_a_stored_window_moves_the_views_and_the_python_rule_alike(demo_db, tmp_path):
    import shutil

    db = tmp_path / "window.db"
    shutil.copy(demo_db, db)
    result = CliRunner().invoke(cli, ["--curated-window-days", "3000", "load-curated", "--db", str(db)])
    assert result.exit_code == 0, result.output
    as_of, in_view = _view_current(db)
    _, default_view = _view_current(demo_db)
    assert len(in_view) > len(default_view)  # old curated prices are current again
    # The reader commands apply the stored window when the command line gives none.
    assert in_view == _python_current(db, as_of) == _python_current(db, as_of, 3000)


# ----------------------------------------------------------------------------- the site


@pytest.fixture(scope="module")
def demo_site(demo_db, tmp_path_factory) -> Path:
    from datetime import UTC, datetime

    from pricewatch.site.build import build_site

    out = tmp_path_factory.mktemp("site") / "public"
    build_site(demo_db, out, now=datetime(2026, 12, 5, tzinfo=UTC), workers=1)
    return out


def test_every_page_says_its_current_is_the_newest_observation(demo_site):
    for page in ("index.html", "compare.html"):
        html = (demo_site / page).read_text()
        assert 'Current prices as of <time datetime="2026-09-13T00:00:00Z">' in html, page
    # A model page states the day (it is rendered again when its data or the day changes).
    html = (demo_site / "models" / "anthropic--claude-2.html").read_text()
    assert 'Current prices as of <time datetime="2026-09-13">2026-09-13</time>: the day of' in html


def test_the_compare_page_lists_no_retired_model_among_current_prices(demo_site):
    import re

    html = (demo_site / "compare.html").read_text()
    table = html.split('id="compare"', 1)[1].split("</table>", 1)[0]
    listed = set(re.findall(r'<a href="models/([^"]+)\.html">', table))
    retired = {"anthropic--claude-2", "anthropic--claude-2.1", "anthropic--claude-instant-1.2",
               "anthropic--claude-3-sonnet", "anthropic--claude-3-opus", "anthropic--claude-3.5-sonnet"}  # fmt: skip
    assert listed and not listed & retired
    rows = re.findall(r"<tr data-weights.*?</tr>", table, re.S)
    # Every current price says when a source last confirmed it, and which.
    assert rows and all(
        re.search(r"confirmed <time datetime=\"[^\"]+\">[0-9-]+</time> by \w", r) for r in rows
    )
    assert 'href="models/anthropic--claude-2.html"' in html.split('id="no-current"', 1)[1]


def test_a_model_page_shows_last_confirmation_and_marks_unconfirmed_prices(demo_site):
    html = (demo_site / "models" / "anthropic--claude-opus-4.8.html").read_text()
    assert "confirmed <time" in html and " by anthropic" in html
    gpt_45 = (demo_site / "models" / "openai--gpt-4.5-preview.html").read_text()
    assert "unconfirmed since 2025-02-27" in gpt_45


def test_the_views_know_the_same_measured_origins():
    from pricewatch.analysis.lifecycle import MEASURED_ORIGINS
    from pricewatch.scraper.store.views import MEASURED_ORIGINS as VIEW_ORIGINS

    assert set(VIEW_ORIGINS) == MEASURED_ORIGINS
