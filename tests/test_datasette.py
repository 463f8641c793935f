"""Datasette: the shipped metadata describes every table and column; `pricewatch datasette` serves canned queries."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import processes
import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT

from pricewatch.cli import cli
from pricewatch.commands.datasette import metadata_for
from pricewatch.scraper.store import open_database

METADATA = REPO_ROOT / "data" / "datasette-metadata.json"
SNAPSHOT = REPO_ROOT / "data" / "snapshot"


def _metadata() -> dict:
    return json.loads(METADATA.read_text())["databases"]["pricewatch"]


def test_metadata_describes_every_table_view_and_column(db_path):
    db = open_database(db_path)
    described = _metadata()["tables"]
    missing = []
    for name in [*db.table_names(), *db.view_names()]:
        if name not in described or not described[name].get("description"):
            missing.append(f"table {name}")
            continue
        for column in db[name].columns:
            if not described[name].get("columns", {}).get(column.name):
                missing.append(f"column {name}.{column.name}")
    stale = [name for name in described if name not in db.table_names() + db.view_names()]
    assert missing == [], "describe these in data/datasette-metadata.json"
    assert stale == [], "these are no longer in the schema"


def test_metadata_has_title_licence_source_and_the_canned_queries():
    metadata = json.loads(METADATA.read_text())
    for key in ("title", "description_html", "license", "license_url", "source", "source_url"):
        assert metadata[key], key
    assert "per million tokens" in metadata["description_html"] and "UTC" in metadata["description_html"]
    queries = _metadata()["queries"]
    assert set(queries) >= {
        "model_price_history",
        "biggest_price_cuts_this_year",
        "cheapest_open_weight_hosts",
    }
    assert ":model" in queries["model_price_history"]["sql"]
    # A canned query named like a view would hide the view at its URL.
    assert "price_history" not in queries
    assert "CAST" not in json.dumps(queries)  # the views' prices are numbers already


def test_canned_queries_run_in_sqlite(tmp_path):
    db_path = tmp_path / "pw.db"
    assert CliRunner().invoke(
        cli, ["refresh", "--db", str(db_path), "--replay", str(SNAPSHOT)]
    ).exit_code in (0, 1)
    db = open_database(db_path)
    queries = _metadata()["queries"]
    history = list(db.query(queries["model_price_history"]["sql"], {"model": "Kimi K2.6"}))
    assert any(
        r["provider"] == "openrouter" and r["input_text"] == "0.5415" and r["input"] == 0.5415
        for r in history
    )
    cheapest = {r["model"]: r for r in db.query(queries["cheapest_open_weight_hosts"]["sql"])}
    assert (
        "moonshotai/kimi-k2.6" in cheapest
        and cheapest["moonshotai/kimi-k2.6"]["cheapest_host"] != "openrouter"
    )
    list(db.query(queries["biggest_price_cuts_this_year"]["sql"]))


def test_metadata_is_keyed_by_the_database_file_name(tmp_path):
    metadata = metadata_for(tmp_path / "history.db")
    assert list(metadata["databases"]) == ["history"]


def test_datasette_command_without_the_extra_is_one_line(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name, *a)
    )
    result = CliRunner().invoke(cli, ["datasette", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 4
    assert result.output == "Error: Datasette is not installed: pip install 'pricewatch-llm[datasette]'\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _nothing_listens_on(port: int) -> bool:
    """True when a new server could listen on ``port`` (SO_REUSEADDR: connections in
    TIME_WAIT do not count, a socket still listening does)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
        except OSError:
            return False
    return True


def test_datasette_serves_a_canned_query_as_json_and_stops_with_its_port(tmp_path):
    pytest.importorskip("datasette")
    db_path = tmp_path / "pricewatch.db"
    assert CliRunner().invoke(
        cli, ["refresh", "--db", str(db_path), "--replay", str(SNAPSHOT)]
    ).exit_code in (0, 1)
    port = _free_port()
    log = tmp_path / "datasette.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "pricewatch.cli", "datasette", "--db", str(db_path), "--port", str(port)],
            env=dict(os.environ),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # a bounded wait for the server to answer
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"datasette did not start: {log.read_text()}")
            time.sleep(0.1)
        if processes.AVAILABLE:  # the command became the server: no child holds the port
            assert processes.descendants(process.pid) == []
            assert "datasette serve" in processes.command_line(process.pid)
        response = httpx.get(
            f"{base}/pricewatch/price_history.json",
            params={"model": "moonshotai/kimi-k2.6", "_shape": "array"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        rows = response.json()
        assert any(r["provider"] == "openrouter" and r["input_text"] == "0.5415" for r in rows)
        # The view sorts its prices as numbers: 10 after 8, not before.
        ranked = httpx.get(
            f"{base}/pricewatch/current_prices.json",
            params={"_sort_desc": "input", "_shape": "array", "_size": "20", "input__notblank": "1"},
            timeout=10,
        ).json()
        inputs = [r["input"] for r in ranked]
        assert inputs == sorted(inputs, reverse=True), inputs
        named = httpx.get(
            f"{base}/pricewatch/model_price_history.json",
            params={"model": "Kimi K2.6", "_shape": "array"},
            timeout=10,
        ).json()
        assert any(r["input_text"] == "0.5415" for r in named)
        assert all(r["valid_from"].endswith("Z") for r in rows)
        page = httpx.get(f"{base}/pricewatch/prices", timeout=10).text
        assert "Change-only price history" in page
        assert "price_history" in httpx.get(f"{base}/pricewatch", timeout=10).text  # the metadata arrived
    finally:
        process.terminate()  # SIGTERM, as a service manager stops it
        try:
            code = process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
    # uvicorn shuts down cleanly, then ends by the signal it caught (exit status -15).
    assert code in (0, -signal.SIGTERM), log.read_text()
    assert "Application shutdown complete" in log.read_text()
    assert _nothing_listens_on(port)
