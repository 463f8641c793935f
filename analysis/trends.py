"""Price deflation: the cheapest price at a capability threshold over time, fitted (pure).

Follows ../shared/reference/DEFLATION_METHODS.md §8 (the recommended method):

- price: USD per million tokens, list price, standard tier, base context, "input",
  "output" or "blended" = (3*input + 1*output) / 4 (weights are a parameter);
- host rule (§8.1): closed models at their maker's (first-party) price; open-weight models
  at the ``host_rule`` across hosts: "cheapest" (min, the "cheapest access" series, the
  default) or "median" (the Epoch-comparable series), optionally unquantized offers only;
- capability: one catalog score name and a threshold S*; models WITHOUT that score are
  excluded and listed as excluded (never treated as zero). Scores belong to model versions
  (``ModelFacts.versions``): at each time a model counts with the score of its version in
  force then (Gemini 1.5 Flash-001's 1243 until -002's release, 1289 after), so a version
  release is a change moment like a price change, and a version without the score leaves
  the model out while it is in force. The catalog does not mark reasoning models, so none
  are excluded by default: pass ``exclude_models`` to follow Epoch's policy;
- series (§8.2): at every time a qualifying model's price starts or ends (and at the
  window's start), the cheapest qualifying price; a **record** point whenever that price is
  strictly below every earlier one (if several records share a date the cheapest is kept);
  the fit rests on the records, the rest is for display;
- fit (§8.3): OLS of ln(price) on t in years = days / 365.25 from the first point; fold per
  year = exp(-slope), halving time = ln 2 / |slope|, 95% (and 90%) intervals from the
  t-distribution with n - 2 degrees of freedom;
- minimum data and flags (§8.4): fewer than 4 points -> no fit (the two-endpoint rate is
  given instead, labelled); low confidence when n < 6, the points span under 12 months, or
  the 95% interval is wide: upper / lower fold above 10 (the document's threshold).

t quantiles are computed, not tabulated: the Student t CDF through the regularized
incomplete beta function (a continued fraction, as in Numerical Recipes §6.4) and bisection,
with the standard library only; tests check them against the table in the document.

The **frontier** at a time is the model with the highest score (on the chosen score name,
of the version in force then) among the models that have a price then; ties go to the cheaper one. Its price over time
shows whether the best model gets cheaper (the Gundlach et al. "frontier price" question).

The **retail/open-weight ratio** over time is a peer group's headline ratio (see
``analysis.ratios``) at each change; the slope of ln(ratio) says whether the gap widens
(slope > 0) or narrows, and only when its 95% interval excludes 0.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pricewatch.analysis.prices import ModelFacts, PriceIndex, PricePoint, as_time
from pricewatch.analysis.ratios import (
    GroupRatio,
    GroupStatistic,
    ModelPrice,
    PeerGroup,
    change_times,
    group_ratio,
    model_price,
)
from pricewatch.analysis.workloads import DEFAULT_BLEND_WEIGHTS

__all__ = [
    "DAYS_PER_YEAR",
    "EPOCH_MMLU_GPT3_POINTS",
    "LOW_CONFIDENCE_MIN_POINTS",
    "LOW_CONFIDENCE_MIN_SPAN_MONTHS",
    "MIN_POINTS_FOR_FIT",
    "WIDE_INTERVAL_RATIO",
    "FrontierTrend",
    "PriceField",
    "RatioPoint",
    "RatioTrend",
    "ThresholdTrend",
    "TrendFit",
    "TrendPoint",
    "cheapest_at",
    "cheapest_at_threshold",
    "confidence_flags",
    "fit_log_trend",
    "frontier_trend",
    "ratio_trend",
    "t_cdf",
    "t_quantile",
]

PriceField = Literal["input", "output", "blended"]
TimeLike = str | date | datetime

DAYS_PER_YEAR = 365.25
MIN_POINTS_FOR_FIT = 4
LOW_CONFIDENCE_MIN_POINTS = 6
LOW_CONFIDENCE_MIN_SPAN_MONTHS = 12
#: A 95% interval whose upper fold is more than this many times its lower fold is "wide".
WIDE_INTERVAL_RATIO = 10.0

#: DEFLATION_METHODS.md §8.6: Epoch's record points for MMLU >= 43.9 ("GPT-3 level"),
#: 3:1 blended USD per million tokens. The fit gives 11.8x per year, 95% CI 7.6x - 18.3x.
EPOCH_MMLU_GPT3_POINTS: tuple[tuple[date, str, Decimal], ...] = (
    (date(2021, 11, 20), "GPT-3", Decimal("60.00")),
    (date(2022, 9, 1), "GPT-3 (price cut)", Decimal("20.00")),
    (date(2023, 3, 6), "GPT-3.5 Turbo", Decimal("2.00")),
    (date(2023, 7, 18), "Llama-2-Chat-13B", Decimal("0.56")),
    (date(2023, 12, 1), "Llama 2-7B", Decimal("0.20")),
    (date(2024, 4, 14), "Llama 2-7B (price cut)", Decimal("0.13")),
    (date(2024, 7, 23), "Llama-3.1-Instruct-8B", Decimal("0.10")),
    (date(2024, 9, 24), "Llama-3.2-Instruct-3B", Decimal("0.08")),
    (date(2024, 10, 3), "Gemini-1.5-Flash-8B", Decimal("0.07")),
)


# ----------------------------------------------------------------------------- Student t


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz's method)."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(df: float, confidence: float = 0.95) -> float:
    """The two-sided critical value: t such that P(|T| <= t) = ``confidence`` (2.365 for df 7, 95%)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1")
    target = 1.0 - (1.0 - confidence) / 2.0
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < target:
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0


