"""Replay from a directory and record into one, as httpx transports."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
import respx

from pricewatch.errors import ReplayError
from pricewatch.scraper.http import FetchedResponse, Fetcher, FetchSettings, make_client
from pricewatch.scraper.replay import (
    RecordingTransport,
    ReplayTransport,
    load_replay,
    record,
    write_manifest,
)

RECORDED_AT = dt.datetime(2026, 8, 22, 18, 35, 39, tzinfo=dt.UTC)


def make_dir(tmp_path: Path, responses: list[dict[str, object]], **top: object) -> Path:
    """Write a manifest plus a body file per entry whose body is given as bytes under '_content'."""
    entries = []
    for entry in responses:
        entry = dict(entry)
        content = entry.pop("_content", None)
        if isinstance(content, bytes):
            path = tmp_path / str(entry["body"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        entries.append(entry)
    (tmp_path / "manifest.json").write_text(json.dumps({**top, "responses": entries}))
    return tmp_path


def get_all(transport: httpx.AsyncBaseTransport, urls: list[str]) -> list[httpx.Response]:
    async def main() -> list[httpx.Response]:
        async with make_client(FetchSettings(), transport=transport) as client:
            return [await client.get(url) for url in urls]

    return asyncio.run(main())


def test_served_in_order_then_last_again(tmp_path: Path) -> None:
    url = "https://example.test/api"
    make_dir(
        tmp_path,
        [
            {"url": url, "status": 503, "body": "a", "_content": b"first"},
            {"url": url, "status": 200, "body": "b", "_content": b"second"},
        ],
    )
    responses = get_all(load_replay(tmp_path), [url, url, url])
    assert [(r.status_code, r.content) for r in responses] == [
        (503, b"first"),
        (200, b"second"),
        (200, b"second"),
    ]


def test_unlisted_url_is_404(tmp_path: Path) -> None:
    make_dir(tmp_path, [{"url": "https://example.test/a", "status": 200, "body": "a", "_content": b"A"}])
    (response,) = get_all(load_replay(tmp_path), ["https://example.test/b"])
    assert response.status_code == 404
    assert "no recorded response for GET https://example.test/b" in response.text


def test_query_string_must_match_exactly(tmp_path: Path) -> None:
    make_dir(
        tmp_path, [{"url": "https://example.test/a?x=1&y=2", "status": 200, "body": "a", "_content": b"A"}]
    )
    transport = load_replay(tmp_path)
    responses = get_all(
        transport,
        ["https://example.test/a?x=1&y=2", "https://example.test/a?y=2&x=1", "https://example.test/a"],
    )
    assert [r.status_code for r in responses] == [200, 404, 404]


def test_method_must_match(tmp_path: Path) -> None:
    make_dir(
        tmp_path,
        [{"url": "https://example.test/a", "method": "POST", "status": 200, "body": "a", "_content": b"A"}],
    )
    (response,) = get_all(load_replay(tmp_path), ["https://example.test/a"])
    assert response.status_code == 404


def test_scheme_and_host_must_match(tmp_path: Path) -> None:
    make_dir(tmp_path, [{"url": "https://example.test/a", "status": 200, "body": "a", "_content": b"A"}])
    responses = get_all(load_replay(tmp_path), ["http://example.test/a", "https://other.test/a"])
    assert [r.status_code for r in responses] == [404, 404]


@pytest.mark.parametrize("body", ["../x", "/etc/passwd", "sub/../../x"])
def test_body_path_outside_directory_is_refused(tmp_path: Path, body: str) -> None:
    replay_dir = tmp_path / "replay"
    replay_dir.mkdir()
    (tmp_path / "x").write_text("secret")
    make_dir(replay_dir, [{"url": "https://example.test/a", "status": 200, "body": body}])
    with pytest.raises(
        ReplayError, match=r"responses\[0\] \(GET https://example.test/a\): body path"
    ) as info:
        load_replay(replay_dir)
    assert "\n" not in str(info.value)


def test_missing_body_file_names_the_entry(tmp_path: Path) -> None:
    make_dir(tmp_path, [{"url": "https://example.test/a", "status": 200, "body": "nope"}])
    with pytest.raises(
        ReplayError, match=r"responses\[0\] \(GET https://example.test/a\): body file 'nope' does not exist"
    ):
        load_replay(tmp_path)


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="no replay manifest at"):
        load_replay(tmp_path)


def test_bad_json(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ReplayError, match="not valid JSON"):
        load_replay(tmp_path)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"status": 200}, "'url' must be a non-empty string"),
        ({"url": "https://example.test/a", "status": "200"}, "'status' must be an HTTP status code"),
        ({"url": "/relative", "status": 200}, "absolute http"),
        ({"url": "https://example.test/a", "status": 200, "stauts": 1}, "unknown key"),
        ({"url": "https://example.test/a", "status": 200, "recorded_at": "yesterday"}, "not an ISO 8601"),
    ],
)
def test_bad_entries_are_named(tmp_path: Path, entry: dict[str, object], message: str) -> None:
    make_dir(tmp_path, [entry])
    with pytest.raises(ReplayError, match=message) as info:
        load_replay(tmp_path)
    assert "responses[0]" in str(info.value)


def test_recorded_at_header_per_response_wins_over_manifest(tmp_path: Path) -> None:
    make_dir(
        tmp_path,
        [
            {"url": "https://example.test/a", "status": 200, "body": "a", "_content": b"A"},
            {
                "url": "https://example.test/b",
                "status": 200,
                "body": "b",
                "_content": b"B",
                "recorded_at": "2026-09-01T00:00:00+02:00",
            },
        ],
        recorded_at="2026-08-22T18:35:39Z",
    )
    a, b = get_all(load_replay(tmp_path), ["https://example.test/a", "https://example.test/b"])
    assert a.headers["x-pricewatch-recorded-at"] == "2026-08-22T18:35:39Z"
    assert b.headers["x-pricewatch-recorded-at"] == "2026-08-31T22:00:00Z"


def test_no_recorded_at_means_no_header(tmp_path: Path) -> None:
    make_dir(tmp_path, [{"url": "https://example.test/a", "status": 200, "body": "a", "_content": b"A"}])
    (response,) = get_all(load_replay(tmp_path), ["https://example.test/a"])
    assert "x-pricewatch-recorded-at" not in response.headers


def test_fetcher_sees_recorded_at_and_headers(tmp_path: Path) -> None:
    make_dir(
        tmp_path,
        [
            {
                "url": "https://example.test/a",
                "status": 200,
                "headers": {"Content-Type": "application/json", "Content-Encoding": "gzip"},
                "body": "a",
                "_content": b"{}",
            }
        ],
        recorded_at="2026-08-22T18:35:39Z",
    )
    settings = FetchSettings()

    async def main() -> FetchedResponse:
        async with make_client(settings, transport=load_replay(tmp_path)) as client:
            return await Fetcher(client, settings).get("https://example.test/a")

    response = asyncio.run(main())
    assert response.recorded_at == RECORDED_AT
    assert response.headers["content-type"] == "application/json"
    assert "content-encoding" not in response.headers  # bodies on disk are decoded
    assert response.body == b"{}"


def test_bodies_are_read_lazily(tmp_path: Path) -> None:
    make_dir(tmp_path, [{"url": "https://example.test/a", "status": 200, "body": "a", "_content": b"old"}])
    transport = load_replay(tmp_path)
    (tmp_path / "a").write_bytes(b"new")
    (response,) = get_all(transport, ["https://example.test/a"])
    assert response.content == b"new"


def test_record_write_and_replay_round_trip(tmp_path: Path) -> None:
    urls = [
        "https://example.test/api/v1/models",
        "https://example.test/api/v1/models?page=2",
        "https://example.test/api/v1/models?page=3",
        "https://example.test/a/..b/c%20d",
        "https://other.test:8443/",
    ]
    router = respx.MockRouter(assert_all_called=True)
    # respx matches a route without a query against any query: register the specific ones first.
    for i, url in reversed(list(enumerate(urls))):
        router.get(url).respond(200, content=f"body {i}".encode(), headers={"etag": f'"{i}"', "x-junk": "no"})
    recorder = RecordingTransport(httpx.MockTransport(router.handler))

    async def record_all() -> None:
        async with make_client(FetchSettings(), transport=recorder) as client:
            fetcher = Fetcher(client, FetchSettings())
            for url in urls:
                await fetcher.get(url)

    with router:
        asyncio.run(record_all())
    manifest_path = write_manifest(tmp_path / "rec", recorder.recorded, RECORDED_AT)
    manifest = json.loads(manifest_path.read_text())
    assert manifest["recorded_at"] == "2026-08-22T18:35:39Z"
    bodies = [entry["body"] for entry in manifest["responses"]]
    assert len(set(bodies)) == len(urls)
    for body in bodies:
        assert ".." not in body
        assert all(ch.isalnum() or ch in "._-/" for ch in body)
    assert manifest["responses"][0]["headers"] == {"etag": '"0"'}

    responses = get_all(load_replay(tmp_path / "rec"), urls)
    assert [r.content for r in responses] == [f"body {i}".encode() for i in range(len(urls))]
    assert all(r.headers["x-pricewatch-recorded-at"] == "2026-08-22T18:35:39Z" for r in responses)


def test_record_keeps_retried_answers_and_repeats(tmp_path: Path) -> None:
    url = "https://example.test/flaky"
    router = respx.MockRouter(assert_all_called=True)
    router.get(url).side_effect = [httpx.Response(503, text="busy"), httpx.Response(200, text="ok")]

    async def main() -> None:
        with router:
            result = await record(
                tmp_path,
                {"demo": [url]},
                recorded_at=RECORDED_AT,
                transport=httpx.MockTransport(router.handler),
            )
        assert result.errors == {}
        assert [r.status for r in result.recorded] == [503, 200]

    asyncio.run(main())
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [e["source"] for e in manifest["responses"]] == ["demo", "demo"]
    transport = load_replay(tmp_path)
    responses = get_all(transport, [url, url, url])
    assert [r.status_code for r in responses] == [503, 200, 200]


def test_record_lists_failed_urls(tmp_path: Path) -> None:
    router = respx.MockRouter(assert_all_called=True)
    router.get("https://example.test/ok").respond(200, text="ok")
    router.get("https://example.test/missing").respond(404)

    async def main() -> None:
        with router:
            result = await record(
                tmp_path,
                {"demo": ["https://example.test/ok", "https://example.test/missing"]},
                recorded_at=RECORDED_AT,
                transport=httpx.MockTransport(router.handler),
            )
        assert result.errors == {
            "https://example.test/missing": "demo: GET https://example.test/missing: HTTP 404 (not retried)"
        }

    asyncio.run(main())
    assert isinstance(load_replay(tmp_path), ReplayTransport)
