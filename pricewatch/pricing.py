"""Prices and bills as of a time, from one loaded history: what `cost`, `reprice` and the Python API share.

A ``PriceBook`` holds every price period (a ``PriceIndex``), the catalog's model facts and
the catalog, read once. It answers three questions, each the same way for every caller:

- ``resolve(name)``: the model a name means, for names as logs and SDKs write them (rules in
  ``resolve``); a name no rule maps raises ``UnknownModelError`` with suggestions, never a guess;
- ``sheets(model, provider, at)``: the price sheets (standard, long context, batch) a provider
  charged then; with no provider, the model's maker (``NotSoldByMakerError`` names the hosts
  when no maker sells it; ``NoPriceThenError`` the nearest dates when nobody did);
- ``bill(...)``: a request's tokens at those sheets, through ``analysis.workloads.usage_cost``
  (the billing `pricewatch cost` uses for a profile), converted to USD at that date's
  reference rate when the price is in another currency.

Sheets are cached per offer and per stretch of time in which no period of the model starts
or ends, so costing a million log rows looks each price up once per stretch.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pricewatch.analysis.prices import ModelFacts, PriceIndex, PricePoint, as_index, as_time, offers_at
from pricewatch.analysis.workloads import (
    CostBreakdown,
    MissingPolicy,
    TokenCounts,
    WorkloadPrices,
    long_context_applies,
    usage_cost,
    usage_rates,
    workload_prices_at,
)
from pricewatch.errors import MissingPriceError, NoPriceThenError, NotSoldByMakerError, UnknownModelError
from pricewatch.money import decimal_to_text

if TYPE_CHECKING:
    from pricewatch.scraper.catalog import Catalog
    from pricewatch.scraper.fx import FxRate

__all__ = [
    "SHAPE_CLASSES",
    "Bill",
    "PriceBook",
    "Resolved",
    "load_book",
    "parse_time",
    "read_history",
    "shipped_database",
    "shipped_rates",
]


def read_history(
    db_path: Path, catalog: Catalog, window_days: int | None = None
) -> tuple[list[PricePoint], dict[str, ModelFacts]]:
    """Every price period of a database (read-only) and the catalog's model facts."""
    from pricewatch.inputs import load_model_facts, load_price_points
    from pricewatch.scraper.store.reader import open_reader

    reader = open_reader(db_path)
    facts = load_model_facts(catalog)
    try:
        points = load_price_points(reader, facts, window_days=window_days)
    finally:
        reader.close()
    return points, facts


def parse_time(value: str | date | datetime | int | float | None, *, now: datetime | None = None) -> str:
    """A time as the store's UTC text: None is now; a bare date its last second (prices as of
    the end of that day, as `pricewatch cost --as-of` reads it); ISO text with or without an
    offset ("Z" is UTC, no offset is UTC); a number is Unix seconds (milliseconds above 1e11).
    """
    if value is None:
        return as_time(now or datetime.now(UTC))
    if isinstance(value, datetime):
        return as_time(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, date):
        return as_time(value, end_of_day=True)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return as_time(datetime.fromtimestamp(seconds, UTC))
    text = str(value).strip()
    if len(text) == 10:
        return as_time(date.fromisoformat(text), end_of_day=True)
    if len(text) == 20 and text[10] == "T" and text.endswith("Z"):
        return text  # already the store's form: the common case of a long log, kept fast
    if text.replace(".", "", 1).isdigit():
        return parse_time(float(text))
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    return as_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


# ----------------------------------------------------------------------------- names


@dataclass(frozen=True)
class Resolved:
    """What a name means: the model id prices are stored under, and how the name was read.

    ``snapshot`` is the dated snapshot the name names when the catalog lists it beside its
    model (its offers carry it as their variant); ``released`` the day the name's model or
    snapshot came out when known (a date in the name, else the catalog's release date).
    """

    name: str
    model: str
    catalogued: bool
    rule: str
    snapshot: str | None = None
    released: date | None = None

    @property
    def dated(self) -> bool:
        """True when the name carries its release date: no price of it before that day."""
        return _date_in(self.name) is not None


