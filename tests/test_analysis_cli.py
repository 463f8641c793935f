"""`pricewatch trend`, `ratios` and `cost` on a small store built here, and on the embedded data."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from pricewatch.cli import cli

OPUS, KIMI, QWEN = "anthropic/claude-opus-4.6", "moonshotai/kimi-k2.5", "qwen/qwen3.5-397b-a17b"
DEEPSEEK, MAVERICK = "deepseek/deepseek-v3.2", "meta-llama/llama-4-maverick"

# (model, provider, date, input, output, cache_read, cache_write): the seeds' comparison, in short.
ROWS = [
    (OPUS, "anthropic", "2026-02-05", "5", "25", "0.5", "6.25"),
    (KIMI, "moonshotai", "2026-01-29", "0.6", "3", None, None),
    (KIMI, "deepinfra", "2026-02-08", "0.45", "2.25", "0.07", None),
    (KIMI, "deepinfra", "2026-05-01", "0.3", "1.5", "0.07", None),
    (QWEN, "deepinfra", "2026-02-16", "0.39", "2.34", None, None),
    (DEEPSEEK, "deepseek", "2025-12-01", "0.28", "0.42", "0.028", None),
    (MAVERICK, "deepinfra", "2025-04-05", "0.27", "0.85", None, None),
    (MAVERICK, "deepinfra", "2026-03-13", "0.15", "0.6", None, None),
]


@pytest.fixture(autouse=True)
def _curated_prices_stay_current(monkeypatch):
    """These tests check the arithmetic on a few curated rows of 2025-2026, at dates (and a
    default "now") past their 120-day confirmation window: a long window keeps them current.
    tests/test_lifecycle.py checks the window itself."""
    monkeypatch.setenv("PRICEWATCH_CURATED_WINDOW_DAYS", "36500")


def build_small_db(path):
    """A store at ``path`` holding ROWS as curated observations."""
    from pricewatch.scraper.store import Observation, apply_observations, open_database

    db = open_database(path)
    observations = [
        Observation(
            model_id=model,
            provider_id=provider,
            tier="standard",
            min_prompt_tokens=0,
            variant="",
            observed_at=f"{day}T00:00:00Z",
            prices=tuple(Decimal(v) if v is not None else None for v in (i, o, cr, cw, None, None)),
        )
        for model, provider, day, i, o, cr, cw in ROWS
    ]
    with db.atomic():
        apply_observations(db, observations, origin="curated", run_id=None, source="test")
    db.conn.close()
    return path


@pytest.fixture
def small_db(tmp_path):
    return build_small_db(tmp_path / "small.db")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


# ----------------------------------------------------------------------------- trend


def test_trend_example_reproduces_the_worked_example():
    result = run("trend", "--example")
    assert result.exit_code == 0, result.output
    assert "Rate: 11.8-fold per year (91.5% lower each year); halving time 3.4 months" in result.output
    assert "95% interval 7.61 - 18.3 fold per year (t = 2.365, df 7)" in result.output
    assert "Points: n = 9 over 34.4 months (2021-11-20 to 2024-10-03), R^2 0.962" in result.output
    assert "Gemini-1.5-Flash-8B" in result.output


def test_trend_example_as_json():
    data = json.loads(run("trend", "--example", "--format", "json").output)
    assert data["fit"]["n"] == 9 and round(data["fit"]["fold_per_year"], 1) == 11.8
    assert data["flags"] == []


def test_trend_prints_rate_points_excluded_models_and_flags(small_db):
    result = run(
        "trend",
        "--db",
        small_db,
        "--score",
        "aa_intelligence_index_2026_08",
        "--threshold",
        30,
        "--to",
        "2026-08-31",
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Cheapest blended price at aa_intelligence_index_2026_08 >= 30" in out
    assert "Points: n = 4 over 3.0 months (2026-01-29 to 2026-05-01)" in out
    assert "low confidence: only 4 points (fewer than 6)" in out
    assert "low confidence: the points span 3.0 months (under 12)" in out
    assert "anthropic/claude-opus-4.6: no aa_intelligence_index_2026_08 score" in out
    assert "deepseek/deepseek-v3.2: no aa_intelligence_index_2026_08 score" in out
    records = out.split("Record points")[1].split("Prices used")[0]
    assert [line.split()[1] for line in records.splitlines()[3:] if line.strip()] == [KIMI, KIMI, QWEN, KIMI]
    assert "moonshotai/kimi-k2.5 at deepinfra (standard), valid from 2026-05-01 (curated)" in out


def test_trend_csv_lists_the_record_points(small_db):
    result = run(
        "trend",
        "--db",
        small_db,
        "--score",
        "aa_intelligence_index_2026_08",
        "--threshold",
        30,
        "--to",
        "2026-08-31",
        "--format",
        "csv",
    )
    lines = result.output.splitlines()
    assert lines[0] == "date,model,usd_per_mtok,score,basis,source,version"
    assert lines[1].startswith("2026-01-29,moonshotai/kimi-k2.5,1.2,36,market (cheapest)")


def test_trend_with_an_unknown_score_lists_the_known_ones(small_db):
    result = run("trend", "--db", small_db, "--score", "mmlu", "--threshold", 50)
    assert result.exit_code == 2
    assert (
        "unknown score 'mmlu' (known: aa_intelligence_index, aa_intelligence_index_2026_08" in result.output
    )


def test_trend_needs_a_score_or_the_example():
    result = run("trend")
    assert result.exit_code == 2 and "--example" in result.output


def test_trend_frontier(small_db):
    result = run(
        "trend",
        "--db",
        small_db,
        "--score",
        "aa_intelligence_index_2026_08",
        "--frontier",
        "--to",
        "2026-08-31",
        "--format",
        "json",
    )
    data = json.loads(result.output)
    assert [p["model"] for p in data["series"]][:2] == [MAVERICK, KIMI]


# ----------------------------------------------------------------------------- ratios


def test_ratios_for_the_seed_group(small_db):
    result = run("ratios", "--db", small_db, "--group", "opus-4-6-seed", "--as-of", "2026-03-01")
    assert result.exit_code == 0, result.output
    out = result.output
    # open side at the cheapest host: Qwen 0.39/2.34, Kimi 0.45/2.25, DeepSeek 0.28/0.42, Maverick 0.27/0.85;
    # medians (0.28 + 0.39) / 2 = 0.335 and (0.85 + 2.25) / 2 = 1.55 -> 5 / 0.335 = 14.9x, 25 / 1.55 = 16.1x
    assert "Retail / open-weight (median closed over median open): input 14.9x, output 16.1x" in out
    assert "anthropic/claude-opus-4.6 at anthropic (standard), valid from 2026-02-05 (curated)" in out


def test_ratios_json_carries_inputs_and_the_series(small_db):
    result = run(
        "ratios",
        "--db",
        small_db,
        "--group",
        "opus-4-6-seed",
        "--as-of",
        "2026-08-31",
        "--from",
        "2026-01-01",
        "--format",
        "json",
    )
    (group,) = json.loads(result.output)
    # by then Kimi at 0.3 and Maverick at 0.15, Qwen at 0.39; DeepSeek V3.2's maker price ended
    # when DeepSeek's API moved to V4 (retired 2026-04-24 in the catalog): median input 0.3
    assert Decimal(group["headline"]["input"]) == Decimal(5) / Decimal("0.3")
    assert group["trend"]["series"][0]["at"].startswith("2026-02-05")
    assert group["open_market"]["basis"] == "median of 3 models"


def test_ratios_for_a_pair_uses_the_makers_price_where_there_is_one(small_db):
    result = run(
        "ratios", "--db", small_db, "--pair", "Claude Opus 4.6", "Kimi K2.5", "--as-of", "2026-03-01"
    )
    assert result.exit_code == 0, result.output
    assert "input: 5 / 0.6 = 8.333" in result.output  # Moonshot's own price
    hosted = run(
        "ratios",
        "--db",
        small_db,
        "--pair",
        "Claude Opus 4.6",
        "Kimi K2.5",
        "--as-of",
        "2026-03-01",
        "--statistic",
        "deepinfra",
        "--format",
        "json",
    )
    assert json.loads(hosted.output)["denominator"]["basis"] == "retail (moonshotai)"


def test_ratios_with_an_unknown_group(small_db):
    result = run("ratios", "--db", small_db, "--group", "nope")
    assert result.exit_code == 2
    assert result.output.startswith("Error: Unknown peer group: nope (known: opus-4-6-seed")


# ----------------------------------------------------------------------------- cost

POWER_USER = [
    "--model",
    "Claude Opus 4.6",
    "--tokens-per-day",
    "150M",
    "--input-share",
    "90%",
    "--cache-hit",
    "0.95",
]


def test_cost_prints_assumptions_and_arithmetic(small_db):
    result = run("cost", "--db", small_db, *POWER_USER, "--as-of", "2026-06-01")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(
        "anthropic/claude-opus-4.6 at anthropic, prices as of 2026-06-01: $14,186.25 per month"
    )
    assert 'cache-hit rate 95% read as a share of INPUT tokens (reading "input")' in out
    assert "cache reads (standard, base context): 3,847,500,000 tokens x $0.5/M = $1,923.75" in out


def test_cost_refuses_an_impossible_cache_reading(small_db):
    result = run("cost", "--db", small_db, *POWER_USER, "--cache-reading", "all")
    assert result.exit_code == 2
    assert result.output == "Error: 95% of all tokens cannot be cache reads when only 90% are input\n"


def test_cost_json_and_a_flagged_missing_cache_price(small_db):
    result = run(
        "cost",
        "--db",
        small_db,
        "--model",
        QWEN,
        "--provider",
        "DeepInfra",
        "--tokens-per-month",
        "1B",
        "--input-share",
        "0.9",
        "--cache-hit",
        "0.5",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["provider"] == "deepinfra"
    assert data["flags"] == [
        "no cache-read price known for qwen/qwen3.5-397b-a17b at deepinfra: cache reads billed at the input price "
        "(an upper bound)"
    ]
    assert Decimal(data["monthly_cost_usd"]) == Decimal("900") * Decimal("0.39") + Decimal("100") * Decimal(
        "2.34"
    )
    refused = run(
        "cost",
        "--db",
        small_db,
        "--model",
        QWEN,
        "--provider",
        "deepinfra",
        "--tokens-per-month",
        "1B",
        "--cache-hit",
        "0.5",
        "--refuse-missing",
    )
    assert refused.exit_code == 4 and "no cache-read price known" in refused.output


def test_cost_of_a_model_its_maker_does_not_sell_asks_for_a_provider(small_db):
    result = run("cost", "--db", small_db, "--model", QWEN, "--tokens-per-day", "1M", "--as-of", "2026-06-01")
    assert result.exit_code == 2
    assert "choose --provider (deepinfra)" in result.output


def test_cost_needs_one_token_volume(small_db):
    result = run("cost", "--db", small_db, "--model", OPUS)
    assert result.exit_code == 2 and "--tokens-per-day or --tokens-per-month" in result.output


# ----------------------------------------------------------------------------- embedded data


@pytest.fixture(scope="module")
def curated_db(tmp_path_factory):
    if "load-curated" not in cli.commands:
        pytest.skip("pricewatch load-curated is not available")
    path = tmp_path_factory.mktemp("curated") / "curated.db"
    result = CliRunner().invoke(cli, ["load-curated", "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_trend_on_the_embedded_data_fits_a_rate(curated_db):
    result = run(
        "trend",
        "--db",
        curated_db,
        "--score",
        "lmarena_text_score",
        "--threshold",
        1250,
        "--to",
        "2026-08-31",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["fit"]["n"] >= 4 and data["fit"]["fold_per_year"] > 1
    assert any("no lmarena_text_score score" in line for line in data["excluded"])
