"""Retail over open-weight prices: per peer group and for any pair of models, now and over time (pure).

Words used here:

- a model's **retail** price is its maker's own price (``prices.retail_price``);
- its **market** price is what hosts charge, as a statistic across hosts: "cheapest",
  "median", or a named host (a provider id), optionally unquantized offers only
  (``prices.market_price``; OpenRouter's own list price is not a host's and is left out);
- a model's price ``basis`` says which of the two a ratio uses:
  ``"weights"`` retail for closed-weight models, market for open-weight ones (the peer
  group rule, and DEFLATION_METHODS.md §8.1's host rule); ``"auto"`` retail where the
  maker sells the model, else market (the pair rule: DeepSeek V3.2 at DeepSeek's own
  price); ``"retail"`` or ``"market"`` to force one;
- the **group's open-market price** is, for each of input, output and blended, the
  ``group_statistic`` ("median" by default, or "cheapest" = the minimum) of that price
  over the group's open models that have one. Each field is taken separately, so the
  cheapest input and the cheapest output may come from different models; the blended
  figure is the statistic of the models' blended prices (never a blend of the two
  statistics). The median is the default because a group is a set of alternatives
  a buyer might pick; "cheapest" answers "how far above the cheapest alternative".
  The closed side is aggregated the same way for the group's headline ratio.

Every price carries the ``PricePoint`` values it rests on (provider, dates, origin,
curated confidence), so a reader can redo each ratio by hand.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

from pricewatch.analysis.prices import (
    ModelFacts,
    PriceIndex,
    PricePoint,
    as_index,
    as_time,
    market_price,
    retail_price,
)
from pricewatch.analysis.workloads import DEFAULT_BLEND_WEIGHTS, blended_price, describe_point
from pricewatch.errors import MissingPriceError, UnknownPeerGroupError
from pricewatch.money import json_number

__all__ = [
    "RATIO_FIELDS",
    "Basis",
    "GroupRatio",
    "GroupStatistic",
    "ModelPrice",
    "PeerGroup",
    "PriceRatio",
    "change_times",
    "get_peer_group",
    "group_ratio",
    "group_ratio_series",
    "model_price",
    "pair_ratio",
    "pair_ratio_series",
    "parse_peer_groups",
    "ratio_of",
]

RATIO_FIELDS = ("input", "output", "blended")
Basis = Literal["auto", "weights", "retail", "market"]
GroupStatistic = Literal["median", "cheapest"]
TimeLike = str | date | datetime


# ----------------------------------------------------------------------------- peer groups


@dataclass(frozen=True)
class PeerGroup:
    """A declared comparison: closed-weight models against open-weight ones, and why."""

    id: str
    title: str
    closed: tuple[str, ...]
    open: tuple[str, ...]
    basis: str = ""
    reason: str = ""
    sources: tuple[str, ...] = ()

    @property
    def models(self) -> tuple[str, ...]:
        return self.closed + self.open


def parse_peer_groups(document: Mapping[str, Any]) -> dict[str, PeerGroup]:
    """Peer groups from a parsed data/peer_groups.toml (``{"groups": {id: {...}}}``), in file order."""
    groups = document.get("groups")
    if not isinstance(groups, Mapping):
        raise ValueError("peer groups: no [groups.<id>] tables")
    result: dict[str, PeerGroup] = {}
    for group_id, table in groups.items():
        closed, open_ = table.get("closed"), table.get("open")
        if not closed or not open_:
            raise ValueError(f"peer group {group_id}: needs non-empty 'closed' and 'open' lists")
        overlap = set(closed) & set(open_)
        if overlap:
            raise ValueError(f"peer group {group_id}: {', '.join(sorted(overlap))} is on both sides")
        result[group_id] = PeerGroup(
            id=group_id,
            title=str(table.get("title", group_id)),
            closed=tuple(closed),
            open=tuple(open_),
            basis=str(table.get("basis", "")),
            reason=str(table.get("reason", "")).strip(),
            sources=tuple(table.get("sources", ())),
        )
    return result


def get_peer_group(groups: Mapping[str, PeerGroup], group_id: str) -> PeerGroup:
    """A group by id; raises ``UnknownPeerGroupError`` listing the known ids."""
    try:
        return groups[group_id]
    except KeyError:
        raise UnknownPeerGroupError(group_id, list(groups)) from None


# ----------------------------------------------------------------------------- one model's price


@dataclass(frozen=True)
class ModelPrice:
    """A model's price at a time on a stated basis, USD per million tokens, with its inputs."""

    model: str
    basis: str
    at: str
    input: Decimal | None
    output: Decimal | None
    blended: Decimal | None
    points: tuple[PricePoint, ...]
    note: str = ""

    def value(self, field: str) -> Decimal | None:
        """input, output or blended."""
        return getattr(self, field)

    @property
    def inputs(self) -> tuple[str, ...]:
        """One line per stored price used: provider, tier, dates, origin and confidence."""
        return tuple(describe_point(p) for p in self.points)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "basis": self.basis,
            "at": self.at,
            "input": json_number(self.input),
            "output": json_number(self.output),
            "blended": json_number(self.blended),
            "note": self.note,
            "inputs": list(self.inputs),
        }


