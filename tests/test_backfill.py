"""Backfill from git histories: small repositories built here with `git init`, and the real bundles."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from golden import fixture_body
from openrouter_bodies import models_body

from pricewatch.cli import cli
from pricewatch.scraper.backfill import (
    OPENROUTER_FIELDS,
    backfill,
    litellm_target,
    openrouter_target,
    page_target,
)
from pricewatch.scraper.sources import litellm_prices, openrouter
from pricewatch.scraper.store import open_database, sync_catalog

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

T1, T2, T3, T4 = (
    "2026-06-08T01:11:59Z",
    "2026-06-20T12:00:00Z",
    "2026-07-25T03:12:24Z",
    "2026-08-22T18:35:39Z",
)
KIMI = "moonshotai/kimi-k2.6"
OPUS = "anthropic/claude-opus-4.8"


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    ).stdout


def make_repo(root: Path, path: str, versions: list[tuple[str, bytes | None]]) -> Path:
    """A repository with one commit per version of ``path`` (None deletes it), dated as given."""
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "pricewatch tests")
    _git(root, "config", "user.email", "tests@example.invalid")
    _git(root, "config", "commit.gpgsign", "false")
    for when, body in versions:
        add_version(root, path, when, body)
    return root


def add_version(root: Path, path: str, when: str, body: bytes | None) -> None:
    target = root / path
    if body is None:
        _git(root, "rm", "-q", path)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        _git(root, "add", path)
    dates = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    _git(root, "commit", "-q", "--allow-empty", "-m", f"snapshot {when}", env=dates)


def models_json(prices: dict[str, tuple[str, str]], **extra: object) -> bytes:
    """An /api/v1/models body; ``extra`` fields go into every model (benchmarks that change daily)."""
    body = models_body(prices)
    for model in body["data"]:
        model.update(extra)
    return json.dumps(body, indent=1).encode()


PER_TOKEN = {
    "a": {KIMI: ("0.000000684", "0.00000342"), OPUS: ("0.000005", "0.000025")},
    "b": {KIMI: ("0.0000005415", "0.00000228"), OPUS: ("0.000005", "0.000025")},
}


@pytest.fixture
def db(tmp_path, catalog):
    database = open_database(tmp_path / "backfill.db")
    sync_catalog(database, catalog)
    return database


def _prices(db, model: str, provider: str = "openrouter") -> list[dict]:
    return list(
        db.query(
            "SELECT p.valid_from, p.valid_to, p.last_seen, p.input, p.output, p.origin, p.closed_reason "
            "FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.model_id = ? AND o.provider_id = ? AND o.tier = 'standard' ORDER BY p.valid_from",
            [model, provider],
        )
    )


def _count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# ----------------------------------------------------------------------------- openrouter-git


def test_commit_times_become_observation_times_and_only_changes_become_rows(tmp_path, db, catalog):
    repo = make_repo(
        tmp_path / "repo",
        "data/models.json",
        [
            (T1, models_json(PER_TOKEN["a"], benchmarks=1)),
            (T2, models_json(PER_TOKEN["a"], benchmarks=2)),  # a new blob, the same prices
            (T3, models_json(PER_TOKEN["b"], benchmarks=3)),
        ],
    )
    summary = backfill(db, catalog, repo, "data/models.json", openrouter_target())
    assert (summary.read, summary.skipped, summary.failed, summary.blobs_parsed) == (3, 0, 0, 3)
    assert _prices(db, KIMI) == [
        {
            "valid_from": T1,
            "valid_to": T3,
            "last_seen": T2,
            "input": "0.684",
            "output": "3.42",
            "origin": "backfill",
            "closed_reason": "changed",
        },
        {
            "valid_from": T3,
            "valid_to": None,
            "last_seen": T3,
            "input": "0.5415",
            "output": "2.28",
            "origin": "backfill",
            "closed_reason": None,
        },
    ]
    [opus] = _prices(db, OPUS)
    assert (opus["valid_from"], opus["valid_to"], opus["last_seen"]) == (T1, None, T3)
    assert summary.price_rows_added == _count(db, "prices") == 3
    run = next(iter(db.query("SELECT * FROM runs WHERE id = ?", [summary.run_id])))
    assert (run["source"], run["origin"], run["status"]) == ("backfill:openrouter-git", "backfill", "ok")


def test_a_second_run_adds_nothing_and_a_later_one_reads_only_new_commits(tmp_path, db, catalog):
    path = "models.json"
    repo = make_repo(
        tmp_path / "repo", path, [(T1, models_json(PER_TOKEN["a"])), (T2, models_json(PER_TOKEN["b"]))]
    )
    first = backfill(db, catalog, repo, path, openrouter_target())
    rows = _count(db, "prices")
    again = backfill(db, catalog, repo, path, openrouter_target())
    assert (again.read, again.skipped, again.price_rows_added) == (0, 2, 0)
    assert _count(db, "prices") == rows == first.price_rows_added
    fetches = list(db.query("SELECT repository, git_commit, path, fetched_at, sha256 FROM fetches"))
    assert {f["fetched_at"] for f in fetches} == {T1, T2}
    assert all(f["path"] == path and f["sha256"] is None and len(f["git_commit"]) == 40 for f in fetches)
    assert {f["repository"] for f in fetches} == {str(repo.resolve())}
    add_version(repo, path, T3, models_json(PER_TOKEN["a"]))
    later = backfill(db, catalog, repo, path, openrouter_target())
    assert (later.read, later.skipped) == (1, 2)
    assert [p["input"] for p in _prices(db, KIMI)] == ["0.684", "0.5415", "0.684"]


def test_identical_blobs_are_parsed_once(tmp_path, db, catalog):
    a, b = models_json(PER_TOKEN["a"]), models_json(PER_TOKEN["b"])
    repo = make_repo(tmp_path / "repo", "m.json", [(T1, a), (T2, b), (T3, a), (T4, b)])
    summary = backfill(db, catalog, repo, "m.json", openrouter_target())
    assert (summary.read, summary.blobs_parsed) == (4, 2)
    assert [(p["valid_from"], p["input"]) for p in _prices(db, KIMI)] == [
        (T1, "0.684"),
        (T2, "0.5415"),
        (T3, "0.684"),
        (T4, "0.5415"),
    ]


def test_unknown_names_are_stored_under_their_own_name_and_listed(tmp_path, db, catalog):
    prices = {**PER_TOKEN["a"], "acme/unknown-model": ("0.000001", "0.000002")}
    versions = [(T1, models_json(prices, benchmarks=1)), (T2, models_json(prices, benchmarks=2))]
    repo = make_repo(tmp_path / "repo", "m.json", versions)
    summary = backfill(db, catalog, repo, "m.json", openrouter_target())
    assert summary.unmapped_models == {"acme/unknown-model": 2}
    assert [(p["input"], p["output"]) for p in _prices(db, "acme/unknown-model")] == [("1", "2")]
    [row] = db.query("SELECT * FROM unmapped_names")
    assert (row["source"], row["kind"], row["name"], row["first_seen"], row["last_seen"]) == (
        "backfill:openrouter-git",
        "model",
        "acme/unknown-model",
        T1,
        T2,
    )
    [model] = db.query("SELECT * FROM models WHERE id = 'acme/unknown-model'")
    assert model["catalogued"] == 0


def test_large_moves_are_reported_and_stored_not_quarantined(tmp_path, db, catalog):
    cut = {**PER_TOKEN["a"], KIMI: ("0.000000684", "0.0000000342")}  # output 3.42 -> 0.0342
    repo = make_repo(tmp_path / "repo", "m.json", [(T1, models_json(PER_TOKEN["a"])), (T2, models_json(cut))])
    summary = backfill(db, catalog, repo, "m.json", openrouter_target())
    [move] = summary.large_moves
    assert (move.offer, move.field, move.at, move.old, move.new) == (
        f"{KIMI} @ openrouter standard",
        "output",
        T2,
        "3.42",
        "0.0342",
    )
    assert _prices(db, KIMI)[-1]["output"] == "0.0342"
    assert _count(db, "quarantine") == 0


def test_a_version_that_fails_to_parse_is_counted_and_the_others_are_stored(tmp_path, db, catalog):
    repo = make_repo(
        tmp_path / "repo",
        "m.json",
        [(T1, models_json(PER_TOKEN["a"])), (T2, b'{"data": [trunc'), (T3, models_json(PER_TOKEN["b"]))],
    )
    summary = backfill(db, catalog, repo, "m.json", openrouter_target())
    assert (summary.read, summary.failed) == (2, 1)
    assert summary.failures[0].committed_at == T2 and "invalid JSON" in summary.failures[0].error
    assert [p["input"] for p in _prices(db, KIMI)] == ["0.684", "0.5415"]
    [run] = db.query("SELECT status, errors FROM runs")
    assert (run["status"], run["errors"]) == ("partial", 1)


def test_a_model_that_leaves_the_listing_is_delisted_at_that_commit(tmp_path, db, catalog):
    only_opus = {OPUS: PER_TOKEN["a"][OPUS]}
    repo = make_repo(
        tmp_path / "repo",
        "m.json",
        [(T1, models_json(PER_TOKEN["a"])), (T2, models_json(only_opus)), (T3, models_json(PER_TOKEN["a"]))],
    )
    summary = backfill(db, catalog, repo, "m.json", openrouter_target())
    assert summary.delisted == 1
    assert [(p["valid_from"], p["valid_to"], p["closed_reason"]) for p in _prices(db, KIMI)] == [
        (T1, T2, "delisted"),
        (T3, None, None),
    ]


def test_a_later_run_delists_what_the_first_new_commit_no_longer_lists(tmp_path, db, catalog):
    # The later run reads only the new commit; the listing it is judged against is the
    # last stored version's (it was lost between runs: nothing was ever delisted there).
    repo = make_repo(tmp_path / "repo", "m.json", [(T1, models_json(PER_TOKEN["a"]))])
    backfill(db, catalog, repo, "m.json", openrouter_target())
    add_version(repo, "m.json", T2, models_json({OPUS: PER_TOKEN["a"][OPUS]}))
    later = backfill(db, catalog, repo, "m.json", openrouter_target())
    assert (later.read, later.skipped, later.delisted) == (1, 1, 1)
    assert [(p["valid_from"], p["valid_to"], p["closed_reason"]) for p in _prices(db, KIMI)] == [
        (T1, T2, "delisted")
    ]


def test_a_models_file_may_be_a_bare_list_and_change_shape_in_its_history(tmp_path, db, catalog):
    """Some repositories commit only the list of models; one history holds both shapes."""

    def bare(prices: dict[str, tuple[str, str]]) -> bytes:
        return json.dumps(models_body(prices)["data"]).encode()

    versions = [
        (T1, bare(PER_TOKEN["a"])),
        (T2, models_json(PER_TOKEN["a"])),  # the same prices, in the response object
        (T3, bare(PER_TOKEN["b"])),
    ]
    repo = make_repo(tmp_path / "repo", "data/models.json", versions)
    runner = CliRunner()
    db_path = tmp_path / "cli.db"
    result = runner.invoke(cli, ["backfill", "openrouter-git", str(repo), "--db", str(db_path), "-q"])
    assert result.exit_code == 0, result.output
    assert "versions read: 3" in result.output and "failed: 0" in result.output
    summary = backfill(db, catalog, repo, "data/models.json", openrouter_target())
    assert (summary.read, summary.failed) == (3, 0)
    assert [(p["valid_from"], p["valid_to"], p["last_seen"], p["input"]) for p in _prices(db, KIMI)] == [
        (T1, T3, T2, "0.684"),
        (T3, None, T3, "0.5415"),
    ]


def test_parsing_an_entry_cut_to_the_fields_the_parser_reads_changes_nothing():
    body = fixture_body("openrouter", "models.json").read_bytes()
    target = openrouter_target()
    whole = openrouter.parse(openrouter_target().url, body)
    cut = [r for _, entry in target.split(body) for r in target.parse_entry(entry).records]
    assert cut == whole.records
    assert set(OPENROUTER_FIELDS) >= {"id", "pricing"}


def test_cli_finds_the_models_file_and_prints_the_summary(tmp_path):
    repo = make_repo(
        tmp_path / "repo", "data/raw/openrouter-models.json", [(T1, models_json(PER_TOKEN["a"]))]
    )
    (repo / "package.json").write_text("{}")
    _git(repo, "add", "package.json")
    add_version(repo, "README.md", T2, b"notes")
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(cli, ["backfill", "openrouter-git", str(repo), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "openrouter-git: data/raw/openrouter-models.json" in result.output
    assert "versions read: 1" in result.output and "skipped (already ingested): 0" in result.output
    again = CliRunner().invoke(cli, ["backfill", "openrouter-git", str(repo), "--db", str(db)])
    assert "versions read: 0" in again.output and "skipped (already ingested): 1" in again.output


def test_cli_exits_1_when_a_version_failed_and_2_for_a_missing_file(tmp_path):
    repo = make_repo(tmp_path / "repo", "m.json", [(T1, models_json(PER_TOKEN["a"])), (T2, b"not json")])
    db = str(tmp_path / "cli.db")
    result = CliRunner().invoke(
        cli, ["backfill", "openrouter-git", str(repo), "--file", "m.json", "--db", db]
    )
    assert result.exit_code == 1
    assert "failed: 1" in result.output
    missing = CliRunner().invoke(
        cli, ["backfill", "openrouter-git", str(repo), "--file", "x.json", "--db", db]
    )
    assert missing.exit_code == 2
    assert missing.output.startswith("Error: no commit of x.json")


# ----------------------------------------------------------------------------- litellm

LITELLM_V1 = {
    "sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "one of ...", "mode": "one of ..."},
    "claude-3-opus-20240229": {
        "litellm_provider": "anthropic",
        "mode": "chat",
        "input_cost_per_token": 1.5e-05,
        "output_cost_per_token": 7.5e-05,
        "cache_read_input_token_cost": 1.5e-06,
        "cache_creation_input_token_cost": 1.875e-05,
        "max_input_tokens": 200000,
    },
    "gemini/gemini-2.5-flash": {
        "litellm_provider": "gemini",
        "mode": "chat",
        "input_cost_per_token": 3e-07,
        "output_cost_per_token": 2.5e-06,
        "input_cost_per_token_batches": 1.5e-07,
        "output_cost_per_token_batches": 1.25e-06,
    },
    "claude-sonnet-4-5": {
        "litellm_provider": "anthropic",
        "mode": "chat",
        "input_cost_per_token": 3e-06,
        "output_cost_per_token": 1.5e-05,
        "input_cost_per_token_above_200k_tokens": 6e-06,
        "output_cost_per_token_above_200k_tokens": 2.25e-05,
        "cache_creation_input_token_cost_above_1hr": 6e-06,
    },
    "deepinfra/meta-llama/Llama-3.3-70B-Instruct": {
        "litellm_provider": "deepinfra",
        "mode": "chat",
        "input_cost_per_token": 2.3e-07,
        "output_cost_per_token": 4e-07,
    },
    "acme/mystery-7b": {"litellm_provider": "acme_cloud", "mode": "chat", "input_cost_per_token": 1e-07},
    "text-embedding-3-small": {
        "litellm_provider": "openai",
        "mode": "embedding",
        "input_cost_per_token": 2e-08,
    },
    "dall-e-3": {"litellm_provider": "openai", "mode": "image_generation", "output_cost_per_image": 0.04},
}


def test_litellm_parser_reads_tiers_thresholds_and_cache_prices_exactly():
    parsed = litellm_prices.parse(json.dumps(LITELLM_V1).encode())
    records = {(r.model, r.provider, r.tier, r.min_prompt_tokens): r for r in parsed.records}
    assert set(records) == {
        ("claude-3-opus-20240229", "anthropic", "standard", 0),
        ("gemini-2.5-flash", "gemini", "standard", 0),
        ("gemini-2.5-flash", "gemini", "batch", 0),
        ("claude-sonnet-4-5", "anthropic", "standard", 0),
        ("claude-sonnet-4-5", "anthropic", "standard", 200000),
        ("meta-llama/Llama-3.3-70B-Instruct", "deepinfra", "standard", 0),
        ("acme/mystery-7b", "acme_cloud", "standard", 0),
    }
    opus = records[("claude-3-opus-20240229", "anthropic", "standard", 0)]
    assert (opus.input, opus.output, opus.cache_read, opus.cache_write) == (
        15,
        75,
        Decimal("1.5"),
        Decimal("18.75"),
    )
    assert opus.context_length == 200000
    assert records[("gemini-2.5-flash", "gemini", "batch", 0)].input == Decimal("0.15")
    long = records[("claude-sonnet-4-5", "anthropic", "standard", 200000)]
    assert (long.input, long.output, long.cache_write_1h) == (6, Decimal("22.5"), None)
    assert records[("claude-sonnet-4-5", "anthropic", "standard", 0)].cache_write_1h == 6


def test_litellm_parser_reports_a_bad_price_and_never_reads_it_as_zero():
    doc = {"gpt-x": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": "lots"}}
    doc["gpt-4o"] = {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06}
    parsed = litellm_prices.parse(json.dumps(doc).encode())
    assert [r.model for r in parsed.records] == ["gpt-4o"]
    assert parsed.row_errors == ["gpt-x: input_cost_per_token: not a number: 'lots'"]


def test_litellm_backfill_resolves_names_and_lists_the_unmapped(tmp_path, db, catalog):
    v2 = json.loads(json.dumps(LITELLM_V1))
    v2["claude-3-opus-20240229"]["input_cost_per_token"] = 1e-05
    v2["gemini/gemini-2.5-flash"]["supports_vision"] = True  # metadata only
    path = litellm_prices.DEFAULT_FILE
    repo = make_repo(
        tmp_path / "repo", path, [(T1, json.dumps(LITELLM_V1).encode()), (T2, json.dumps(v2).encode())]
    )
    summary = backfill(db, catalog, repo, path, litellm_target())
    assert [(p["valid_from"], p["input"]) for p in _prices(db, "anthropic/claude-3-opus", "anthropic")] == [
        (T1, "15"),
        (T2, "10"),
    ]
    [flash] = _prices(db, "google/gemini-2.5-flash", "google")
    assert (flash["input"], flash["output"], flash["last_seen"]) == ("0.3", "2.5", T2)
    assert _prices(db, "meta-llama/llama-3.3-70b-instruct", "deepinfra")[0]["input"] == "0.23"
    assert summary.unmapped_models == {"acme/mystery-7b": 2}
    assert summary.unmapped_providers == {"acme_cloud": 2}
    [run] = db.query("SELECT source, origin FROM runs")
    assert (run["source"], run["origin"]) == ("backfill:litellm", "backfill")
    # A price database's prices are third-party: the lowest rank.
    assert {p["origin"] for p in _prices(db, "anthropic/claude-3-opus", "anthropic")} == {"third-party"}


def test_litellm_backfill_never_overrides_a_makers_price(tmp_path, db, catalog):
    from pricewatch.scraper.store import Observation, apply_observations

    maker = Observation(
        "anthropic/claude-3-opus",
        "anthropic",
        "standard",
        0,
        "",
        T1,
        prices=(Decimal(15), Decimal(75), *[None] * 4),
    )
    with db.atomic():
        apply_observations(db, [maker], origin="backfill", run_id=None, source="anthropic")
    typo = json.loads(json.dumps(LITELLM_V1))
    typo["claude-3-opus-20240229"]["input_cost_per_token"] = 1.5e-04  # $150, ten times the real one
    path = litellm_prices.DEFAULT_FILE
    repo = make_repo(tmp_path / "repo", path, [(T2, json.dumps(typo).encode())])
    backfill(db, catalog, repo, path, litellm_target())
    [opus] = _prices(db, "anthropic/claude-3-opus", "anthropic")
    assert (opus["valid_from"], opus["last_seen"], opus["input"], opus["origin"]) == (
        T1,
        T1,
        "15",
        "backfill",
    )
    [disagreement] = db.query("SELECT observed_origin, stored_origin FROM disagreements")
    assert disagreement == {"observed_origin": "third-party", "stored_origin": "backfill"}


def test_a_price_database_figure_no_token_costs_is_a_unit_error_never_stored(tmp_path, db, catalog):
    """LiteLLM's W&B entries read $17,000 per million tokens: above $1,000 is a unit error, not a price."""
    body = json.loads(json.dumps(LITELLM_V1))
    body["wandb/meta-llama/Llama-4-Scout-17B-16E-Instruct"] = {
        "litellm_provider": "wandb",
        "mode": "chat",
        "input_cost_per_token": 0.017,
        "output_cost_per_token": 0.066,
    }
    path = litellm_prices.DEFAULT_FILE
    repo = make_repo(tmp_path / "repo", path, [(T1, json.dumps(body).encode())])
    summary = backfill(db, catalog, repo, path, litellm_target())
    assert summary.row_errors == 1
    [(count,)] = db.execute(
        "SELECT count(*) FROM prices WHERE CAST(input AS REAL) > 1000 OR CAST(output AS REAL) > 1000"
    ).fetchall()
    assert count == 0
    assert _count(db, "prices") > 0  # the plausible entries are stored


