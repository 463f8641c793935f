"""The analysis' inputs, built at the front from the store's values and the catalog.

The direction is one way: the store (``pricewatch.scraper.store``) returns its own plain
values and never imports ``pricewatch.analysis``; the analysis defines the types it works
on (``PricePoint``, ``ModelFacts``, ``PeerGroup``) and never imports the store or the
scraper. This module, above both, converts one into the other; the CLI's commands and the
site build call it. It holds no SQL: it asks a ``StoreReader``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pricewatch.analysis.prices import ModelFacts, ModelVersion, PricePoint, as_time
from pricewatch.analysis.ratios import PeerGroup, parse_peer_groups
from pricewatch.defaults import CURATED_WINDOW_DAYS
from pricewatch.errors import ScoreDataError, StoreError
from pricewatch.fields import PRICE_FIELDS

if TYPE_CHECKING:
    from pricewatch.scraper.catalog import Catalog, CatalogModel
    from pricewatch.scraper.store.reader import PricePeriod, StoreReader

__all__ = [
    "curated_window",
    "load_model_facts",
    "load_peer_groups",
    "load_price_points",
    "model_versions",
    "newest_scores",
    "price_point",
]


def price_point(period: PricePeriod) -> PricePoint:
    """The analysis' form of one stored price period."""
    return PricePoint(
        model=period.model,
        provider=period.provider,
        tier=period.tier,
        min_prompt_tokens=period.min_prompt_tokens,
        variant=period.variant,
        currency=period.currency,
        valid_from=period.valid_from,
        valid_to=period.valid_to,
        origin=period.origin,
        quantization=period.quantization,
        confidence=period.confidence,
        source_url=period.source_url,
        variable=period.variable,
        source=period.source,
        event=period.event,
        last_confirmed=period.last_seen,
        confirmed_by=period.last_seen_by,
        ended=period.closed_reason,
        **_price_fields(period.prices),
    )


def _price_fields(prices: tuple[Decimal | None, ...]) -> dict[str, Any]:
    """The price fields of a period by name (keyword arguments of ``PricePoint``)."""
    return dict(zip(PRICE_FIELDS, prices, strict=True))


def load_price_points(
    reader: StoreReader, facts: Mapping[str, ModelFacts] | None = None, *, window_days: int | None = None
) -> list[PricePoint]:
    """Every price period of every offer, oldest first (curated confidence and citation when known),
    settled by the current rule (``analysis.lifecycle``): ended at retirement (``facts``), and
    curated prices marked where their confirmation window runs out.

    ``window_days`` is the command line's setting (``pricewatch --curated-window-days``);
    without it, the window stored with the database (the one its views apply), else the
    default.
    """
    from pricewatch.analysis.lifecycle import settle_points

    points = [price_point(period) for period in reader.price_periods()]
    return settle_points(points, facts or {}, window_days=curated_window(reader, window_days))


def curated_window(reader: StoreReader, window_days: int | None = None) -> int:
    """The curated window in force: the command line's (``window_days``), else the one stored
    with the database (which its views apply), else the default."""
    return window_days or reader.curated_window_days() or CURATED_WINDOW_DAYS


def load_model_facts(catalog: Catalog) -> dict[str, ModelFacts]:
    """Catalog models as analysis facts: creator, open weights, makers, scores by version.

    Raises ScoreDataError when a score is uncited or keyed to a version the catalog does not
    declare (see ``model_versions``).
    """
    facts = {}
    problems: list[str] = []
    for model in catalog.models.values():
        versions, found = model_versions(model)
        problems.extend(found)
        facts[model.id] = ModelFacts(
            id=model.id,
            name=model.name,
            creator=model.creator,
            open_weights=model.open_weights,
            makers=tuple(catalog.makers_of(model.id)),
            scores=newest_scores(versions),
            versions=versions,
            retired=model.retired.on.isoformat() if model.retired else None,
        )
    if problems:
        raise ScoreDataError(Path("catalog"), problems)
    return facts


_CONFIDENCE = ("high", "medium", "low")


