"""What each page shows, as plain values: model pages, and the analysis sections.

The analysis modules (``pricewatch.analysis.ratios``, ``trends``, ``claims``,
``workloads``) are imported lazily, one section at a time. A section whose module is
missing, whose data file is missing, or whose computation raises becomes
``{"available": False, "reason": ...}``: its page says "not available yet" with the reason
and the rest of the site is built as usual.

Charts are returned as ``(path, ChartSpec)`` pairs under ``"charts"``; the build draws them.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from pricewatch.analysis.prices import PriceIndex, PricePoint
from pricewatch.analysis.trend_default import (
    DEFAULT_TREND_PRICE,
    DEFAULT_TREND_REFERENCE,
    DEFAULT_TREND_SCORE,
    default_start,
    reference_level,
)
from pricewatch.errors import SectionUnavailable
from pricewatch.fields import PRICE_FIELDS
from pricewatch.money import dollars, fold, json_number, money
from pricewatch.site.charts import MARKERS, ChartSpec, Series
from pricewatch.site.model import SiteData, blended, offer_label, point_dict, safe_url, slugify

if TYPE_CHECKING:  # the analysis modules themselves are imported lazily, one section at a time
    from pricewatch.analysis.prices import Statistic
    from pricewatch.analysis.ratios import GroupStatistic
    from pricewatch.analysis.trends import PriceField

__all__ = ["TREND_DEFINITIONS", "analysis_sections", "model_page", "one_row_per_price"]

#: The deflation trends the site shows: (id, title, score name, reference model whose score is
#: the threshold, price). DEFLATION_METHODS.md §8.1: "threshold S* = score of a named reference model".
#: Each is measured from its reference model's release, the threshold being the score of the
#: version in force then (``analysis.trend_default``); the first is the headline, and is
#: ``pricewatch check``'s default for a trend claim that names no level (the same definition).
TREND_DEFINITIONS: tuple[tuple[str, str, str, str, PriceField], ...] = (
    ("gpt-4-level", "GPT-4 level", DEFAULT_TREND_SCORE, DEFAULT_TREND_REFERENCE, DEFAULT_TREND_PRICE),
    ("gpt-4o-level", "GPT-4o level", DEFAULT_TREND_SCORE, "openai/gpt-4o", "blended"),
)
#: The frontier trend: (id, title, score name, price).
FRONTIER_DEFINITION: tuple[str, str, str, PriceField] = (
    "frontier-lmarena",
    "The frontier (highest LMArena text score)",
    DEFAULT_TREND_SCORE,
    "blended",
)

CHART_OFFERS = 6
MODEL_PERIODS = 400


def _unavailable(what: str, reason: str) -> dict[str, Any]:
    return {"available": False, "reason": reason, "what": what, "charts": []}


def _guarded(what: str, module: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one section; a missing module or any error becomes a "not available yet" section."""
    try:
        section = compute()
    except SectionUnavailable as error:
        return _unavailable(what, str(error))
    except ImportError as error:
        missing = getattr(error, "name", None) or module
        return _unavailable(what, f"the {what} ({missing}) is not part of this installation yet.")
    except Exception as error:  # an analysis bug must not take the whole site down
        # The page says what is missing, never the exception's text; the build's report
        # (its terminal output) carries the details for whoever runs it.
        section = _unavailable(
            what,
            f"the {what} could not be computed on this data (an error in pricewatch; the build's output names it).",
        )
        section["detail"] = f"{type(error).__name__}: {error}"
        return section
    section.setdefault("available", True)
    section.setdefault("charts", [])
    section.setdefault("reason", "")
    section.setdefault("what", what)
    return section


def _day(text: str | None) -> str:
    return (text or "")[:10]


