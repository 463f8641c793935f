"""The foundation's acceptance: replaying the real OpenRouter recordings through the CLI."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT, SAMPLES

from pricewatch.cli import cli

OPENROUTER = SAMPLES / "openrouter"
pytestmark = pytest.mark.skipif(not OPENROUTER.is_dir(), reason="no shared samples")


def _build_replay():
    spec = importlib.util.spec_from_file_location(
        "make_openrouter_replay", REPO_ROOT / "bench" / "make_openrouter_replay.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_replay


def _refresh(db_path: Path, replay: Path, *extra: str):
    return CliRunner().invoke(cli, ["refresh", "--db", str(db_path), "--replay", str(replay), "-q", *extra])


def _query(db_path: Path, sql: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["query", "--db", str(db_path), "--format", "json", sql])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def replays(tmp_path_factory):
    build = _build_replay()
    root = tmp_path_factory.mktemp("replays")
    return {
        "full": build(OPENROUTER, root / "full").parent,
        "changed": build(OPENROUTER, root / "changed", changes={"moonshotai/kimi-k2.6": "2"}).parent,
        "sparse": build(OPENROUTER, root / "sparse", drop_fraction=0.9).parent,
    }


@pytest.fixture(scope="module")
def stored(replays, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("db") / "pw.db"
    result = _refresh(db_path, replays["full"])
    assert result.exit_code == 0, result.output
    return db_path


def test_replay_stores_every_model_of_the_list(stored):
    models = json.loads((OPENROUTER / "models.json").read_text())["data"]
    listed = {m["id"].removesuffix(":free").removesuffix(":batch") for m in models}
    # Dated snapshots (openai/gpt-4o-2024-05-13) share their model's id and keep the snapshot in variant.
    [row] = _query(
        stored,
        "SELECT count(*) AS n FROM (SELECT DISTINCT model, variant FROM current_prices "
        "WHERE provider = 'openrouter' AND variant NOT LIKE 'openrouter%')",
    )
    assert row["n"] == len(listed)


def test_current_prices_are_the_recordings_exact_prices(stored):
    [opus] = _query(
        stored,
        "SELECT * FROM current_prices WHERE model = 'anthropic/claude-opus-4.8' "
        "AND provider = 'openrouter' AND tier = 'standard'",
    )
    assert (
        opus["input_text"],
        opus["output_text"],
        opus["cache_read_text"],
        opus["cache_write_text"],
        opus["cache_write_1h_text"],
    ) == ("5", "25", "0.5", "6.25", "10")
    [kimi] = _query(
        stored,
        "SELECT * FROM current_prices WHERE model = 'moonshotai/kimi-k2.6' "
        "AND provider = 'openrouter' AND tier = 'standard'",
    )
    assert (kimi["input_text"], kimi["output_text"], kimi["cache_read_text"]) == ("0.5415", "2.28", "0.0912")
    [deepinfra] = _query(
        stored, "SELECT * FROM current_prices WHERE model = 'moonshotai/kimi-k2.6' AND provider = 'deepinfra'"
    )
    # The endpoint tag `deepinfra/fp4` is not part of the offer; its quantization is an attribute.
    assert (
        deepinfra["input_text"],
        deepinfra["output_text"],
        deepinfra["variant"],
        deepinfra["quantization"],
    ) == (
        "0.75",
        "3.5",
        "",
        "fp4",
    )
    [auto] = _query(
        stored,
        "SELECT * FROM current_prices WHERE model = 'openrouter/auto' AND provider = 'openrouter' "
        "AND variant = ''",
    )
    assert auto["variable"] == 1 and auto["input_text"] is None


def test_identical_second_replay_adds_no_price_rows(replays, tmp_path):
    db_path = tmp_path / "twice.db"
    _refresh(db_path, replays["full"])
    before = _query(db_path, "SELECT count(*) AS n FROM prices")[0]["n"]
    result = _refresh(db_path, replays["full"])
    assert result.exit_code == 0, result.output
    assert _query(db_path, "SELECT count(*) AS n FROM prices")[0]["n"] == before


def test_changed_price_adds_rows_for_that_models_offers_only(replays, tmp_path):
    db_path = tmp_path / "changed.db"
    _refresh(db_path, replays["full"])
    before = _query(db_path, "SELECT count(*) AS n FROM prices")[0]["n"]
    # Same recorded_at would make the change simultaneous: move the changed snapshot later.
    manifest = replays["changed"] / "manifest.json"
    data = json.loads(manifest.read_text())
    data["recorded_at"] = "2026-08-23T00:00:00Z"
    manifest.write_text(json.dumps(data))
    result = _refresh(db_path, replays["changed"], "--accept-changes")
    assert result.exit_code == 0, result.output
    added = _query(db_path, "SELECT count(*) AS n FROM prices")[0]["n"] - before
    closed = _query(
        db_path,
        "SELECT o.model_id AS model FROM prices p JOIN offers o ON o.id = p.offer_id "
        "WHERE p.valid_to IS NOT NULL",
    )
    assert added == len(closed) > 0
    assert {row["model"] for row in closed} == {"moonshotai/kimi-k2.6"}
    [kimi] = _query(
        db_path,
        "SELECT input_text, output_text FROM current_prices WHERE model = 'moonshotai/kimi-k2.6' "
        "AND provider = 'openrouter' AND tier = 'standard'",
    )
    assert (kimi["input_text"], kimi["output_text"]) == ("1.083", "4.56")


def test_replay_with_most_endpoints_missing_is_partial_and_stores_list_prices(replays, tmp_path):
    db_path = tmp_path / "sparse.db"
    result = _refresh(db_path, replays["sparse"])
    assert result.exit_code == 1
    assert "partial" in result.output
    [opus] = _query(
        db_path,
        "SELECT input_text, output_text FROM current_prices WHERE model = 'anthropic/claude-opus-4.8' "
        "AND provider = 'openrouter' AND tier = 'standard'",
    )
    assert (opus["input_text"], opus["output_text"]) == ("5", "25")
