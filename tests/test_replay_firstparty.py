"""Issue 4's acceptance: replaying the real first-party recordings through the CLI.

bench/make_firstparty_replay.py maps each source's default URL to the newest recording in
../shared/samples; `pricewatch refresh --replay` must store the recordings' exact prices,
map every model name through the catalog, and, with the Anthropic table heading renamed,
fail that source clearly while leaving its stored prices exactly as they were.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT, SAMPLES

from pricewatch.cli import cli

pytestmark = pytest.mark.skipif(not (SAMPLES / "anthropic").is_dir(), reason="no shared samples")


def _builder():
    spec = importlib.util.spec_from_file_location(
        "make_firstparty_replay", REPO_ROOT / "bench" / "make_firstparty_replay.py"
    )
    module = importlib.util.module_from_spec(spec)
    # Registered before running: dataclasses look their module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _build_replay():
    return _builder().build_replay


# Derived from the registry, as the builder derives it: a new source needs no line here.
FIRST_PARTY = tuple(_builder().first_party_sources())


def _refresh(db_path: Path, replay: Path) -> tuple[int, dict[str, dict]]:
    result = CliRunner().invoke(
        cli, ["refresh", "--db", str(db_path), "--replay", str(replay), "-q", "--format", "json"]
    )
    return result.exit_code, {row["source"]: row for row in json.loads(result.output)}


def _query(db_path: Path, sql: str, *params: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["query", "--db", str(db_path), "--format", "json", sql])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def replays(tmp_path_factory):
    build = _build_replay()
    root = tmp_path_factory.mktemp("firstparty")
    return {
        "good": build(SAMPLES, root / "good").parent,
        "renamed": build(SAMPLES, root / "renamed", rename_anthropic_heading="Model prices").parent,
    }


@pytest.fixture(scope="module")
def stored(replays, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("db") / "pw.db"
    _, outcomes = _refresh(db_path, replays["good"])
    return db_path, outcomes


def _offer(db_path: Path, model: str, provider: str, tier: str = "standard", min_prompt_tokens: int = 0):
    rows = _query(
        db_path,
        f"SELECT * FROM current_prices WHERE model = '{model}' AND provider = '{provider}' "
        f"AND tier = '{tier}' AND min_prompt_tokens = {min_prompt_tokens} AND variant = ''",
    )
    assert len(rows) == 1, (model, tier, rows)
    return rows[0]


def _prices(row: dict, *fields: str) -> tuple[Decimal | None, ...]:
    return tuple(None if row[f"{f}_text"] is None else Decimal(row[f"{f}_text"]) for f in fields)


def test_the_replay_refreshes_every_first_party_source(stored):
    _, outcomes = stored
    assert set(outcomes) == set(FIRST_PARTY)
    assert {name: row["status"] for name, row in outcomes.items()} == {
        **dict.fromkeys(FIRST_PARTY, "ok"),
        # Three model files say nothing usable (no price, or EUR for one meter): reported, not guessed.
        "mistral": "partial",
    }


def test_anthropic_prices_are_the_recordings(stored):
    db_path, _ = stored
    opus = _offer(db_path, "anthropic/claude-opus-5", "anthropic")
    assert _prices(opus, "input", "output", "cache_read", "cache_write", "cache_write_1h") == (
        Decimal("5"),
        Decimal("25"),
        Decimal("0.50"),
        Decimal("6.25"),
        Decimal("10"),
    )
    haiku_batch = _offer(db_path, "anthropic/claude-haiku-4.5", "anthropic", tier="batch")
    assert _prices(haiku_batch, "input", "output") == (Decimal("0.50"), Decimal("2.50"))
    assert opus["valid_from"] == "2026-09-12T06:34:51Z" and opus["origin"] == "replay"
    # The 2026-09 page's footnoted cache-read price ("$0.25 / MTok1") and reworded header.
    fable = _offer(db_path, "anthropic/claude-fable-5.1", "anthropic")
    assert _prices(fable, "input", "cache_read", "output") == (Decimal("10"), Decimal("0.25"), Decimal("50"))
    [empty] = _query(
        db_path,
        "SELECT count(*) AS n FROM current_prices WHERE provider = 'anthropic' AND tier = 'standard' "
        "AND min_prompt_tokens = 0 AND cache_read IS NULL",
    )
    assert empty["n"] == 0


def test_openai_prices_are_the_recordings(stored):
    db_path, _ = stored
    sol = _offer(db_path, "openai/gpt-5.6-sol", "openai")
    assert _prices(sol, "input", "output", "cache_read") == (
        Decimal("4.00"),
        Decimal("20.00"),
        Decimal("0.40"),
    )
    sol_batch = _offer(db_path, "openai/gpt-5.6-sol", "openai", tier="batch")
    assert _prices(sol_batch, "input", "output") == (Decimal("2.00"), Decimal("10.00"))


def test_google_prices_are_the_recordings_with_the_long_context_tier(stored):
    db_path, _ = stored
    flash = _offer(db_path, "google/gemini-2.5-flash", "google")
    assert _prices(flash, "input", "output") == (Decimal("0.30"), Decimal("2.50"))
    pro = _offer(db_path, "google/gemini-3.1-pro-preview", "google")
    assert _prices(pro, "input", "output") == (Decimal("2.00"), Decimal("12.00"))
    pro_long = _offer(db_path, "google/gemini-3.1-pro-preview", "google", min_prompt_tokens=200000)
    assert _prices(pro_long, "input", "output") == (Decimal("4.00"), Decimal("18.00"))
    # Flex and Priority are tiers of their own.
    flex = _offer(db_path, "google/gemini-3.5-flash", "google", tier="flex")
    assert _prices(flex, "input", "output", "cache_read") == (
        Decimal("0.75"),
        Decimal("4.50"),
        Decimal("0.08"),
    )
    priority = _offer(db_path, "google/gemini-3.5-flash", "google", tier="priority")
    assert _prices(priority, "input", "output") == (Decimal("2.70"), Decimal("16.20"))


def test_google_dated_cell_is_a_price_now_and_a_scheduled_change(stored):
    db_path, _ = stored
    flash = _offer(db_path, "google/gemini-3.7-flash", "google")
    assert _prices(flash, "input", "output") == (Decimal("0.75"), Decimal("3.75"))
    assert flash["valid_from"] == "2026-08-18T00:00:00Z"
    scheduled = _query(
        db_path,
        "SELECT o.tier, s.valid_from, s.input, s.output, s.announced_at FROM scheduled_prices s "
        "JOIN offers o ON o.id = s.offer_id WHERE o.model_id = 'google/gemini-3.7-flash' ORDER BY o.tier",
    )
    assert [(r["tier"], r["valid_from"], r["input"], r["output"]) for r in scheduled] == [
        ("batch", "2027-01-01T00:00:00Z", "0.75", "3.75"),
        ("flex", "2027-01-01T00:00:00Z", "0.75", "3.75"),
        ("priority", "2027-01-01T00:00:00Z", "2.7", "13.5"),
        ("standard", "2027-01-01T00:00:00Z", "1.5", "7.5"),
    ]
    # Never a price in force before its day.
    assert _query(db_path, "SELECT * FROM prices WHERE valid_from >= '2027'") == []


def test_the_other_first_party_prices_are_the_recordings(stored):
    db_path, _ = stored
    # DeepSeek: named by the page's MODEL VERSION row (deepseek-v4-pro serves V4-Pro-0813).
    pro = _offer(db_path, "deepseek/deepseek-v4-pro-0813", "deepseek")
    assert _prices(pro, "cache_read", "input", "output") == (
        Decimal("0.044"),
        Decimal("1.32"),
        Decimal("3.96"),
    )
    off_peak = _offer(db_path, "deepseek/deepseek-v4.1-flash", "deepseek", tier="off-peak")
    assert _prices(off_peak, "input", "output") == (Decimal("0.15"), Decimal("0.6"))
    large = _offer(db_path, "mistralai/mistral-large-2512", "mistralai")
    assert (_prices(large, "input", "output"), large["currency"]) == ((Decimal("0.5"), Decimal("1.5")), "USD")
    [large_eur] = _query(
        db_path,
        "SELECT * FROM current_prices WHERE model = 'mistralai/mistral-large-2512' AND variant = 'eur'",
    )
    assert (_prices(large_eur, "input", "output"), large_eur["currency"]) == (
        (Decimal("0.44"), Decimal("1.3")),
        "EUR",
    )
    # Kimi: the per-model USD pages of platform.kimi.ai (kimi/PROVENANCE.md spot facts 1, 3, 4).
    for model, prices in {
        "moonshotai/kimi-k3": ("0.30", "3.00", "15.00"),
        "moonshotai/kimi-k2.6": ("0.16", "0.95", "4.00"),
        "moonshotai/kimi-k2.5": ("0.10", "0.60", "3.00"),
    }.items():
        kimi = _offer(db_path, model, "moonshotai")
        assert (_prices(kimi, "cache_read", "input", "output"), kimi["currency"]) == (
            tuple(Decimal(p) for p in prices),
            "USD",
        )
        assert kimi["valid_from"] == "2026-08-18T00:00:00Z"
    # MiniMax M3: the price charged (the list price is struck through), its 512k tier and Priority.
    for tier, threshold, prices in (
        ("standard", 0, ("0.30", "1.20", "0.06")),
        ("standard", 512000, ("0.60", "2.40", "0.12")),
        ("priority", 0, ("0.45", "1.80", "0.09")),
        ("priority", 512000, ("0.90", "3.60", "0.18")),
    ):
        m3 = _offer(db_path, "minimax/minimax-m3", "minimax", tier=tier, min_prompt_tokens=threshold)
        assert _prices(m3, "input", "output", "cache_read") == tuple(Decimal(p) for p in prices)
    # ... and the list prices struck through, noted beside the standard base period.
    listed = _query(
        db_path,
        "SELECT lp.field, lp.amount FROM list_prices lp JOIN prices p ON p.id = lp.price_id "
        "JOIN offers o ON o.id = p.offer_id WHERE o.model_id = 'minimax/minimax-m3' AND o.tier = 'standard' "
        "AND o.min_prompt_tokens = 0 AND p.valid_to IS NULL ORDER BY lp.field",
    )
    assert {r["field"]: Decimal(r["amount"]) for r in listed} == {
        "cache_read": Decimal("0.12"),
        "input": Decimal("0.60"),
        "output": Decimal("2.40"),
    }
    m2 = _offer(db_path, "minimax/minimax-m2", "minimax")
    assert _prices(m2, "input", "output", "cache_read", "cache_write") == (
        Decimal("0.3"),
        Decimal("1.2"),
        Decimal("0.03"),
        Decimal("0.375"),
    )


def test_every_first_party_name_maps_to_the_catalog(stored):
    db_path, _ = stored
    result = CliRunner().invoke(cli, ["status", "--db", str(db_path), "--unmapped", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [row for row in json.loads(result.output) if row["source"] in FIRST_PARTY] == []


def test_a_renamed_anthropic_heading_fails_that_source_and_keeps_its_prices(replays, tmp_path):
    db_path = tmp_path / "drift.db"
    _refresh(db_path, replays["good"])
    sql = "SELECT * FROM open_prices WHERE provider = 'anthropic' ORDER BY offer_id"
    before = _query(db_path, sql)
    assert len(before) > 30
    code, outcomes = _refresh(db_path, replays["renamed"])
    assert code == 1
    anthropic = outcomes["anthropic"]
    assert anthropic["status"] == "failed"
    assert "no pricing table found" in anthropic["error"]
    assert anthropic["error"].endswith("the page layout may have changed")
    assert "https://platform.claude.com/docs/en/about-claude/pricing.md" in anthropic["error"]
    assert _query(db_path, sql) == before
    assert outcomes["openai"]["status"] == "ok"