# ----------------------------------------------------------------------------- the fit


@dataclass(frozen=True)
class TrendFit:
    """OLS of ln(value) on years since ``start``; fold per year = exp(-slope) (above 1 = falling)."""

    n: int
    start: date
    end: date
    slope_per_year: float
    intercept: float
    se_slope: float
    r2: float | None
    t95: float
    t90: float

    @property
    def span_years(self) -> float:
        return (self.end - self.start).days / DAYS_PER_YEAR

    @property
    def span_months(self) -> float:
        return self.span_years * 12

    @property
    def fold_per_year(self) -> float:
        """N-fold decline per year: exp(-slope). Below 1 means the value rises."""
        return math.exp(-self.slope_per_year)

    @property
    def percent_change_per_year(self) -> float:
        """exp(slope) - 1, as a fraction: -0.915 is a 91.5% fall per year."""
        return math.expm1(self.slope_per_year)

    def slope_interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """The slope's interval, ln-units per year."""
        t = (
            self.t95
            if confidence == 0.95
            else self.t90
            if confidence == 0.90
            else t_quantile(self.n - 2, confidence)
        )
        return (self.slope_per_year - t * self.se_slope, self.slope_per_year + t * self.se_slope)

    def fold_interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """(lower, upper) fold per year: exp(-(b + t*SE)), exp(-(b - t*SE))."""
        low_slope, high_slope = self.slope_interval(confidence)
        return (math.exp(-high_slope), math.exp(-low_slope))

    @property
    def ci95(self) -> tuple[float, float]:
        return self.fold_interval(0.95)

    @property
    def ci90(self) -> tuple[float, float]:
        return self.fold_interval(0.90)

    @property
    def halving_months(self) -> float | None:
        """Months for the value to halve (12 ln 2 / |slope|); None when it does not fall."""
        return 12 * math.log(2) / -self.slope_per_year if self.slope_per_year < 0 else None

    @property
    def doubling_months(self) -> float | None:
        """Months for the value to double; None when it does not rise."""
        return 12 * math.log(2) / self.slope_per_year if self.slope_per_year > 0 else None

    @property
    def tenfold_years(self) -> float | None:
        """Years for a 10x change (ln 10 / |slope|); None for a flat fit."""
        return math.log(10) / abs(self.slope_per_year) if self.slope_per_year else None

    @property
    def interval_ratio(self) -> float:
        """Upper over lower fold of the 95% interval."""
        low, high = self.ci95
        return high / low if low > 0 else math.inf

    @property
    def wide(self) -> bool:
        return self.interval_ratio > WIDE_INTERVAL_RATIO

    def consistent_with(self, fold_per_year: float, confidence: float = 0.95) -> bool:
        """True when a claimed fold per year lies inside the interval (§8.5)."""
        low, high = self.fold_interval(confidence)
        return low <= fold_per_year <= high

    def summary(self) -> str:
        """One line: rate, interval, n, span, R^2."""
        low, high = self.ci95
        r2 = f", R^2 {self.r2:.3f}" if self.r2 is not None else ""
        if self.slope_per_year < 0:
            speed = f"halving every {self.halving_months:.1f} months"
        elif self.slope_per_year > 0:
            speed = f"doubling every {self.doubling_months:.1f} months"
        else:
            speed = "flat"
        return (
            f"{self.fold_per_year:.3g}-fold per year (95% CI {low:.3g} - {high:.3g}), {speed}; "
            f"n = {self.n} points over {self.span_months:.1f} months ({self.start} to {self.end}){r2}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "span_months": self.span_months,
            "slope_per_year": self.slope_per_year,
            "intercept": self.intercept,
            "se_slope": self.se_slope,
            "r2": self.r2,
            "fold_per_year": self.fold_per_year,
            "percent_change_per_year": self.percent_change_per_year,
            "ci95": list(self.ci95),
            "ci90": list(self.ci90),
            "t95": self.t95,
            "halving_months": self.halving_months,
            "doubling_months": self.doubling_months,
            "wide": self.wide,
        }


