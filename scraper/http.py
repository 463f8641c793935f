"""The one shared async HTTP client: timeouts, retries, a per-host limit, size and cache checks.

Every source's pages are fetched through ``Fetcher.get``; no source imports httpx. The
transport is the seam: live runs use httpx's default, replay passes
``pricewatch.scraper.replay.ReplayTransport``, tests pass ``httpx.MockTransport``.

    client = make_client(settings)                      # one per refresh: connection pooling
    fetcher = Fetcher(client, settings, cache=lookup)   # lookup(url) -> CachedResponse | None
    response = await fetcher.get(url)                   # FetchedResponse, or raises FetchError

Offline: a host whose name does not resolve (or whose network is unreachable) is detected
on its first failure, reported once as one warning line with a hint to use ``--replay``,
and every later request to it in the same run fails at once, without retries. A host that
never answers a connection is marked the same way after its attempts. Each retry is one
INFO line of the "pricewatch" logger: quiet unless ``-v``.

Politeness: every request says who we are (``FetchSettings.user_agent``, with a contact
URL); a 429 or 5xx is retried after the server's ``Retry-After`` (seconds or an HTTP-date,
capped at ``wait_max_s``), else after an exponential backoff; ``bearer`` sends an API key
(``Authorization: Bearer ...``) to the one host it is for, and it appears in no message,
log line or stored header. The wait is ``sleep`` (injected: tests record it, never wait).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import random
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import httpx

from pricewatch import __version__
from pricewatch.errors import ConfigError, DeadlineError, FetchError, UnsafeURLError
from pricewatch.scraper.urlpolicy import refusal

__all__ = [
    "CONTACT_URL",
    "DEADLINE_ENV",
    "DEFAULT_SLEEP",
    "OFFLINE_HINT",
    "RECORDED_AT_HEADER",
    "CachedResponse",
    "FetchSettings",
    "FetchedResponse",
    "Fetcher",
    "Sleep",
    "make_client",
    "offline_reason",
    "parse_retry_after",
]

_log = logging.getLogger(__name__)

# What the resolver or the kernel says when there is no network (or no such host).
_OFFLINE_MARKERS = (
    "Name or service not known",
    "Temporary failure in name resolution",
    "nodename nor servname provided",
    "No address associated with hostname",
    "getaddrinfo failed",
    "Network is unreachable",
)

#: The hint printed once per unreachable host.
OFFLINE_HINT = "offline? `pricewatch refresh --replay DIR` replays recorded responses (e.g. data/snapshot)"


def offline_reason(exc: BaseException) -> str | None:
    """Why ``exc`` means the host cannot be reached at all (DNS, no route), else None."""
    if not isinstance(exc, httpx.ConnectError):
        return None
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return f"DNS: {seen.strerror or seen}"
        text = str(seen)
        for marker in _OFFLINE_MARKERS:
            if marker in text:
                return f"DNS: {marker}" if "Network" not in marker else marker
        seen = seen.__cause__ or seen.__context__
    return None


# Set by the replay transport on every recorded response it serves; live servers never send it.
RECORDED_AT_HEADER = "x-pricewatch-recorded-at"

_MB = 1024 * 1024

# FetchSettings field -> the environment variable that overrides it (FetchSettings.from_env).
DEADLINE_ENV = {
    "request_deadline_s": "PRICEWATCH_REQUEST_DEADLINE_S",
    "source_deadline_s": "PRICEWATCH_SOURCE_DEADLINE_S",
}

# Where a site owner reads what pricewatch is and how to reach whoever runs it (in the User-Agent).
CONTACT_URL = "https://github.com/pricewatch/pricewatch"

Sleep = Callable[[float], Awaitable[None]]
# How a Fetcher waits between attempts unless it is given ``sleep`` (tests set a recorder here).
DEFAULT_SLEEP: Sleep = asyncio.sleep


@dataclass(frozen=True)
class FetchSettings:
    """How pricewatch talks to the web: timeouts in seconds, limits, retries, User-Agent."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    per_host_limit: int = 4
    max_body_bytes: int = 25 * _MB
    attempts: int = 4
    user_agent: str = f"pricewatch/{__version__} (+{CONTACT_URL}; LLM price tracker)"
    # Backoff between attempts (seconds); a Retry-After longer than wait_max_s is capped to it,
    # so one server cannot stall a whole refresh.
    wait_initial_s: float = 0.5
    wait_max_s: float = 30.0
    wait_jitter_s: float = 1.0
    # Overall deadlines: one attempt of one request, whole body included (a server that
    # trickles a byte a second never trips the read timeout), and one source's whole crawl.
    request_deadline_s: float = 120.0
    source_deadline_s: float = 900.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> FetchSettings:
        """Defaults, with the deadlines overridden by PRICEWATCH_REQUEST_DEADLINE_S and
        PRICEWATCH_SOURCE_DEADLINE_S (seconds) when set."""
        overrides: dict[str, float] = {}
        for field_name, variable in DEADLINE_ENV.items():
            text = environ.get(variable, "").strip()
            if text:
                try:
                    value = float(text)
                except ValueError:
                    raise ConfigError(f"{variable}={text!r} is not a number of seconds") from None
                if not value > 0:
                    raise ConfigError(f"{variable}={text!r} must be more than 0 seconds")
                overrides[field_name] = value
        return cls(**overrides)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CachedResponse:
    """What we kept from an earlier fetch of a URL, for a conditional request."""

    etag: str | None
    last_modified: str | None
    body: bytes


