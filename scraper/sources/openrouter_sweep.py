"""A committed sweep of OpenRouter's per-model endpoints responses, cut into one entry per model.

Not a refresh source (it is not registered): ``pricewatch backfill openrouter-endpoints``
replays a repository's history of such a file. The format is the wrapper imphillip/mddb
committed (``../shared/samples/history/PROVENANCE.md``)::

    {"fetchedAt": "2026-05-31T10:39:59.454Z",
     "source": {"baseUrl", "modelsUrl", "endpointRows": 350, "failedRows": 0},
     "data": [{"modelId", "canonicalSlug", "detailsUrl", "endpointCount",
               "response": <the /api/v1/models/{canonical_slug}/endpoints body>}, ...]}

Each ``response`` is parsed by the openrouter source's own endpoints parser, so a sweep's
prices are exactly what a live refresh of those bodies would store; the endpoint -> offer
rule (``scraper/identity.py``) is applied when names are resolved, per model, as in a
refresh. Only the fields that parser reads are kept (``ENDPOINT_FIELDS``): uptime,
latency, throughput and status change on every sweep and are no price.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pricewatch.errors import SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.sources import openrouter

__all__ = [
    "DEFAULT_FILE",
    "ENDPOINT_FIELDS",
    "MODEL_FIELDS",
    "URL",
    "cut_response",
    "fetched_at",
    "looks_like_sweep",
    "parse",
    "parse_entry",
    "split",
]

DEFAULT_FILE = "openrouter-endpoints.json"
# What fetches.url says a version is a copy of: every model's endpoints URL.
URL = openrouter.DEFAULT_BASE_URL + "/api/v1/models/{canonical_slug}/endpoints"
# The fields of an endpoints body the openrouter parser reads (``_parse_endpoints``);
# tests/test_backfill_sweeps.py checks that parsing a cut body gives the same records.
MODEL_FIELDS = ("id", "name", "created")
ENDPOINT_FIELDS = ("provider_name", "tag", "quantization", "context_length", "pricing")
# An entry that stands for models the sweep says it failed to fetch.
INCOMPLETE = "#incomplete"


def _load(body: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(body)
    except ValueError as error:
        raise SourceLayoutError(f"invalid JSON ({error})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise SourceLayoutError("not an endpoints sweep: no `data` list of per-model responses")
    return doc


def looks_like_sweep(body: bytes) -> bool:
    """Whether ``body`` is a sweep file (a `data` list whose items carry a `response`)."""
    try:
        doc = _load(body)
    except SourceLayoutError:
        return False
    first = doc["data"][0] if doc["data"] else None
    return isinstance(first, dict) and "response" in first


def fetched_at(body: bytes) -> str | None:
    """The sweep's `fetchedAt` in the store's time format (to the second), None when absent."""
    value = _load(body).get("fetchedAt")
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cut_response(response: Any) -> Any:
    """An endpoints body with only the fields the parser reads (anything else passes as is)."""
    data = response.get("data") if isinstance(response, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("endpoints"), list):
        return response
    model = {key: data[key] for key in MODEL_FIELDS if key in data}
    model["endpoints"] = [
        {key: e[key] for key in ENDPOINT_FIELDS if key in e} if isinstance(e, dict) else e
        for e in data["endpoints"]
    ]
    return {"data": model}


def split(body: bytes) -> list[tuple[str, Any]]:
    """(model id, (endpoints URL, cut body)) per endpoints URL of the sweep.

    A sweep that says some models failed (``source.failedRows``) gets one more entry that
    fails to parse, so the version counts as incomplete and closes no offer.
    """
    doc = _load(body)
    entries: list[tuple[str, Any]] = []
    urls: set[str] = set()
    for index, item in enumerate(doc["data"]):
        if not isinstance(item, dict):
            entries.append((f"#{index}", (None, None)))
            continue
        model = item.get("modelId")
        slug = item.get("canonicalSlug") or model
        url = item.get("detailsUrl")
        if not isinstance(url, str) or not url:
            url = URL.format(canonical_slug=slug)
        if url in urls:
            # `:free` and the paid model share a canonical slug, hence one endpoints URL and
            # one response: a refresh fetches it once, and so it is read once here.
            continue
        urls.add(url)
        name = model if isinstance(model, str) and model else f"#{index}"
        entries.append((name, (url, cut_response(item.get("response")))))
    source = doc.get("source")
    failed = source.get("failedRows") if isinstance(source, dict) else None
    if isinstance(failed, int) and failed > 0:
        entries.append((INCOMPLETE, (None, failed)))
    return entries


def parse_entry(entry: tuple[str | None, Any]) -> Parsed:
    """One model's endpoints, parsed by the openrouter source; raises SourceLayoutError."""
    url, response = entry
    if url is None:
        if isinstance(response, int):
            raise SourceLayoutError(f"the sweep failed to fetch {response} models: it is incomplete")
        raise SourceLayoutError("a sweep item is not an object")
    if not isinstance(response, dict):
        raise SourceLayoutError(f"no endpoints response for {url}", url=url)
    return openrouter.parse(url, json.dumps(response).encode())


def parse(body: bytes) -> Parsed:
    """Every model's records of one sweep (the backfill parses it entry by entry instead)."""
    records = []
    errors = []
    for name, entry in split(body):
        try:
            parsed = parse_entry(entry)
        except SourceLayoutError as error:
            errors.append(f"{name}: {error}")
            continue
        records.extend(parsed.records)
        errors.extend(parsed.row_errors)
    return Parsed(records=records, row_errors=errors)
