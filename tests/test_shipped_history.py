"""The shipped history: export-history writes a database's history, load-history reads it back
into the database it came from (nothing lost, nothing invented), and loading the curated
prices and corrections on top gives what they give on the original."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT
from test_backfill import KIMI, LITELLM_V1, PER_TOKEN, T1, T2, T3, make_repo, models_json

from pricewatch.cli import cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

T0 = "2025-03-01T00:00:00Z"


def _invoke(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A database built like `make history` does (backfills, then a replay), and its export."""
    root = tmp_path_factory.mktemp("shipped")
    openrouter_repo = make_repo(
        root / "or",
        "models.json",
        [
            (T1, models_json(PER_TOKEN["a"])),
            (T2, models_json(PER_TOKEN["a"])),
            (T3, models_json({KIMI: PER_TOKEN["b"][KIMI]})),  # a price cut, and Opus leaves the list
        ],
    )
    second = dict(LITELLM_V1)
    second["claude-sonnet-4-5"] = {**second["claude-sonnet-4-5"], "input_cost_per_token": 2e-06}
    litellm_repo = make_repo(
        root / "litellm",
        "model_prices_and_context_window.json",
        [(T0, json.dumps(LITELLM_V1).encode()), (T1, json.dumps(second).encode())],
    )
    db = root / "built.db"
    no_corrections = root / "no-corrections.csv"
    no_corrections.write_text((REPO_ROOT / "data" / "corrections.csv").read_text().splitlines()[0] + "\n")
    _invoke("load-curated", "--db", str(db), "--corrections", str(no_corrections))
    _invoke("backfill", "openrouter-git", str(openrouter_repo), "--db", str(db))
    _invoke("backfill", "litellm", str(litellm_repo), "--db", str(db))
    result = CliRunner().invoke(
        cli, ["refresh", "--db", str(db), "--replay", str(REPO_ROOT / "data" / "snapshot")]
    )
    assert result.exit_code in (0, 1), result.output
    out = root / "history"
    _invoke(
        "export-history",
        "--db",
        str(db),
        "--out",
        str(out),
        "--repository",
        f"{litellm_repo}=example/litellm-copy",
    )
    return root, db, out


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    """What a reader sees: every view and table that carries history, ids left out where they differ."""
    queries = {
        "price_history": "SELECT model, provider, tier, min_prompt_tokens, variant, quantization, valid_from, "
        "valid_to, last_confirmed, confirmed_by, origin, source, input_text, output_text, cache_read_text, "
        "cache_write_text, cache_write_1h_text, reasoning_text, variable, closed_reason, confidence, source_url, "
        "correction FROM price_history",
        "current_prices": "SELECT model, provider, tier, min_prompt_tokens, variant, input_text, output_text, "
        "origin, valid_from, last_seen, confirmed_by FROM current_prices",
        "price_changes": "SELECT model, provider, tier, kind, changed_at, changed_fields FROM price_changes",
        "disagreements": "SELECT o.model_id, o.provider_id, d.observed_at, d.observed_origin, d.observed, "
        "d.stored_origin, d.stored FROM disagreements d JOIN offers o ON o.id = d.offer_id",
        "quarantine": "SELECT source, observed_at, offer, observation, reason, status FROM quarantine",
        "unit_prices": "SELECT o.model_id, o.provider_id, u.unit, u.amount, u.valid_from, u.valid_to "
        "FROM unit_prices u JOIN offers o ON o.id = u.offer_id",
        "runs": "SELECT id, source, origin, observed_at, status FROM runs WHERE origin != 'curated'",
        "fetches": "SELECT run_id, url, fetched_at, git_commit, path FROM fetches",
        "models": "SELECT id, name, creator, catalogued FROM models",
        "current_prices_usd": "SELECT model, provider, tier, input_text, converted, fx_rate FROM current_prices_usd",
    }
    with closing(sqlite3.connect(db)) as conn:
        return {name: sorted(conn.execute(sql).fetchall(), key=repr) for name, sql in queries.items()}


def test_loading_the_export_then_the_curated_prices_gives_the_same_history(built, tmp_path):
    _, db, out = built
    reference = tmp_path / "reference.db"
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(reference)) as copy:
        source.backup(copy)  # a file copy would miss what is still in the WAL
    _invoke("load-curated", "--db", str(reference))
    loaded = tmp_path / "loaded.db"
    assert "Loaded " in _invoke("load-history", "--db", str(loaded), "--dir", str(out))
    _invoke("load-curated", "--db", str(loaded))
    expected, actual = _snapshot(reference), _snapshot(loaded)
    assert expected["price_history"] and expected["fetches"] and expected["unit_prices"]
    for name in expected:
        assert actual[name] == expected[name], name


def test_the_export_is_repeatable_and_ships_citations_not_bodies(built, tmp_path):
    _, db, out = built
    again = tmp_path / "again"
    _invoke("export-history", "--db", str(db), "--out", str(again), "--repository", "x=y")
    # Byte for byte, except the citation the second export did not rename.
    assert (again / "prices.jsonl.gz").read_bytes() == (out / "prices.jsonl.gz").read_bytes()
    lines = gzip.decompress((out / "fetches.jsonl.gz").read_bytes()).decode().splitlines()
    header = json.loads(lines[0])
    assert header["table"] == "fetches" and "sha256" not in header["columns"]
    repositories = {json.loads(line)[header["columns"].index("repository")] for line in lines[1:]}
    assert "example/litellm-copy" in repositories
    assert not any("litellm" in str(r) and r != "example/litellm-copy" for r in repositories)
    summary = json.loads((out / "SUMMARY.json").read_text())
    sources = {row["source"]: row for row in summary["sources"]}
    assert sources["backfill:litellm"]["origin"] == "third-party"
    assert sources["backfill:litellm"]["citations"] == {"example/litellm-copy": 2}
    assert sources["backfill:openrouter-git"]["first"] == T1