# OpenRouter's variant suffixes (":free", ":floor", ":nitro", ":thinking", ":beta", ...).
_SUFFIX = re.compile(r":([a-z][a-z0-9-]*)$")
# A release date at the end of an API name: -20251101, -2024-08-06, @20240620.
_DATED = re.compile(r"[-@](\d{4})-?(\d{2})-?(\d{2})$")
# The same anywhere before a Bedrock version or the end: claude-3-5-sonnet-20241022-v2:0.
_DATE_IN = re.compile(r"[-@](20\d{2})-?([01]\d)-?([0-3]\d)(?=$|-v\d|:)")
# Bedrock ids: [region.]vendor.model[-vN[:M]][:K]
_BEDROCK = re.compile(
    r"^(?:(?:us|eu|apac|jp|au|ca|global|us-gov)\.)?(?P<vendor>[a-z0-9-]+)\.(?P<model>[a-z0-9][\w.-]*?)"
    r"(?:-v\d+(?::\d+)?)?(?::\d+)?$"
)
_BEDROCK_MAKERS = {
    "anthropic": "anthropic",
    "meta": "meta-llama",
    "mistral": "mistralai",
    "amazon": "amazon",
    "cohere": "cohere",
    "ai21": "ai21",
    "deepseek": "deepseek",
    "qwen": "qwen",
    "openai": "openai",
    "writer": "writer",
    "moonshot": "moonshotai",
    "minimax": "minimax",
}
# LiteLLM's routing prefixes that are no provider the catalog names.
_ROUTES = {
    "bedrock",
    "bedrock_converse",
    "converse",
    "invoke",
    "vertex_ai",
    "vertex_ai_beta",
    "azure",
    "azure_ai",
    "openrouter",
    "together_ai",
    "fireworks_ai",
    "text-completion-openai",
    "text-completion-codestral",
    "litellm_proxy",
    "hosted_vllm",
}


def _date_in(name: str) -> date | None:
    """The release date an API name carries (gpt-4o-2024-08-06, claude-opus-4-5-20251101), if any."""
    match = _DATE_IN.search(name)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


# ----------------------------------------------------------------------------- bills


@dataclass(frozen=True)
class Bill:
    """A request's cost: the breakdown in the price's currency, and the USD total.

    ``rate`` is the reference rate used when the price was not in USD (``fx_note`` says
    which, from when); the breakdown's lines stay in the price's own currency.
    """

    breakdown: CostBreakdown
    currency: str
    total_usd: Decimal
    rate: Decimal | None = None
    fx_note: str | None = None


