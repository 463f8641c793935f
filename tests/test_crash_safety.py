"""Crash safety: SIGKILL a refresh at any moment; the database stays consistent and the next refresh completes.

A local OpenRouter-shaped server on 127.0.0.1 serves 120 models with three hosts each
(enough that parsing and storing take a noticeable fraction of a second). Refreshes run
in a subprocess and are killed while fetching (the server holds the last endpoints) and
at several delays after the last response (parsing, or inside the store transaction).
After every kill the file must pass `PRAGMA integrity_check` with no half-written price
row; the next refresh marks the killed runs abandoned; and the final history equals that
of uninterrupted refreshes of the same responses (observation times are pinned by the
server's recorded-at header, so the histories compare exactly).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing

from click.testing import CliRunner
from openrouter_server import OpenRouterServer

from pricewatch.cli import cli

MODELS = 120
HOSTS = ("HostA", "HostB", "HostC")
VERSION_A = "2026-01-01T00:00:00Z"
VERSION_B = "2026-02-01T00:00:00Z"


def _market(version: str) -> tuple[dict, dict]:
    """Models and hosts at one of two times: B cuts some prices, drops a model and adds one."""
    models = {f"crash/model-{i:03d}": (f"0.000000{100 + i}", f"0.00000{100 + i}") for i in range(MODELS)}
    if version == VERSION_B:
        for i in range(0, MODELS, 7):
            models[f"crash/model-{i:03d}"] = (f"0.000000{50 + i}", f"0.00000{50 + i}")
        del models["crash/model-001"]
        models["crash/model-new"] = ("0.0000001", "0.0000002")
    hosts = {m: [(h, f"{h.lower()}/fp8", p, c) for h in HOSTS] for m, (p, c) in models.items()}
    return models, hosts


def _set_version(server: OpenRouterServer, version: str) -> None:
    models, hosts = _market(version)
    with server.lock:
        server.models, server.hosts, server.recorded_at = models, hosts, version


def _connect(db_path):
    return closing(sqlite3.connect(db_path))


def _assert_consistent(db_path) -> None:
    with _connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        half_written = conn.execute(
            "SELECT count(*) FROM prices WHERE valid_from IS NULL OR last_seen IS NULL OR currency IS NULL "
            "OR offer_id NOT IN (SELECT id FROM offers)"
        ).fetchone()[0]
        assert half_written == 0
        doubly_open = conn.execute(
            "SELECT count(*) FROM (SELECT offer_id FROM prices WHERE valid_to IS NULL GROUP BY offer_id HAVING count(*) > 1)"
        ).fetchone()[0]
        assert doubly_open == 0


def _run_statuses(db_path) -> list[str]:
    with _connect(db_path) as conn:
        return [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]


def _history(db_path):
    """Offers and their price rows in timeline order, compared by key (ids may differ)."""
    with _connect(db_path) as conn:
        offers = conn.execute(
            "SELECT model_id, provider_id, tier, min_prompt_tokens, variant, source, quantization, context_length, "
            "delisted_at FROM offers ORDER BY model_id, provider_id, tier, min_prompt_tokens, variant"
        ).fetchall()
        prices = conn.execute(
            "SELECT o.model_id, o.provider_id, o.tier, o.min_prompt_tokens, o.variant, p.valid_from, p.valid_to, "
            "p.last_seen, p.origin, p.currency, p.input, p.output, p.cache_read, p.cache_write, p.variable, "
            "p.closed_reason FROM prices p JOIN offers o ON o.id = p.offer_id "
            "ORDER BY o.model_id, o.provider_id, o.tier, o.min_prompt_tokens, o.variant, p.valid_from"
        ).fetchall()
        # Within an offer, rows were written in timeline order.
        by_id = conn.execute("SELECT offer_id, valid_from FROM prices ORDER BY offer_id, id").fetchall()
    assert by_id == sorted(by_id)
    return offers, prices


def _refresh_in_process(db_path) -> None:
    result = CliRunner().invoke(cli, ["refresh", "--db", str(db_path), "--source", "openrouter", "--quiet"])
    assert result.exit_code == 0, result.output


def _kill_refresh(server: OpenRouterServer, db_path, at: str | float) -> str:
    """Start a refresh in a subprocess and SIGKILL it while fetching ("fetch") or ``at`` s after the last response.

    Returns where the kill landed: "fetch", "after-fetch" (parsing or storing: the run was
    still open) or "finished" (its run was already closed).
    """
    expected = 1 + len(server.models)
    delivered = threading.Event()
    with server.lock:
        server.delivered.clear()

    def on_delivered(path, body):  # under server.lock
        if len(server.delivered) >= expected:
            delivered.set()

    server.on_delivered = on_delivered
    last_model = sorted(server.models)[-1]
    if at == "fetch":
        server.stall(lambda path: path.endswith(f"{last_model}/endpoints"))
    env = dict(os.environ, PRICEWATCH_OPENROUTER_BASE_URL=server.url)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pricewatch.cli",
            "refresh",
            "--db",
            str(db_path),
            "--source",
            "openrouter",
            "--quiet",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if at == "fetch":
            assert server.stalled.wait(60), "the refresh never reached the last endpoints"
        else:
            assert delivered.wait(60), "the refresh never fetched everything"
            time.sleep(at)
        process.kill()
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
        server.release()
        server.on_delivered = None
    assert process.returncode in (0, -9)
    if _run_statuses(db_path)[-1] != "running":  # the kill came after the run was stored and closed
        return "finished"
    return "fetch" if at == "fetch" else "after-fetch"


def test_sigkill_at_any_point_leaves_a_consistent_database_and_the_same_history(tmp_path, monkeypatch):
    db_path = tmp_path / "killed.db"
    reference = tmp_path / "reference.db"
    landed = []
    with OpenRouterServer({}, {}) as server:
        monkeypatch.setenv("PRICEWATCH_OPENROUTER_BASE_URL", server.url)

        _set_version(server, VERSION_A)
        _refresh_in_process(reference)
        for at in ("fetch", 0.05, 0.3):
            landed.append(_kill_refresh(server, db_path, at))
            _assert_consistent(db_path)
        _refresh_in_process(db_path)
        expected = ["ok" if where == "finished" else "abandoned" for where in landed]
        assert _run_statuses(db_path) == [*expected, "ok"]

        _set_version(server, VERSION_B)
        _refresh_in_process(reference)
        for at in (0.03,):
            landed.append(_kill_refresh(server, db_path, at))
            _assert_consistent(db_path)
        _refresh_in_process(db_path)

    _assert_consistent(db_path)
    statuses = _run_statuses(db_path)
    assert statuses.count("running") == 0 and statuses.count("ok") == 2 + landed.count("finished")
    assert statuses.count("abandoned") == sum(1 for where in landed if where != "finished")
    assert landed.count("fetch") == 1
    assert "after-fetch" in landed, f"no kill landed after the last response: {landed}"
    offers, prices = _history(db_path)
    assert (offers, prices) == _history(reference)
    assert len(offers) == (MODELS + 1) * (1 + len(HOSTS))
    delisted = [o for o in offers if o[0] == "crash/model-001"]
    assert delisted and all(o[8] == VERSION_B for o in delisted)