def _day(value: TimeLike) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def fit_log_trend(observations: Iterable[tuple[TimeLike, float | Decimal]]) -> TrendFit | None:
    """OLS of ln(value) against years (days / 365.25) since the earliest point.

    None when there are fewer than 4 points (§8.4), all points share one date, or a value
    is not positive.
    """
    pts = sorted((_day(t), float(v)) for t, v in observations)
    n = len(pts)
    if n < MIN_POINTS_FOR_FIT or any(v <= 0 for _, v in pts):
        return None
    d0 = pts[0][0]
    t = [(d - d0).days / DAYS_PER_YEAR for d, _ in pts]
    y = [math.log(v) for _, v in pts]
    tb, yb = sum(t) / n, sum(y) / n
    sxx = sum((ti - tb) ** 2 for ti in t)
    if sxx == 0:
        return None
    sxy = sum((ti - tb) * (yi - yb) for ti, yi in zip(t, y, strict=True))
    b = sxy / sxx
    a = yb - b * tb
    sse = sum((yi - a - b * ti) ** 2 for ti, yi in zip(t, y, strict=True))
    sst = sum((yi - yb) ** 2 for yi in y)
    return TrendFit(
        n=n,
        start=pts[0][0],
        end=pts[-1][0],
        slope_per_year=b,
        intercept=a,
        se_slope=math.sqrt(sse / (n - 2) / sxx),
        r2=1 - sse / sst if sst > 0 else None,
        t95=t_quantile(n - 2, 0.95),
        t90=t_quantile(n - 2, 0.90),
    )


def confidence_flags(fit: TrendFit | None, n: int) -> tuple[str, ...]:
    """The §8.4 flags: no fit below 4 points; low confidence for n < 6, span < 12 months, wide interval."""
    if fit is None:
        return (f"no fit: {n} point{'s' if n != 1 else ''} (a fit needs at least {MIN_POINTS_FOR_FIT})",)
    flags = []
    if fit.n < LOW_CONFIDENCE_MIN_POINTS:
        flags.append(f"low confidence: only {fit.n} points (fewer than {LOW_CONFIDENCE_MIN_POINTS})")
    if fit.span_months < LOW_CONFIDENCE_MIN_SPAN_MONTHS:
        flags.append(
            f"low confidence: the points span {fit.span_months:.1f} months "
            f"(under {LOW_CONFIDENCE_MIN_SPAN_MONTHS})"
        )
    if fit.wide:
        flags.append(
            f"low confidence: wide interval (95% upper / lower = {fit.interval_ratio:.3g}, "
            f"over {WIDE_INTERVAL_RATIO:g})"
        )
    return tuple(flags)


def _unverified(points: Sequence[TrendPoint]) -> tuple[str, ...]:
    """A flag when points rest on curated prices marked low confidence (never to be shown as fact)."""
    low = [p for p in points if any(q.confidence == "low" for q in p.price.points)]
    if not low:
        return ()
    days = ", ".join(f"{p.at[:10]} {p.model}" for p in low)
    return (f"{len(low)} of {len(points)} points rest on low-confidence (unverified) curated prices: {days}",)


def _endpoint_fold(points: Sequence[TrendPoint]) -> float | None:
    """The two-endpoint fold per year (first over last price, per year between them)."""
    if len(points) < 2:
        return None
    first, last = points[0], points[-1]
    years = (last.day - first.day).days / DAYS_PER_YEAR
    if years <= 0 or first.value <= 0 or last.value <= 0:
        return None
    return float(first.value / last.value) ** (1 / years)


# ----------------------------------------------------------------------------- series


@dataclass(frozen=True)
class TrendPoint:
    """One model's price at one time, with the score it qualified on and the stored prices behind it.

    ``version`` is the model version whose score counted (None when the facts have no versions).
    """

    at: str
    model: str
    value: Decimal
    score: float | None
    price: ModelPrice
    version: str | None = None

    @property
    def day(self) -> date:
        return _day(self.at)

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "model": self.model,
            "value": str(self.value),
            "score": self.score,
            "version": self.version,
            "basis": self.price.basis,
            "inputs": list(self.price.inputs),
        }


def _validate_field(price: str) -> None:
    if price not in ("input", "output", "blended"):
        raise ValueError(f'price must be "input", "output" or "blended", not {price!r}')


def _standard_points(points: Iterable[PricePoint]) -> _ModelIndexes:
    # A site build asks for dozens of trends over one PriceIndex: group it once.
    if isinstance(points, PriceIndex):
        cached = points.__dict__.get("_standard_points")
        if cached is None:
            cached = points.__dict__["_standard_points"] = _group_standard(points)
        return cached
    return _group_standard(points)