def test_the_shipped_history_was_built_from_the_shipped_curated_prices():
    summary_path = REPO_ROOT / "data" / "history" / "SUMMARY.json"
    if not summary_path.exists():
        pytest.skip("no shipped history in data/history")
    summary = json.loads(summary_path.read_text())
    curated = hashlib.sha256((REPO_ROOT / "data" / "curated_prices.csv").read_bytes()).hexdigest()
    assert summary["built_from"]["curated_prices.csv sha256"] == curated, (
        "data/curated_prices.csv changed since data/history was built: run `make history`"
    )


def test_a_second_load_does_nothing_and_a_used_database_is_refused(built, tmp_path):
    _, _, out = built
    db = tmp_path / "db.db"
    _invoke("load-history", "--db", str(db), "--dir", str(out))
    assert "already loaded" in _invoke("load-history", "--db", str(db), "--dir", str(out))
    used = tmp_path / "used.db"
    _invoke("load-curated", "--db", str(used))
    output = _invoke("load-history", "--db", str(used), "--dir", str(out), code=2)
    assert (
        output.startswith("Error: the shipped history loads into a new database") and output.count("\n") == 1
    )


def test_a_history_from_another_schema_is_refused_with_the_fix(built, tmp_path):
    _, _, out = built
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    lines = gzip.decompress((broken / "prices.jsonl.gz").read_bytes()).decode().splitlines()
    header = json.loads(lines[0])
    header["columns"].append("price_in_doubloons")
    rows = [json.dumps([*json.loads(line), None]) for line in lines[1:]]
    (broken / "prices.jsonl.gz").write_bytes(gzip.compress("\n".join([json.dumps(header), *rows]).encode()))
    db = tmp_path / "db.db"
    output = _invoke("load-history", "--db", str(db), "--dir", str(broken), code=2)
    assert "price_in_doubloons" in output and "make history" in output
    with closing(sqlite3.connect(db)) as conn:  # one transaction: nothing half-loaded
        assert conn.execute("SELECT count(*) FROM runs").fetchone() == (0,)


def test_a_split_span_keeps_the_source_that_confirmed_it(tmp_path):
    """A price database's history placed inside another's: every period still names who last saw it."""
    from decimal import Decimal

    from pricewatch.scraper.store import Observation, apply_observations, open_database

    def seen(at: str, price: str) -> Observation:
        return Observation(
            model_id="acme/m", provider_id="h", tier="standard", min_prompt_tokens=0, variant="",
            observed_at=at, prices=(Decimal(price), Decimal(price) * 5, None, None, None, None),
        )  # fmt: skip

    db = open_database(tmp_path / "t.db")
    with db.atomic():
        for at in ("2025-01-01T00:00:00Z", "2025-03-01T00:00:00Z", "2025-05-01T00:00:00Z"):
            apply_observations(db, [seen(at, "1")], origin="third-party", run_id=None, source="litellm")
        apply_observations(
            db, [seen("2025-02-01T00:00:00Z", "0.8")], origin="third-party", run_id=None, source="genai"
        )
    rows = db.execute("SELECT valid_from, last_seen_by FROM prices ORDER BY valid_from").fetchall()
    assert len(rows) >= 2 and all(by is not None for _, by in rows), rows


def test_the_demo_is_the_real_history_from_2023_to_the_newest_recording(tmp_path):
    """Issue 14: `make demo` loads data/history; Kimi K2.5's real OpenRouter listing, hosts' prices."""
    if not (REPO_ROOT / "data" / "history" / "prices.jsonl.gz").exists():
        pytest.skip("no shipped history in data/history")
    from pricewatch.refresh_command import run_demo

    db = tmp_path / "demo.db"
    lines = run_demo(db)
    assert lines[0].startswith("history: ")
    with closing(sqlite3.connect(db)) as conn:
        [(first, last)] = conn.execute("SELECT min(valid_from), max(last_seen) FROM prices").fetchall()
        kimi = conn.execute(
            "SELECT valid_from, input_text, output_text FROM price_history WHERE model = 'moonshotai/kimi-k2.5' "
            "AND provider = 'openrouter' AND tier = 'standard' AND valid_to IS NULL"
        ).fetchall()
        hosts = {
            row[0]
            for row in conn.execute(
                "SELECT provider FROM current_prices WHERE model = 'moonshotai/kimi-k2.6' AND origin = 'backfill'"
            )
        }
    assert first.startswith("2023-") and last == "2026-09-13T00:00:00Z"
    assert kimi == [("2026-08-19T01:27:35Z", "0.45", "2.25")]
    assert len(hosts - {"openrouter", "moonshotai"}) >= 3, hosts  # per-host prices from the endpoint sweeps
    # The sweep source was never refreshed: its prices are as old as its backfilled history.
    from datetime import UTC, datetime

    from pricewatch.queries import source_status
    from pricewatch.scraper.store import open_reader

    reader = open_reader(db)
    try:
        rows = {
            r["source"]: r
            for r in source_status(reader, ["openrouter-endpoints"], now=datetime(2026, 12, 1, tzinfo=UTC))
        }
    finally:
        reader.close()
    sweep = rows["openrouter-endpoints"]
    assert (sweep["data_as_of"], sweep["stale"]) == ("2026-05-31T10:39:59Z", True)
    with closing(sqlite3.connect(db)) as conn:  # the shipped rates load with the history
        [(converted,)] = conn.execute(
            "SELECT count(*) FROM current_prices_usd WHERE converted = 1"
        ).fetchall()
    assert converted > 0