# ----------------------------------------------------------------------------- page


def test_page_backfill_runs_the_source_parser_over_every_version(tmp_path, db, catalog):
    page = fixture_body("anthropic", "current.md").read_bytes()
    cheaper = page.replace(b"| Claude Haiku 4.5 ", b"| Claude Haiku 4.5 ", 1).replace(
        b"| $1 / MTok         | $1.25 / MTok    | $2 / MTok       | $0.10 / MTok             | $5 / MTok     |",
        b"| $0.80 / MTok      | $1 / MTok       | $1.60 / MTok    | $0.08 / MTok             | $4 / MTok     |",
        1,
    )
    assert cheaper != page
    repo = make_repo(tmp_path / "repo", "pricing.md", [(T1, page), (T2, page + b"\n"), (T3, cheaper)])
    summary = backfill(db, catalog, repo, "pricing.md", page_target("anthropic"))
    assert (summary.read, summary.failed) == (3, 0)
    haiku = _prices(db, "anthropic/claude-haiku-4.5", "anthropic")
    assert [(p["valid_from"], p["valid_to"], p["input"], p["output"]) for p in haiku] == [
        (T1, T3, "1", "5"),
        (T3, None, "0.8", "4"),
    ]
    [run] = db.query("SELECT source FROM runs")
    assert run["source"] == "backfill:page:anthropic"