class _ModelIndexes(Mapping[str, PriceIndex]):
    """Each model's standard periods, indexed when first asked for.

    A trend asks for each scored model's price at every change moment (an index per model
    pays for itself), but most models carry no score: theirs are never indexed.
    """

    def __init__(self, grouped: dict[str, list[PricePoint]]) -> None:
        self._raw = grouped
        self._indexed: dict[str, PriceIndex] = {}
        self._spans: dict[str, tuple[list[str], list[str]]] = {}

    def __getitem__(self, model: str) -> PriceIndex:
        index = self._indexed.get(model)
        if index is None:
            index = self._indexed[model] = PriceIndex(self._raw[model])
        return index

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def periods(self, model: str) -> list[PricePoint]:
        """The model's periods as a plain list (no index built)."""
        return self._raw[model]

    def priced_between(self, model: str, start: str | None, end: str) -> bool:
        """True when one of the model's periods is in force at some time of (start, end].

        One bisection: the periods sorted by start, with the latest end among each prefix
        (a trend asks this of every model, for each of the dozens of windows of a build).
        """
        spans = self._spans.get(model)
        if spans is None:
            ordered = sorted(self._raw[model], key=lambda p: p.valid_from)
            latest, ends = "", []
            for period in ordered:
                latest = max(latest, period.valid_to or _OPEN_END)
                ends.append(latest)
            spans = self._spans[model] = ([p.valid_from for p in ordered], ends)
        starts, ends = spans
        count = bisect_right(starts, end)
        return count > 0 and (start is None or ends[count - 1] > start)


#: Sorts after every time text: the end of a period that has not ended.
_OPEN_END = "\uffff"


def _group_standard(points: Iterable[PricePoint]) -> _ModelIndexes:
    grouped: dict[str, list[PricePoint]] = {}
    for p in points:
        if p.tier == "standard" and p.min_prompt_tokens == 0 and p.currency == "USD":
            grouped.setdefault(p.model, []).append(p)
    return _ModelIndexes(grouped)


#: A model's score over time: (valid from, score, version) steps, oldest first; the score is
#: None while a version without it is in force. valid from "" = from the model's first price.
ScoreSteps = tuple[tuple[str, float | None, str | None], ...]


def _score_steps(fact: ModelFacts, score: str) -> ScoreSteps:
    if not fact.versions:
        value = (fact.scores or {}).get(score)
        return (("", value, None),)
    ordered = sorted(fact.versions, key=lambda v: v.valid_from or "")
    return tuple((v.valid_from or "", v.scores.get(score), v.version or None) for v in ordered)


def _score_at(steps: ScoreSteps, at: str) -> tuple[float | None, str | None]:
    """The score (and version) in force at ``at``: (None, None) before the first version."""
    found: tuple[float | None, str | None] = (None, None)
    for valid_from, value, version in steps:
        if valid_from > at:
            break
        found = (value, version)
    return found


def _steps_in_window(steps: ScoreSteps, start: str | None, end: str) -> list[float]:
    """The scores of the versions in force at some time of the window."""
    values = []
    for index, (valid_from, value, _) in enumerate(steps):
        until = steps[index + 1][0] if index + 1 < len(steps) else None
        if value is not None and valid_from <= end and (start is None or until is None or until > start):
            values.append(value)
    return values


def _version_moments(
    scored: Mapping[str, ScoreSteps], models: Iterable[str], start: str, end: str
) -> dict[str, set[str]]:
    """Times in (start, end] at which one of ``models`` gets a new version, with the models."""
    moments: dict[str, set[str]] = {}
    for model in models:
        for valid_from, _, _ in scored[model]:
            if start < valid_from <= end:
                moments.setdefault(valid_from, set()).add(model)
    return moments


def _repricing(
    by_model: Mapping[str, list[PricePoint]],
    scored: Mapping[str, ScoreSteps],
    models: Iterable[str],
    moments: Sequence[str],
) -> list[set[str]]:
    """For each moment, the models whose price or score may differ from the previous moment's.

    A model's price at a time depends only on which of its periods are in force and which
    are past their confirmation window, and its score on the version in force: it can
    differ between two moments only when one of its periods starts or ends, or passes
    ``unconfirmed_after``, or a new version is released, after the earlier moment and at or
    before the later one. The first moment prices every model. (Re-pricing every model at
    every moment gave the same series and grew with the square of the data.)
    """
    plan: list[set[str]] = [set() for _ in moments]
    if not moments:
        return plan
    for model in models:
        plan[0].add(model)
        events = [t for p in by_model[model] for t in (p.valid_from, p.valid_to, p.unconfirmed_after) if t]
        events.extend(valid_from for valid_from, _, _ in scored[model] if valid_from)
        for moment in events:
            index = bisect_left(moments, moment)
            if 0 < index < len(moments):
                plan[index].add(model)
    return plan