class PriceBook:
    """Prices, model facts and the catalog, loaded once, with the questions callers ask of them."""

    def __init__(
        self,
        points: Iterable[PricePoint],
        facts: Mapping[str, ModelFacts],
        catalog: Catalog,
        fx_rates: Sequence[FxRate] | Callable[[], Sequence[FxRate]] = (),
    ) -> None:
        self.points: PriceIndex = as_index(points)
        self.facts = dict(facts)
        self.catalog = catalog
        # Rates are read when a price in another currency is first billed (a callable defers it).
        self._fx_rates = fx_rates
        by_name: dict[str, str] = {}
        bounds: dict[str, set[str]] = {}
        for point in self.points:
            by_name.setdefault(point.model.lower(), point.model)
            edges = bounds.setdefault(point.model, set())
            edges.add(point.valid_from)
            for edge in (point.valid_to, point.unconfirmed_after):
                if edge is not None:
                    edges.add(edge)
        self._stored = by_name
        self._bounds = {model: sorted(edges) for model, edges in bounds.items()}
        self._creators = sorted({m.creator for m in catalog.models.values()} | {"meta-llama", "mistralai"})
        self._resolved: dict[str, Resolved | UnknownModelError] = {}
        self._sheets: dict[tuple[Any, ...], WorkloadPrices | Exception] = {}
        self._rates: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    # -------------------------------------------------------------- names

    def _with_maker(self, form: str) -> tuple[str, str] | None:
        """(model id, prefix) for a bare name under exactly one maker's prefix in the catalog
        ("gpt-4o" -> openai/gpt-4o); None when none or several match."""
        if "/" in form:
            return None
        found = {
            model: prefix
            for prefix in self._creators
            if (model := self.catalog.resolve_model(f"{prefix}/{form}")) is not None
        }
        if len(found) != 1:
            return None
        ((model, prefix),) = found.items()
        return model, prefix

    def _forms(self, name: str) -> list[tuple[str, str]]:
        """The spellings to try for ``name``, each with the rule that produced it, most literal first."""
        forms: list[tuple[str, str]] = [(name.strip(), "as written")]
        seen = {name.strip().lower()}

        def add(form: str, rule: str) -> None:
            if form and form.lower() not in seen:
                seen.add(form.lower())
                forms.append((form, rule))

        index = 0
        while index < len(forms):
            form, rule = forms[index]
            index += 1
            then = "" if rule == "as written" else f"{rule}; "
            suffix = _SUFFIX.search(form)
            if suffix is not None:
                add(form[: suffix.start()], f"{then}OpenRouter variant :{suffix.group(1)} dropped")
            parts = form.split("/")
            if len(parts) > 1 and (parts[0] in _ROUTES or self.catalog.resolve_provider(parts[0])):
                add("/".join(parts[1:]), f"{then}LiteLLM route {parts[0]}/ dropped")
                if len(parts) > 2:
                    add(parts[-1], f"{then}LiteLLM route {'/'.join(parts[:-1])}/ dropped")
            bedrock = _BEDROCK.match(parts[-1]) if "." in parts[-1] else None
            if bedrock is not None and bedrock.group("vendor") in _BEDROCK_MAKERS:
                model = bedrock.group("model")
                add(f"{_BEDROCK_MAKERS[bedrock.group('vendor')]}/{model}", f"{then}Bedrock id {parts[-1]}")
                add(model, f"{then}Bedrock id {parts[-1]}")
            if "@" in form:
                add(form.replace("@", "-"), f"{then}Vertex version @ read as -")
            if form.endswith("-latest"):
                add(form.removesuffix("-latest"), f"{then}-latest dropped")
            dated = _DATED.search(form)
            if dated is not None and _date_in(form) is not None:
                add(form[: dated.start()], f"{then}release date {form[dated.start() :]} dropped")
        return forms

    def resolve(self, name: str) -> Resolved:
        """The model ``name`` means. Rules, tried in order on each spelling they produce:

        the name as written (a catalog id, name, alias or snapshot; a model id of the stored
        history); an OpenRouter variant suffix (``:free``, ``:floor``, ``:nitro``...) dropped;
        a LiteLLM route (``bedrock/``, ``vertex_ai/``, ``azure/``, ``openrouter/``, a provider
        name) dropped; a Bedrock id (``us.anthropic.claude-...-v1:0``) read as maker and
        model; a Vertex ``@`` version read as ``-``; ``-latest`` dropped; a trailing release
        date (``-20251101``, ``-2024-08-06``) dropped (the date is kept as the release).
        A bare name also matches under exactly one maker's prefix (``gpt-4o`` is
        ``openai/gpt-4o``). Raises ``UnknownModelError`` (with close catalog names) when no
        rule maps the name.
        """
        known = self._resolved.get(name)
        if known is not None:
            if isinstance(known, Exception):
                raise known.with_traceback(None)  # a cached error: its traceback must not grow per raise
            return known
        forms = self._forms(name)
        for form, rule in forms:  # the catalog first, through every rule
            model = self.catalog.resolve_model(form)
            how = rule
            if model is None:
                maker = self._with_maker(form)
                if maker is None:
                    continue
                model, form = maker[0], f"{maker[1]}/{form}"
                how = (
                    f"maker prefix {maker[1]}/ added"
                    if rule == "as written"
                    else f"{rule}; maker prefix {maker[1]}/ added"
                )
            snapshot = self.catalog.resolve_snapshot(form)
            catalogued = self.catalog.models.get(model)
            return self._remember(
                Resolved(
                    name=name,
                    model=model,
                    catalogued=True,
                    rule=how,
                    snapshot=snapshot[1] if snapshot else None,
                    released=_date_in(name) or (catalogued.released if catalogued else None),
                )
            )
        for form, rule in forms:  # then a model id of the stored history (a source's own name)
            stored = self._stored.get(form.lower())
            if stored is not None:
                how = "a model id of the stored history, not in the catalog" + (
                    "" if rule == "as written" else f" ({rule})"
                )
                return self._remember(
                    Resolved(name=name, model=stored, catalogued=False, rule=how, released=_date_in(name))
                )
        unknown = UnknownModelError(name, self.catalog.suggest_models(name))
        self._resolved[name] = unknown  # a log repeats its names: suggest once
        raise unknown

    def _remember(self, resolved: Resolved) -> Resolved:
        self._resolved[resolved.name] = resolved
        return resolved

    def resolve_provider(self, name: str) -> str:
        """A provider id: the catalog's for a name, alias or slug of it, else the slug."""
        from pricewatch.scraper.catalog import provider_slug

        return self.catalog.resolve_provider(name) or provider_slug(name)

    # -------------------------------------------------------------- prices

    def _stretch(self, model: str, at: str) -> int:
        """Which stretch of the model's history ``at`` falls in (no period starts or ends inside one)."""
        return bisect_right(self._bounds.get(model, ()), at)

    def stretch_bounds(self, model: str) -> Sequence[str]:
        """The sorted times at which one of the model's periods starts, ends or leaves its
        confirmation window: ``bisect_right`` of a time in them is the stretch ``sheets``
        keys its answers on (one answer per model, provider, tier and stretch)."""
        return self._bounds.get(model, ())

    def sellers(self, model: str, at: str, tier: str = "standard") -> list[str]:
        """Providers with an input and output price for the model in force at ``at`` (any currency)."""
        offers = offers_at(self.points, model, at, tier=tier, currency=None)
        return sorted({p.provider for p in offers if p.input is not None and p.output is not None})

    def seller(self, model: str, at: str, tier: str = "standard") -> str:
        """The maker selling the model at ``at``; else NotSoldByMakerError naming the hosts."""
        key = ("seller", model, tier, self._stretch(model, at))
        cached = self._sheets.get(key)
        if cached is None:
            try:
                cached = self._seller(model, at, tier)  # type: ignore[assignment]
            except MissingPriceError as error:
                cached = error
            self._sheets[key] = cached  # type: ignore[assignment]
        if isinstance(cached, Exception):
            raise cached.with_traceback(None)  # a cached error: its traceback must not grow per raise
        return cached  # type: ignore[return-value]

    def _seller(self, model: str, at: str, tier: str) -> str:
        sellers = self.sellers(model, at, tier)
        fact = self.facts.get(model)
        for maker in fact.makers if fact else ():
            if maker in sellers:
                return maker
        if not sellers:
            raise self.no_price(model, at, tier=tier)
        raise NotSoldByMakerError(
            f"{model} is not sold by its maker on {at[:10]}: name a provider ({', '.join(sellers)})", sellers
        )

    def no_price(
        self,
        model: str,
        at: str,
        *,
        provider: str | None = None,
        tier: str = "standard",
        released: date | None = None,
        note: str | None = None,
    ) -> NoPriceThenError:
        """The error for no price then, naming the nearest dates the history knows (and the release)."""
        periods = [
            p
            for p in self.points.for_model(model)
            if p.tier == tier and p.min_prompt_tokens == 0 and (provider is None or p.provider == provider)
        ]
        stale = [p for p in periods if p.in_force(at) and p.unconfirmed_at(at)]
        before = [p.valid_to for p in periods if p.valid_to is not None and p.valid_to <= at]
        after = [p.valid_from for p in periods if p.valid_from > at]
        nearest: list[str] = []
        words: list[str] = [note] if note else []
        if stale:
            since = max(p.unconfirmed_since for p in stale)[:10]
            nearest.append(since)
            words.append(
                f"a curated price was in force but no source had confirmed it since {since}, "
                "longer than the curated window"
            )
        if released is not None and as_time(released) > at:
            nearest.append(released.isoformat())
            words.append(f"it was released on {released.isoformat()}")
        if before:
            last = max(before)[:10]
            nearest.append(last)
            words.append(f"the last price known before ends {last}")
        if after:
            first = min(after)[:10]
            nearest.append(first)
            words.append(f"the first price known after starts {first}")
        at_whom = f" at {provider}" if provider else ""
        why = "; ".join(words) if words else "no price of it is known at all"
        return NoPriceThenError(
            f"no {tier} price for {model}{at_whom} on {at[:10]} ({why})", sorted(set(nearest))
        )

    def sheets(
        self,
        model: str | Resolved,
        provider: str | None = None,
        at: str | date | datetime | None = None,
        *,
        tier: str = "standard",
        usd_only: bool = False,
    ) -> WorkloadPrices:
        """The sheets ``provider`` (default: the maker) charged for the model at ``at``.

        A dated snapshot's own offer when one is in force, else the model's plain offer; USD
        offers first, else the currency in force (``usd_only``: USD offers only). Raises NoPriceThenError (before a
        snapshot's release, or when nobody priced it then) or NotSoldByMakerError.
        """
        resolved = model if isinstance(model, Resolved) else self.resolve(model)
        when = at if isinstance(at, str) and len(at) == 20 else parse_time(at)
        key = (
            resolved.model,
            resolved.snapshot,
            provider,
            tier,
            usd_only,
            self._stretch(resolved.model, when),
        )
        cached = self._sheets.get(key)
        if cached is None:
            try:
                cached = self._find_sheets(resolved, provider, when, tier, usd_only)
            except MissingPriceError as error:
                cached = error
            self._sheets[key] = cached
        if isinstance(cached, Exception):
            raise cached.with_traceback(None)  # a cached error: its traceback must not grow per raise
        return cached

    def _find_sheets(
        self, resolved: Resolved, provider: str | None, at: str, tier: str, usd_only: bool
    ) -> WorkloadPrices:
        model = resolved.model
        if resolved.released is not None and resolved.dated and as_time(resolved.released) > at:
            raise self.no_price(resolved.name, at, tier=tier, released=resolved.released)
        released = resolved.released if resolved.released and as_time(resolved.released) > at else None
        if released is not None and not self.sellers(model, at, tier):
            raise self.no_price(model, at, provider=provider, tier=tier, released=released)
        who = self.resolve_provider(provider) if provider else self.seller(model, at, tier)
        offers = [
            p
            for p in offers_at(
                self.points, model, at, provider=who, tier=tier, currency="USD" if usd_only else None
            )
            if p.input is not None and p.output is not None
        ]
        if not offers:
            raise self.no_price(model, at, provider=who, tier=tier, released=resolved.released)
        variant: str | None
        if resolved.snapshot is not None and any(p.variant == resolved.snapshot for p in offers):
            variant = resolved.snapshot
        else:
            # The model's own offers, not a dated snapshot's (OpenAI still sells gpt-4o-2024-05-13
            # at $5/$15 beside gpt-4o at $2.50/$10: the plain name is never the old snapshot).
            dated = self._snapshot_variants(model)
            plain = [p for p in offers if p.variant.rsplit("|", 1)[-1] not in dated]
            if not plain:
                only = ", ".join(sorted({p.variant for p in offers}))
                raise self.no_price(
                    model, at, provider=who, tier=tier, note=f"only dated snapshots were priced then ({only})"
                )
            variant = "" if any(p.variant == "" for p in plain) else max(plain, key=_newest).variant
        usable = [p for p in offers if p.variant == variant]
        currency = "USD" if any(p.currency == "USD" for p in usable) else usable[0].currency
        return workload_prices_at(self.points, model, who, at, tier=tier, variant=variant, currency=currency)

    def _snapshot_variants(self, model: str) -> frozenset[str]:
        """The variants a model's dated snapshots are stored under (the catalog's ``snapshots``)."""
        entry = self.catalog.models.get(model)
        return frozenset(name.rsplit("/", 1)[-1] for name in entry.snapshots) if entry else frozenset()

    # -------------------------------------------------------------- bills

    @property
    def fx_rates(self) -> list[FxRate]:
        """The reference rates (read on first use when given as a loader)."""
        if callable(self._fx_rates):
            self._fx_rates = list(self._fx_rates())
        return list(self._fx_rates)

    def rate(self, currency: str, at: str) -> FxRate:
        """The reference rate of ``currency`` in force on ``at``'s day; MissingPriceError when none."""
        from pricewatch.scraper.fx import rate_on

        found = rate_on(self.fx_rates, currency, date.fromisoformat(at[:10]))
        if found is None:
            raise MissingPriceError(f"no {currency} to USD reference rate known on {at[:10]}")
        return found

    def bill(
        self,
        prices: WorkloadPrices,
        counts: TokenCounts,
        *,
        batch: bool = False,
        on_missing: MissingPolicy = "input_price",
        explain: bool = True,
    ) -> Bill:
        """``counts`` at ``prices`` (``usage_cost``), with the USD total and the conversion said."""
        breakdown = usage_cost(prices, counts, batch=batch, on_missing=on_missing, explain=explain)
        point = prices.standard.point
        currency = point.currency if point is not None else "USD"
        if currency == "USD":
            return Bill(breakdown, currency, breakdown.total_usd)
        rate, note = self._fx(currency, prices.at)
        breakdown = replace(breakdown, assumptions=(*breakdown.assumptions, note))
        return Bill(breakdown, currency, breakdown.total_usd * rate, rate, note)

    def total_usd(
        self, prices: WorkloadPrices, counts: TokenCounts, *, batch: bool = False
    ) -> tuple[Decimal, tuple[str, ...], str | None]:
        """(USD total, flags, conversion note) of ``counts`` at ``prices``: ``bill``'s total without
        its lines, for a long log. The prices per token class are ``usage_rates``' choice (the
        billing of ``usage_cost``), asked once per sheet, prompt band and set of classes used.
        """
        mask = (
            counts.input != 0,
            counts.cache_read != 0,
            counts.cache_write != 0,
            counts.cache_write_1h != 0,
            counts.output != 0,
            counts.reasoning != 0,
        )  # in _CLASSES order
        rates, flags, fx, note = self.shape_rates(
            prices, mask, long=long_context_applies(prices, counts), batch=batch
        )
        total = _NONE
        for name, price in rates:
            total += getattr(counts, name) * price / _MILLION
        return (total if fx is None else total * fx), flags, note

    def shape_rates(
        self, prices: WorkloadPrices, mask: tuple[bool, ...], *, long: bool, batch: bool = False
    ) -> tuple[tuple[tuple[str, Decimal], ...], tuple[str, ...], Decimal | None, str | None]:
        """(the (token class, price per million) pairs, flags, USD rate or None, conversion note)
        a request of one shape is billed at: ``mask`` says which token classes it uses (in
        ``TokenCounts`` order: input, cache_read, cache_write, cache_write_1h, output,
        reasoning), ``long`` whether its prompt is above the long-context threshold. Asked
        once per sheet and shape; ``sum(count * price / 1e6)`` (times the rate) is the bill.
        """
        key = (id(prices), batch, long, mask)
        known = self._rates.get(key)
        if known is None or known[0] is not prices:
            ones = {name: _ONE if used else _NONE for name, used in zip(_CLASSES, mask, strict=True)}
            if key[2]:  # as long a prompt, on a prompt class the request uses
                first = next(name for name in _PROMPT if ones[name])
                ones[first] = Decimal(prices.long_context_threshold or 0) + 1
            probe = TokenCounts(**ones)
            rates, flags = usage_rates(prices, probe, batch=batch)
            point = prices.standard.point
            currency = point.currency if point is not None else "USD"
            fx, note = (None, None) if currency == "USD" else self._fx(currency, prices.at)
            known = (prices, rates, flags, fx, note)
            self._rates[key] = known
        return known[1], known[2], known[3], known[4]

    def _fx(self, currency: str, at: str) -> tuple[Decimal, str]:
        fx = self.rate(currency, at)
        return fx.usd_per_unit, (
            f"price in {currency}, converted at {decimal_to_text(fx.usd_per_unit)} USD per {currency} "
            f"(reference rate of {fx.date.isoformat()}, {fx.confidence} confidence)"
        )