def test_page_backfill_of_an_unknown_source_is_a_usage_error(tmp_path):
    repo = make_repo(tmp_path / "repo", "p.md", [(T1, b"# nothing")])
    result = CliRunner().invoke(
        cli, ["backfill", "page", "nope", str(repo), "--file", "p.md", "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: Unknown source: nope")


# ----------------------------------------------------------------------------- the real bundles

HISTORY = SAMPLES / "history"


@pytest.fixture(scope="module")
def real_openrouter(tmp_path_factory):
    if not (HISTORY / "openrouter-models-history.bundle").exists():
        pytest.skip("no shared history samples")
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    root = tmp_path_factory.mktemp("real-openrouter")
    repo = root / "repo"
    subprocess.run(
        ["git", "clone", "-q", str(HISTORY / "openrouter-models-history.bundle"), str(repo)], check=True
    )
    catalog = load_catalog(default_catalog_path())
    database = open_database(root / "real.db")
    sync_catalog(database, catalog)
    summary = backfill(database, catalog, repo, "openrouter-models.json", openrouter_target())
    return database, summary


def test_real_openrouter_history_gives_kimi_k2_6_price_cut(real_openrouter):
    db, summary = real_openrouter
    assert (summary.versions, summary.read, summary.failed) == (290, 290, 0)
    kimi = _prices(db, KIMI)
    june = [
        p
        for p in kimi
        if p["valid_from"].startswith("2026-06") and (p["input"], p["output"]) == ("0.684", "3.42")
    ]
    assert june, "0.684/3.42 in June 2026"
    last = kimi[-1]
    assert (last["input"], last["output"], last["valid_to"]) == ("0.5415", "2.28", None)
    assert last["valid_from"].startswith("2026-08")
    assert summary.large_moves  # e.g. qwen3-235b-a22b-thinking-2507 output 1.495 -> 0.1


def test_real_anthropic_page_history_dates_its_price_list(tmp_path, catalog):
    bundle = HISTORY / "anthropic-pricing-history.bundle"
    if not bundle.exists():
        pytest.skip("no shared history samples")
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(bundle), str(repo)], check=True)
    db = open_database(tmp_path / "anthropic.db")
    sync_catalog(db, catalog)
    summary = backfill(db, catalog, repo, "pricing.md", page_target("anthropic"))
    assert (summary.versions, summary.read, summary.failed) == (36, 36, 0)
    # Each price appears at the commit that first showed it: Opus 4.5 launched at a third
    # of Opus 4.1's price on 2025-11-26; Sonnet 5 was listed at its introductory 2/10 from
    # 2026-07-21 ("Claude Sonnet 5 through August 31, 2026"); the 3/15 announced from
    # September 1 was withdrawn on 2026-08-11 before its day, so it never became a price.
    opus_45 = _prices(db, "anthropic/claude-opus-4.5", "anthropic")
    assert [(p["valid_from"], p["input"], p["output"]) for p in opus_45] == [
        ("2025-11-26T01:21:51Z", "5", "25")
    ]
    assert _prices(db, "anthropic/claude-opus-4.1", "anthropic")[0]["input"] == "15"
    sonnet_5 = _prices(db, "anthropic/claude-sonnet-5", "anthropic")
    assert [(p["valid_from"], p["input"], p["output"]) for p in sonnet_5] == [
        ("2026-07-21T04:10:03Z", "2", "10")
    ]