def _priced_moments(
    by_model: Mapping[str, list[PricePoint]],
    facts: Mapping[str, ModelFacts],
    scored: Mapping[str, ScoreSteps],
    models: Iterable[str],
    moments: Sequence[str],
    threshold: float | None,
    price: str,
    host_rule: str,
    unquantized_only: bool,
    weights: Sequence[int | Decimal],
) -> Iterator[tuple[str, dict[str, TrendPoint]]]:
    """Each moment with a non-empty ``{model: its point}`` of ``models`` priced then (scored at
    least ``threshold`` when given); only the models ``_repricing`` names are priced again."""
    models = list(models)
    current: dict[str, TrendPoint] = {}
    for moment, changed in zip(moments, _repricing(by_model, scored, models, moments), strict=True):
        for model in sorted(changed):
            value, version = _score_at(scored[model], moment)
            found = (
                None
                if value is None or (threshold is not None and value < threshold)
                else _price_of(by_model, facts, model, moment, price, host_rule, unquantized_only, weights)
            )
            if found is None:
                current.pop(model, None)
            else:
                current[model] = TrendPoint(
                    at=moment, model=model, value=found[0], score=value, price=found[1], version=version
                )
        if current:
            yield moment, current


def _scored(
    by_model: Mapping[str, list[PricePoint]],
    facts: Mapping[str, ModelFacts],
    score: str,
    start: str | None,
    end: str,
    exclude_models: Sequence[str],
    *,
    explain: bool = True,
) -> tuple[dict[str, ScoreSteps], list[str]]:
    """Models with the score in the window (their score steps), and 'model: why' for priced models left out.

    Without ``explain`` the reasons are not gathered (an empty list) and models without the
    score are not looked at: a single moment's cheapest price needs only the scored ones.
    """
    scored: dict[str, ScoreSteps] = {}
    excluded: list[str] = []
    models: Iterable[str] = sorted(by_model)
    if not explain:
        models = [
            m
            for m in models
            if m not in exclude_models and (fact := facts.get(m)) is not None and score in fact.score_names
        ]
    for model in models:
        if isinstance(by_model, _ModelIndexes):
            in_window = by_model.priced_between(model, start, end)
        else:
            in_window = any(
                p.valid_from <= end and (start is None or p.valid_to is None or p.valid_to > start)
                for p in by_model[model]
            )
        if not in_window:
            continue
        fact = facts.get(model)
        if model in exclude_models:
            excluded.append(f"{model}: excluded by request")
        elif fact is None:
            excluded.append(f"{model}: not in the catalog, so no {score} score")
        elif score not in fact.score_names:
            excluded.append(f"{model}: no {score} score")
        else:
            steps = _score_steps(fact, score)
            if _steps_in_window(steps, start, end):
                scored[model] = steps
            else:
                excluded.append(f"{model}: no {score} score for the versions in force in the window")
    return scored, excluded


def _price_of(
    by_model: Mapping[str, list[PricePoint]],
    facts: Mapping[str, ModelFacts],
    model: str,
    at: str,
    price: str,
    host_rule: str,
    unquantized_only: bool,
    weights: Sequence[int | Decimal],
) -> tuple[Decimal, ModelPrice] | None:
    found = model_price(
        by_model.get(model, ()),
        facts,
        model,
        at,
        basis="weights",
        statistic=host_rule,
        unquantized_only=unquantized_only,
        weights=weights,
    )
    value = found.value(price) if found is not None else None
    # A $0 price has no logarithm and no fold: it is not a point of a price trend.
    if found is None or value is None or value <= 0:
        return None
    return value, found


def _definition(
    score: str,
    threshold: float | None,
    price: str,
    host_rule: str,
    unquantized_only: bool,
    weights: Sequence[int | Decimal],
    exclude_models: Sequence[str],
    start: str,
    end: str,
) -> tuple[str, ...]:
    blend = f"{weights[0]}:{weights[1]} blended" if price == "blended" else f"{price}-only"
    return (
        f"capability: {score}" + (f" >= {threshold:g}" if threshold is not None else " (highest score)"),
        f"price: {blend}, USD per million tokens, list price, standard tier, base context",
        f"host rule: closed models at the maker's price; open-weight models at the {host_rule} host"
        + (" (unquantized offers only)" if unquantized_only else ""),
        "reasoning models: "
        + (
            f"excluded: {', '.join(exclude_models)}"
            if exclude_models
            else "not excluded (the catalog does not mark them)"
        ),
        f"window: {start[:10]} to {end[:10]}",
        f"fit: OLS of ln(price) on years (days / {DAYS_PER_YEAR}), 95% interval from Student t with n - 2 df",
    )


