"""Crash safety: SIGKILL a refresh at any step; the database stays consistent and the next refresh completes.

A local OpenRouter-shaped server on 127.0.0.1 serves 120 models with three hosts each;
the refreshes are of the endpoints sweep (``openrouter-endpoints``). Refreshes run in a subprocess and are SIGKILLed at steps the test controls, never after a
delay: while fetching (the server holds the last endpoints request until released), and at
the refresh's checkpoints (tests/checkpointed_cli.py stops at each and waits for the test's
answer): "fetched" (before the store transaction), "stored" (inside it, every row written)
and "closed" (committed, not yet exited). So each kill lands where the test says, on any
machine under any load, and the test knows the run status each must leave.
After every kill the file must pass `PRAGMA integrity_check` with no half-written price
row; a kill inside the transaction leaves none of its rows; the next refresh marks the
killed runs abandoned; and the final history equals that of uninterrupted refreshes of the
same responses (observation times are pinned by the server's recorded-at header, so the
histories compare exactly).
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner
from openrouter_server import OpenRouterServer

from pricewatch.cli import cli

CHECKPOINTED_CLI = Path(__file__).parent / "checkpointed_cli.py"
MODELS = 120
HOSTS = ("HostA", "HostB", "HostC")
# The endpoints sweep: 120 + 1 requests per refresh (its start page is the models list).
SOURCE = "openrouter-endpoints"
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
    result = CliRunner().invoke(cli, ["refresh", "--db", str(db_path), "--source", SOURCE, "--quiet"])
    assert result.exit_code == 0, result.output


def _answer_until(report_fd: int, go_fd: int, target: str, log) -> None:
    """Read the refresh's checkpoints, letting it go on at each, until it stops at ``target``.

    A bounded wait on the refresh (not on a clock): it fails, naming the steps seen and the
    refresh's own output, when the process ends or stays silent for two minutes first.
    """
    seen: list[str] = []
    buffer = b""
    deadline = time.monotonic() + 120
    while True:
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            step = line.decode().split()[-1]
            seen.append(step)
            if step == target:
                return
            os.write(go_fd, b"g")
        ready, _, _ = select.select([report_fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(report_fd, 4096) if ready else b""
        if not chunk:
            why = "ended" if ready else "was silent for two minutes"
            raise AssertionError(
                f"the refresh {why} before {target!r} (steps seen: {seen}): {log.read_text()}"
            )
        buffer += chunk


def _statuses(status_after: dict[str, str | None], killed_at: list[str]) -> list[str]:
    return [status for at in killed_at if (status := status_after[at]) is not None]


def _kill_refresh(server: OpenRouterServer, db_path, at: str, log) -> None:
    """Run `pricewatch refresh` in a subprocess and SIGKILL it at step ``at``.

    "fetch": while fetching (the server holds the last model's endpoints request);
    "fetched", "stored", "closed": at that checkpoint of the refresh (see
    refresh_sources), where tests/checkpointed_cli.py waits for the test's answer.
    """
    report_read, report_write = os.pipe()
    go_read, go_write = os.pipe()
    if at == "fetch":
        last_model = sorted(server.models)[-1]
        server.stall(lambda path: path.endswith(f"{last_model}/endpoints"))
    env = dict(os.environ, PRICEWATCH_OPENROUTER_BASE_URL=server.url)
    command = [sys.executable, str(CHECKPOINTED_CLI), str(report_write), str(go_read)]
    command += ["refresh", "--db", str(db_path), "--source", SOURCE, "--quiet"]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, pass_fds=(report_write, go_read)
        )
    os.close(report_write)
    os.close(go_read)
    try:
        if at == "fetch":
            assert server.stalled.wait(120), (
                f"the refresh never reached the last endpoints: {log.read_text()}"
            )
        else:
            _answer_until(report_read, go_write, at, log)
        process.kill()
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        server.release()
        os.close(report_read)
        os.close(go_write)
    assert process.returncode == -signal.SIGKILL, log.read_text()


def test_sigkill_at_any_point_leaves_a_consistent_database_and_the_same_history(tmp_path, monkeypatch):
    db_path = tmp_path / "killed.db"
    reference = tmp_path / "reference.db"
    log = tmp_path / "refresh.log"
    # Fetching writes nothing (the run starts under the writer lock, once every page is in):
    # a kill there leaves no run. A kill after the run started, before it is closed, leaves it
    # `running`: the next refresh marks it abandoned.
    status_after = {"fetch": None, "fetched": None, "stored": "abandoned", "closed": "ok"}
    killed_at = []
    with OpenRouterServer({}, {}) as server:
        monkeypatch.setenv("PRICEWATCH_OPENROUTER_BASE_URL", server.url)

        _set_version(server, VERSION_A)
        _refresh_in_process(reference)
        for at in ("fetch", "fetched", "stored"):
            _kill_refresh(server, db_path, at, log)
            killed_at.append(at)
            _assert_consistent(db_path)
            assert _run_statuses(db_path)[-1:] == ([] if status_after[at] is None else ["running"])
            assert _history(db_path)[1] == [], "a killed first refresh stored a price"
        _refresh_in_process(db_path)
        assert _run_statuses(db_path) == [*_statuses(status_after, killed_at), "ok"]
        assert _history(db_path) == _history(reference)

        _set_version(server, VERSION_B)
        _refresh_in_process(reference)
        history_a = _history(db_path)
        _kill_refresh(server, db_path, "stored", log)  # B's cuts, delistings and new model all written
        killed_at.append("stored")
        _assert_consistent(db_path)
        assert _history(db_path) == history_a, "the killed transaction left some of its rows"
        _kill_refresh(server, db_path, "closed", log)  # committed, then killed before it could exit
        killed_at.append("closed")
        _assert_consistent(db_path)
        assert _history(db_path) == _history(reference)
        _refresh_in_process(db_path)

    _assert_consistent(db_path)
    statuses = _run_statuses(db_path)
    assert statuses == [*_statuses(status_after, killed_at[:3]), "ok", "abandoned", "ok", "ok"]
    offers, prices = _history(db_path)
    assert (offers, prices) == _history(reference)
    assert len(offers) == (MODELS + 1) * len(HOSTS)
    delisted = [o for o in offers if o[0] == "crash/model-001"]
    assert delisted and all(o[8] == VERSION_B for o in delisted)
