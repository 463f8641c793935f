"""Hostile responses (issue 18, point 5): each test is one row of docs/hostile-inputs.md,
"Hostile responses and names"; respx stands in for the servers, a local 127.0.0.1 server
only where a real socket matters (the slow-loris deadline)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import respx
from openrouter_bodies import (
    BASE,
    LIST_URL,
    TRUE_PRICES,
    endpoints_body,
    endpoints_url,
    models_body,
    one_host,
)

from pricewatch.errors import DeadlineError, UnsafeURLError
from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.http import Fetcher, FetchSettings, make_client
from pricewatch.scraper.refresh import guard_jumps
from pricewatch.scraper.sources import openrouter
from pricewatch.scraper.store import Observation, apply_observations, open_database
from pricewatch.scraper.urlpolicy import refusal

T1 = "2026-06-01T00:00:00Z"
T2 = "2026-06-02T00:00:00Z"


def _router(body: dict, endpoints: dict[str, object] | None = None) -> respx.MockRouter:
    router = respx.MockRouter(assert_all_called=False)
    router.get(LIST_URL).mock(return_value=httpx.Response(200, json=body))
    for url, answer in (endpoints or {}).items():
        router.get(url).mock(return_value=answer)
    return router


def _refresh(db_path: Path, catalog, router, sources=("openrouter",), **kwargs):
    return run_refresh(
        db_path=db_path,
        catalog=catalog,
        source_names=list(sources),
        transport=httpx.MockTransport(router.handler),
        **kwargs,
    )


def _rows(db_path: Path, sql: str, params=()) -> list[tuple]:
    db = open_database(db_path)
    return [tuple(row) for row in db.execute(sql, list(params)).fetchall()]


# ----------------------------------------------------------------------------- guards that miss


def _observation(at: str, input_price: str | None, *, variable: bool = False) -> Observation:
    value = None if input_price is None else Decimal(input_price)
    return Observation(
        model_id="acme/chat",
        provider_id="openrouter",
        tier="standard",
        min_prompt_tokens=0,
        variant="",
        observed_at=at,
        prices=(value, Decimal("2"), None, None, None, None),
        variable=variable,
    )


@pytest.mark.parametrize(
    ("new", "variable", "reason"),
    [
        ("0", False, "input 1 -> 0"),
        (None, True, "input 1 -> variable"),
        (None, False, "input 1 -> none"),
        ("0E-1000026", False, "input 1 -> 0E-1000026"),  # "1e-999999999" per token, underflowed
        ("11", False, "input 1 -> 11 (11.0x)"),
    ],
)
def test_a_move_to_zero_to_variable_or_to_none_is_held_like_a_tenfold_one(tmp_path, new, variable, reason):
    db = open_database(tmp_path / "guard.db")
    with db.atomic():
        apply_observations(db, [_observation(T1, "1")], origin="live", run_id=None, source="openrouter")
    keep, held = guard_jumps(db, [_observation(T2, new, variable=variable)])
    assert keep == []
    [(_, held_reason)] = held
    assert held_reason.endswith(": " + reason)


def test_an_optional_price_gone_is_not_held(tmp_path):
    """A cache price a page stops listing is a change of shape; it is stored, not held."""
    db = open_database(tmp_path / "guard.db")
    with_cache = _observation(T1, "1")
    with_cache = Observation(
        **{**with_cache.__dict__, "prices": (Decimal("1"), Decimal("2"), Decimal("0.1"), None, None, None)}
    )
    with db.atomic():
        apply_observations(db, [with_cache], origin="live", run_id=None, source="openrouter")
    keep, held = guard_jumps(db, [_observation(T2, "1")])
    assert (len(keep), held) == (1, [])


def test_a_move_from_zero_or_a_small_one_is_not_held(tmp_path):
    db = open_database(tmp_path / "guard.db")
    with db.atomic():
        apply_observations(db, [_observation(T1, "0")], origin="live", run_id=None, source="openrouter")
    keep, held = guard_jumps(db, [_observation(T2, "3")])
    assert (len(keep), held) == (1, [])


def test_underflow_and_overflow_prices_are_row_errors_not_zero():
    body = models_body({"a/tiny": ("1e-999999999", "0.000001"), "a/huge": ("1e1000000", "0.000001")})
    body["data"].append(models_body({"a/fine": ("0.000001", "0.000002")})["data"][0])
    parsed = openrouter.parse(LIST_URL, _json(body))
    assert [r.model for r in parsed.records] == ["a/fine"]
    assert len(parsed.row_errors) == 2 and all("out of range" in e for e in parsed.row_errors)


def test_a_listing_with_most_models_missing_holds_its_delistings(db_path, catalog):
    many = {f"test/model-{i:02d}": ("0.000001", "0.000002") for i in range(20)}
    _refresh(db_path, catalog, _router(models_body(many)))
    time.sleep(1.1)
    kept = dict(list(many.items())[:11])  # 55% of the models: not under half, still a glitch
    [outcome] = _refresh(db_path, catalog, _router(models_body(kept)))
    assert outcome.status == "partial"
    assert "delisting held: openrouter: 9 of 20 offers missing" in outcome.error
    assert _rows(db_path, "SELECT count(*) FROM prices WHERE valid_to IS NOT NULL") == [(0,)]
    time.sleep(1.1)
    [accepted] = _refresh(db_path, catalog, _router(models_body(kept)), accept_changes=True)
    assert accepted.status == "ok"
    assert _rows(db_path, "SELECT count(*) FROM prices WHERE closed_reason = 'delisted'") == [(9,)]


# ----------------------------------------------------------------------------- one bad field


def _json(doc) -> bytes:
    import json

    return json.dumps(doc).encode()


def test_one_bad_item_is_a_row_error_and_the_rest_go_on():
    body = models_body(TRUE_PRICES)
    body["data"][0]["created"] = 10**15  # no date has it
    body["data"][1]["pricing"]["prompt"] = "1e1000000"  # a Decimal overflow
    parsed = openrouter.parse(LIST_URL, _json(body))
    assert len(parsed.records) == len(TRUE_PRICES) - 2
    assert any("created: 1000000000000000 is not a date" in e for e in parsed.row_errors)
    assert any("out of range" in e for e in parsed.row_errors)


def test_an_endpoints_body_with_a_bad_created_is_a_row_error():
    body = endpoints_body("a/m", [("HostA", "hosta", "0.000001", "0.000002")])
    body["data"]["created"] = 10**15
    parsed = openrouter.parse(endpoints_url("a/m"), _json(body))
    assert parsed.records == [] and parsed.row_errors == ["a/m: created: 1000000000000000 is not a date"]


# ----------------------------------------------------------------------------- a body about another model


def test_an_endpoints_page_about_another_model_is_an_error_for_that_page(db_path, catalog):
    endpoints = {
        endpoints_url(model): httpx.Response(200, json=one_host(model, TRUE_PRICES)) for model in TRUE_PRICES
    }
    _refresh(
        db_path, catalog, _router(models_body(TRUE_PRICES), endpoints), sources=("openrouter-endpoints",)
    )
    before = _rows(db_path, "SELECT count(*), max(valid_to) FROM prices")
    time.sleep(1.1)
    # kimi's endpoints URL answers with another model's body.
    endpoints[endpoints_url("moonshotai/kimi-k2.6")] = httpx.Response(
        200, json=one_host("anthropic/claude-opus-4.8", TRUE_PRICES)
    )
    [sweep] = _refresh(
        db_path, catalog, _router(models_body(TRUE_PRICES), endpoints), sources=("openrouter-endpoints",)
    )
    assert sweep.status == "partial"
    assert "the body is about 'anthropic/claude-opus-4.8', not moonshotai/kimi-k2.6" in sweep.error
    # Nothing delisted, nothing invented.
    assert _rows(db_path, "SELECT count(*), max(valid_to) FROM prices") == before


# ----------------------------------------------------------------------------- SSRF


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:18202/internal/secrets", "not https"),
        ("https://127.0.0.1:18202/internal/secrets", "not on the source's host"),
        ("https://10.0.0.1/x", "not on the source's host"),
        ("https://openrouter.ai@evil.example/x", "not on the source's host"),
        ("https://openrouter.ai:8443/x", "not on the source's host"),
        ("http://openrouter.ai/api/v1/models/a/endpoints", "not https"),
        ("file:///etc/passwd", "not https"),
    ],
)
def test_a_follow_up_url_off_the_source_host_is_refused(url, why):
    assert why in (refusal(BASE, url) or "")


def test_same_host_follow_ups_pass_and_a_local_base_keeps_its_own_host():
    assert refusal(BASE, f"{BASE}/api/v1/models/a/endpoints") is None
    assert refusal("http://127.0.0.1:5000", "http://127.0.0.1:5000/api/v1/models/a/endpoints") is None
    assert refusal("http://127.0.0.1:5000", "http://127.0.0.1:5001/x") is not None


def test_a_details_link_to_an_internal_address_is_never_fetched_nor_stored(db_path, catalog):
    body = models_body(TRUE_PRICES)
    body["data"][0]["links"]["details"] = "http://127.0.0.1:18202/internal/admin"
    router = _router(
        body,
        {
            endpoints_url(model): httpx.Response(200, json=one_host(model, TRUE_PRICES))
            for model in TRUE_PRICES
        },
    )
    internal = router.get("http://127.0.0.1:18202/internal/admin").mock(
        return_value=httpx.Response(200, text="SECRET")
    )
    [sweep] = _refresh(db_path, catalog, router, sources=("openrouter-endpoints",))
    assert not internal.called
    assert sweep.status == "partial" and "refused, not https" in sweep.error
    stored = _rows(db_path, "SELECT url, status, sha256 FROM fetches WHERE url LIKE '%internal%'")
    assert stored == [("http://127.0.0.1:18202/internal/admin", 0, None)]


def test_a_redirect_off_the_host_is_refused_before_it_is_followed():
    router = respx.MockRouter(assert_all_called=False)
    router.get(LIST_URL).mock(
        return_value=httpx.Response(302, headers={"location": "http://169.254.169.254/latest/meta-data"})
    )
    metadata = router.get("http://169.254.169.254/latest/meta-data").mock(return_value=httpx.Response(200))
    router.get(f"{BASE}/moved").mock(return_value=httpx.Response(200, text="here"))
    router.get(f"{BASE}/old").mock(return_value=httpx.Response(301, headers={"location": "/moved"}))

    async def go():
        settings = FetchSettings()
        async with make_client(settings, transport=httpx.MockTransport(router.handler)) as client:
            fetcher = Fetcher(client, settings)
            with pytest.raises(UnsafeURLError, match=r"redirect to http://169\.254\.169\.254"):
                await fetcher.get(LIST_URL)
            return await fetcher.get(f"{BASE}/old")

    moved = asyncio.run(go())
    assert not metadata.called
    assert (moved.url, moved.body) == (f"{BASE}/moved", b"here")


# ----------------------------------------------------------------------------- deadlines


class _SlowLoris:
    """A 127.0.0.1 server that sends headers, then one byte of body every 50 ms, forever."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.socket.close()
        self.thread.join(5)

    def _serve(self) -> None:
        self.socket.settimeout(0.1)
        while not self.stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                )
                while not self.stop.wait(0.05):
                    connection.sendall(b" ")
            except OSError:
                return