def cheapest_at(
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    score: str,
    threshold: float,
    at: TimeLike,
    *,
    price: PriceField = "blended",
    host_rule: str = "cheapest",
    unquantized_only: bool = False,
    weights: Sequence[int | Decimal] = DEFAULT_BLEND_WEIGHTS,
    exclude_models: Sequence[str] = (),
) -> TrendPoint | None:
    """The cheapest price at ``at`` of any model whose ``score`` >= ``threshold`` (None if none has a price)."""
    _validate_field(price)
    at = as_time(at)
    by_model = _standard_points(points)
    scored, _ = _scored(by_model, facts, score, at, at, exclude_models, explain=False)
    return _cheapest(by_model, facts, scored, threshold, at, price, host_rule, unquantized_only, weights)


def _cheapest(
    by_model: Mapping[str, list[PricePoint]],
    facts: Mapping[str, ModelFacts],
    scored: Mapping[str, ScoreSteps],
    threshold: float,
    at: str,
    price: str,
    host_rule: str,
    unquantized_only: bool,
    weights: Sequence[int | Decimal],
) -> TrendPoint | None:
    best: TrendPoint | None = None
    for model, steps in scored.items():
        value, version = _score_at(steps, at)
        if value is None or value < threshold:
            continue
        found = _price_of(by_model, facts, model, at, price, host_rule, unquantized_only, weights)
        if found is None:
            continue
        amount, model_price_ = found
        if best is None or (amount, model) < (best.value, best.model):
            best = TrendPoint(
                at=at, model=model, value=amount, score=value, price=model_price_, version=version
            )
    return best


@dataclass(frozen=True)
class ThresholdTrend:
    """The cheapest price at a capability threshold over a window, its record points and their fit.

    series    the cheapest qualifying price at each change (display)
    records   the points strictly below every earlier one, one per date (the fit's points)
    excluded  "model: why" for models with prices in the window but without the score
    flags     no fit / low confidence, per DEFLATION_METHODS.md §8.4
    """

    score: str
    threshold: float
    price: str
    host_rule: str
    start: str
    end: str
    qualifying: tuple[str, ...]
    excluded: tuple[str, ...]
    series: tuple[TrendPoint, ...]
    records: tuple[TrendPoint, ...]
    fit: TrendFit | None
    endpoint_fold_per_year: float | None
    flags: tuple[str, ...]
    definition: tuple[str, ...]

    @property
    def low_confidence(self) -> bool:
        return bool(self.flags)

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "threshold": self.threshold,
            "price": self.price,
            "host_rule": self.host_rule,
            "start": self.start,
            "end": self.end,
            "definition": list(self.definition),
            "fit": self.fit.as_dict() if self.fit else None,
            "endpoint_fold_per_year": self.endpoint_fold_per_year,
            "low_confidence": self.low_confidence,
            "flags": list(self.flags),
            "records": [p.as_dict() for p in self.records],
            "series": [p.as_dict() for p in self.series],
            "qualifying": list(self.qualifying),
            "excluded": list(self.excluded),
        }


def _window(
    by_model: Mapping[str, list[PricePoint]], models: Iterable[str], start: TimeLike | None, end: TimeLike
) -> tuple[str | None, str]:
    end_text = as_time(end, end_of_day=True)
    if start is not None:
        return as_time(start), end_text
    froms = [p.valid_from for m in models for p in by_model.get(m, ()) if p.valid_from <= end_text]
    return (min(froms) if froms else None), end_text