def _iso(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


# ----------------------------------------------------------------------------- model pages


def _offer_key(point: PricePoint) -> tuple[str, str, str]:
    return (point.provider, point.tier, point.variant)


def _drawn_until(point: PricePoint) -> str:
    """Where a chart stops a period: its end, or for a price in force its last confirmation."""
    return point.valid_to or max(point.valid_from, point.last_confirmed or point.valid_from)


def _confirmed_until(prices: Sequence[Any], floor: str) -> str:
    """How far a figure made of ``prices`` (``ModelPrice``s) is confirmed: the least recent last
    confirmation of the stored prices behind it, never before ``floor`` (its own time)."""
    times = [_drawn_until(p) for price in prices if price is not None for p in price.points]
    return max(floor, min(times)) if times else floor


def _model_chart(model_id: str, data: SiteData, name: str) -> ChartSpec | None:
    """Step lines of output (solid) and input (dashed) prices per offer, base context, USD."""
    offers: dict[tuple[str, str, str], list[PricePoint]] = {}
    for point in data.by_model.get(model_id, []):
        drawable = point.min_prompt_tokens == 0 and point.currency == "USD" and not point.variable
        if drawable and (point.input is not None or point.output is not None):
            offers.setdefault(_offer_key(point), []).append(point)
    if not offers:
        return None
    makers = set(data.facts[model_id].makers) if model_id in data.facts else set()

    def rank(item: tuple[tuple[str, str, str], list[PricePoint]]) -> tuple:
        (provider, tier, variant), periods = item
        last = max(periods, key=lambda p: p.valid_from)
        current = last.valid_to is None
        price = blended(last.input, last.output)
        return (
            provider not in makers,
            tier != "standard",
            not current,
            float(price) if price is not None else math.inf,
            provider,
            variant,
        )

    ranked = sorted(offers.items(), key=rank)
    chosen, left_out = ranked[:CHART_OFFERS], len(ranked) - CHART_OFFERS
    # A price in force is drawn up to its last confirmation (when a source last saw it), not to
    # the build's day: the line stops where the evidence stops.
    end = max(_drawn_until(p) for ps in offers.values() for p in ps)
    series: list[Series] = []
    values: list[float] = []
    lines: list[str] = []
    any_unverified = False
    for color, ((provider, _tier, _variant), periods) in enumerate(chosen):
        periods = sorted(periods, key=lambda p: p.valid_from)
        label = offer_label(periods[-1], data.provider_name(provider))
        for field, dashed in (("output", False), ("input", True)):
            xs: list[str] = []
            ys: list[float | None] = []
            hollow: list[bool] = []
            previous_end: str | None = None
            for period in periods:
                value = period.value(field)
                if previous_end is not None and previous_end != period.valid_from:
                    xs.append(previous_end)
                    ys.append(None)
                    hollow.append(False)
                xs.append(period.valid_from)
                ys.append(float(value) if value is not None else None)
                hollow.append(period.confidence == "low")
                any_unverified = any_unverified or period.confidence == "low"
                previous_end = period.valid_to
                if value is not None:
                    values.append(float(value))
            last = periods[-1]
            last_value = last.value(field)
            # Hold the last price until its end, or its last confirmation, so the step is visible.
            xs.append(_drawn_until(last))
            ys.append(float(last_value) if last_value is not None else None)
            hollow.append(False)
            series.append(
                Series(
                    label=label,
                    x=tuple(xs),
                    y=tuple(ys),
                    color=color,
                    style="step",
                    dashed=dashed,
                    hollow=tuple(hollow),
                    in_legend=not dashed,
                    marker=MARKERS[color % len(MARKERS)],
                )
            )
        last = periods[-1]
        state = (
            f"last confirmed {_day(_drawn_until(last))}"
            if last.valid_to is None
            else f"until {_day(last.valid_to)}"
        )
        lines.append(
            f"{label}: output {dollars(last.output)}, input {dollars(last.input)} {state}"
            f" (first seen {_day(periods[0].valid_from)})"
        )
    positive = [v for v in values if v > 0]
    log = bool(positive) and max(positive) / min(positive) > 20
    first = min(p.valid_from for ps in offers.values() for p in ps)
    notes = ["solid: output", "dashed: input", "each line ends at its last confirmation"]
    if any_unverified:
        notes.append("open circles: unverified (low-confidence) prices")
    if left_out > 0:
        notes.append(f"{left_out} more offers in the tables below")
    alt = (
        f"Step chart of {name}'s token prices in USD per million tokens{' on a log scale' if log else ''}, "
        f"{_day(first)} to {_day(end)}, {len(chosen)} of {len(offers)} offers. " + "; ".join(lines) + "."
    )
    return ChartSpec(
        title=f"{name}: price history",
        alt=alt,
        ylabel="USD per million tokens",
        series=tuple(series),
        log=log,
        notes=tuple(notes),
    )


def _params(info: dict[str, Any]) -> str | None:
    total, active = info.get("total_params_b"), info.get("active_params_b")
    if total and active and active != total:
        return f"{total:g}B total, {active:g}B active"
    if total:
        return f"{total:g}B"
    return None


def one_row_per_price(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per host, tier, prompt band and price: the other products the host sells at
    that price (a dated snapshot beside the plain model: gpt-4o-2024-08-06 beside gpt-4o)
    stay distinct offers in the store and are named on the row kept (``also_as``).

    The row kept is the plain product's (variant ``""``), else the first variant by name;
    rows keep their order otherwise.
    """
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        key = (
            row["provider"],
            row["tier"],
            row["min_prompt_tokens"],
            row["currency"],
            row["variable"],
            *(row[name] for name in PRICE_FIELDS),
        )
        groups.setdefault(key, []).append(row)
    kept = []
    for group in groups.values():
        first, *others = sorted(group, key=lambda r: (r["variant"] != "", r["variant"]))
        kept.append({**first, "also_as": [r["variant"] for r in others]})
    return kept


def model_page(model_id: str, data: SiteData) -> tuple[dict[str, Any], ChartSpec | None]:
    """A model page's context (plain values) and its chart spec (None when there is nothing to draw)."""
    info = data.models[model_id]
    slug = data.slugs[model_id]
    points = data.by_model.get(model_id, [])
    makers = set(data.facts[model_id].makers) if model_id in data.facts else set()
    current: list[dict[str, Any]] = []
    unconfirmed: list[dict[str, Any]] = []
    for point in points:
        if point.in_force(data.now_text):
            row = point_dict(point, data)
            row["is_maker"] = point.provider in makers
            # Past its confirmation window: shown apart, marked, never as a current price.
            (unconfirmed if row["unconfirmed_since"] else current).append(row)
    current, unconfirmed = one_row_per_price(current), one_row_per_price(unconfirmed)
    unconfirmed.sort(key=lambda r: (r["provider_name"].lower(), r["tier"], r["min_prompt_tokens"]))
    current.sort(
        key=lambda r: (
            r["tier"] != "standard",
            r["min_prompt_tokens"],
            not r["is_maker"],
            float(r["blended"]) if r["blended"] is not None else math.inf,
            r["provider_name"].lower(),
        )
    )
    history = sorted(points, key=lambda p: (p.valid_from, p.provider, p.tier), reverse=True)
    periods = [point_dict(p, data) for p in history[:MODEL_PERIODS]]
    units = [
        {**u, "provider_name": data.provider_name(u["provider"]), "amount": u["amount"]}
        for u in data.unit_prices.get(model_id, [])
    ]
    spec = _model_chart(model_id, data, info["name"])
    chart = None
    if spec is not None:
        chart = {
            "src": f"{slug}.svg",
            "alt": spec.alt,
            "caption": "Output price (solid) and input price (dashed) per offer, base context, standard and "
            "other tiers, USD per million tokens"
            + (", log scale" if spec.log else "")
            + ". Each offer has its own colour and marker shape; each step is a stored price change, and "
            "a price in force is drawn up to its last confirmation (when a source last saw it). "
            "Open circles mark unverified curated prices.",
        }
    model = {
        "id": model_id,
        "name": info["name"],
        "creator": info["creator"],
        "open_weights": info["open_weights"],
        "released": info.get("released"),
        "params": _params(info),
        "context_length": info.get("context_length"),
        "hugging_face_id": info.get("hugging_face_id"),
        "aliases": [a for a in info.get("aliases", []) if a != info["name"]][:12],
    }
    context = {
        "model": model,
        "slug": slug,
        "chart": chart,
        "current": current,
        "unconfirmed": unconfirmed,
        "unit_prices": units,
        "scheduled": data.scheduled.get(model_id, []),
        "periods": periods,
        "periods_total": len(points),
        "periods_truncated": len(points) > len(periods),
    }
    return context, spec


# ----------------------------------------------------------------------------- ratios


def _model_link(data: SiteData, model_id: str) -> dict[str, Any]:
    return {"id": model_id, "name": data.model_name(model_id), "slug": data.slugs.get(model_id)}


def _price_row(data: SiteData, price: Any, ratio: Any = None) -> dict[str, Any]:
    hosts = sorted({data.provider_name(p.provider) for p in price.points})
    basis = (
        price.basis
        if len(hosts) != 1 or hosts[0].lower() in price.basis.lower()
        else f"{price.basis}: {hosts[0]}"
    )
    row = {
        **_model_link(data, price.model),
        "basis": basis,
        "input": json_number(price.input),
        "output": json_number(price.output),
        "blended": json_number(price.blended),
        "note": price.note,
        "inputs": list(price.inputs),
        "unverified": any(p.confidence == "low" for p in price.points),
    }
    if ratio is not None:
        row.update({f"x_{f}": fold(ratio.value(f), "—") for f in ("input", "output", "blended")})
    return row


def _source_item(text: str) -> dict[str, Any]:
    match = re.match(r"^(https?://\S+)(.*)$", text.strip())
    if match and safe_url(match.group(1)):
        return {"url": match.group(1), "text": text}
    return {"url": None, "text": text}


def _standard_points(data: SiteData) -> PriceIndex:
    """The standard-tier, base-context USD periods: all that ratios and trends look at.

    Their functions filter to exactly these themselves, on every call; handing them the
    filtered list gives the same results and saves scanning every period each time. Made
    once per build, as an index, so the trends reuse its grouping by model.
    """
    cached = data.__dict__.get("_standard_index")
    if cached is None:
        cached = data.__dict__["_standard_index"] = PriceIndex(
            p
            for p in data.points
            if p.tier == "standard" and p.min_prompt_tokens == 0 and p.currency == "USD"
        )
    return cached


def _ratios(data: SiteData) -> dict[str, Any]:
    from pricewatch.analysis.ratios import group_ratio
    from pricewatch.analysis.trends import ratio_trend
    from pricewatch.inputs import load_peer_groups

    groups = load_peer_groups()
    statistic: Statistic = "cheapest"
    group_statistic: GroupStatistic = "median"
    items: list[dict[str, Any]] = []
    charts = []
    standard = _standard_points(data)
    for group in groups.values():
        members = set(group.models)
        # One index per group: its series price every member at every change moment.
        points = PriceIndex(p for p in standard if p.model in members)
        result = group_ratio(
            points,
            data.facts,
            group,
            data.now_text,
            statistic=statistic,
            group_statistic=group_statistic,
        )
        anchor = slugify(group.id)
        headline = result.headline
        closed_rows = [
            _price_row(data, price, ratio) for price, ratio in zip(result.closed, result.ratios, strict=False)
        ]
        if not result.ratios:
            closed_rows = [_price_row(data, price) for price in result.closed]
        open_rows = []
        from pricewatch.analysis.ratios import ratio_of

        for price in result.open:
            ratio = ratio_of(result.closed_market, price) if result.closed_market else None
            open_rows.append(_price_row(data, price, ratio))
        trends = {}
        for field in ("blended", "input", "output"):
            try:
                trends[field] = ratio_trend(
                    points,
                    data.facts,
                    group,
                    data.now_text,
                    price=field,
                    statistic=statistic,
                    group_statistic=group_statistic,
                )
            except Exception:  # one field's series failing leaves the others
                continue
        blended_trend = trends.get("blended")
        series_rows = []
        if blended_trend is not None:
            for point in blended_trend.series:
                series_rows.append({"at": point.at, "date": _day(point.at), "ratio": fold(point.ratio, "—")})
        chart = None
        drawn = [(f, t) for f, t in trends.items() if len(t.series) >= 1]
        if drawn and any(len(t.series) >= 2 for _, t in drawn):
            path = f"charts/ratio-{anchor}.svg"
            newest = drawn[0][1].series[-1]
            spec = _ratio_chart(
                group.title,
                drawn,
                _confirmed_until([*newest.result.closed, *newest.result.open], newest.at),
            )
            charts.append((path, spec))
            chart = {"src": path, "alt": spec.alt}
        fit = blended_trend.fit if blended_trend is not None else None
        items.append(
            {
                "id": group.id,
                "anchor": anchor,
                "title": group.title,
                "reason": group.reason,
                "basis": group.basis,
                "sources": [_source_item(s) for s in group.sources],
                "closed_models": [_model_link(data, m) for m in group.closed],
                "open_models": [_model_link(data, m) for m in group.open],
                "closed": closed_rows,
                "open": open_rows,
                "open_market": _price_row(data, result.open_market) if result.open_market else None,
                "closed_market": _price_row(data, result.closed_market) if result.closed_market else None,
                "headline": {f: fold(headline.value(f), "—") for f in ("input", "output", "blended")}
                if headline
                else None,
                "arithmetic": list(headline.arithmetic) if headline else [],
                "missing": list(result.missing),
                "series": series_rows,
                "direction": blended_trend.direction if blended_trend is not None else "",
                "fit": fit.summary() if fit is not None else None,
                "flags": list(blended_trend.flags) if blended_trend is not None else [],
                "chart": chart,
            }
        )
    cards = [
        {
            "anchor": item["anchor"],
            "title": item["title"],
            "headline": (item["headline"]["blended"] + " blended") if item["headline"] else "no ratio yet",
            "note": "missing: " + "; ".join(item["missing"][:2])
            if item["missing"] and not item["headline"]
            else "",
        }
        for item in items
    ]
    return {
        "groups": cards,
        "items": items,
        "statistic": "cheapest host per open model, median across the group's open models",
        "charts": charts,
    }


def _ratio_chart(title: str, trends: Sequence[tuple[str, Any]], end: str) -> ChartSpec:
    series = []
    described = []
    styles = {"blended": ("-", "o"), "input": ("--", "s"), "output": (":", "^")}
    for color, (field, trend) in enumerate(trends):
        xs = [p.at for p in trend.series] + ([end] if end > trend.series[-1].at else [])
        ys = [float(p.ratio) for p in trend.series]
        ys += ys[-1:] * (len(xs) - len(ys))
        linestyle, marker = styles.get(field, ("-", "o"))
        series.append(
            Series(
                label=f"{field} ({ {'-': 'solid', '--': 'dashed', ':': 'dotted'}[linestyle] })",
                x=tuple(xs),
                y=tuple(ys),
                color=color,
                style="step",
                linestyle=linestyle,
                marker=marker,
            )
        )
        described.append(
            f"{field} from {fold(trend.series[0].ratio, '—')} to {fold(trend.series[-1].ratio, '—')}"
        )
    first = min(p.at for _, t in trends for p in t.series)
    return ChartSpec(
        title=f"Retail / open-weight ratio: {title}"[:110],
        alt=f"Step chart of the retail over open-weight price ratio, {_day(first)} to {_day(end)}: "
        + "; ".join(described)
        + f"; drawn to {_day(end)}, the last confirmation of the prices behind the newest ratio.",
        ylabel="ratio (retail / open-weight)",
        notes=("each line ends at the last confirmation of the prices behind it",),
        series=tuple(series),
    )


# ----------------------------------------------------------------------------- trends


def _fit_dict(fit: Any) -> dict[str, Any] | None:
    if fit is None:
        return None
    low, high = fit.ci95
    if fit.halving_months is not None:
        speed = f"halving every {fit.halving_months:.1f} months"
    elif fit.doubling_months is not None:
        speed = f"doubling every {fit.doubling_months:.1f} months"
    else:
        speed = "flat"
    return {
        "rate": f"{fit.fold_per_year:.3g}x per year",
        "fold_per_year": fit.fold_per_year,
        "interval": f"{low:.3g}x to {high:.3g}x",
        "speed": speed,
        "percent": f"{-fit.percent_change_per_year:.0%} lower each year"
        if fit.slope_per_year < 0
        else f"{fit.percent_change_per_year:.0%} higher each year",
        "n": fit.n,
        "span": f"{fit.span_months:.1f} months ({fit.start} to {fit.end})",
        "r2": f"{fit.r2:.3f}" if fit.r2 is not None else "",
        "summary": fit.summary(),
    }


def _trend_points(points: Any, data: SiteData) -> list[dict[str, Any]]:
    return [
        {
            "at": p.at,
            "date": _day(p.at),
            **_model_link(data, p.model),
            "value": json_number(p.value),
            "score": f"{p.score:g}" if p.score is not None else "",
            "version": p.version or "",
            "basis": p.price.basis,
            "inputs": list(p.price.inputs),
            "unverified": any(q.confidence == "low" for q in p.price.points),
        }
        for p in points
    ]


def _trend_chart(
    title: str, records: Any, series: Any, fit: Any, log_label: str, end: str | None = None
) -> ChartSpec:
    chart_series = []
    if series:
        # The last price holds until its last confirmation (not the build's day).
        tail = [end] if end and end > series[-1].at else []
        chart_series.append(
            Series(
                label="cheapest qualifying price",
                x=tuple([p.at for p in series] + tail),
                y=tuple([float(p.value) for p in series] + [float(series[-1].value)] * len(tail)),
                color=8,
                style="step",
            )
        )
    chart_series.append(
        Series(
            label="record points (fitted)",
            x=tuple(p.at for p in records),
            y=tuple(float(p.value) for p in records),
            color=0,
            style="points",
        )
    )
    described = f"{len(records)} record points from {_day(records[0].at)} at {dollars(records[0].value)} to {_day(records[-1].at)} at {dollars(records[-1].value)}"
    if fit is not None:
        days = [fit.start, fit.end]
        ys = [math.exp(fit.intercept + fit.slope_per_year * (d - fit.start).days / 365.25) for d in days]
        chart_series.append(
            Series(
                label=f"fit: {fit.fold_per_year:.3g}x per year",
                x=tuple(_iso(d) for d in days),
                y=tuple(ys),
                color=1,
                style="line",
                dashed=True,
            )
        )
        low, high = fit.ci95
        described += f"; the fitted line falls {fit.fold_per_year:.3g}-fold per year (95% interval {low:.3g} to {high:.3g})"
    return ChartSpec(
        title=title[:110],
        alt=f"{title}, log scale: {described}.",
        ylabel=f"USD per million tokens, {log_label}",
        series=tuple(chart_series),
        log=True,
    )


def _trends(data: SiteData) -> dict[str, Any]:
    from pricewatch.analysis.trends import cheapest_at_threshold, frontier_trend

    items: list[dict[str, Any]] = []
    charts = []
    standard = _standard_points(data)
    for trend_id, title, score, reference, price in TREND_DEFINITIONS:
        start = default_start(data.facts, reference)
        level = reference_level(data.facts, reference, score, start)
        if level is None:
            continue
        threshold = level.value
        result = cheapest_at_threshold(
            standard, data.facts, score, threshold, data.now_text, start=start, price=price
        )
        blend = "3:1 blended" if price == "blended" else price
        which = f"{level.version}, " if level.version else ""
        full_title = (
            f"Cheapest price at {title} ({score} ≥ {threshold:g}, the score of {data.model_name(reference)}"
            f" ({which}as released{f' on {start}' if start else ''})), {blend}"
        )
        chart = None
        if result.records:
            path = f"charts/trend-{trend_id}.svg"
            spec = _trend_chart(
                full_title,
                result.records,
                result.series,
                result.fit,
                blend,
                _confirmed_until([result.series[-1].price], result.series[-1].at) if result.series else None,
            )
            charts.append((path, spec))
            chart = {"src": path, "alt": spec.alt}
        items.append(
            {
                "anchor": trend_id,
                "title": full_title,
                "short": title,
                "fit": _fit_dict(result.fit),
                "endpoint": f"{result.endpoint_fold_per_year:.3g}x per year (two endpoints, no interval)"
                if result.endpoint_fold_per_year
                else None,
                "flags": list(result.flags),
                "definition": list(result.definition),
                "records": _trend_points(result.records, data),
                "series_count": len(result.series),
                "qualifying": [_model_link(data, m) for m in result.qualifying],
                "excluded_count": len(result.excluded),
                "chart": chart,
                "score": score,
                "threshold": f"{threshold:g}",
                "reference": data.model_name(reference),
                "version": level.version or "",
                "start": _day(result.start) if result.start else "",
                "end": _day(result.end),
            }
        )
    frontier_id, frontier_title, score, price = FRONTIER_DEFINITION
    frontier = frontier_trend(standard, data.facts, score, data.now_text, price=price)
    frontier_item = None
    if frontier.series:
        path = f"charts/trend-{frontier_id}.svg"
        spec = _trend_chart(
            f"{frontier_title}: its 3:1 blended price", frontier.series, (), frontier.fit, "3:1 blended"
        )
        charts.append((path, spec))
        frontier_item = {
            "anchor": frontier_id,
            "title": frontier_title,
            "fit": _fit_dict(frontier.fit),
            "flags": list(frontier.flags),
            "definition": list(frontier.definition),
            "records": _trend_points(frontier.series, data),
            "chart": {"src": path, "alt": spec.alt},
        }
    headline = None
    for item in items:
        if item["fit"] is not None:
            fit = item["fit"]
            flags = "; ".join(item["flags"])
            headline = {
                "anchor": item["anchor"],
                "rate": fit["rate"].replace(" per year", " cheaper per year"),
                "text": f"At {item['short']}, the cheapest price of any model at least that good fell "
                f"{fit['rate'].replace('x per year', '-fold')} a year: 95% interval {fit['interval']}, "
                f"{fit['speed']}, {fit['n']} record points over {fit['span']}."
                + (f" {flags[0].upper()}{flags[1:]}." if flags else ""),
                "definition": _headline_definition(item),
            }
            break
    return {
        "items": items,
        "frontier": frontier_item,
        "headline": headline,
        "charts": charts,
        "unscored": _unscored_current(data, DEFAULT_TREND_SCORE),
        "score": DEFAULT_TREND_SCORE,
    }


def _headline_definition(item: Mapping[str, Any]) -> str:
    """The headline trend's definition in one sentence: what `pricewatch check "prices fall N% per year"`
    judges a claim that names no level against (``analysis.trend_default``)."""
    version = f" ({item['version']}, the version in force when it came out)" if item["version"] else ""
    return (
        f"Definition (also the default of pricewatch check for a trend claim that names no level): "
        f"{item['short']}, threshold {item['score']} ≥ {item['threshold']}, the score of "
        f"{item['reference']}{version}; window {item['start']} to {item['end']}; the cheapest 3:1 blended "
        "list price at each change (closed models at the maker's price, open-weight ones at the cheapest "
        "host); fit: least squares of log price on time over the record points, 95% interval from Student's t."
    )


def _unscored_current(data: SiteData, score: str) -> list[dict[str, Any]]:
    """Catalog models with a current price but no score on the trends' scale (left out of every trend)."""
    from pricewatch.site.model import model_summaries

    catalog = set(data.catalog.models) if data.catalog is not None else set()
    out = []
    for summary in model_summaries(data):
        fact = data.facts.get(summary["id"])
        if (
            summary["id"] not in catalog
            or fact is None
            or summary["reference"] is None
            or score in fact.score_names
        ):
            continue
        out.append(_model_link(data, summary["id"]))
    return out


# ----------------------------------------------------------------------------- the market


def _market(data: SiteData) -> dict[str, Any]:
    """Every current model's 3:1 blended price (log) against its capability score, in one chart
    and the table that says the same for screen readers."""
    from pricewatch.inputs import load_peer_groups
    from pricewatch.site.charts import MarketPoint, MarketSpec
    from pricewatch.site.model import MARKET_SCORE, market_rows, model_summaries
    from pricewatch.site.words import SCORE_WORDS

    summaries = model_summaries(data)
    scores = {
        s["id"]: (data.facts[s["id"]].scores or {}).get(MARKET_SCORE) if s["id"] in data.facts else None
        for s in summaries
    }
    groups = [(g.title, g.models) for g in load_peer_groups().values()]
    view = market_rows(summaries, scores, groups)
    rows = view["rows"]
    if not rows:
        raise SectionUnavailable("no current model has both a USD price and a capability score yet.")
    score_name = SCORE_WORDS.get(MARKET_SCORE, MARKET_SCORE)
    as_of = _day(data.now_text)
    points = tuple(
        MarketPoint(
            label=r["name"],
            score=float(r["score"]),
            price=float(r["blended"]),
            open_weights=r["open_weights"],
            host_price=float(r["host_blended"]) if r["host_blended"] else None,
            labelled=r["frontier"],
        )
        for r in rows
    )
    open_count = sum(1 for r in rows if r["open_weights"])
    frontier = [r["name"] for r in rows if r["frontier"]]
    spec = MarketSpec(
        title=f"The market on {as_of}: price against capability",
        alt=(
            f"Scatter chart of {len(rows)} current models ({open_count} open-weight, "
            f"{len(rows) - open_count} closed): 3:1 blended price in USD per million tokens on a log scale "
            f"against the {score_name}. The cheapest model at or above each score (the frontier): "
            + ", ".join(frontier)
            + ". The table below lists every point."
        ),
        xlabel=f"capability: {score_name}",
        ylabel="USD per million tokens, 3:1 blended",
        points=points,
        groups=tuple((g["title"], g["members"]) for g in view["groups"]),
        notes=(
            "named points: the frontier (cheaper than every model scoring higher)",
            f"{len(view['unscored'])} current models without this score are not drawn",
        ),
    )
    path = "charts/market.svg"
    return {
        "rows": rows,
        "groups": view["groups"],
        "unscored": view["unscored"],
        "score_name": score_name,
        "open_count": open_count,
        "chart": {"src": path, "alt": spec.alt},
        "charts": [(path, spec)],
    }


# ----------------------------------------------------------------------------- claims


def _claims_registry_path():
    from pricewatch.paths import shipped_data_dir

    return shipped_data_dir() / "claims.toml"


def _verdict_view(verdict: Any) -> dict[str, Any]:
    """A part's verdict for the page: the verdict, summary, prices used, steps and comparisons."""
    return {
        "verdict": verdict.verdict,
        "kind": verdict.kind,
        "summary": verdict.summary,
        "held_from": _day(verdict.held_from),
        "held_until": _day(verdict.held_until),
        "steps": [{"label": s.label, "formula": s.formula, "result": s.result} for s in verdict.steps],
        "prices": [
            {
                "role": p.role,
                "model_name": p.model_name,
                "provider": p.provider,
                # Rounded for reading like every price on the site (exact in the downloads):
                # "$0.08333", not "$0.08333333333"; "$0.30", not "$0.3".
                "figures": ", ".join(
                    f"{f.replace('_', ' ')} {money(getattr(p, f))}"
                    for f in ("input", "output", "cache_read", "cache_write")
                    if getattr(p, f) is not None
                ),
                "valid_from": _day(p.valid_from),
                "valid_to": _day(p.valid_to),
                "origin": p.origin,
                "confidence": p.confidence,
                "unverified": p.confidence == "low",
                "source_url": safe_url(p.source_url),
                "chosen_by": p.chosen_by,
            }
            for p in verdict.prices
        ],
        "missing": list(verdict.missing),
        "assumptions": list(verdict.assumptions),
    }


def _claims(data: SiteData) -> dict[str, Any]:
    from pricewatch.analysis.claims import check_registry, parse_registry

    path = _claims_registry_path()
    if not path.exists():
        raise SectionUnavailable("the claims registry (data/claims.toml) is not there yet.")
    entries = parse_registry(tomllib.loads(path.read_text(encoding="utf-8")))
    results = check_registry(entries, data.points, data.facts, data.now_text)
    by_id = {e.id: e for e in entries}
    items: list[dict[str, Any]] = []
    for result in results:
        entry = by_id[result.id]
        items.append(
            {
                "id": result.id,
                "anchor": slugify(result.id),
                "quote": result.quote,
                "article": result.article,
                "publisher": result.publisher,
                "url": safe_url(entry.url),
                "made_on": result.made_on.isoformat(),
                "statistic": result.statistic,
                "note": entry.note or "",
                "combine": result.combine,
                "then": {
                    "verdict": result.then.verdict,
                    "summary": result.then.summary,
                    "at": _day(result.then.at),
                    "parts": [_verdict_view(v) for v in result.then.parts],
                },
                "now": {
                    "verdict": result.now.verdict,
                    "summary": result.now.summary,
                    "at": _day(result.now.at),
                    "parts": [_verdict_view(v) for v in result.now.parts],
                },
            }
        )
    counts: dict[str, int] = {}
    for item in items:
        counts[item["now"]["verdict"]] = counts.get(item["now"]["verdict"], 0) + 1
    return {"items": items, "counts": counts}


# ----------------------------------------------------------------------------- in-browser tools


def _tools(data: SiteData) -> dict[str, Any]:
    """Data embedded in the claims page for the calculator and the claim box (plain JSON values)."""
    from pricewatch.site.tools import tools_data

    return {"data": tools_data(data)}


#: The analysis sections' names, in the order they are computed when all are.
SECTION_NAMES = ("ratios", "trends", "claims", "market", "tools")


def _section(name: str) -> tuple[str, str, Callable[[SiteData], dict[str, Any]]]:
    """What a section is (for an unavailable section's reason), its module, and its computation."""
    return {
        "ratios": ("ratio analysis", "pricewatch.analysis.ratios", _ratios),
        "trends": ("trend analysis", "pricewatch.analysis.trends", _trends),
        "claims": ("claims registry check", "pricewatch.analysis.claims", _claims),
        "market": ("market chart", "pricewatch.site.model", _market),
        "tools": ("workload calculator and claim box", "pricewatch.site.tools", _tools),
    }[name]


def analysis_sections(data: SiteData, names: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """The analysis sections ``names`` (default every one: ratios, trends, claims, the market chart, and the in-browser tools' data)."""
    sections = {}
    for name in SECTION_NAMES if names is None else names:
        what, module, compute = _section(name)
        sections[name] = _guarded(what, module, partial(compute, data))
    return sections