def test_a_slow_loris_response_hits_the_request_deadline(db_path, catalog, monkeypatch):
    monkeypatch.setenv("PRICEWATCH_REQUEST_DEADLINE_S", "0.5")
    settings = FetchSettings.from_env({"PRICEWATCH_REQUEST_DEADLINE_S": "0.5"})

    async def fetch(url: str) -> None:
        async with make_client(settings) as client:
            await Fetcher(client, settings).get(url)

    with _SlowLoris() as server:
        with pytest.raises(DeadlineError, match=r"0\.5 s request deadline"):
            asyncio.run(fetch(server.url + "/api/v1/models"))
        [outcome] = run_refresh(
            db_path=db_path,
            catalog=catalog,
            source_names=["openrouter"],
            base_urls={"openrouter": server.url},
        )
    assert outcome.status == "failed" and "request deadline" in outcome.error


def test_a_source_past_its_deadline_fails_and_the_others_go_on(db_path, catalog, monkeypatch):
    monkeypatch.setenv("PRICEWATCH_SOURCE_DEADLINE_S", "0.5")
    router = _router(models_body(TRUE_PRICES))

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/endpoints"):
            await asyncio.sleep(3600)  # answers within no deadline; each request would wait 120 s
        return router.handler(request)

    listing, sweep = run_refresh(
        db_path=db_path,
        catalog=catalog,
        source_names=["openrouter", "openrouter-endpoints"],
        transport=httpx.MockTransport(handler),
    )
    assert listing.status == "ok"
    assert sweep.status == "failed" and "DeadlineError" in sweep.error and "source deadline" in sweep.error


