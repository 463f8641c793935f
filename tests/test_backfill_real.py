"""Contract: third-party backfills on the real recordings leave the makers' prices and the analysis sound.

The demo database (curated history and the shipped snapshot) gets a subset of the real
LiteLLM history (``../shared/samples/history/litellm-prices-history.bundle``): the versions
of its first two weeks (gemini-2.0-flash's $150/$600 typo, azure_ai's $0 deepseek-r1), of
2025-10-05..14 (Bedrock's 11x Sonnet 4.5 typo) and the last one, about 40 of 640, so the
test stays fast. The whole run (all 640 versions, then openrouter-git and the Anthropic
page) is ``bench/backfill_sanity.py``, with its counts in docs/benchmarks.md.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from pricewatch.analysis.prices import PriceIndex, market_price
from pricewatch.cli import cli
from pricewatch.inputs import load_price_points
from pricewatch.scraper.backfill import backfill, litellm_target
from pricewatch.scraper.store import open_database
from pricewatch.scraper.store.reader import open_reader

BUNDLE = SAMPLES / "history" / "litellm-prices-history.bundle"
FILE = "model_prices_and_context_window.json"
WINDOWS = (("2025-02-06", "2025-02-22"), ("2025-10-05", "2025-10-15"))

pytestmark = [
    pytest.mark.skipif(not BUNDLE.exists(), reason="no shared history samples"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    import os

    return subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    ).stdout


def _subset_repo(root: Path) -> Path:
    """A repository with the bundle's versions inside WINDOWS and its last one, at their own times."""
    clone = root / "clone"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(clone)], check=True)
    log = [
        line.split() for line in _git(clone, "log", "--reverse", "--format=%H %cI", "--", FILE).splitlines()
    ]
    chosen = [(sha, when) for sha, when in log if any(a <= when[:10] < b for a, b in WINDOWS)] + [log[-1]]
    repo = root / "subset"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "pricewatch tests")
    _git(repo, "config", "user.email", "tests@example.invalid")
    _git(repo, "config", "commit.gpgsign", "false")
    for sha, when in chosen:
        (repo / FILE).write_bytes(
            subprocess.run(
                ["git", "-C", str(clone), "show", f"{sha}:{FILE}"], check=True, capture_output=True
            ).stdout
        )
        _git(repo, "add", FILE)
        _git(
            repo,
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            when,
            env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when},
        )
    return repo


def _maker_rows(db_path: Path, catalog) -> set[tuple]:
    with closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute(
            "SELECT o.model_id, o.provider_id, o.tier, o.min_prompt_tokens, o.variant, p.valid_from, p.valid_to, "
            "p.last_seen, p.input, p.output, p.cache_read, p.cache_write, p.cache_write_1h, p.origin "
            "FROM prices p JOIN offers o ON o.id = p.offer_id"
        ).fetchall()
    # Third-party rows (the shipped history holds LiteLLM's too) may be revised by another
    # third-party run; a maker's own rows, measured or curated, never.
    return {r for r in rows if r[1] in catalog.makers_of(r[0]) and r[-1] != "third-party"}


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory):
    from pricewatch.paths import default_catalog_path
    from pricewatch.refresh_command import run_demo
    from pricewatch.scraper.catalog import load_catalog

    root = tmp_path_factory.mktemp("real-litellm")
    catalog = load_catalog(default_catalog_path())
    db_path = root / "pricewatch.db"
    run_demo(db_path)
    before = _maker_rows(db_path, catalog)
    db = open_database(db_path)
    summary = backfill(db, catalog, _subset_repo(root), FILE, litellm_target())
    db.close()
    return db_path, catalog, before, summary


def test_the_makers_own_prices_are_unchanged_by_the_backfill(backfilled):
    db_path, catalog, before, summary = backfilled
    assert summary.read > 30 and summary.failed == 0
    after = _maker_rows(db_path, catalog)
    assert before == after  # every row of a maker's own offer is stored as it was, none added
    with closing(sqlite3.connect(db_path)) as conn:
        [(origins,)] = conn.execute(
            "SELECT group_concat(DISTINCT p.origin) FROM prices p JOIN runs r ON r.id = p.run_id "
            "WHERE r.source = 'backfill:litellm'"
        ).fetchall()
    assert origins == "third-party"


def test_the_suspected_typos_are_held_with_their_reasons(backfilled):
    db_path, _, _, summary = backfilled
    with closing(sqlite3.connect(db_path)) as conn:
        held = dict(conn.execute("SELECT offer, reason FROM quarantine WHERE status = 'pending'").fetchall())
    flash = held["google/gemini-2.0-flash google standard 0 "]
    assert flash.startswith("suspected typo: input 0.1 -> 150 (1500x), output 0.4 -> 600 (1500x)")
    bedrock = [offer for offer in held if "claude-sonnet-4-5" in offer and "bedrock" in offer]
    assert bedrock and all("(11x)" in held[offer] for offer in bedrock)
    assert {h.offer for h in summary.held} <= set(held)  # with those the shipped history holds


def test_no_zero_price_is_stored_outside_a_free_tier_nor_chosen_as_cheapest_host(backfilled):
    db_path, _, _, summary = backfilled
    assert any("deepseek-r1 @ azure_ai" in name for name in summary.zero_prices)
    with closing(sqlite3.connect(db_path)) as conn:
        [(zeros,)] = conn.execute(
            "SELECT count(*) FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.tier != 'free' AND (p.input = '0' OR p.output = '0') AND p.origin IN ('third-party', 'backfill')"
        ).fetchall()
    assert zeros == 0
    reader = open_reader(db_path)
    try:
        points = PriceIndex(load_price_points(reader))
    finally:
        reader.close()
    for at in ("2025-02-10T00:00:00Z", "2025-10-10T00:00:00Z", "2026-07-25T00:00:00Z"):
        for model in sorted({p.model for p in points}):
            chosen = market_price(points, model, at)
            assert chosen is None or (chosen.input != 0 and chosen.output != 0), (model, at)


def test_check_registry_trend_and_the_site_sections_work(backfilled, tmp_path):
    db_path, catalog, _, _ = backfilled
    runner = CliRunner()
    registry = runner.invoke(cli, ["check", "--registry", "--as-of", "2026-09-01", "--db", str(db_path)])
    assert registry.exit_code in (0, 1), registry.output  # 1: a claim is off, as on the demo data
    assert "Error" not in registry.output and "claims, now:" in registry.output
    trend = runner.invoke(
        cli,
        [
            "trend",
            "--score",
            "lmarena_text_score",
            "--threshold",
            "1191",
            "--to",
            "2026-09-01",
            "--db",
            str(db_path),
        ],
    )
    assert trend.exit_code == 0, trend.output
    assert "Rate:" in trend.output and "no fit" not in trend.output
    from datetime import UTC, datetime

    from pricewatch.site import sections
    from pricewatch.site.model import load_site_data

    reader = open_reader(db_path)
    try:
        data = load_site_data(reader, catalog, datetime(2026, 9, 1, tzinfo=UTC))
    finally:
        reader.close()
    built = sections.analysis_sections(data)
    assert {name: s["reason"] for name, s in built.items() if not s["available"]} == {}