def test_a_zero_price_is_stored_only_in_a_free_tier_the_source_names(tmp_path, db, catalog):
    from pricewatch.scraper.records import make_record, without_unnamed_free_prices

    kept, dropped = without_unnamed_free_prices(
        make_record(model="m", provider="p", input=0, output=0, tier="free")
    )
    assert kept is not None and kept.input == 0 and not dropped
    kept, dropped = without_unnamed_free_prices(
        make_record(model="m", provider="p", input=1, output=2, cache_read=0)
    )
    assert kept is not None and (kept.input, kept.cache_read, dropped) == (1, None, True)
    assert without_unnamed_free_prices(make_record(model="m", provider="p", input=0, output=0)) == (
        None,
        True,
    )

    doc = json.loads(json.dumps(LITELLM_V1))
    doc["deepinfra/meta-llama/Llama-3.3-70B-Instruct"].update(
        input_cost_per_token=0.0, output_cost_per_token=0.0
    )
    path = litellm_prices.DEFAULT_FILE
    repo = make_repo(tmp_path / "repo", path, [(T1, json.dumps(doc).encode())])
    summary = backfill(db, catalog, repo, path, litellm_target())
    assert _prices(db, "meta-llama/llama-3.3-70b-instruct", "deepinfra") == []
    assert summary.zero_prices == {"meta-llama/Llama-3.3-70B-Instruct @ deepinfra standard"}
    assert _count(db, "prices") > 0


