"""Held observations: accepted ones end where a later observation contradicts them; rejected ones are never stored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

from pricewatch.cli import cli
from pricewatch.scraper.quarantine import accept_held, reject_held
from pricewatch.scraper.store import Observation, apply_observations, open_database
from pricewatch.scraper.store.writer import quarantine_observations

KIMI = ("moonshotai/kimi-k2.6", "openrouter", "standard", 0, "")
NORMAL = (Decimal("0.5415"), Decimal("2.28"), None, None, None, None)
GLITCH = (Decimal("10.83"), Decimal("45.6"), None, None, None, None)  # 20x, for a day
T1, T2, T3, DECIDED = (
    "2026-08-21T12:00:00Z",
    "2026-08-22T12:00:00Z",
    "2026-08-23T12:00:00Z",
    "2026-08-24T12:00:00Z",
)


def _obs(at: str, prices: tuple) -> Observation:
    return Observation(*KIMI, observed_at=at, prices=prices)


@pytest.fixture
def held_db(db_path):
    """The normal price at T1 and T3; the glitch of T2 held by the guard in between."""
    db = open_database(db_path)
    with db.atomic():
        apply_observations(db, [_obs(T1, NORMAL)], origin="replay", run_id=None, source="openrouter")
        quarantine_observations(
            db, 1, "openrouter", [(_obs(T2, GLITCH), "price moved more than 10x")], origin="replay"
        )
        apply_observations(db, [_obs(T3, NORMAL)], origin="replay", run_id=None, source="openrouter")
    return db


def _history(db) -> list[tuple]:
    return [
        (r["valid_from"], r["valid_to"], r["input"])
        for r in db.query("SELECT valid_from, valid_to, input FROM prices ORDER BY valid_from")
    ]


def test_an_accepted_jump_ends_at_the_later_observation_that_contradicts_it(held_db):
    decision = accept_held(held_db, DECIDED, sources=["openrouter"])
    assert len(decision.held) == 1 and decision.prices_changed == 1
    assert _history(held_db) == [(T1, T2, "0.5415"), (T2, T3, "10.83"), (T3, None, "0.5415")]
    [row] = held_db.query("SELECT status, decided_at FROM quarantine")
    assert row == {"status": "applied", "decided_at": DECIDED}


def test_a_rejected_price_is_never_stored_and_cannot_be_accepted_later(held_db):
    [held_id] = [r["id"] for r in held_db.query("SELECT id FROM quarantine")]
    assert len(reject_held(held_db, DECIDED, ids=[held_id]).held) == 1
    assert accept_held(held_db, DECIDED).held == []
    assert _history(held_db) == [(T1, None, "0.5415")]
    [row] = held_db.query("SELECT status FROM quarantine")
    assert row["status"] == "rejected"


def test_the_quarantine_command_lists_rejects_and_wants_a_target(held_db, db_path):
    runner = CliRunner()
    listed = runner.invoke(cli, ["quarantine", "list", "--db", str(db_path)])
    assert listed.exit_code == 0, listed.output
    assert "price moved more than 10x" in listed.output and T2 in listed.output
    held_status = runner.invoke(cli, ["status", "--db", str(db_path)])
    assert "Quarantine (1 pending" in held_status.output and "price moved more than 10x" in held_status.output
    bare = runner.invoke(cli, ["quarantine", "accept", "--db", str(db_path)])
    assert bare.exit_code == 2 and "ids, --source NAME, or --all" in bare.output
    rejected = runner.invoke(cli, ["quarantine", "reject", "--all", "--db", str(db_path)])
    assert rejected.exit_code == 0 and "Rejected 1 held observations" in rejected.output
    status = runner.invoke(cli, ["status", "--db", str(db_path)])
    assert "Quarantine (" not in status.output
    both = runner.invoke(cli, ["refresh", "--accept-changes", "--reject-changes", "--db", str(db_path)])
    assert both.exit_code == 2


def test_a_third_party_price_is_no_baseline_for_the_tenfold_guard(tmp_path):
    """A maker's page at $10 against LiteLLM's $0.60 is the page, not a glitch; against a measured $0.60 it is held."""
    from pricewatch.scraper.refresh import guard_jumps

    def observation(at: str, output: str, model: str) -> Observation:
        return Observation(
            model_id=model,
            provider_id="google",
            tier="standard",
            min_prompt_tokens=0,
            variant="",
            observed_at=at,
            prices=(Decimal("0.5"), Decimal(output), None, None, None, None),
        )

    db = open_database(tmp_path / "guard.db")
    with db.atomic():
        apply_observations(
            db,
            [observation("2025-06-01T00:00:00Z", "0.6", "acme/tts")],
            origin="third-party",
            run_id=None,
            source="backfill:litellm",
        )
        apply_observations(
            db,
            [observation("2025-06-01T00:00:00Z", "0.6", "acme/chat")],
            origin="live",
            run_id=None,
            source="google",
        )
    keep, held = guard_jumps(
        db,
        [
            observation("2025-11-21T00:00:00Z", "10", "acme/tts"),
            observation("2025-11-21T00:00:00Z", "10", "acme/chat"),
        ],
    )
    assert [o.model_id for o in keep] == ["acme/tts"]
    assert [(o.model_id, reason) for o, reason in held] == [
        ("acme/chat", "price moved more than 10x: output 0.6 -> 10 (16.7x)")
    ]