@dataclass(frozen=True)
class FetchedResponse:
    """A successful response (2xx, or 304 answered from the cache).

    ``url`` is the final URL after redirects (resolve relative links against it);
    ``headers`` has lower-case names; ``recorded_at`` is when a replayed response was
    recorded (UTC), None for live responses (the caller uses its own clock).
    """

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    not_modified: bool
    recorded_at: dt.datetime | None


def make_client(
    settings: FetchSettings, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The shared ``httpx.AsyncClient``: explicit timeouts and limits, our User-Agent, redirects followed.

    Pass ``transport`` to replay recordings or to mock in tests; None means the network.
    """
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_s,
        read=settings.read_timeout_s,
        write=settings.read_timeout_s,
        # Waiting for a pooled connection: the per-host semaphores already queue requests.
        pool=settings.read_timeout_s,
    )
    # The per-host limit is enforced by Fetcher's semaphores; the pool only caps the total.
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    return httpx.AsyncClient(
        timeout=timeout,
        limits=limits,
        headers={"User-Agent": settings.user_agent},
        follow_redirects=True,
        transport=transport,
        event_hooks={"response": [_redirect_within_host]},
    )


async def _redirect_within_host(response: httpx.Response) -> None:
    """Refuse a redirect off the host it comes from (``scraper/urlpolicy.py``), before it is followed."""
    if not response.has_redirect_location:
        return
    target = response.url.join(response.headers["location"])
    refused = refusal(str(response.url), str(target))
    if refused is not None:
        url = str(response.request.url)
        raise UnsafeURLError(
            f"GET {url}: redirect to {target} refused, {refused}", url=url, status=response.status_code
        )


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date); None if absent or bad.

    ``now`` is an aware datetime; a date in the past means 0.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 and seconds == seconds else None  # rejects NaN and negatives
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; "-0000" parses as naive
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _parse_recorded_at(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)


class _RetryableStatusError(Exception):
    """A 429 or 5xx answer; only lives inside the retry loop."""

    def __init__(self, status: int, retry_after_s: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after_s = retry_after_s


def _is_retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


class Fetcher:
    """Fetches URLs through one client with per-host limits, retries and conditional requests.

    ``bearer`` maps a host to the API key sent to it as ``Authorization: Bearer KEY`` (an
    optional key from the environment: OPENROUTER_API_KEY for openrouter.ai); no other host
    receives it (httpx drops the header on a redirect to another origin). ``sleep`` waits
    between attempts (default ``DEFAULT_SLEEP``); ``clock`` is "now" for an HTTP-date
    Retry-After.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: FetchSettings,
        cache: Callable[[str], CachedResponse | None] | None = None,
        *,
        bearer: Mapping[str, str] | None = None,
        sleep: Sleep | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.cache = cache
        self._bearer = dict(bearer or {})
        self._sleep = sleep
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        #: Hosts found unreachable in this run (host -> why); later requests to them fail at once.
        self.unreachable: dict[str, str] = {}

    def _mark_unreachable(self, host: str, reason: str) -> None:
        if host not in self.unreachable:  # one line per host, however many URLs it has
            self.unreachable[host] = reason
            _log.warning("cannot reach %s (%s); %s", host, reason, OFFLINE_HINT)

    def _semaphore(self, url: httpx.URL) -> asyncio.Semaphore:
        key = f"{url.scheme}://{url.host}:{url.port or ''}"
        semaphore = self._semaphores.get(key)
        if semaphore is None:
            semaphore = self._semaphores[key] = asyncio.Semaphore(self.settings.per_host_limit)
        return semaphore

    def _backoff(self, exc: Exception, attempt: int) -> float | None:
        """Seconds to wait before the next attempt after ``exc`` on attempt ``attempt``; None = give up.

        A Retry-After is honoured (capped at ``wait_max_s``: one server cannot stall a whole
        refresh); otherwise exponential backoff from ``wait_initial_s`` with jitter.
        """
        if isinstance(exc, _RetryableStatusError) and exc.retry_after_s is not None:
            return min(exc.retry_after_s, self.settings.wait_max_s)
        if isinstance(exc, _RetryableStatusError | httpx.TransportError):
            backoff = min(self.settings.wait_initial_s * 2 ** (attempt - 1), self.settings.wait_max_s)
            return backoff + random.uniform(0, self.settings.wait_jitter_s)
        return None

    async def get(self, url: str) -> FetchedResponse:
        """GET ``url``; retries 429/5xx and transport errors, raises FetchError when it gives up."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise FetchError(f"GET {url}: invalid URL ({exc})", url=url) from None
        cached = self.cache(url) if self.cache is not None else None
        headers: dict[str, str] = {}
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        token = self._bearer.get(parsed.host)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        host = parsed.host
        if host in self.unreachable:
            raise FetchError(
                f"GET {url}: cannot reach {host} ({self.unreachable[host]}; not tried again in this run)",
                url=url,
            )
        sleep = self._sleep or DEFAULT_SLEEP
        attempts = max(1, self.settings.attempts)
        deadline = self.settings.request_deadline_s
        for attempt in range(1, attempts + 1):
            try:
                async with self._semaphore(parsed):
                    # Inside the semaphore: time queued behind the host's other requests is not counted.
                    async with asyncio.timeout(deadline):
                        return await self._get_once(url, headers, cached)
            except TimeoutError:
                # Not retried: a server that trickles its answer would hold the source again.
                raise DeadlineError(
                    f"GET {url}: no complete answer within the {deadline:g} s request deadline", url=url
                ) from None
            except (_RetryableStatusError, httpx.TransportError) as exc:
                reason = offline_reason(exc)
                if reason is not None:  # no retry brings a name or a route back
                    self._mark_unreachable(host, reason)
                    raise FetchError(f"GET {url}: cannot reach {host} ({reason})", url=url) from exc
                wait = self._backoff(exc, attempt)
                if attempt == attempts or wait is None:
                    if isinstance(exc, httpx.ConnectTimeout):
                        self._mark_unreachable(host, f"no answer to {_attempts(attempt)} to connect")
                    cause = None if isinstance(exc, _RetryableStatusError) else exc
                    raise self._fetch_error(url, exc, attempt) from cause
                _log.info(
                    "retry %d of %d for GET %s in %.1f s (%s)", attempt + 1, attempts, url, wait, _why(exc)
                )
            except httpx.HTTPError as exc:  # too many redirects, undecodable body: not worth retrying
                raise FetchError(f"GET {url}: {type(exc).__name__}: {exc}", url=url) from exc
            # Outside the semaphore: a waiting retry holds no slot of its host.
            await sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    @staticmethod
    def _fetch_error(url: str, exc: Exception, attempts: int) -> FetchError:
        if isinstance(exc, _RetryableStatusError):
            return FetchError(
                f"GET {url}: HTTP {exc.status} after {_attempts(attempts)}", url=url, status=exc.status
            )
        if isinstance(exc, httpx.TimeoutException):
            return FetchError(
                f"GET {url}: timed out after {_attempts(attempts)} ({type(exc).__name__})", url=url
            )
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return FetchError(f"GET {url}: {detail} after {_attempts(attempts)}", url=url)

    async def _get_once(
        self, url: str, headers: dict[str, str], cached: CachedResponse | None
    ) -> FetchedResponse:
        limit = self.settings.max_body_bytes
        async with self.client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if _is_retryable_status(status):
                raise _RetryableStatusError(
                    status, parse_retry_after(response.headers.get("retry-after"), self._clock())
                )
            final_url = str(response.url)
            response_headers = dict(response.headers)
            recorded_at = _parse_recorded_at(response.headers.get(RECORDED_AT_HEADER))
            if status == 304:
                if cached is None:
                    raise FetchError(
                        f"GET {url}: HTTP 304 but no cached copy was offered", url=url, status=status
                    )
                return FetchedResponse(final_url, status, response_headers, cached.body, True, recorded_at)
            if not 200 <= status <= 299:
                raise FetchError(f"GET {url}: HTTP {status} (not retried)", url=url, status=status)
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                raise FetchError(
                    f"GET {url}: body larger than {_mb(limit)} limit (Content-Length {declared})",
                    url=url,
                    status=status,
                )
            chunks: list[bytes] = []
            size = 0
            # Counted after decompression, so a small gzip bomb is stopped too.
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(
                        f"GET {url}: body larger than {_mb(limit)} limit", url=url, status=status
                    )
                chunks.append(chunk)
            return FetchedResponse(final_url, status, response_headers, b"".join(chunks), False, recorded_at)


def _why(exc: Exception) -> str:
    if isinstance(exc, _RetryableStatusError):
        return f"HTTP {exc.status}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _attempts(count: int) -> str:
    return f"{count} attempt" if count == 1 else f"{count} attempts"


def _mb(size: int) -> str:
    return f"{size // _MB} MB" if size % _MB == 0 else f"{size} bytes"