# ----------------------------------------------------------------------------- suspected typos


def _flash_versions(*prices: tuple[str, float, float]) -> list[tuple[str, bytes]]:
    versions = []
    for when, input_price, output_price in prices:
        doc = json.loads(json.dumps(LITELLM_V1))
        doc["gemini/gemini-2.5-flash"].update(
            input_cost_per_token=input_price, output_cost_per_token=output_price
        )
        doc["gemini/gemini-2.5-flash"]["updated"] = when  # metadata: every version is a new blob
        versions.append((when, json.dumps(doc).encode()))
    return versions


def test_a_jump_that_comes_back_within_days_is_held_as_a_suspected_typo(tmp_path, db, catalog):
    path = litellm_prices.DEFAULT_FILE
    versions = _flash_versions(
        ("2025-02-05T04:00:00Z", 1e-07, 4e-07),
        ("2025-02-06T04:59:39Z", 1.5e-04, 6e-04),  # LiteLLM's gemini-2.0-flash typo: $150/$600
        ("2025-02-06T12:00:00Z", 1.5e-04, 6e-04),
        ("2025-02-07T05:07:13Z", 1e-07, 4e-07),
    )
    repo = make_repo(tmp_path / "repo", path, versions)
    summary = backfill(db, catalog, repo, path, litellm_target())
    [flash] = _prices(db, "google/gemini-2.5-flash", "google")
    assert (flash["valid_from"], flash["last_seen"], flash["input"], flash["output"]) == (
        "2025-02-05T04:00:00Z",
        "2025-02-07T05:07:13Z",
        "0.1",
        "0.4",
    )
    [typo] = summary.held
    assert typo.at == "2025-02-06T04:59:39Z" and typo.returned_at == "2025-02-07T05:07:13Z"
    assert "input 0.1 -> 150 (1500x)" in typo.reason and "output 0.4 -> 600 (1500x)" in typo.reason
    assert not summary.large_moves
    [held] = db.query("SELECT source, origin, observed_at, offer, reason, status FROM quarantine")
    assert (held["source"], held["origin"], held["status"]) == ("backfill:litellm", "third-party", "pending")
    assert held["reason"].startswith("suspected typo: ")
    assert held["offer"] == "google/gemini-2.5-flash google standard 0 "