def cheapest_at_threshold(
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    score: str,
    threshold: float,
    end: TimeLike,
    *,
    start: TimeLike | None = None,
    price: PriceField = "blended",
    host_rule: str = "cheapest",
    unquantized_only: bool = False,
    weights: Sequence[int | Decimal] = DEFAULT_BLEND_WEIGHTS,
    exclude_models: Sequence[str] = (),
) -> ThresholdTrend:
    """The cheapest price of any model with ``score`` >= ``threshold`` from ``start`` to ``end``, fitted.

    ``start`` defaults to the first price of a qualifying model; ``end`` is required (the
    clock is an argument). A date ``end`` includes that whole day.
    """
    _validate_field(price)
    by_model = _standard_points(points)
    start_text = as_time(start) if start is not None else None
    end_text = as_time(end, end_of_day=True)
    scored, excluded = _scored(by_model, facts, score, start_text, end_text, exclude_models)
    qualifying = sorted(
        m
        for m, steps in scored.items()
        if any(v >= threshold for v in _steps_in_window(steps, start_text, end_text))
    )
    start_text, end_text = _window(by_model, qualifying, start, end)
    series: list[TrendPoint] = []
    records: list[TrendPoint] = []
    if start_text is not None:
        # Walk the change moments in order and re-price only the models whose price or
        # score may have changed since the previous one (``_repricing``).
        boundaries = _version_moments(scored, qualifying, start_text, end_text)
        moments = change_times([p for m in qualifying for p in by_model[m]], qualifying, start_text, end_text)
        moments = sorted({*moments, *boundaries})
        for moment, current in _priced_moments(
            by_model,
            facts,
            scored,
            qualifying,
            moments,
            threshold,
            price,
            host_rule,
            unquantized_only,
            weights,
        ):
            cheapest = min(current.values(), key=lambda point: (point.value, point.model))
            best = replace(cheapest, at=moment)
            if not series or (series[-1].model, series[-1].value) != (best.model, best.value):
                series.append(best)
            if not records or best.value < records[-1].value:
                if records and records[-1].day == best.day:
                    records[-1] = best  # several records on one date: keep the cheapest (§8.2)
                else:
                    records.append(best)
    fit = fit_log_trend((p.day, p.value) for p in records)
    flags = [*confidence_flags(fit, len(records)), *_unverified(records)]
    if not qualifying:
        flags.insert(0, f"no model with a {score} score >= {threshold:g} has a price in the window")
    return ThresholdTrend(
        score=score,
        threshold=threshold,
        price=price,
        host_rule=host_rule,
        start=start_text or "",
        end=end_text,
        qualifying=tuple(qualifying),
        excluded=tuple(excluded),
        series=tuple(series),
        records=tuple(records),
        fit=fit,
        endpoint_fold_per_year=_endpoint_fold(records) if fit is None else None,
        flags=tuple(flags),
        definition=_definition(
            score,
            threshold,
            price,
            host_rule,
            unquantized_only,
            weights,
            exclude_models,
            start_text or "",
            end_text,
        ),
    )


# ----------------------------------------------------------------------------- frontier


@dataclass(frozen=True)
class FrontierTrend:
    """The frontier model's price over time: at each change, the highest-scored model with a price."""

    score: str
    price: str
    host_rule: str
    start: str
    end: str
    excluded: tuple[str, ...]
    series: tuple[TrendPoint, ...]
    fit: TrendFit | None
    flags: tuple[str, ...]
    definition: tuple[str, ...]

    @property
    def low_confidence(self) -> bool:
        return bool(self.flags)

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "price": self.price,
            "host_rule": self.host_rule,
            "start": self.start,
            "end": self.end,
            "definition": list(self.definition),
            "fit": self.fit.as_dict() if self.fit else None,
            "flags": list(self.flags),
            "series": [p.as_dict() for p in self.series],
            "excluded": list(self.excluded),
        }


def frontier_trend(
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    score: str,
    end: TimeLike,
    *,
    start: TimeLike | None = None,
    price: PriceField = "blended",
    host_rule: str = "cheapest",
    unquantized_only: bool = False,
    weights: Sequence[int | Decimal] = DEFAULT_BLEND_WEIGHTS,
    exclude_models: Sequence[str] = (),
) -> FrontierTrend:
    """The frontier's price over time; the fit runs on the series' change points (a rising price gives fold < 1)."""
    _validate_field(price)
    by_model = _standard_points(points)
    start_text = as_time(start) if start is not None else None
    scored, excluded = _scored(
        by_model, facts, score, start_text, as_time(end, end_of_day=True), exclude_models
    )
    start_text, end_text = _window(by_model, scored, start, end)
    series: list[TrendPoint] = []
    if start_text is not None:
        moments = change_times([p for m in scored for p in by_model[m]], scored, start_text, end_text)
        moments = sorted({*moments, *_version_moments(scored, scored, start_text, end_text)})
        # The frontier at each moment: the highest score, then the lowest price, then the
        # model id; only the models whose price or score may have changed are priced again.
        for moment, current in _priced_moments(
            by_model, facts, scored, scored, moments, None, price, host_rule, unquantized_only, weights
        ):
            top = min(current.values(), key=lambda point: (-(point.score or 0), point.value, point.model))
            best = replace(top, at=moment)
            if series and (series[-1].model, series[-1].value) == (best.model, best.value):
                continue
            if series and series[-1].day == best.day:
                series[-1] = best  # one point per date: the state at the end of the day
            else:
                series.append(best)
    fit = fit_log_trend((p.day, p.value) for p in series)
    return FrontierTrend(
        score=score,
        price=price,
        host_rule=host_rule,
        start=start_text or "",
        end=end_text,
        excluded=tuple(excluded),
        series=tuple(series),
        fit=fit,
        flags=(*confidence_flags(fit, len(series)), *_unverified(series)),
        definition=_definition(
            score,
            None,
            price,
            host_rule,
            unquantized_only,
            weights,
            exclude_models,
            start_text or "",
            end_text,
        ),
    )


# ----------------------------------------------------------------------------- ratio over time


@dataclass(frozen=True)
class RatioPoint:
    """A peer group's ratio (retail over open-weight market) at one change."""

    at: str
    ratio: Decimal
    result: GroupRatio

    @property
    def day(self) -> date:
        return _day(self.at)


