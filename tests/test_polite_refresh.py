"""Issue 14 point 4: a polite, lean live refresh.

The models list and the per-host endpoints sweep are two sources on their own intervals
(the sweep every 6 hours by default, data/schedule.toml); every request carries a
descriptive User-Agent with a contact URL; an optional OPENROUTER_API_KEY is sent as a
Bearer token to OpenRouter only, and is never logged or stored. (Retry-After and the
injected sleep: tests/test_http.py; unchanged sweeps: tests/test_endpoint_bodies.py.)
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import openrouter_bodies as bodies
import respx
from conftest import REPO_ROOT

from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.http import CONTACT_URL
from pricewatch.scraper.schedule_config import load_schedule, parse_source_option
from pricewatch.scraper.sources import api_keys_from_env, get_source

KEY = "sk-or-v1-test-0123456789"
MODEL = "moonshotai/kimi-k2.6"


def _router() -> respx.MockRouter:
    router = respx.MockRouter(assert_all_called=False)
    router.get(bodies.LIST_URL).respond(200, json=bodies.models_body({MODEL: bodies.TRUE_PRICES[MODEL]}))
    router.get(bodies.endpoints_url(MODEL)).respond(
        200, json=bodies.one_host(MODEL, {MODEL: bodies.TRUE_PRICES[MODEL]})
    )
    return router


def _refresh(db_path: Path, catalog, router: respx.MockRouter, sources: list[str]):
    return run_refresh(
        db_path=db_path, catalog=catalog, source_names=sources, transport=httpx.MockTransport(router.handler)
    )


def test_the_shipped_schedule_sweeps_endpoints_every_six_hours_and_the_list_hourly():
    config = load_schedule(REPO_ROOT / "data" / "schedule.toml")
    sweep = config.for_source("openrouter-endpoints", get_source("openrouter-endpoints").KIND)
    listing = config.for_source("openrouter", get_source("openrouter").KIND)
    assert sweep is not None and sweep.every == timedelta(hours=6)
    assert listing is not None and listing.every == timedelta(hours=1)
    # Configurable like any source: in the file, or with --source NAME=INTERVAL.
    name, override = parse_source_option("openrouter-endpoints=12h", timedelta())
    assert (name, override.every if override else None) == ("openrouter-endpoints", timedelta(hours=12))


def test_the_list_run_makes_one_request_and_the_sweep_one_per_model(db_path, catalog):
    router = _router()
    [listing] = _refresh(db_path, catalog, router, ["openrouter"])
    assert listing.status == "ok"
    assert [str(call.request.url) for call in router.calls] == [bodies.LIST_URL]
    [sweep] = _refresh(db_path, catalog, router, ["openrouter-endpoints"])
    assert sweep.status == "ok"
    assert [str(call.request.url) for call in router.calls][1:] == [
        bodies.LIST_URL,
        bodies.endpoints_url(MODEL),
    ]


def test_every_request_says_who_we_are(db_path, catalog):
    router = _router()
    _refresh(db_path, catalog, router, ["openrouter", "openrouter-endpoints"])
    agents = {call.request.headers["user-agent"] for call in router.calls}
    assert len(agents) == 1
    [agent] = agents
    assert agent.startswith("pricewatch/") and CONTACT_URL in agent


def test_the_api_key_from_the_environment_is_sent_as_bearer_and_never_stored(db_path, catalog, monkeypatch):
    monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
    router = _router()
    outcomes = _refresh(db_path, catalog, router, ["openrouter", "openrouter-endpoints"])
    assert [o.status for o in outcomes] == ["ok", "ok"]
    assert {call.request.headers.get("authorization") for call in router.calls} == {f"Bearer {KEY}"}
    # Nowhere in the database (its file, WAL included) nor in what the run reports.
    for path in db_path.parent.glob(db_path.name + "*"):
        assert KEY.encode() not in path.read_bytes(), path
    assert all(KEY not in repr(o) for o in outcomes)


def test_without_the_variable_no_authorization_is_sent(db_path, catalog):
    router = _router()
    _refresh(db_path, catalog, router, ["openrouter"])
    assert all("authorization" not in call.request.headers for call in router.calls)


def test_the_key_is_only_for_openrouters_host():
    modules = [get_source(name) for name in ("openrouter", "openrouter-endpoints", "anthropic")]
    environ = {"OPENROUTER_API_KEY": KEY}
    assert api_keys_from_env(modules, {}, environ) == {"openrouter.ai": KEY}
    # A base URL override moves it with the source (a local mirror), never to another source.
    assert api_keys_from_env(modules, {"openrouter": "http://127.0.0.1:8000"}, environ) == {
        "127.0.0.1": KEY,
        "openrouter.ai": KEY,
    }
    assert api_keys_from_env(modules, {}, {"OPENROUTER_API_KEY": "  "}) == {}