def test_a_jump_that_lasts_is_history_and_one_at_the_end_is_kept(tmp_path, db, catalog):
    path = litellm_prices.DEFAULT_FILE
    versions = _flash_versions(
        ("2025-02-01T00:00:00Z", 1e-07, 4e-07),
        ("2025-02-02T00:00:00Z", 1e-05, 4e-05),  # 100x, still there 10 days later: history
        ("2025-02-12T00:00:00Z", 1e-05, 4e-05),
        ("2025-02-13T00:00:00Z", 1e-07, 4e-07),
        ("2025-02-21T00:00:00Z", 1e-07, 4e-07),
        ("2025-02-22T00:00:00Z", 1e-04, 4e-04),  # 1000x in the last version: nothing says it was a typo
    )
    repo = make_repo(tmp_path / "repo", path, versions)
    summary = backfill(db, catalog, repo, path, litellm_target())
    rows = _prices(db, "google/gemini-2.5-flash", "google")
    assert [(p["valid_from"][:10], p["last_seen"][:10], p["input"]) for p in rows] == [
        ("2025-02-01", "2025-02-01", "0.1"),
        ("2025-02-02", "2025-02-12", "10"),
        ("2025-02-13", "2025-02-21", "0.1"),
        ("2025-02-22", "2025-02-22", "100"),
    ]
    assert summary.held == [] and len(summary.large_moves) == 6
    assert _count(db, "quarantine") == 0