def _newest(point: PricePoint) -> tuple[str, str]:
    return point.valid_from, point.variant


_ONE, _NONE, _MILLION = Decimal(1), Decimal(0), Decimal(1_000_000)
_PROMPT = ("input", "cache_read", "cache_write", "cache_write_1h")
_CLASSES = (*_PROMPT, "output", "reasoning")
#: The token classes in the order of ``PriceBook.shape_rates``' mask (the prompt's four first).
SHAPE_CLASSES = _CLASSES


# ----------------------------------------------------------------------------- the shipped history


def shipped_digest(catalog_path: Path | None = None, *, code: bool = True) -> str:
    """A hash of what the shipped history's database and book are built from: data/history,
    the curated prices, the corrections, the catalog, the reference rates, and the code that
    builds and reads them (the store's schema and reader; with ``code``, also the modules whose
    classes a cached book holds)."""
    import hashlib
    import sys

    from pricewatch.paths import default_catalog_path, shipped_data_dir

    data = shipped_data_dir()
    scraper_dir = Path(sys.modules["pricewatch.scraper.catalog"].__file__ or "").parent
    sources = [Path(sys.modules[name].__file__ or "") for name in _PICKLED_CODE] if code else []
    digest = hashlib.sha256()
    for path in (
        *sorted((data / "history").glob("*.jsonl.gz")),
        data / "curated_prices.csv",
        data / "corrections.csv",
        catalog_path or default_catalog_path(),
        scraper_dir / "store" / "schema.py",
        scraper_dir / "store" / "reader.py",
        *sources,
    ):
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return digest.hexdigest()


