"""Issue 14: an unchanged endpoints sweep adds no price row and no stored body.

OpenRouter's endpoints bodies change on every fetch (uptime, latency, throughput, status)
while the prices do not. The refresh stores each endpoints body normalised
(``openrouter.normalise_endpoints_body``): those fields dropped, endpoints in a fixed
order, keys sorted. Replaying one sweep twice with other uptimes (and another endpoint
order) then only moves ``fetches.last_fetched_at``.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import openrouter_bodies as bodies

from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.sources import openrouter
from pricewatch.scraper.store import open_database

SWEEP_SOURCES = ["openrouter", "openrouter-endpoints"]
MODEL = "moonshotai/kimi-k2.6"
HOSTS = [
    ("DeepInfra", "deepinfra/fp4", "0.00000075", "0.0000035"),
    ("Io Net", "io-net/int4", "0.00000073", "0.00000349"),
    ("Fireworks", "fireworks", "0.00000095", "0.000004"),
]


def _endpoints(uptime: float, status: int, reverse: bool = False) -> dict:
    body = bodies.endpoints_body(MODEL, HOSTS)
    for endpoint in body["data"]["endpoints"]:
        endpoint.update(
            status=status,
            uptime_last_30m=uptime,
            uptime_last_5m=uptime + 0.5,
            uptime_last_1d=uptime - 1,
            latency_last_30m=None if reverse else 812.5,
            throughput_last_30m=42.0 + uptime,
        )
    if reverse:
        body["data"]["endpoints"].reverse()
    return body


def _sweep(db_path: Path, catalog, endpoints: dict, at: str) -> None:
    served = {
        bodies.LIST_URL: bodies.models_body({MODEL: bodies.TRUE_PRICES[MODEL]}),
        bodies.endpoints_url(MODEL): endpoints,
    }

    def handler(request: httpx.Request) -> httpx.Response:
        body = served.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        return httpx.Response(200, json=body, headers={"x-pricewatch-recorded-at": at})

    outcomes = run_refresh(
        db_path=db_path, catalog=catalog, source_names=SWEEP_SOURCES, transport=httpx.MockTransport(handler)
    )
    assert all(o.status == "ok" for o in outcomes), [(o.source, o.error) for o in outcomes]


def _counts(db_path: Path) -> dict[str, int]:
    db = open_database(db_path)
    return {
        table: next(iter(db.query(f"SELECT count(*) AS n FROM {table}")))["n"]
        for table in ("prices", "raw_responses", "fetches")
    }


def test_an_unchanged_sweep_replayed_twice_adds_no_price_row_and_no_body(db_path, catalog):
    _sweep(db_path, catalog, _endpoints(99.58, 0), "2026-05-18T00:00:00Z")
    first = _counts(db_path)
    assert first["prices"] >= 4  # OpenRouter's own price and three hosts
    # The same prices an hour later: other uptimes, another status, another endpoint order.
    _sweep(db_path, catalog, _endpoints(87.25, -2, reverse=True), "2026-05-18T01:00:00Z")
    assert _counts(db_path) == first
    db = open_database(db_path)
    [fetch] = db.query(
        "SELECT fetched_at, last_fetched_at FROM fetches WHERE url = ?", [bodies.endpoints_url(MODEL)]
    )
    assert (fetch["fetched_at"], fetch["last_fetched_at"]) == ("2026-05-18T00:00:00Z", "2026-05-18T01:00:00Z")


def test_the_stored_body_is_the_normalised_one(db_path, catalog):
    _sweep(db_path, catalog, _endpoints(99.58, 0), "2026-05-18T00:00:00Z")
    from pricewatch.scraper.store import load_raw_body

    db = open_database(db_path)
    [fetch] = db.query("SELECT sha256 FROM fetches WHERE url = ?", [bodies.endpoints_url(MODEL)])
    stored = json.loads(load_raw_body(db, fetch["sha256"]))
    endpoints = stored["data"]["endpoints"]
    assert [e["tag"] for e in endpoints] == ["deepinfra/fp4", "fireworks", "io-net/int4"]
    assert not any(
        k == "status" or k.startswith(("uptime_", "latency_", "throughput_")) for e in endpoints for k in e
    )
    assert endpoints[0]["pricing"] == {"completion": "0.0000035", "discount": 0, "prompt": "0.00000075"}


def test_a_price_change_in_the_sweep_is_still_a_new_body_and_row(db_path, catalog):
    _sweep(db_path, catalog, _endpoints(99.58, 0), "2026-05-18T00:00:00Z")
    first = _counts(db_path)
    changed = _endpoints(99.58, 0)
    changed["data"]["endpoints"][0]["pricing"]["prompt"] = "0.0000007"
    _sweep(db_path, catalog, changed, "2026-05-18T06:00:00Z")
    after = _counts(db_path)
    assert after["raw_responses"] == first["raw_responses"] + 1
    assert after["prices"] == first["prices"] + 1


def test_normalising_is_pure_and_idempotent():
    raw = json.dumps(_endpoints(99.58, 0)).encode()
    once = openrouter.normalise_endpoints_body(raw)
    assert openrouter.normalise_endpoints_body(once) == once
    assert (
        openrouter.normalise_endpoints_body(json.dumps(_endpoints(12.0, -5, reverse=True)).encode()) == once
    )
    # Parsed the same as what was sent.
    url = bodies.endpoints_url(MODEL)
    assert openrouter.parse(url, once).records == sorted(
        openrouter.parse(url, raw).records, key=lambda r: r.endpoint
    )
    # Not an endpoints body: returned as it came, for the parser to judge.
    assert openrouter.normalise_endpoints_body(b"<html>") == b"<html>"
    assert openrouter.normalise_body(bodies.LIST_URL, b'{"data": []}') == b'{"data": []}'