def _market_label(statistic: str, unquantized_only: bool) -> str:
    kind = statistic if statistic in ("cheapest", "median") else f"host {statistic}"
    return f"market ({kind}{', unquantized' if unquantized_only else ''})"


def model_price(
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    model: str,
    at: TimeLike,
    *,
    basis: Basis = "auto",
    statistic: str = "cheapest",
    unquantized_only: bool = False,
    weights: Sequence[int | Decimal] = DEFAULT_BLEND_WEIGHTS,
) -> ModelPrice | None:
    """A model's standard, base-context price at ``at`` on ``basis`` (see the module doc); None if unknown."""
    at = as_time(at)
    fact = facts.get(model)
    if not isinstance(points, PriceIndex):
        return _model_price(list(points), fact, model, at, basis, statistic, unquantized_only, weights)
    # Trends and ratio series ask for the same model at many times: one answer per stretch
    # between the model's price events (``PriceIndex.stretch``), restated for each time.
    key = (model, points.stretch(model, at), basis, statistic, unquantized_only, tuple(weights))
    memo = points.memo("model_price")
    hit = memo.get(key)
    if hit is None or hit[0] is not fact:
        hit = memo[key] = (
            fact,
            _model_price(points, fact, model, at, basis, statistic, unquantized_only, weights),
        )
    found = hit[1]
    if found is None or found.at == at:
        return found
    return ModelPrice(
        model=found.model,
        basis=found.basis,
        at=at,
        input=found.input,
        output=found.output,
        blended=found.blended,
        points=found.points,
        note=found.note,
    )


def _model_price(
    points: Sequence[PricePoint],
    fact: ModelFacts | None,
    model: str,
    at: str,
    basis: Basis,
    statistic: str,
    unquantized_only: bool,
    weights: Sequence[int | Decimal],
) -> ModelPrice | None:
    use_retail = {
        "retail": True,
        "market": False,
        "auto": True,
        "weights": fact is not None and not fact.open_weights,
    }[basis]
    if use_retail and fact is not None:
        found = retail_price(points, fact, at)
        if found is not None and found.input is not None and found.output is not None:
            return ModelPrice(
                model=model,
                basis=f"retail ({found.provider})",
                at=at,
                input=found.input,
                output=found.output,
                blended=blended_price(found.input, found.output, weights),
                points=(found,),
            )
    if basis in ("retail", "weights") and use_retail:
        return None
    market = market_price(points, model, at, statistic=statistic, unquantized_only=unquantized_only)
    if market is None:
        return None
    if market.statistic == "median":
        note = "median of the hosts' input and output prices; blended from the two medians"
    else:
        note = "the host offer with the lowest blended price" if statistic == "cheapest" else ""
    return ModelPrice(
        model=model,
        basis=_market_label(statistic, unquantized_only),
        at=at,
        input=market.input,
        output=market.output,
        blended=blended_price(market.input, market.output, weights),
        points=market.offers,
        note=note,
    )