# Modules whose classes a cached book holds (already imported when a book is loaded).
_PICKLED_CODE = (
    "pricewatch.analysis.prices",
    "pricewatch.analysis.lifecycle",
    "pricewatch.inputs",
    "pricewatch.pricing",
    "pricewatch.scraper.catalog",
)


def shipped_rates() -> list[FxRate]:
    """data/fx_rates.csv: the dated reference rates a price in another currency is converted at."""
    from pricewatch.paths import shipped_data_dir
    from pricewatch.scraper.fx import read_fx_rates

    return read_fx_rates(shipped_data_dir() / "fx_rates.csv")


def load_book(
    db: Path | None = None,
    catalog_path: Path | None = None,
    *,
    cache_dir: Path | None = None,
    fx_rates: Sequence[FxRate] | Callable[[], Sequence[FxRate]] = (),
) -> PriceBook:
    """The book of a database (``db``), or of the history that ships with the package.

    The shipped one is built once into a database (``shipped_database``), and the book read
    from it is kept in ``cache_dir`` as a pickle under the digest of everything it was built
    from (``shipped_digest``), so a later process only unpickles it. The cache is the user's
    own folder (it is read back with pickle: nothing else should write there).
    """
    import importlib
    import pickle

    for name in _PICKLED_CODE:  # loaded before the digest reads their files (a cached book needs them)
        importlib.import_module(name)
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    if db is not None:
        catalog = load_catalog(catalog_path or default_catalog_path(), cache_dir=cache_dir)
        points, facts = read_history(db, catalog)
        return PriceBook(points, facts, catalog, fx_rates)
    pickled = cache_dir / f"book-{shipped_digest(catalog_path)[:24]}.pickle" if cache_dir else None
    if pickled is not None and pickled.is_file():
        try:
            book = pickle.loads(pickled.read_bytes())
            if isinstance(book, PriceBook):
                book._fx_rates = fx_rates
                return book
        except Exception:  # a damaged or foreign cache entry is rebuilt below
            pass
    catalog = load_catalog(catalog_path or default_catalog_path(), cache_dir=cache_dir)
    points, facts = read_history(shipped_database(cache_dir), catalog)
    book = PriceBook(points, facts, catalog, ())
    if pickled is not None:
        import os

        try:
            temporary = pickled.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
            temporary.replace(pickled)
        except OSError:
            pass  # caching is an optimisation; a read-only cache dir is fine
    book._fx_rates = fx_rates
    return book


