"""Replay and record HTTP responses as httpx transports, so no source or refresh code branches on it.

A replay directory holds ``manifest.json`` and the bodies it names::

    {"recorded_at": "2026-08-22T18:35:39Z",
     "responses": [{"url": "https://openrouter.ai/api/v1/models", "method": "GET", "status": 200,
                    "headers": {"content-type": "application/json"},
                    "body": "openrouter.ai/api_v1_models",
                    "recorded_at": "optional, wins over the manifest-level time"}]}

``load_replay(dir)`` gives a ``ReplayTransport`` to pass to ``make_client(settings, transport=...)``.
To record, wrap a real transport in ``RecordingTransport``, run the fetches (or a whole
refresh) through it, then ``write_manifest(dir, recorder.recorded, recorded_at)``; ``record()``
does this for a fixed list of URLs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import httpx

from pricewatch.errors import FetchError, ReplayError
from pricewatch.scraper.http import RECORDED_AT_HEADER, Fetcher, FetchSettings, make_client

__all__ = [
    "MANIFEST_NAME",
    "RECORDED_HEADERS",
    "RecordResult",
    "RecordedResponse",
    "RecordingTransport",
    "ReplayEntry",
    "ReplayTransport",
    "load_replay",
    "record",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"

# The response headers a recording keeps: enough to replay caching and redirects. Bodies are
# stored decoded, so content-encoding and content-length must not be kept.
RECORDED_HEADERS = ("content-type", "etag", "last-modified", "location")

# Never served from a manifest even if hand-written into it: the body on disk is already decoded
# and httpx computes the length itself.
_UNSERVED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})

_ENTRY_KEYS = frozenset({"url", "method", "status", "headers", "body", "recorded_at", "source"})


@dataclass(frozen=True)
class ReplayEntry:
    """One recorded response in a manifest; ``body_path`` is absolute, checked to be inside the directory."""

    url: str
    method: str
    status: int
    headers: dict[str, str]
    body_path: Path | None
    recorded_at: dt.datetime | None


_Key = tuple[str, str, str, int | None, str, bytes]


def _key(method: str, url: httpx.URL) -> _Key:
    # Exact match on method, scheme, host (and port), path and query. Both sides go through
    # httpx.URL, so they are spelled the same way; nothing else is normalised.
    return (method.upper(), url.scheme, url.host, url.port, url.path, url.query)


def _format_utc(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers requests from a replay directory; unlisted URLs get a 404 with a short text body.

    A URL listed several times is served in listed order, then the last response again.
    """

    def __init__(
        self, entries: Sequence[ReplayEntry], default_recorded_at: dt.datetime | None = None
    ) -> None:
        self.entries = list(entries)
        self.default_recorded_at = default_recorded_at
        self._by_key: dict[_Key, list[ReplayEntry]] = {}
        for entry in self.entries:
            self._by_key.setdefault(_key(entry.method, httpx.URL(entry.url)), []).append(entry)
        self._served: dict[_Key, int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Serve the next recorded response for the request's method and URL."""
        key = _key(request.method, request.url)
        candidates = self._by_key.get(key)
        if not candidates:
            text = f"pricewatch replay: no recorded response for {request.method} {request.url}\n"
            return httpx.Response(404, headers={"content-type": "text/plain; charset=utf-8"}, text=text)
        index = self._served.get(key, 0)
        self._served[key] = index + 1
        entry = candidates[min(index, len(candidates) - 1)]
        headers = {k: v for k, v in entry.headers.items() if k.lower() not in _UNSERVED_HEADERS}
        recorded_at = entry.recorded_at or self.default_recorded_at
        if recorded_at is not None:
            headers[RECORDED_AT_HEADER] = _format_utc(recorded_at)
        # Read lazily: a replay directory can be large and most runs use a few sources.
        body = await asyncio.to_thread(entry.body_path.read_bytes) if entry.body_path else b""
        return httpx.Response(entry.status, headers=headers, content=body)


def _parse_time(value: object, where: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReplayError(f"{where}: recorded_at must be an ISO 8601 string, got {value!r}")
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ReplayError(f"{where}: recorded_at {value!r} is not an ISO 8601 time") from None
    if when.tzinfo is None:  # a recording's times are UTC
        return when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)


def _body_path(root: Path, body: str, where: str) -> Path:
    if PurePosixPath(body).is_absolute() or PureWindowsPath(body).is_absolute() or body.startswith("\\"):
        raise ReplayError(
            f"{where}: body path {body!r} is absolute; it must be relative to the replay directory"
        )
    path = (root / body).resolve()
    if not path.is_relative_to(root):
        raise ReplayError(f"{where}: body path {body!r} is outside the replay directory")
    if not path.is_file():
        raise ReplayError(f"{where}: body file {body!r} does not exist")
    return path


def _parse_entry(root: Path, index: int, raw: object, manifest: Path) -> ReplayEntry:
    where = f"{manifest}: responses[{index}]"
    if not isinstance(raw, dict):
        raise ReplayError(f"{where}: expected an object, got {type(raw).__name__}")
    url = raw.get("url")
    if not isinstance(url, str) or not url:
        raise ReplayError(f"{where}: 'url' must be a non-empty string")
    method = raw.get("method", "GET")
    if not isinstance(method, str) or not method:
        raise ReplayError(f"{where}: 'method' must be a non-empty string")
    where = f"{where} ({method} {url})"
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        raise ReplayError(f"{where}: unknown key(s) {', '.join(unknown)}")
    try:
        parsed_url = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ReplayError(f"{where}: invalid url ({exc})") from None
    if parsed_url.scheme not in ("http", "https") or not parsed_url.host:
        raise ReplayError(f"{where}: url must be an absolute http(s) URL")
    status = raw.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise ReplayError(f"{where}: 'status' must be an HTTP status code, got {status!r}")
    headers = raw.get("headers", {})
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise ReplayError(f"{where}: 'headers' must map names to strings")
    body = raw.get("body")
    if body is not None and not isinstance(body, str):
        raise ReplayError(f"{where}: 'body' must be a relative path")
    body_path = _body_path(root, body, where) if body else None
    return ReplayEntry(
        url=url,
        method=method.upper(),
        status=status,
        headers={k.lower(): v for k, v in headers.items()},
        body_path=body_path,
        recorded_at=_parse_time(raw.get("recorded_at"), where),
    )


def load_replay(directory: Path) -> ReplayTransport:
    """A ReplayTransport for ``directory``; raises ReplayError naming the bad entry."""
    root = Path(directory).resolve()
    manifest = root / MANIFEST_NAME
    if not manifest.is_file():
        raise ReplayError(f"no replay manifest at {manifest}")
    try:
        data: Any = json.loads(manifest.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReplayError(f"{manifest}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ReplayError(f"{manifest}: expected a JSON object with 'responses'")
    responses = data.get("responses")
    if not isinstance(responses, list):
        raise ReplayError(f"{manifest}: 'responses' must be a list")
    default = _parse_time(data.get("recorded_at"), str(manifest))
    entries = [_parse_entry(root, i, raw, manifest) for i, raw in enumerate(responses)]
    return ReplayTransport(entries, default_recorded_at=default)


# --- recording ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedResponse:
    """One response as a RecordingTransport saw it (body decoded, headers limited to RECORDED_HEADERS)."""

    url: str
    method: str
    status: int
    headers: dict[str, str]
    body: bytes
    source: str | None = None


class RecordingTransport(httpx.AsyncBaseTransport):
    """Wraps a real transport and remembers every response it passes on, in order."""

    def __init__(self, inner: httpx.AsyncBaseTransport, source: str | None = None) -> None:
        self.inner = inner
        self.source = source
        self.recorded: list[RecordedResponse] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward the request, read the whole body, remember it, and return the response."""
        response = await self.inner.handle_async_request(request)
        # aread() decodes content-encoding and caches the content; the client then reads the
        # cached bytes. Recording therefore holds whole bodies: record trusted URLs only.
        body = await response.aread()
        headers = {name: response.headers[name] for name in RECORDED_HEADERS if name in response.headers}
        self.recorded.append(
            RecordedResponse(
                str(request.url), request.method, response.status_code, headers, body, self.source
            )
        )
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 100


def _short_hash(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:12]


def _safe_name(text: str, fallback: str) -> str:
    name = _UNSAFE.sub("_", text).strip("._-")
    name = re.sub(r"\.{2,}", ".", name)  # never '..', so no name can climb out
    return name[:_MAX_NAME] or fallback


def _body_name(response: RecordedResponse, taken: set[str]) -> str:
    url = httpx.URL(response.url)
    host = _safe_name(url.host + (f"_{url.port}" if url.port else ""), "host")
    name = _safe_name(url.path.strip("/").replace("/", "_"), "index")
    if response.method != "GET":
        name = f"{response.method.lower()}__{name}"
    if url.query:
        name = f"{name}__{_short_hash(url.query)}"
    relative = f"{host}/{name}"
    counter = 0
    while relative.lower() in taken:  # the same URL twice, or two paths that sanitise alike
        counter += 1
        relative = f"{host}/{name}__{_short_hash(f'{response.method} {response.url}#{counter}')}"
    taken.add(relative.lower())  # lower(): stay unique on case-insensitive file systems
    return relative


def write_manifest(directory: Path, recorded: Sequence[RecordedResponse], recorded_at: dt.datetime) -> Path:
    """Write bodies under ``directory/<host>/<name>`` and ``manifest.json``; returns the manifest path."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    entries: list[dict[str, object]] = []
    for response in recorded:
        relative = _body_name(response, taken)
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(response.body)
        entry: dict[str, object] = {
            "url": response.url,
            "method": response.method,
            "status": response.status,
            "headers": dict(response.headers),
            "body": relative,
        }
        if response.source:
            entry["source"] = response.source
        entries.append(entry)
    manifest = root / MANIFEST_NAME
    data = {"recorded_at": _format_utc(recorded_at), "responses": entries}
    manifest.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


@dataclass(frozen=True)
class RecordResult:
    """What ``record()`` did: the manifest written, and the URLs that failed (url -> message)."""

    manifest: Path
    recorded: list[RecordedResponse]
    errors: dict[str, str] = field(default_factory=dict)


async def record(
    directory: Path,
    urls_by_source: Mapping[str, Sequence[str]],
    *,
    recorded_at: dt.datetime,
    settings: FetchSettings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> RecordResult:
    """Fetch every URL through a RecordingTransport and write a replay directory.

    ``transport`` is the real one to wrap (None: the network). Retried answers are recorded
    too (a 503 then a 200 replays the same way). A URL that still fails is listed in
    ``errors`` and the others are written anyway. Follow-up links a source's parse() returns
    are not fetched here: to record a whole refresh, pass a RecordingTransport to the
    refresh's client instead and call ``write_manifest`` afterwards.
    """
    settings = settings or FetchSettings()
    recorder = RecordingTransport(transport or httpx.AsyncHTTPTransport())
    errors: dict[str, str] = {}
    async with make_client(settings, transport=recorder) as client:
        fetcher = Fetcher(client, settings)

        async def fetch(source: str, url: str) -> None:
            try:
                await fetcher.get(url)
            except FetchError as exc:
                errors[url] = f"{source}: {exc}"

        await asyncio.gather(*(fetch(source, url) for source, urls in urls_by_source.items() for url in urls))
    # Tag each response with its source for readers of the manifest; replay ignores it.
    source_of = {url: source for source, urls in urls_by_source.items() for url in urls}
    tagged = [
        RecordedResponse(r.url, r.method, r.status, r.headers, r.body, source_of.get(r.url))
        for r in recorder.recorded
    ]
    manifest = write_manifest(directory, tagged, recorded_at)
    return RecordResult(manifest=manifest, recorded=tagged, errors=errors)