# ----------------------------------------------------------------------------- ratios


@dataclass(frozen=True)
class PriceRatio:
    """``numerator`` over ``denominator`` for input, output and blended prices (None when not computable)."""

    numerator: ModelPrice
    denominator: ModelPrice
    input: Decimal | None
    output: Decimal | None
    blended: Decimal | None

    def value(self, field: str) -> Decimal | None:
        """input, output or blended."""
        return getattr(self, field)

    @property
    def arithmetic(self) -> tuple[str, ...]:
        """One line per field: numerator / denominator = ratio."""
        lines = []
        for name in RATIO_FIELDS:
            a, b, r = self.numerator.value(name), self.denominator.value(name), self.value(name)
            if r is None:
                lines.append(f"{name}: {json_number(a) or '?'} / {json_number(b) or '?'} cannot be computed")
            else:
                lines.append(f"{name}: {json_number(a)} / {json_number(b)} = {r:.4g}")
        return tuple(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "numerator": self.numerator.as_dict(),
            "denominator": self.denominator.as_dict(),
            **{name: json_number(self.value(name)) for name in RATIO_FIELDS},
            "arithmetic": list(self.arithmetic),
        }


def _divide(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def ratio_of(numerator: ModelPrice, denominator: ModelPrice) -> PriceRatio:
    """The ratio of two prices already found."""
    return PriceRatio(
        numerator,
        denominator,
        *(_divide(numerator.value(f), denominator.value(f)) for f in RATIO_FIELDS),
    )


def pair_ratio(
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    model_a: str,
    model_b: str,
    at: TimeLike,
    *,
    statistic: str = "cheapest",
    unquantized_only: bool = False,
    weights: Sequence[int | Decimal] = DEFAULT_BLEND_WEIGHTS,
    basis_a: Basis = "auto",
    basis_b: Basis = "auto",
) -> PriceRatio:
    """Model A's price over model B's at ``at`` (each retail where its maker sells it, else market).

    A ratio above 1 means A costs more. Raises ``MissingPriceError`` naming the side with no price.
    """
    points = points if isinstance(points, PriceIndex) else list(points)
    sides = []
    for model, basis in ((model_a, basis_a), (model_b, basis_b)):
        found = model_price(
            points,
            facts,
            model,
            at,
            basis=basis,
            statistic=statistic,
            unquantized_only=unquantized_only,
            weights=weights,
        )
        if found is None:
            raise MissingPriceError(
                f"no {basis if basis != 'auto' else 'retail or market'} price for {model} on {as_time(at)[:10]}"
            )
        sides.append(found)
    return ratio_of(sides[0], sides[1])


@dataclass(frozen=True)
class GroupRatio:
    """A peer group's ratios at one time.

    closed / open          the prices found (closed: retail; open: market with ``statistic``)
    missing                "model: why" for every model without a price then
    open_market            the group's open-market price (``group_statistic`` over ``open``)
    closed_market          the closed side aggregated the same way
    ratios                 each closed model over ``open_market``
    pairs                  each closed model over each open model
    headline               ``closed_market`` over ``open_market`` (None when a side has no price)
    """

    group: PeerGroup
    at: str
    statistic: str
    group_statistic: str
    closed: tuple[ModelPrice, ...]
    open: tuple[ModelPrice, ...]
    missing: tuple[str, ...]
    open_market: ModelPrice | None
    closed_market: ModelPrice | None
    ratios: tuple[PriceRatio, ...]
    headline: PriceRatio | None

    @cached_property
    def pairs(self) -> tuple[PriceRatio, ...]:
        """Each closed model over each open model (made when asked: a ratio series never asks)."""
        return tuple(ratio_of(c, o) for c in self.closed for o in self.open)

    @property
    def points(self) -> tuple[PricePoint, ...]:
        """Every stored price the result rests on."""
        seen: dict[int, PricePoint] = {}
        for price in (*self.closed, *self.open):
            for point in price.points:
                seen.setdefault(id(point), point)
        return tuple(seen.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group.id,
            "title": self.group.title,
            "at": self.at,
            "statistic": self.statistic,
            "group_statistic": self.group_statistic,
            "closed": [p.as_dict() for p in self.closed],
            "open": [p.as_dict() for p in self.open],
            "missing": list(self.missing),
            "open_market": self.open_market.as_dict() if self.open_market else None,
            "closed_market": self.closed_market.as_dict() if self.closed_market else None,
            "ratios": [r.as_dict() for r in self.ratios],
            "pairs": [r.as_dict() for r in self.pairs],
            "headline": self.headline.as_dict() if self.headline else None,
        }


def _aggregate(prices: Sequence[ModelPrice], group_statistic: str, label: str, at: str) -> ModelPrice | None:
    if not prices:
        return None
    values: dict[str, Decimal | None] = {}
    notes = []
    for name in RATIO_FIELDS:
        found = [(v, p.model) for p in prices if (v := p.value(name)) is not None]
        if not found:
            values[name] = None
            continue
        if group_statistic == "cheapest":
            value, model = min(found)
            values[name] = value
            notes.append(f"{name} from {model}")
        else:
            values[name] = statistics.median([v for v, _ in found])
            notes.append(f"{name}: median of {len(found)}")
    points: dict[int, PricePoint] = {}
    for price in prices:
        for point in price.points:
            points.setdefault(id(point), point)
    return ModelPrice(
        model=label,
        basis=f"{group_statistic} of {len(prices)} model{'s' if len(prices) != 1 else ''}",
        at=at,
        input=values["input"],
        output=values["output"],
        blended=values["blended"],
        points=tuple(points.values()),
        note=f"over {', '.join(p.model for p in prices)}: " + "; ".join(notes),
    )


def group_ratio(
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    group: PeerGroup,
    at: TimeLike,
    *,
    statistic: str = "cheapest",
    group_statistic: GroupStatistic = "median",
    unquantized_only: bool = False,
    weights: Sequence[int | Decimal] = DEFAULT_BLEND_WEIGHTS,
) -> GroupRatio:
    """A peer group's retail-over-open-market ratios at ``at`` (see the module doc for the definitions)."""
    if group_statistic not in ("median", "cheapest"):
        raise ValueError(f'group statistic must be "median" or "cheapest", not {group_statistic!r}')
    by_model = _by_model(points, group.models)
    at = as_time(at)
    missing: list[str] = []

    def side(models: Sequence[str], basis: Basis, what: str) -> list[ModelPrice]:
        found = []
        for model in models:
            price = model_price(
                by_model.get(model, ()),
                facts,
                model,
                at,
                basis=basis,
                statistic=statistic,
                unquantized_only=unquantized_only,
                weights=weights,
            )
            if price is None:
                missing.append(f"{model}: no {what} price on {at[:10]}")
            else:
                found.append(price)
        return found

    closed = side(group.closed, "retail", "retail")
    open_ = side(group.open, "market", _market_label(statistic, unquantized_only))
    open_market = _aggregate(open_, group_statistic, f"{group.id} open-weight market ({group_statistic})", at)
    closed_market = _aggregate(closed, group_statistic, f"{group.id} closed retail ({group_statistic})", at)
    ratios = tuple(ratio_of(c, open_market) for c in closed) if open_market else ()
    headline = ratio_of(closed_market, open_market) if closed_market and open_market else None
    return GroupRatio(
        group=group,
        at=at,
        statistic=statistic,
        group_statistic=group_statistic,
        closed=tuple(closed),
        open=tuple(open_),
        missing=tuple(missing),
        open_market=open_market,
        closed_market=closed_market,
        ratios=ratios,
        headline=headline,
    )


# ----------------------------------------------------------------------------- over time


def _by_model(points: Iterable[PricePoint], models: Iterable[str]) -> dict[str, list[PricePoint]]:
    wanted = set(models)
    if isinstance(points, PriceIndex):  # a series asks at every change moment: no regrouping
        return {model: points.for_model(model) for model in wanted}
    grouped: dict[str, list[PricePoint]] = {}
    for point in points:
        if point.model in wanted:
            grouped.setdefault(point.model, []).append(point)
    return grouped


def change_times(
    points: Iterable[PricePoint], models: Iterable[str], start: TimeLike, end: TimeLike
) -> list[str]:
    """``start``, then every time in (start, end] at which a standard base-context price of ``models`` starts or ends."""
    start, end = as_time(start), as_time(end, end_of_day=True)
    wanted = set(models)
    times = {start}
    for p in points:
        if p.model not in wanted or p.tier != "standard" or p.min_prompt_tokens != 0:
            continue
        for moment in (p.valid_from, p.valid_to):
            if moment is not None and start < moment <= end:
                times.add(moment)
    return sorted(times)


def _same(a: PriceRatio | None, b: PriceRatio | None) -> bool:
    if a is None or b is None:
        return a is b
    return all(a.value(f) == b.value(f) for f in RATIO_FIELDS)


def group_ratio_series(
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    group: PeerGroup,
    start: TimeLike,
    end: TimeLike,
    *,
    statistic: str = "cheapest",
    group_statistic: GroupStatistic = "median",
    unquantized_only: bool = False,
    weights: Sequence[int | Decimal] = DEFAULT_BLEND_WEIGHTS,
) -> tuple[GroupRatio, ...]:
    """The group's ratios at ``start`` and at each time up to ``end`` when an involved price changes.

    A time is kept only when the headline ratio exists and differs from the previous kept one,
    so the series holds change events (what a trend fit should rest on).
    """
    by_model = _by_model(points, group.models)
    flat = as_index(p for ps in by_model.values() for p in ps)
    series: list[GroupRatio] = []
    for moment in change_times(flat, group.models, start, end):
        result = group_ratio(
            flat,
            facts,
            group,
            moment,
            statistic=statistic,
            group_statistic=group_statistic,
            unquantized_only=unquantized_only,
            weights=weights,
        )
        if result.headline is None:
            continue
        if series and _same(series[-1].headline, result.headline):
            continue
        series.append(result)
    return tuple(series)


def pair_ratio_series(
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    model_a: str,
    model_b: str,
    start: TimeLike,
    end: TimeLike,
    *,
    statistic: str = "cheapest",
    unquantized_only: bool = False,
    weights: Sequence[int | Decimal] = DEFAULT_BLEND_WEIGHTS,
    basis_a: Basis = "auto",
    basis_b: Basis = "auto",
) -> tuple[PriceRatio, ...]:
    """A over B at ``start`` and at each change of either price up to ``end`` (times with both prices only)."""
    by_model = _by_model(points, (model_a, model_b))
    flat = [p for ps in by_model.values() for p in ps]
    series: list[PriceRatio] = []
    for moment in change_times(flat, (model_a, model_b), start, end):
        try:
            result = pair_ratio(
                flat,
                facts,
                model_a,
                model_b,
                moment,
                statistic=statistic,
                unquantized_only=unquantized_only,
                weights=weights,
                basis_a=basis_a,
                basis_b=basis_b,
            )
        except MissingPriceError:
            continue
        if series and _same(series[-1], result):
            continue
        series.append(result)
    return tuple(series)