def test_a_value_off_both_neighbours_for_a_day_is_a_typo_even_between_two_prices(tmp_path, db, catalog):
    path = litellm_prices.DEFAULT_FILE
    versions = _flash_versions(
        ("2025-02-01T00:00:00Z", 1e-05, 4e-05),
        ("2025-02-02T00:00:00Z", 1e-08, 4e-08),  # 1000x under both neighbours, for a day
        ("2025-02-03T00:00:00Z", 2e-05, 8e-05),
    )
    repo = make_repo(tmp_path / "repo", path, versions)
    summary = backfill(db, catalog, repo, path, litellm_target())
    rows = _prices(db, "google/gemini-2.5-flash", "google")
    assert [(p["valid_from"][:10], p["input"]) for p in rows] == [("2025-02-01", "10"), ("2025-02-03", "20")]
    assert [h.at[:10] for h in summary.held] == ["2025-02-02"]


def test_a_first_sighting_is_judged_against_the_stored_price_of_its_time(tmp_path, db, catalog):
    from pricewatch.scraper.store import Observation, apply_observations

    maker = Observation(
        "google/gemini-2.5-flash",
        "google",
        "standard",
        0,
        "",
        "2025-01-01T00:00:00Z",
        prices=(Decimal("0.1"), Decimal("0.4"), *[None] * 4),
    )
    with db.atomic():
        apply_observations(db, [maker], origin="curated", run_id=None, source=None)
    path = litellm_prices.DEFAULT_FILE
    versions = _flash_versions(
        ("2025-02-06T04:59:39Z", 1.5e-04, 6e-04), ("2025-02-07T05:07:13Z", 1e-07, 4e-07)
    )
    repo = make_repo(tmp_path / "repo", path, versions)
    summary = backfill(db, catalog, repo, path, litellm_target())
    [typo] = summary.held
    assert "input 0.1 -> 150 (1500x)" in typo.reason
    [flash] = _prices(db, "google/gemini-2.5-flash", "google")
    assert (flash["valid_from"], flash["input"], flash["origin"]) == (
        "2025-01-01T00:00:00Z",
        "0.1",
        "curated",
    )
