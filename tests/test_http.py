"""The shared fetcher: retries, Retry-After, limits, conditional requests, User-Agent."""

from __future__ import annotations

import ast
import asyncio
import datetime as dt
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import respx

from pricewatch.errors import FetchError
from pricewatch.scraper import http as http_module
from pricewatch.scraper import replay as replay_module
from pricewatch.scraper.http import (
    CachedResponse,
    FetchedResponse,
    Fetcher,
    FetchSettings,
    make_client,
    parse_retry_after,
)

URL = "https://example.test/api/v1/models"


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.MockRouter(assert_all_called=True) as mock_router:
        yield mock_router


def fetch(
    handler: Callable[..., object] | respx.MockRouter,
    url: str = URL,
    settings: FetchSettings | None = None,
    cache: Callable[[str], CachedResponse | None] | None = None,
) -> FetchedResponse:
    settings = settings or FetchSettings()
    handle = handler.handler if isinstance(handler, respx.MockRouter) else handler

    async def main() -> FetchedResponse:
        async with make_client(settings, transport=httpx.MockTransport(handle)) as client:  # type: ignore[arg-type]
            return await Fetcher(client, settings, cache=cache).get(url)

    return asyncio.run(main())


def test_success_returns_body_status_and_no_recorded_at(router: respx.MockRouter) -> None:
    router.get(URL).respond(200, json={"data": []})
    response = fetch(router)
    assert response.status == 200
    assert response.body == b'{"data":[]}'
    assert response.not_modified is False
    assert response.recorded_at is None
    assert response.url == URL
    assert response.headers["content-type"] == "application/json"


def test_user_agent_names_pricewatch(router: respx.MockRouter) -> None:
    route = router.get(URL).respond(200, text="ok")
    fetch(router)
    user_agent = route.calls.last.request.headers["user-agent"]
    assert user_agent.startswith("pricewatch/")
    assert "LLM price tracker" in user_agent


def test_client_has_explicit_timeouts_and_follows_redirects() -> None:
    client = make_client(FetchSettings(connect_timeout_s=3.0, read_timeout_s=7.0))
    try:
        assert client.timeout.connect == 3.0
        assert client.timeout.read == 7.0
        assert client.follow_redirects is True
    finally:
        asyncio.run(client.aclose())


def test_429_with_retry_after_then_success(router: respx.MockRouter) -> None:
    route = router.get(URL)
    route.side_effect = [httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, text="ok")]
    response = fetch(router)
    assert response.body == b"ok"
    assert route.call_count == 2


def test_backoff_waits_retry_after_seconds_capped_at_wait_max() -> None:
    fetcher = Fetcher(httpx.AsyncClient(), FetchSettings(wait_max_s=30.0, wait_jitter_s=0.0))
    assert fetcher._backoff(http_module._RetryableStatusError(429, 2.0), 1) == 2.0
    assert fetcher._backoff(http_module._RetryableStatusError(503, 3600.0), 1) == 30.0
    # Without Retry-After: exponential from wait_initial_s (0.5 s), capped at wait_max_s.
    assert [fetcher._backoff(http_module._RetryableStatusError(500, None), n) for n in (1, 2, 3, 9)] == [
        0.5,
        1.0,
        2.0,
        30.0,
    ]
    assert fetcher._backoff(httpx.ConnectError("refused"), 1) == 0.5
    assert fetcher._backoff(FetchError("too big", url=URL), 1) is None


