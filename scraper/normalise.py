"""Normalise a replay directory before committing it to git, so the repository grows only with real changes.

Git scraping (``.github/workflows/scrape.yml``) records the sources every hour and
commits the directory when it changed. A raw recording changes on every fetch even when
no price did: OpenRouter's endpoints carry live health figures, the manifest carries the
recording time, and concurrent fetches land in any order. ``normalise_directory`` rewrites
the directory in place so that two recordings of the same prices are byte-identical:

- OpenRouter endpoints bodies lose each endpoint's ``status`` and every ``uptime_*``,
  ``latency_*`` and ``throughput_*`` key (prices, quantization, context length stay);
- every JSON body is written with sorted keys, two-space indents and a final newline, so
  a price change is a one-line diff (numbers keep their value: re-spelled at most, as
  ``1e-06`` for ``0.000001``; OpenRouter sends prices as strings anyway);
- the manifest drops ``recorded_at`` (in git, a snapshot's time is its commit's time:
  ``pricewatch rebuild`` uses it; ``refresh --replay`` without it observes at "now"),
  drops the ``etag`` and ``last-modified`` headers (replay never sends conditional
  requests), keeps one entry per URL (the final answer, when a fetch was retried, and
  deletes the body files only the dropped entries used), and lists entries by URL.

A rewritten body must parse, with its source's own parser, to exactly the records the
original did; otherwise NormaliseError is raised and nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pricewatch.errors import NormaliseError
from pricewatch.scraper.replay import MANIFEST_NAME, load_replay

# OpenRouter endpoints: per-endpoint health figures that change on every fetch (the same
# list a refresh drops before storing an endpoints body).
from pricewatch.scraper.sources.openrouter import VOLATILE_ENDPOINT_KEYS, VOLATILE_ENDPOINT_PREFIXES

__all__ = ["NormaliseReport", "normalise_body", "normalise_directory"]

# Response headers a replay does not use and that change without the body changing.
VOLATILE_HEADERS = frozenset({"etag", "last-modified"})
ENTRY_KEY_ORDER = ("url", "method", "status", "headers", "body", "source")


@dataclass
class NormaliseReport:
    """What normalise_directory changed."""

    bodies_rewritten: int = 0
    fields_stripped: int = 0
    entries_dropped: int = 0
    files_deleted: list[str] = field(default_factory=list)


def _is_openrouter_endpoints(url: str) -> bool:
    path = urlsplit(url).path
    return path.startswith("/api/v1/models/") and path.endswith("/endpoints")


def _strip_endpoints(data: Any) -> int:
    endpoints = data.get("data", {}).get("endpoints") if isinstance(data, dict) else None
    if not isinstance(endpoints, list):
        return 0
    stripped = 0
    for endpoint in endpoints:
        if not isinstance(endpoint, dict):
            continue
        for key in [
            k for k in endpoint if k in VOLATILE_ENDPOINT_KEYS or k.startswith(VOLATILE_ENDPOINT_PREFIXES)
        ]:
            del endpoint[key]
            stripped += 1
    return stripped


def normalise_body(url: str, body: bytes) -> tuple[bytes, int]:
    """The normalised form of one response body and how many volatile fields it lost.

    Bodies that are not JSON come back unchanged.
    """
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body, 0
    stripped = _strip_endpoints(data) if _is_openrouter_endpoints(url) else 0
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return text.encode("utf-8"), stripped


def _source_for(url: str):
    """The registered source whose default host serves ``url`` (for the parse check), or None."""
    from pricewatch.scraper.sources import all_sources

    host = urlsplit(url).hostname
    for module in all_sources():
        if urlsplit(module.DEFAULT_BASE_URL).hostname == host:
            return module
    return None


def _same_meaning(url: str, before: bytes, after: bytes) -> bool:
    module = _source_for(url)
    if module is None:
        return True
    try:
        original = module.parse(url, before)
    except Exception:  # an error page or a layout the parser rejects: nothing to compare
        return True
    try:
        rewritten = module.parse(url, after)
    except Exception:
        return False
    return _canonical(original.records) == _canonical(rewritten.records) and original.links == rewritten.links


def _canonical(records: list) -> list:
    # Sorted keys reorder a model's unit prices (and could reorder records): the same prices
    # in another order mean the same thing. Decimals compare by value.
    same_order = [
        r.model_copy(update={"unit_prices": tuple(sorted(r.unit_prices, key=lambda u: u.unit))})
        for r in records
    ]
    return sorted(
        same_order, key=lambda r: (r.model, r.provider, r.tier, r.min_prompt_tokens, r.variant, repr(r))
    )


def normalise_directory(directory: Path) -> NormaliseReport:
    """Rewrite a replay directory in place (see the module docstring); NormaliseError if a body would change meaning."""
    root = Path(directory).resolve()
    load_replay(root)  # validates the manifest and every body path first
    manifest_path = root / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    report = NormaliseReport()

    # One entry per (method, url): the last one, i.e. the final answer of a retried fetch.
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in manifest["responses"]:
        key = (raw.get("method", "GET").upper(), raw["url"])
        if key in entries:
            report.entries_dropped += 1
        entries[key] = raw
    kept = sorted(entries.values(), key=lambda e: (e["url"], e.get("method", "GET").upper()))
    used = {e["body"] for e in kept if e.get("body")}
    unused = {e["body"] for e in manifest["responses"] if e.get("body")} - used

    rewrites: dict[Path, bytes] = {}
    for entry in kept:
        if not entry.get("body"):
            continue
        path = root / entry["body"]
        if path in rewrites:
            continue
        before = path.read_bytes()
        after, stripped = normalise_body(entry["url"], before)
        if after != before:
            if not _same_meaning(entry["url"], before, after):
                raise NormaliseError(
                    f"{path}: normalising would change what {entry['url']} says; left the directory as it was"
                )
            rewrites[path] = after
            report.fields_stripped += stripped

    new_entries = []
    for entry in kept:
        headers = {
            k.lower(): v for k, v in entry.get("headers", {}).items() if k.lower() not in VOLATILE_HEADERS
        }
        clean = {**entry, "headers": dict(sorted(headers.items()))}
        clean.pop("recorded_at", None)
        clean.setdefault("method", "GET")
        ordered = {k: clean[k] for k in ENTRY_KEY_ORDER if k in clean}
        ordered.update({k: v for k, v in clean.items() if k not in ordered})
        new_entries.append(ordered)

    for path, data in rewrites.items():
        path.write_bytes(data)
    report.bodies_rewritten = len(rewrites)
    for relative in sorted(unused):
        path = (root / relative).resolve()
        if path.is_relative_to(root) and path.is_file():
            path.unlink()
            report.files_deleted.append(relative)
    out = {k: v for k, v in manifest.items() if k not in ("recorded_at", "responses")}
    out["responses"] = new_entries
    manifest_path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report