def test_a_bad_deadline_setting_is_a_config_error():
    from pricewatch.errors import ConfigError

    with pytest.raises(ConfigError, match="PRICEWATCH_REQUEST_DEADLINE_S"):
        FetchSettings.from_env({"PRICEWATCH_REQUEST_DEADLINE_S": "soon"})
    assert FetchSettings.from_env({"PRICEWATCH_SOURCE_DEADLINE_S": "2"}).source_deadline_s == 2


def test_the_writer_lock_is_free_while_fetching(db_path, catalog):
    from pricewatch.errors import LockBusyError
    from pricewatch.scraper.lock import writer_lock

    seen: list[str] = []
    router = _router(
        models_body(TRUE_PRICES),
        {
            endpoints_url(model): httpx.Response(200, json=one_host(model, TRUE_PRICES))
            for model in TRUE_PRICES
        },
    )

    def probe(request):
        # Mid-fetch, another writer can take the lock at once.
        try:
            with writer_lock(db_path, wait=False):
                seen.append("free")
        except LockBusyError:
            seen.append("held")
        return httpx.Response(200, json=one_host("moonshotai/kimi-k2.6", TRUE_PRICES))

    router.get(endpoints_url("moonshotai/kimi-k2.6")).mock(side_effect=probe)
    _refresh(db_path, catalog, router, sources=("openrouter-endpoints",))
    assert seen == ["free"]