def _cited(entry: Mapping[str, Any], where: str) -> list[str]:
    """Problems with an entry's citation: a source URL, the evidence, a confidence."""
    problems = []
    source = entry.get("source")
    if not isinstance(source, str) or not source.startswith(("https://", "http://")):
        problems.append(f"{where}: no source URL")
    if not isinstance(entry.get("evidence"), str) or not entry["evidence"].strip():
        problems.append(f"{where}: no evidence (where the figure was read)")
    if entry.get("confidence") not in _CONFIDENCE:
        problems.append(f"{where}: confidence must be one of {', '.join(_CONFIDENCE)}")
    return problems


def model_versions(model: CatalogModel) -> tuple[tuple[ModelVersion, ...], list[str]]:
    """A catalog model's versions with their scores, oldest first, and the problems found.

    Data: ``[[models."<id>".versions]]`` declares the model's dated versions (``id``,
    ``released``, cited), and each ``[[models."<id>".scores]]`` names the ``version`` it
    measured. A model that declares no versions has one, in force from its ``released``
    date (from its first price when the catalog has no date: every price of a model with one
    version is a price of that version). Every score is cited (``source`` URL, ``evidence``,
    ``confidence``, ``measured_on``); a score keyed to an undeclared version, two versions
    released on one day, or two scores of one name for one version are problems.
    """
    where = f'models."{model.id}"'
    problems: list[str] = []
    declared: dict[str, str] = {}
    for index, entry in enumerate(model.extra.get("versions", [])):
        at = f"{where}.versions[{index}]"
        version, released = entry.get("id"), entry.get("released")
        if not isinstance(version, str) or not version:
            problems.append(f"{at}: no id")
            continue
        if not isinstance(released, date):
            problems.append(f"{at} ({version}): no release date")
            continue
        problems.extend(_cited(entry, f"{at} ({version})"))
        if version in declared:
            problems.append(f"{at}: version {version} declared twice")
        elif as_time(released) in declared.values():
            problems.append(f"{at}: two versions released on {released}")
        declared[version] = as_time(released)
    scores: dict[str, dict[str, float]] = {version: {} for version in declared}
    single = "" if not declared else None
    if single is not None:
        scores[single] = {}
    for index, entry in enumerate(model.extra.get("scores", [])):
        at = f"{where}.scores[{index}]"
        name, value, version = entry.get("name"), entry.get("value"), entry.get("version", single)
        if not isinstance(name, str) or not isinstance(value, int | float) or isinstance(value, bool):
            problems.append(f"{at}: needs a name and a numeric value")
            continue
        if "snapshot" in entry:
            problems.append(f"{at}: 'snapshot' is now 'version' (a version declared under versions)")
        if not isinstance(entry.get("measured_on"), date):
            problems.append(f"{at} ({name}): no measured_on date")
        problems.extend(_cited(entry, f"{at} ({name})"))
        if version is None:
            problems.append(f"{at} ({name}): names no version, and the model declares several")
            continue
        if version not in scores:
            problems.append(f"{at} ({name}): version {version!r} is not declared under {where}.versions")
            continue
        if name in scores[version]:
            problems.append(f"{at} ({name}): a second {name} for version {version or model.id}")
            continue
        scores[version][name] = float(value)
    if single is not None:
        valid_from = as_time(model.released) if model.released is not None else None
        return (ModelVersion(model.id, single, valid_from, scores[single]),), problems
    ordered = sorted(declared.items(), key=lambda item: item[1])
    return tuple(ModelVersion(model.id, v, since, scores[v]) for v, since in ordered), problems


def newest_scores(versions: Sequence[ModelVersion]) -> dict[str, float]:
    """Each score name's value on the newest version that has it (what a reference model stands for now)."""
    newest: dict[str, float] = {}
    for version in sorted(versions, key=lambda v: v.valid_from or ""):
        newest.update(version.scores)
    return newest


def load_peer_groups(path: Path | None = None) -> dict[str, PeerGroup]:
    """Peer groups from data/peer_groups.toml (or ``path``), in file order."""
    if path is None:
        from pricewatch.paths import shipped_data_dir

        path = shipped_data_dir() / "peer_groups.toml"
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return parse_peer_groups(document)
    except (OSError, tomllib.TOMLDecodeError, ValueError) as error:
        raise StoreError(f"peer groups {path}: {error}") from None
