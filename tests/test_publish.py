"""`pricewatch publish`, the job .github/workflows/scrape.yml runs, against a local server on 127.0.0.1.

One source answers (OpenRouter, served by tests/openrouter_server.py), one fails
(Anthropic's base URL points at the same server, which has no such page). The job loads
a history (a small one exported here, standing in for data/history), refreshes both,
extends the history, builds the site and judges: the answering source is refreshed and
published, the failing one keeps its previous prices and, once past its threshold, makes
the job exit 1 naming it.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT
from openrouter_bodies import TRUE_PRICES
from openrouter_server import OpenRouterServer

from pricewatch.cli import cli


def _invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def _one(db: Path, sql: str, params=()):
    with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(sql, params).fetchone()


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """A small shipped history: the recorded snapshot replayed, exported as data/history is."""
    root = tmp_path_factory.mktemp("history")
    db = root / "built.db"
    replayed = _invoke("refresh", "--db", str(db), "--replay", str(REPO_ROOT / "data" / "snapshot"))
    assert replayed.exit_code in (0, 1), replayed.output
    exported = _invoke("export-history", "--db", str(db), "--out", str(root / "history"))
    assert exported.exit_code == 0, exported.output
    return root / "history"


@pytest.fixture(scope="module")
def published(history, tmp_path_factory):
    """One publishing run: OpenRouter answers, Anthropic fails, threshold 0s (already past)."""
    import os
    import shutil

    root = tmp_path_factory.mktemp("publish")
    work_history = root / "history"
    shutil.copytree(history, work_history)
    db, site, summary = root / "private.db", root / "public", root / "summary.md"
    saved = dict(os.environ)
    # The live list names every model the loaded history has (the real list does): a list of a
    # third of them would be a large delisting, held (issue 18's guard), not published.
    listed = json.loads((REPO_ROOT / "data" / "snapshot" / "openrouter" / "models.json").read_text())["data"]
    prices = {
        **{m["id"]: (m["pricing"]["prompt"], m["pricing"]["completion"]) for m in listed},
        **TRUE_PRICES,
    }
    with OpenRouterServer(prices) as server:
        os.environ["PRICEWATCH_OPENROUTER_BASE_URL"] = server.url
        os.environ["PRICEWATCH_ANTHROPIC_BASE_URL"] = server.url  # 404: Anthropic fails
        try:
            args = ["publish", "--db", str(db), "--history", str(work_history), "--out", str(site)]
            args += ["--source", "openrouter", "--source", "anthropic", "--summary", str(summary)]
            result = _invoke(*args, "--fail-after", "0s")
            # Within the default threshold (three 6-hour intervals) the same failure is reported, not red.
            again = _invoke(*args, "--no-site", "--no-history")
        finally:
            os.environ.clear()
            os.environ.update(saved)
    return {
        "result": result,
        "again": again,
        "db": db,
        "site": site,
        "summary": summary.read_text(),
        "history": work_history,
        "shipped": history,
    }


def test_the_job_exits_1_naming_the_source_failing_past_its_threshold(published):
    result = published["result"]
    assert result.exit_code == 1, result.output + result.stderr
    assert "FAILED: anthropic: failing since" in result.stderr
    assert "longer than its 0s threshold" in result.stderr
    assert "openrouter" not in result.stderr  # only the failing source is named
    summary = published["summary"]
    assert summary.startswith("## pricewatch publish: FAILED")
    assert "| anthropic | failing |" in summary and "| openrouter | ok |" in summary


def test_within_its_threshold_a_failing_source_is_reported_not_red(published):
    again = published["again"]
    assert again.exit_code == 0, again.output + again.stderr
    assert "anthropic: failed" in again.output
    assert "## pricewatch publish: ok" in published["summary"]


def test_the_answering_source_is_refreshed_live_and_the_failing_one_keeps_its_prices(published):
    db = published["db"]
    assert (
        _one(
            db, "SELECT count(*) FROM runs WHERE source = 'openrouter' AND origin = 'live' AND status = 'ok'"
        )[0]
        == 2
    )
    assert _one(db, "SELECT count(*) FROM runs WHERE source = 'anthropic' AND status = 'failed'")[0] == 2
    # Anthropic's prices from the loaded history are still current.
    assert _one(db, "SELECT count(*) FROM current_prices WHERE provider = 'anthropic'")[0] > 0


def test_the_site_shows_live_data_as_of_times(published):
    index = (published["site"] / "index.html").read_text()
    assert "Not refreshed yet" not in index
    (observed,) = _one(
        published["db"],
        "SELECT observed_at FROM runs WHERE source = 'openrouter' AND origin = 'live' ORDER BY id LIMIT 1",
    )
    assert observed in index


def test_the_published_database_has_no_raw_responses(published):
    private, public = published["db"], published["site"] / "downloads" / "pricewatch.db"
    assert _one(private, "SELECT count(*) FROM raw_responses")[0] > 0  # kept privately, for reparse
    assert _one(public, "SELECT count(*) FROM raw_responses")[0] == 0
    assert _one(public, "SELECT count(*) FROM prices")[0] == _one(private, "SELECT count(*) FROM prices")[0]
    assert _one(public, "SELECT count(*) FROM runs WHERE origin = 'live'")[0] > 0


def test_the_history_is_extended_with_derived_facts_only(published):
    history, shipped = published["history"], published["shipped"]

    def rows(folder: Path, table: str) -> tuple[list[str], list[list]]:
        lines = gzip.decompress((folder / f"{table}.jsonl.gz").read_bytes()).decode().splitlines()
        return json.loads(lines[0])["columns"], [json.loads(line) for line in lines[1:]]

    columns, runs = rows(history, "runs")
    live = [dict(zip(columns, r, strict=True)) for r in runs]
    assert {(r["source"], r["origin"], r["status"]) for r in live} >= {
        ("openrouter", "live", "ok"),
        ("anthropic", "live", "failed"),
    }
    assert len(rows(history, "runs")[1]) > len(rows(shipped, "runs")[1])
    fetch_columns, _ = rows(history, "fetches")
    assert "sha256" not in fetch_columns  # a citation, never the page
    assert not list(history.glob("raw*"))


def test_export_writes_a_copy_without_the_pages(history, tmp_path):
    db = history.parent / "built.db"
    out = tmp_path / "public.db"
    result = _invoke("export", str(out), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "left out: raw_responses (" in result.output
    assert _one(db, "SELECT count(*) FROM raw_responses")[0] > 0
    assert _one(out, "SELECT count(*) FROM raw_responses")[0] == 0
    for table in ("prices", "offers", "runs", "fetches"):
        assert _one(out, f"SELECT count(*) FROM {table}") == _one(db, f"SELECT count(*) FROM {table}")
    assert _invoke("export", str(db), "--db", str(db)).exit_code == 2  # never over the database itself
