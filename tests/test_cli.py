"""The command line: help for users, one-line errors, exit codes, read-only queries."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT

from pricewatch.cli import cli
from pricewatch.scraper.lock import writer_lock

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_the_exit_codes(command):
    result = CliRunner().invoke(cli, [command, "-h"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "Exit codes:" in result.output
    assert "5  the writer lock is busy" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    assert f"pricewatch {command}" in (REPO_ROOT / "README.md").read_text()


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "pricewatch" in result.output


def _demo_db(tmp_path):
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(
        cli, ["refresh", "--db", str(db), "--replay", str(REPO_ROOT / "data" / "snapshot")]
    )
    assert result.exit_code == 0, result.output
    return db


def test_query_cannot_change_the_database(tmp_path):
    db = _demo_db(tmp_path)
    result = CliRunner().invoke(cli, ["query", "--db", str(db), "DELETE FROM prices"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: query failed: refused (not authorized): `query` only reads; ATTACH, VACUUM INTO, writes "
        "and PRAGMA settings are not allowed"
    ]
    count = CliRunner().invoke(
        cli, ["query", "--db", str(db), "--format", "csv", "select count(*) as n from prices"]
    )
    assert count.output.splitlines()[1] != "0"


def test_query_error_is_one_line(tmp_path):
    db = _demo_db(tmp_path)
    result = CliRunner().invoke(cli, ["query", "--db", str(db), "select nope from prices"])
    assert result.exit_code == 2
    assert result.output == "Error: query failed: no such column: nope\n"


def test_query_formats(tmp_path):
    db = _demo_db(tmp_path)
    sql = (
        "select model, input, input_text from current_prices "
        "where model = 'moonshotai/kimi-k2.6' and provider = 'openrouter'"
    )
    assert CliRunner().invoke(cli, ["query", "--db", str(db), "--format", "csv", sql]).output == (
        "model,input,input_text\nmoonshotai/kimi-k2.6,0.5415,0.5415\n"
    )
    output = CliRunner().invoke(cli, ["query", "--db", str(db), "--format", "json", sql]).output
    assert '"input": 0.5415' in output and '"input_text": "0.5415"' in output


def test_query_sorts_and_compares_prices_as_numbers(tmp_path):
    """Issue 13: `order by input` and `where input > 10` are numeric, no CAST needed."""
    db = _demo_db(tmp_path)
    sql = "select model, input from current_prices order by input desc limit 5"
    rows = json.loads(CliRunner().invoke(cli, ["query", "--db", str(db), "--format", "json", sql]).output)
    inputs = [row["input"] for row in rows]
    texts = "select input_text from current_prices where input_text is not null"
    every = json.loads(CliRunner().invoke(cli, ["query", "--db", str(db), "--format", "json", texts]).output)
    exact = sorted((Decimal(row["input_text"]) for row in every), reverse=True)
    assert [Decimal(str(value)) for value in inputs] == exact[:5]
    over = "select count(*) as n from current_prices where input > 10"
    [count] = json.loads(CliRunner().invoke(cli, ["query", "--db", str(db), "--format", "json", over]).output)
    assert count["n"] == sum(1 for value in exact if value > 10) > 0


def test_refresh_with_no_wait_exits_5_while_another_writer_holds_the_lock(tmp_path):
    db = tmp_path / "locked.db"
    with writer_lock(db):
        result = CliRunner().invoke(
            cli, ["refresh", "--db", str(db), "--no-wait", "--replay", str(REPO_ROOT / "data" / "snapshot")]
        )
    assert result.exit_code == 5
    assert result.output.startswith("Error: another pricewatch command is writing")


def test_unknown_source_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["refresh", "--db", str(tmp_path / "x.db"), "--source", "nope"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: Unknown source: nope")


def test_history_of_an_unknown_model_suggests_close_names(tmp_path):
    db = _demo_db(tmp_path)
    result = CliRunner().invoke(cli, ["history", "--db", str(db), "kimi-k2.66"])
    assert result.exit_code == 2
    assert "did you mean" in result.output and "moonshotai/kimi-k2.6" in result.output


def test_history_lists_prices_oldest_first_with_origin(tmp_path):
    db = _demo_db(tmp_path)
    result = CliRunner().invoke(cli, ["history", "--db", str(db), "Kimi K2.6", "--provider", "DeepInfra"])
    assert result.exit_code == 0, result.output
    assert "0.75" in result.output and "replay" in result.output


def test_status_unmapped_lists_names_the_catalog_lacks(tmp_path):
    db = _demo_db(tmp_path)
    result = CliRunner().invoke(cli, ["status", "--db", str(db), "--unmapped", "--format", "csv"])
    assert result.exit_code == 0
    assert "openrouter,model,openrouter/auto" in result.output


def test_models_search():
    result = CliRunner().invoke(cli, ["models", "opus 4.6"])
    assert "anthropic/claude-opus-4.6" in result.output
