"""Crash safety of `pricewatch backfill`: SIGKILLed at steps the test chooses, it resumes to a clean run's history.

A small git repository (eight commits of an OpenRouter models list: a price change, a model
delisted and listed again, a twentyfold jump that lasts) is backfilled in a subprocess that commits one version per
batch (``CHECKPOINTED_BATCH_COMMITS=1``) and is SIGKILLed at its checkpoints
(tests/checkpointed_cli.py; never after a delay): inside a batch's transaction
("batch-stored"), between two commits' batches ("batch-committed", once right after the
jump's commit, while the jump waits for the next values to say whether it was a typo), and once every
version is stored but before the run is ended ("finished"). After each kill the file
passes ``PRAGMA integrity_check``; the next backfill marks the killed run abandoned,
reads only the commits not yet stored, and the final offers, prices and fetch rows equal
those of one uninterrupted backfill (with the default batch size).
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from killpoints import connect, integrity, kill_at, run_statuses
from test_backfill import KIMI, OPUS, make_repo, models_json

from pricewatch.cli import cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FILE = "data/models.json"
A = {KIMI: ("0.000000684", "0.00000342"), OPUS: ("0.000005", "0.000025")}
B = {KIMI: ("0.0000005415", "0.00000228"), OPUS: ("0.000005", "0.000025")}
JUMP = {KIMI: ("0.00001083", "0.0000456"), OPUS: ("0.000005", "0.000025")}  # 20x Kimi's B
AFTER = {KIMI: ("0.000008", "0.00004"), OPUS: ("0.000005", "0.000025")}
VERSIONS = [
    ("2026-06-01T00:00:00Z", A),
    ("2026-06-02T00:00:00Z", A),  # the same prices (another field changed): a last sighting
    ("2026-06-03T00:00:00Z", B),  # Kimi's price cut
    ("2026-06-04T00:00:00Z", {KIMI: B[KIMI]}),  # Opus leaves the listing: delisted
    ("2026-06-05T00:00:00Z", B),  # and comes back
    ("2026-06-06T00:00:00Z", JUMP),  # judged when the next values come: a typo, or history
    ("2026-06-07T00:00:00Z", JUMP),
    ("2026-06-20T00:00:00Z", AFTER),  # 14 days on: the jump was history, stored at 06-06
]


def _history(db_path) -> tuple[list, list, list]:
    """Offers, price rows and the fetch rows citing commits, by key (ids and runs may differ)."""
    with connect(db_path) as conn:
        offers = conn.execute(
            "SELECT model_id, provider_id, tier, min_prompt_tokens, variant, source, delisted_at FROM offers "
            "ORDER BY model_id, provider_id, tier, min_prompt_tokens, variant"
        ).fetchall()
        prices = conn.execute(
            "SELECT o.model_id, o.provider_id, o.tier, p.valid_from, p.valid_to, p.last_seen, p.origin, "
            "p.input, p.output, p.closed_reason FROM prices p JOIN offers o ON o.id = p.offer_id "
            "ORDER BY o.model_id, o.provider_id, o.tier, o.min_prompt_tokens, o.variant, p.valid_from"
        ).fetchall()
        fetches = conn.execute(
            "SELECT repository, git_commit, path, fetched_at FROM fetches ORDER BY fetched_at, git_commit"
        ).fetchall()
    return offers, prices, fetches


def _backfill(repo, db_path) -> None:
    result = CliRunner().invoke(
        cli, ["backfill", "openrouter-git", str(repo), "--db", str(db_path), "--quiet"]
    )
    assert result.exit_code == 0, result.output


def test_a_backfill_killed_at_any_step_resumes_to_the_history_of_a_clean_run(tmp_path):
    repo = make_repo(
        tmp_path / "repo",
        FILE,
        [(when, models_json(prices, benchmarks=i)) for i, (when, prices) in enumerate(VERSIONS)],
    )
    reference = tmp_path / "reference.db"
    _backfill(repo, reference)
    db_path = tmp_path / "killed.db"
    log = tmp_path / "backfill.log"
    args = ["backfill", "openrouter-git", str(repo), "--db", str(db_path), "--quiet"]
    env = {"CHECKPOINTED_BATCH_COMMITS": "1"}

    # In the third commit's transaction: the first two are stored, the third is not.
    kill_at(args, "batch-stored", log, occurrence=3, env=env)
    assert integrity(db_path) == [("ok",)]
    assert run_statuses(db_path) == ["running"]
    assert len(_history(db_path)[2]) == 2

    # Between two commits: the third stored and committed, the fourth (Opus delisted) not read.
    kill_at(args, "batch-committed", log, occurrence=1, env=env)
    assert integrity(db_path) == [("ok",)]
    assert run_statuses(db_path) == ["abandoned", "running"]
    assert len(_history(db_path)[2]) == 3

    # Right after the jump's commit (the delisting's batch, then one per commit): the jump
    # waits in memory, so its commit is not marked read and the next run reads it again.
    kill_at(args, "batch-committed", log, occurrence=4, env=env)
    assert integrity(db_path) == [("ok",)]
    assert run_statuses(db_path) == ["abandoned", "abandoned", "running"]
    assert [f[3] for f in _history(db_path)[2]][-1] == "2026-06-05T00:00:00Z"

    # Every commit stored, the run not yet ended.
    kill_at(args, "finished", log, env=env)
    assert integrity(db_path) == [("ok",)]
    assert run_statuses(db_path) == ["abandoned", "abandoned", "abandoned", "running"]
    assert _history(db_path) == _history(reference)

    _backfill(repo, db_path)  # nothing left to read: it ends the killed run and adds nothing
    assert integrity(db_path) == [("ok",)]
    assert run_statuses(db_path) == ["abandoned"] * 4 + ["ok"]
    offers, prices, fetches = _history(db_path)
    assert (offers, prices, fetches) == _history(reference)
    assert len(fetches) == len(VERSIONS)
    opus = [p for p in prices if p[0] == OPUS]
    assert [p[9] for p in opus] == ["delisted", None], "Opus's delisting was lost across the kill"
    kimi = [(p[3], p[7]) for p in prices if p[0] == KIMI]
    assert kimi[-2:] == [("2026-06-06T00:00:00Z", "10.83"), ("2026-06-20T00:00:00Z", "8")]
