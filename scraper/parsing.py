"""What every source's ``parse`` returns, and the source module contract.

A source is one module in ``scraper/sources/`` with:

- ``NAME`` (slug), ``KIND`` (aggregator, first-party, host), ``DEFAULT_BASE_URL``;
- ``LISTS_EVERYTHING``: True when one complete response lists everything the source
  sells, so a complete ok run may close (delist) offers that disappeared;
- ``start_urls(base_url) -> list[str]``: the pages a refresh fetches first;
- ``parse(url, body) -> Parsed``: pure (no I/O, no clock); records, further links to
  fetch (relative to ``url``), and per-row problems;
- optionally ``normalise_body(url, body) -> bytes``: pure; what the refresh parses and
  stores instead of the body as sent, without what changes on every fetch while meaning
  nothing (OpenRouter's endpoint uptimes), so an unchanged fetch stores no new body.

Observation time, run id and the body's hash are added by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from pricewatch.scraper.records import PriceRecord

__all__ = ["Parsed", "SourceModule"]


@dataclass(frozen=True)
class Parsed:
    """The result of parsing one body."""

    records: list[PriceRecord]
    links: list[str] = field(default_factory=list)
    row_errors: list[str] = field(default_factory=list)
    # What the body says it is about (an OpenRouter endpoints body's model id), when it says.
    subject: str | None = None
    # link -> the subjects its body may name: a body about anything else is an error for
    # that page, never records (an endpoints URL answered with another model's body).
    link_subjects: Mapping[str, frozenset[str]] = field(default_factory=dict)


class SourceModule(Protocol):
    """The shape of a source module (checked by tests/test_sources_registry.py)."""

    NAME: str
    KIND: str
    DEFAULT_BASE_URL: str
    LISTS_EVERYTHING: bool

    def start_urls(self, base_url: str) -> list[str]: ...

    def parse(self, url: str, body: bytes) -> Parsed: ...