class _Waits:
    """An injected sleep: records each wait, never waits."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


NOW = dt.datetime(2026, 8, 22, 18, 0, 0, tzinfo=dt.UTC)


def _fetch_waiting(router: respx.MockRouter, waits: _Waits, **settings: float) -> FetchedResponse:
    fetch_settings = FetchSettings(wait_jitter_s=0.0, **settings)  # type: ignore[arg-type]

    async def main() -> FetchedResponse:
        async with make_client(fetch_settings, transport=httpx.MockTransport(router.handler)) as client:
            return await Fetcher(client, fetch_settings, sleep=waits, clock=lambda: NOW).get(URL)

    return asyncio.run(main())


@pytest.mark.parametrize(
    ("retry_after", "waited"),
    [
        ("7", 7.0),  # delay-seconds
        ("Sat, 22 Aug 2026 18:00:20 GMT", 20.0),  # an HTTP-date, from the injected clock
        ("Sat, 22 Aug 2026 17:00:00 GMT", 0.0),  # a date already past: at once
        ("3600", 30.0),  # longer than wait_max_s: capped
    ],
)
def test_retry_after_is_waited_before_the_next_attempt(router, retry_after, waited) -> None:
    route = router.get(URL)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": retry_after}),
        httpx.Response(200, text="ok"),
    ]
    waits = _Waits()
    assert _fetch_waiting(router, waits).body == b"ok"
    assert waits.seconds == [waited]
    assert route.call_count == 2


def test_without_retry_after_the_waits_grow_exponentially(router) -> None:
    route = router.get(URL).respond(503)
    waits = _Waits()
    with pytest.raises(FetchError):
        _fetch_waiting(router, waits, attempts=4)
    assert route.call_count == 4
    assert waits.seconds == [0.5, 1.0, 2.0]  # no wait after the last attempt


def test_the_api_key_goes_as_bearer_to_its_host_only(router) -> None:
    own = router.get(URL).respond(200, text="ok")
    other = router.get("https://other.test/pricing").respond(200, text="ok")
    settings = FetchSettings()

    async def main() -> None:
        async with make_client(settings, transport=httpx.MockTransport(router.handler)) as client:
            fetcher = Fetcher(client, settings, bearer={"example.test": "sk-or-test-123"})
            await fetcher.get(URL)
            await fetcher.get("https://other.test/pricing")

    asyncio.run(main())
    assert own.calls.last.request.headers["authorization"] == "Bearer sk-or-test-123"
    assert "authorization" not in other.calls.last.request.headers


def test_the_api_key_is_in_no_error_message(router) -> None:
    router.get(URL).respond(500)
    settings = FetchSettings(attempts=2)

    async def main() -> None:
        async with make_client(settings, transport=httpx.MockTransport(router.handler)) as client:
            await Fetcher(client, settings, bearer={"example.test": "sk-or-test-123"}).get(URL)

    with pytest.raises(FetchError) as info:
        asyncio.run(main())
    assert "sk-or-test-123" not in str(info.value) and "sk-or-test-123" not in repr(info.value)


def test_user_agent_carries_a_contact_url(router: respx.MockRouter) -> None:
    route = router.get(URL).respond(200, text="ok")
    fetch(router)
    user_agent = route.calls.last.request.headers["user-agent"]
    assert f"+{http_module.CONTACT_URL}" in user_agent and user_agent.startswith("pricewatch/")


def test_parse_retry_after_seconds() -> None:
    now = dt.datetime(2026, 8, 22, 18, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(" 0 ", now) == 0.0
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("", now) is None
    assert parse_retry_after("-5", now) is None
    assert parse_retry_after("soon", now) is None


def test_parse_retry_after_http_date() -> None:
    now = dt.datetime(2026, 8, 22, 18, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("Sat, 22 Aug 2026 18:01:30 GMT", now) == 90.0
    # A date already past means "now".
    assert parse_retry_after("Sat, 22 Aug 2026 17:00:00 GMT", now) == 0.0


def test_500_until_retries_run_out_raises_fetch_error(router: respx.MockRouter) -> None:
    route = router.get(URL).respond(500)
    with pytest.raises(FetchError) as info:
        fetch(router)
    assert route.call_count == 4
    assert info.value.status == 500
    assert info.value.url == URL
    assert str(info.value) == f"GET {URL}: HTTP 500 after 4 attempts"


def test_attempts_setting_is_honoured(router: respx.MockRouter) -> None:
    route = router.get(URL).respond(503)
    with pytest.raises(FetchError, match="HTTP 503 after 2 attempts"):
        fetch(router, settings=FetchSettings(attempts=2))
    assert route.call_count == 2


def test_connect_error_then_success(router: respx.MockRouter) -> None:
    route = router.get(URL)
    route.side_effect = [httpx.ConnectError, httpx.Response(503), httpx.Response(200, text="ok")]
    assert fetch(router).body == b"ok"
    assert route.call_count == 3


def test_timeout_every_time_raises_fetch_error(router: respx.MockRouter) -> None:
    route = router.get(URL).mock(side_effect=httpx.ReadTimeout)
    with pytest.raises(FetchError) as info:
        fetch(router)
    assert route.call_count == 4
    assert info.value.status is None
    assert str(info.value).startswith(f"GET {URL}: timed out after 4 attempts")


def test_404_is_not_retried(router: respx.MockRouter) -> None:
    route = router.get(URL).respond(404, text="gone")
    with pytest.raises(FetchError) as info:
        fetch(router)
    assert route.call_count == 1
    assert info.value.status == 404
    assert str(info.value) == f"GET {URL}: HTTP 404 (not retried)"


def test_body_over_limit_with_content_length(router: respx.MockRouter) -> None:
    route = router.get(URL).respond(200, content=b"x" * 2048)
    with pytest.raises(FetchError, match=r"body larger than 1024 bytes limit \(Content-Length 2048\)"):
        fetch(router, settings=FetchSettings(max_body_bytes=1024))
    assert route.call_count == 1  # not retried
    assert "content-length" in route.calls.last.response.headers


def test_body_over_limit_without_content_length_stops_streaming() -> None:
    pulled: list[int] = []

    async def chunks() -> object:
        for i in range(100):
            pulled.append(i)
            yield b"x" * 512

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks())  # a stream: no Content-Length

    with pytest.raises(FetchError, match="body larger than 1024 bytes limit") as info:
        fetch(handler, settings=FetchSettings(max_body_bytes=1024))
    assert info.value.status == 200
    assert len(pulled) < 100  # stopped early, did not read the whole stream


def test_default_limit_message_says_25_mb() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": str(26 * 1024 * 1024)}, content=b"")

    with pytest.raises(FetchError, match="body larger than 25 MB limit"):
        fetch(handler)


def test_per_host_limit_caps_concurrency() -> None:
    active = 0
    most = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal active, most
        active += 1
        most = max(most, active)
        await asyncio.sleep(0.01)
        active -= 1
        return httpx.Response(200, text=request.url.path)

    settings = FetchSettings(per_host_limit=2)

    async def main() -> list[FetchedResponse]:
        async with make_client(settings, transport=httpx.MockTransport(handler)) as client:
            fetcher = Fetcher(client, settings)
            return await asyncio.gather(*(fetcher.get(f"https://example.test/{i}") for i in range(10)))

    responses = asyncio.run(main())
    assert [r.body for r in responses] == [f"/{i}".encode() for i in range(10)]
    assert most == 2


def test_limit_is_per_host_not_global() -> None:
    active = 0
    most = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal active, most
        active += 1
        most = max(most, active)
        await asyncio.sleep(0.01)
        active -= 1
        return httpx.Response(200)

    settings = FetchSettings(per_host_limit=1)

    async def main() -> None:
        async with make_client(settings, transport=httpx.MockTransport(handler)) as client:
            fetcher = Fetcher(client, settings)
            await asyncio.gather(*(fetcher.get(f"https://host{i}.test/") for i in range(3)))

    asyncio.run(main())
    assert most == 3


def test_conditional_request_304_returns_cached_body(router: respx.MockRouter) -> None:
    route = router.get(URL).respond(304)
    cached = CachedResponse(etag='"abc"', last_modified="Sat, 22 Aug 2026 18:00:00 GMT", body=b"old body")
    response = fetch(router, cache=lambda url: cached if url == URL else None)
    request = route.calls.last.request
    assert request.headers["if-none-match"] == '"abc"'
    assert request.headers["if-modified-since"] == "Sat, 22 Aug 2026 18:00:00 GMT"
    assert response.not_modified is True
    assert response.status == 304
    assert response.body == b"old body"


def test_no_conditional_headers_without_cache_entry(router: respx.MockRouter) -> None:
    route = router.get(URL).respond(200, text="fresh")
    response = fetch(router, cache=lambda url: None)
    assert "if-none-match" not in route.calls.last.request.headers
    assert "if-modified-since" not in route.calls.last.request.headers
    assert response.not_modified is False


def test_changed_resource_returns_new_body(router: respx.MockRouter) -> None:
    router.get(URL).respond(200, text="new", headers={"etag": '"def"'})
    cached = CachedResponse(etag='"abc"', last_modified=None, body=b"old")
    response = fetch(router, cache=lambda url: cached)
    assert response.body == b"new"
    assert response.headers["etag"] == '"def"'


def test_recorded_at_header_is_parsed_as_utc(router: respx.MockRouter) -> None:
    router.get(URL).respond(200, text="ok", headers={"x-pricewatch-recorded-at": "2026-08-22T18:35:39Z"})
    assert fetch(router).recorded_at == dt.datetime(2026, 8, 22, 18, 35, 39, tzinfo=dt.UTC)


def test_redirect_is_followed_and_final_url_reported(router: respx.MockRouter) -> None:
    router.get(URL).respond(301, headers={"location": "https://example.test/v2"})
    router.get("https://example.test/v2").respond(200, text="moved")
    response = fetch(router)
    assert response.body == b"moved"
    assert response.url == "https://example.test/v2"


@pytest.mark.parametrize("module", [http_module, replay_module])
def test_all_lists_the_public_names(module: types.ModuleType) -> None:
    tree = ast.parse(Path(module.__file__ or "").read_text())
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
    public = {name for name in defined if not name.startswith("_") and name != "__all__"}
    assert set(module.__all__) == public