@dataclass(frozen=True)
class RatioTrend:
    """Is the retail / open-weight gap widening or narrowing? The fitted slope of ln(ratio)."""

    group: PeerGroup
    price: str
    statistic: str
    group_statistic: str
    closed_model: str | None
    start: str
    end: str
    series: tuple[RatioPoint, ...]
    fit: TrendFit | None
    direction: str
    flags: tuple[str, ...]

    @property
    def low_confidence(self) -> bool:
        return bool(self.flags)

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group.id,
            "price": self.price,
            "statistic": self.statistic,
            "group_statistic": self.group_statistic,
            "closed_model": self.closed_model,
            "start": self.start,
            "end": self.end,
            "direction": self.direction,
            "fit": self.fit.as_dict() if self.fit else None,
            "flags": list(self.flags),
            "series": [
                {"at": p.at, "ratio": str(p.ratio), "inputs": p.result.as_dict()} for p in self.series
            ],
        }


def _direction(fit: TrendFit | None, series: Sequence[RatioPoint]) -> str:
    if fit is None:
        if len(series) < 2 or series[0].ratio == series[-1].ratio:
            return "unknown: too few points"
        trend = "widening" if series[-1].ratio > series[0].ratio else "narrowing"
        return f"{trend} (two endpoints only, no fit)"
    low, high = fit.slope_interval(0.95)
    if low > 0:
        return "widening"
    if high < 0:
        return "narrowing"
    return "no clear direction (the 95% interval of the slope includes 0)"


def _member_prices(
    flat: PriceIndex,
    facts: Mapping[str, ModelFacts],
    group: PeerGroup,
    at: str,
    statistic: str,
    unquantized_only: bool,
    weights: Sequence[int | Decimal],
) -> tuple[Any, ...]:
    """What a group's ratio at ``at`` rests on: each member's price on its side's basis (as ``group_ratio`` asks)."""
    found: list[Any] = []
    for models, basis in ((group.closed, "retail"), (group.open, "market")):
        for model in models:
            price = model_price(
                flat.for_model(model),
                facts,
                model,
                at,
                basis=basis,  # type: ignore[arg-type]
                statistic=statistic,
                unquantized_only=unquantized_only,
                weights=weights,
            )
            found.append(None if price is None else (price.basis, price.input, price.output, price.blended))
    return tuple(found)


def ratio_trend(
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    group: PeerGroup,
    end: TimeLike,
    *,
    start: TimeLike | None = None,
    price: PriceField = "blended",
    statistic: str = "cheapest",
    group_statistic: GroupStatistic = "median",
    closed_model: str | None = None,
    unquantized_only: bool = False,
    weights: Sequence[int | Decimal] = DEFAULT_BLEND_WEIGHTS,
) -> RatioTrend:
    """A peer group's ratio at each change from ``start`` to ``end``, and the fitted slope of ln(ratio).

    The ratio is the group's headline (closed side over open side, both ``group_statistic``),
    or ``closed_model``'s retail price over the group's open-market price.
    """
    _validate_field(price)
    if closed_model is not None and closed_model not in group.closed:
        raise ValueError(f"{closed_model} is not on the closed side of peer group {group.id}")
    standard = _standard_points(points)
    by_model = {m: standard[m] for m in group.models if m in standard}
    # Indexed once: the ratio is asked at every change moment.
    flat = PriceIndex(p for ps in by_model.values() for p in ps)
    start_text, end_text = _window(by_model, group.models, start, end)
    series: list[RatioPoint] = []
    if start_text is not None:
        previous: tuple[Any, ...] | None = None
        for moment in change_times(flat, group.models, start_text, end_text):
            # Members' prices as before: the same ratio, which the series would not keep.
            prices = _member_prices(flat, facts, group, moment, statistic, unquantized_only, weights)
            if prices == previous:
                continue
            previous = prices
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
            if closed_model is None:
                chosen = result.headline
            else:
                chosen = next((r for r in result.ratios if r.numerator.model == closed_model), None)
            value = chosen.value(price) if chosen is not None else None
            if value is None or value <= 0:
                continue
            if series and series[-1].ratio == value:
                continue
            point = RatioPoint(at=moment, ratio=value, result=result)
            if series and series[-1].day == point.day:
                series[-1] = point
            else:
                series.append(point)
    fit = fit_log_trend((p.day, p.ratio) for p in series)
    return RatioTrend(
        group=group,
        price=price,
        statistic=statistic,
        group_statistic=group_statistic,
        closed_model=closed_model,
        start=start_text or "",
        end=end_text,
        series=tuple(series),
        fit=fit,
        direction=_direction(fit, series),
        flags=confidence_flags(fit, len(series)),
    )