def shipped_database(cache_dir: Path | None) -> Path:
    """The history that ships with the package as a database, built as `pricewatch demo` builds
    it (data/history, then the curated prices and corrections) and kept in ``cache_dir`` under
    its content's digest, so a process after the first only opens it. No network. Without a
    cache dir it is built in a temporary folder (every process pays the build, ~2 s).
    """
    import os
    import shutil
    import tempfile

    name = f"shipped-{shipped_digest(code=False)[:24]}.db"
    if cache_dir is not None:
        path = cache_dir / name
        if path.is_file():
            return path

    from pricewatch.paths import default_catalog_path, shipped_data_dir
    from pricewatch.scraper.catalog import load_catalog
    from pricewatch.scraper.curated import run_load_curated
    from pricewatch.scraper.history_files import run_load_history
    from pricewatch.scraper.store.reader import open_reader

    if cache_dir is not None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            cache_dir = None
    folder = Path(tempfile.mkdtemp(prefix="pricewatch-shipped-", dir=cache_dir))
    building = folder / name
    data = shipped_data_dir()
    run_load_history(building, data / "history")
    run_load_curated(
        building,
        load_catalog(default_catalog_path(), cache_dir=cache_dir),
        data / "curated_prices.csv",
        corrections_path=data / "corrections.csv",
    )
    # A copy without a write-ahead log: a read-only open of a WAL file needs its -shm beside it.
    copy = folder / f"copy-{name}"
    reader = open_reader(building)
    try:
        reader.backup_to(copy)
    finally:
        reader.close()
    if cache_dir is None:
        return copy
    os.replace(copy, cache_dir / name)  # atomic: a concurrent build leaves one whole file
    shutil.rmtree(folder, ignore_errors=True)
    return cache_dir / name
