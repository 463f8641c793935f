"""Golden fixtures, found from the source registry and the fixture folders (no list to keep).

A case is ``tests/fixtures/<source>/<case>.expected.json`` (the records the body must parse
to). Its body is stored once, in one of two homes:

- ``data/snapshot/<source>/<case>.<ext>``: the embedded snapshot, which ships in the wheel and
  which ``pricewatch demo`` replays; parsed at the URL its manifest serves it at;
- ``tests/fixtures/<source>/<case>.<ext>``: a body only the tests need (an older page, a
  variant layout); parsed at its file name beside the source's first start URL.

``<case>`` may hold folders (``endpoints/deepseek__deepseek-v3.2-20251201``). The expected JSON
is a list of records: identity fields (the offer key, the currency, effective_from) default to
PriceRecord's defaults when left out; ``model``, ``provider``, ``input`` and ``output`` are
mandatory (a null price says "not offered"); every other field is compared only where the
JSON names it (recipe-scrapers' MANDATORY/OPTIONAL split, tests/__init__.py there).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from pricewatch.fields import MANDATORY_PRICE_FIELDS, PRICE_FIELDS
from pricewatch.scraper import sources as registry
from pricewatch.scraper.records import PriceRecord
from pricewatch.scraper.replay import MANIFEST_NAME

__all__ = [
    "FIXTURES",
    "MANDATORY",
    "SNAPSHOT",
    "GoldenCase",
    "compare",
    "fixture_body",
    "golden_cases",
    "snapshot_urls",
]

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
SNAPSHOT = TESTS.parent / "data" / "snapshot"
BODY_HOMES = (SNAPSHOT, FIXTURES)
EXPECTED = ".expected.json"
MANDATORY = ("model", "provider", *MANDATORY_PRICE_FIELDS)
# Compared always, PriceRecord's default standing in when the JSON leaves one out.
IDENTITY = ("model", "provider", "tier", "min_prompt_tokens", "variant", "currency", "effective_from")
_FIELDS = set(PriceRecord.model_fields) - {"info"}


@dataclass(frozen=True)
class GoldenCase:
    """One body and the records it must parse to."""

    source: str
    name: str  # the case's path under its source folder, without suffix
    body: Path
    expected: Path
    url: str

    @property
    def id(self) -> str:
        """The pytest id: where the body lives, relative to the repository."""
        root = TESTS.parent
        return str(self.body.relative_to(root) if self.body.is_relative_to(root) else self.body)


@functools.cache
def snapshot_urls(snapshot: Path = SNAPSHOT) -> dict[Path, str]:
    """Every snapshot body and the URL the manifest serves it at."""
    manifest = json.loads((snapshot / MANIFEST_NAME).read_text(encoding="utf-8"))
    return {(snapshot / entry["body"]).resolve(): entry["url"] for entry in manifest["responses"]}


def _bodies(source: str, name: str, homes: tuple[Path, ...]) -> list[Path]:
    found = []
    for home in homes:
        base = home / source / name
        found.extend(p for p in base.parent.glob(base.name + ".*") if not p.name.endswith(EXPECTED))
    return found


def fixture_body(source: str, name: str) -> Path:
    """The one stored body of a fixture, by its file name (``"current.md"``) under the source."""
    for home in BODY_HOMES:
        if (home / source / name).is_file():
            return home / source / name
    raise FileNotFoundError(f"no body {source}/{name} under {', '.join(str(h) for h in BODY_HOMES)}")


def _url(source: str, body: Path, snapshot: Path) -> str:
    served = snapshot_urls(snapshot).get(body.resolve())
    if served is not None:
        return served
    module = registry.get_source(source)
    return urljoin(module.start_urls(module.DEFAULT_BASE_URL)[0], body.name)


def golden_cases(
    sources: Iterable[str] | None = None, *, fixtures: Path = FIXTURES, snapshot: Path = SNAPSHOT
) -> list[GoldenCase]:
    """Every case of ``sources`` (default: every registered source), in registry then path order."""
    cases = []
    for source in registry.SOURCE_NAMES if sources is None else sources:
        for expected in sorted((fixtures / source).rglob("*" + EXPECTED)):
            name = str(expected.relative_to(fixtures / source))[: -len(EXPECTED)]
            bodies = _bodies(source, name, (snapshot, fixtures))
            if len(bodies) != 1:
                raise AssertionError(f"{expected}: expected one stored body, found {bodies or 'none'}")
            cases.append(GoldenCase(source, name, bodies[0], expected, _url(source, bodies[0], snapshot)))
    return cases


def _normal(name: str, value: Any) -> Any:
    """A field's value in a form both sides compare equal on (prices as Decimal)."""
    if name in PRICE_FIELDS:
        return None if value is None else Decimal(value)
    if name == "unit_prices":
        return sorted((u["unit"], Decimal(u["amount"])) for u in value)
    if name == "list_prices":
        return sorted((u["field"], Decimal(u["amount"])) for u in value)
    if name == "effective_from" and value is not None:
        return str(value)  # a date parsed, or "YYYY-MM-DD" in the JSON
    return value


def _as_expected(record: PriceRecord) -> dict[str, Any]:
    row = record.model_dump(exclude={"info"})
    row["unit_prices"] = [{"unit": u.unit, "amount": u.amount} for u in record.unit_prices]
    row["list_prices"] = [{"field": u.field, "amount": u.amount} for u in record.list_prices]
    return {name: _normal(name, value) for name, value in row.items()}


def compare(records: list[PriceRecord], expected: list[dict[str, Any]]) -> list[str]:
    """What differs between parsed records and the expected JSON; empty when they agree."""
    problems = []
    defaults = {name: PriceRecord.model_fields[name].default for name in IDENTITY[2:]}
    actual = {}
    for record in records:
        row = _as_expected(record)
        key = tuple(row[name] for name in IDENTITY)
        if key in actual:
            problems.append(f"two records share the offer key {key}")
        actual[key] = row
    wanted = {}
    for item in expected:
        missing = [name for name in MANDATORY if name not in item]
        unknown = sorted(set(item) - _FIELDS)
        if missing or unknown:
            problems.append(f"expected row {item}: missing mandatory {missing}, unknown fields {unknown}")
            continue
        row = {**defaults, **item}
        wanted[tuple(row[name] for name in IDENTITY)] = {name: _normal(name, v) for name, v in row.items()}
    for key in sorted(set(actual) - set(wanted), key=repr):
        problems.append(f"parsed but not expected: {key}")
    for key in sorted(set(wanted) - set(actual), key=repr):
        problems.append(f"expected but not parsed: {key}")
    for key in sorted(set(wanted) & set(actual), key=repr):
        for name, value in wanted[key].items():
            if actual[key][name] != value:
                problems.append(f"{key} {name}: parsed {actual[key][name]!r}, expected {value!r}")
    return problems
