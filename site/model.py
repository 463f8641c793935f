"""The site's data: what the store and the catalog say, shaped into plain values for the pages.

``load_site_data`` reads the store once (every price period, the runs, the models and
providers tables) and the catalog; everything else here is pure and works on that. The
values handed to templates are plain dicts, lists and strings (prices as exact decimal
text), so a page's inputs can be hashed for incremental builds and embedded as JSON.

Model page file names come from ``assign_slugs``: lower-case ASCII letters, digits, dots,
dashes and underscores only, never starting with a dot, so no model id (scraped text is
untrusted) can name a path outside the output directory.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pricewatch.analysis.lifecycle import MEASURED_ORIGINS, window_start
from pricewatch.analysis.prices import (
    PRICE_FIELDS,
    ModelFacts,
    PriceIndex,
    PricePoint,
    market_price,
    retail_price,
)
from pricewatch.money import decimal_to_text

if TYPE_CHECKING:
    from pricewatch.scraper.store.reader import ScheduledPrice, StoreReader

__all__ = [
    "BLEND_WEIGHTS",
    "Change",
    "SiteData",
    "assign_slugs",
    "blended",
    "change_log",
    "dec_text",
    "load_site_data",
    "model_fingerprint",
    "model_page_as_of",
    "model_summary",
    "offer_label",
    "pending_changes",
    "price_texts",
    "safe_url",
    "slugify",
]

#: Input:output weights of the blended price (3:1, as the field reports it).
BLEND_WEIGHTS = (3, 1)
#: Origins that are measurements (a scrape, a replayed recording, a backfill), not curated history.
MEASURED = ("live", "replay", "backfill")

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_MAX_SLUG = 80


def slugify(model_id: str) -> str:
    """A file-name-safe slug for a model id: ``anthropic/claude-opus-4.6`` -> ``anthropic--claude-opus-4.6``.

    Only ``[a-z0-9._-]``, no leading dot or dash, no ``..``: ``../../etc/passwd`` -> ``etc--passwd``.
    """
    text = unicodedata.normalize("NFKD", model_id).encode("ascii", "ignore").decode().lower()
    text = text.replace("/", "--")
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"-{3,}", "--", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = text.strip(".-_")[:_MAX_SLUG].strip(".-_")
    return text or "model"


def assign_slugs(model_ids: Iterable[str], owners: Iterable[str] = ()) -> dict[str, str]:
    """One unique slug per id; ids whose slugs collide each get a short hash of the id appended.

    An id in ``owners`` (the catalog's models) owns its slug: an id that is not and slugs the
    same (a look-alike ``openai/gpt-4o\u200b``, a crafted ``OpenAI/GPT-4o``) gets the hashed
    name, and the catalog model keeps its page. The result does not depend on the order of
    the ids, so a model keeps its URL between builds.
    """
    ids = sorted(set(model_ids))
    owned = set(owners) & set(ids)
    base = {model_id: slugify(model_id) for model_id in ids}
    owner_counts = Counter(slug for model_id, slug in base.items() if model_id in owned)
    counts = Counter(base.values())
    slugs = {}
    for model_id, slug in base.items():
        # An owner yields only to another owner; anything else yields to an owner and to its peers.
        owner = model_id in owned
        if owner_counts[slug] > 1 or (not owner and (counts[slug] > 1 or owner_counts[slug] > 0)):
            slug = f"{slug}-{hashlib.sha256(model_id.encode()).hexdigest()[:8]}"
        slugs[model_id] = slug
    return slugs


_TEXTS: dict[Decimal, str] = {}


def dec_text(value: Decimal | None) -> str | None:
    """Exact decimal text of a price (None stays None), for JSON and hashing.

    Memoised: a build converts a few hundred thousand prices, most of them repeats; equal
    Decimals ("5" and "5.0") have the same canonical text, so one entry serves both.
    """
    if value is None:
        return None
    text = _TEXTS.get(value)
    if text is None:
        if len(_TEXTS) > 200_000:
            _TEXTS.clear()
        text = _TEXTS[value] = decimal_to_text(value)
    return text


_POINT_TEXTS: dict[int, tuple[PricePoint, tuple[str | None, ...]]] = {}


def price_texts(point: PricePoint) -> tuple[str | None, ...]:
    """The exact texts of a period's PRICE_FIELDS, computed once per period object.

    Keyed by identity (the periods live for one build); the point is kept with its texts so
    an id is never reused for another object while the entry exists.
    """
    entry = _POINT_TEXTS.get(id(point))
    if entry is None or entry[0] is not point:
        if len(_POINT_TEXTS) > 500_000:
            _POINT_TEXTS.clear()
        entry = _POINT_TEXTS[id(point)] = (point, tuple(dec_text(point.value(name)) for name in PRICE_FIELDS))
    return entry[1]


def blended(input_price: Decimal | None, output_price: Decimal | None) -> Decimal | None:
    """The 3:1 blended price, USD per million tokens: (3 * input + output) / 4."""
    try:
        from pricewatch.analysis.workloads import blended_price
    except ImportError:  # the workloads module is another issue's; the formula is the same
        if input_price is None or output_price is None:
            return None
        w_in, w_out = BLEND_WEIGHTS
        return (w_in * input_price + w_out * output_price) / (w_in + w_out)
    return blended_price(input_price, output_price, BLEND_WEIGHTS)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL, else None: scraped citations never become javascript: links."""
    if url and re.match(r"^https?://[^\s<>\"']+$", url.strip()):
        return url.strip()
    return None


def offer_label(point: PricePoint, provider_name: str) -> str:
    """How an offer reads in tables and legends: provider, then tier, prompt band and variant when set."""
    parts = [provider_name]
    if point.tier != "standard":
        parts.append(point.tier)
    if point.min_prompt_tokens:
        parts.append(f"prompts ≥ {point.min_prompt_tokens:,}")
    # OpenRouter endpoint tags read "<host>/<quantization>": the part after the slash says more.
    variant = point.variant.split("/", 1)[-1] if "/" in point.variant else point.variant
    if variant and variant != point.provider and point.variant != point.provider:
        parts.append(variant)
    return " · ".join(parts)


# ----------------------------------------------------------------------------- loading


@dataclass
class SiteData:
    """Everything the pages are made from, read once per build."""

    now: datetime
    # The "as of" of every current price, ratio and table: the data's newest observation
    # (never after the build), so a database of old recordings says so.
    now_text: str
    points: list[PricePoint]
    by_model: dict[str, list[PricePoint]]
    facts: dict[str, ModelFacts]
    models: dict[str, dict[str, Any]]
    providers: dict[str, dict[str, Any]]
    slugs: dict[str, str]  # the models with a page of their own (``paged_models``)
    sources: list[dict[str, Any]]
    refreshed_live: bool
    embedded_date: str | None
    unit_prices: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    catalog: Any = None
    # model id -> announced price changes not yet in the history ("scheduled from DATE")
    scheduled: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Source -> where its coverage begins (``analysis.changes.first_observations``), once per build.
    first_observations: dict[str, str] | None = None
    #: (model, provider, tier, min_prompt_tokens, variant, valid_from) -> the corrections of that period.
    corrections: dict[tuple, list[dict[str, Any]]] = field(default_factory=dict)
    #: The same period key -> {field: list price} of a promotional period (the price charged is the period's).
    list_prices: dict[tuple, dict[str, str]] = field(default_factory=dict)
    built_text: str = ""  # when the site was built (UTC)
    #: The curated window of "current" (days; ``inputs.curated_window``).
    window_days: int = 0

    def source_row(self, source: str | None) -> dict[str, Any] | None:
        """A source's freshness row (data as of, age, stale), when it has one."""
        return next((row for row in self.sources if row["source"] == source), None)

    def provider_name(self, provider_id: str) -> str:
        """Display name of a provider (its id when unknown)."""
        return self.providers.get(provider_id, {}).get("name") or provider_id

    def model_name(self, model_id: str) -> str:
        """Display name of a model (its id when unknown)."""
        return self.models.get(model_id, {}).get("name") or model_id


#: A model the catalog does not know gets a page of its own when a maker's page, a host or
#: OpenRouter (not only a third-party price database) priced it within this many days before
#: the data's as-of. The others (thousands, from LiteLLM's map) stay in the downloads.
PAGED_WITHIN_DAYS = 365


def paged_models(
    by_model: Mapping[str, list[PricePoint]], models: Mapping[str, Mapping[str, Any]], as_of: str
) -> list[str]:
    """The models that get a page: every catalogued one, and the rest measured in the last year."""
    cutoff = window_start(as_of, PAGED_WITHIN_DAYS)
    return [
        model_id
        for model_id, points in by_model.items()
        if models.get(model_id, {}).get("catalogued")
        or any(p.origin in MEASURED_ORIGINS and (p.last_confirmed or p.valid_from) >= cutoff for p in points)
    ]


def _paged_slugs(
    by_model: Mapping[str, list[PricePoint]], models: Mapping[str, Mapping[str, Any]], as_of: str
) -> dict[str, str]:
    owners = [model_id for model_id in by_model if models.get(model_id, {}).get("catalogued")]
    every = assign_slugs(by_model, owners)
    return {model_id: every[model_id] for model_id in paged_models(by_model, models, as_of)}


def model_page_as_of(data: SiteData) -> str:
    """The as-of a model page states: the day of the data's newest observation.

    Its current prices are those in force at that observation; the page is rendered again
    when the model's own data changes or the day moves on, not on every refresh (a curated
    price whose confirmation window ends later that same day is marked on the next day's
    first build, or with the model's next change).
    """
    return data.now_text[:10]


def _time_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_site_data(
    reader: StoreReader, catalog, now: datetime, *, window_days: int | None = None
) -> SiteData:
    """Read the store (through its read-only ``StoreReader``) and the catalog into a ``SiteData``
    (``window_days``: the curated window, default the database's)."""
    from pricewatch.inputs import curated_window, load_model_facts, load_price_points
    from pricewatch.queries import source_status
    from pricewatch.scraper.sources import SOURCE_NAMES, get_source

    facts = load_model_facts(catalog)
    window_days = curated_window(reader, window_days)
    points = load_price_points(reader, facts, window_days=window_days)
    by_model: dict[str, list[PricePoint]] = defaultdict(list)
    for point in points:
        by_model[point.model].append(point)

    models: dict[str, dict[str, Any]] = {}
    for stored in reader.models():
        models[stored.id] = {
            "id": stored.id,
            "name": stored.name or stored.id,
            "creator": stored.creator or stored.id.split("/", 1)[0],
            "open_weights": stored.open_weights,
            "context_length": stored.context_length,
            "hugging_face_id": stored.hugging_face_id,
            "catalogued": stored.catalogued,
        }
    for model in catalog.models.values():
        entry = models.setdefault(model.id, {"id": model.id, "context_length": None, "hugging_face_id": None})
        entry.update(
            name=model.name,
            creator=model.creator,
            open_weights=model.open_weights,
            catalogued=True,
            released=model.released.isoformat() if model.released else None,
            total_params_b=model.total_params_b,
            active_params_b=model.active_params_b,
            aliases=list(model.aliases),
        )
    for model_id in by_model:
        models.setdefault(
            model_id,
            {
                "id": model_id,
                "name": model_id,
                "creator": model_id.split("/", 1)[0],
                "open_weights": None,
                "catalogued": False,
                "context_length": None,
                "hugging_face_id": None,
            },
        )
    for model_id, entry in models.items():
        if model_id not in facts:
            facts[model_id] = ModelFacts(
                id=model_id,
                name=entry["name"],
                creator=entry["creator"],
                open_weights=bool(entry["open_weights"]),
                makers=tuple(catalog.makers_of(model_id)),
            )

    providers: dict[str, dict[str, Any]] = {}
    for stored_provider in reader.providers():
        providers[stored_provider.id] = {
            "id": stored_provider.id,
            "name": stored_provider.name or stored_provider.id,
            "kind": stored_provider.kind or "host",
        }
    for provider in catalog.providers.values():
        providers[provider.id] = {"id": provider.id, "name": provider.name, "kind": provider.kind}

    unit_prices: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for unit_price in reader.current_unit_prices():
        unit_prices[unit_price.model].append(asdict(unit_price))

    scheduled = pending_changes(reader.scheduled_prices(), by_model, providers)

    registered = list(SOURCE_NAMES)
    sources = []
    for row in source_status(reader, registered, now=now):
        info: dict[str, Any] = dict(row)
        info.update(kind="", urls=[])
        if row["source"] in registered:
            module = get_source(row["source"])
            info["kind"] = getattr(module, "KIND", "")
            base = getattr(module, "DEFAULT_BASE_URL", "")
            try:
                info["urls"] = [u for u in module.start_urls(base) if safe_url(u)][:3] if base else []
            except Exception:  # a source's URL helper is not the site's concern; list none
                info["urls"] = []
        sources.append(info)
    live = reader.live_ok_run_count()
    corrections: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for fix in reader.applied_corrections():
        key = (fix.model, fix.provider, fix.tier, fix.min_prompt_tokens, fix.variant, fix.valid_from)
        corrections[key].append(
            {
                "field": fix.field,
                "stored": fix.stored,
                "corrected": fix.corrected,
                "reason": fix.reason,
                "source_url": safe_url(fix.source_url),
            }
        )

    list_prices: dict[tuple, dict[str, str]] = defaultdict(dict)
    for note in reader.list_price_notes():
        key = (note.model, note.provider, note.tier, note.min_prompt_tokens, note.variant, note.valid_from)
        list_prices[key][note.field] = note.amount

    built = _time_text(now)
    newest = reader.newest_observation()
    return SiteData(
        now=now,
        now_text=min(built, newest) if newest else built,
        built_text=built,
        window_days=window_days,
        points=PriceIndex(points),
        by_model=dict(by_model),
        facts=facts,
        models=models,
        providers=providers,
        # Slugs over every model, then kept for the paged ones: a model leaving the paged set
        # never changes another's URL.
        slugs=_paged_slugs(by_model, models, min(built, newest) if newest else built),
        sources=sources,
        refreshed_live=live > 0,
        embedded_date=reader.embedded_data_date(),
        unit_prices=dict(unit_prices),
        catalog=catalog,
        scheduled=scheduled,
        corrections=dict(corrections),
        list_prices=dict(list_prices),
    )


def pending_changes(
    announced: Iterable[ScheduledPrice],
    by_model: Mapping[str, list[PricePoint]],
    providers: Mapping[str, Mapping[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """Announced changes the history does not hold yet, by model, as plain values for the model page.

    A change has taken effect once the offer's history has a period starting on or after its
    day (a refresh found it in force); until then it is shown as scheduled, even when its day
    has passed without a refresh to confirm it.
    """
    latest: dict[tuple, str] = {}
    for model_id, points in by_model.items():
        for p in points:
            key = (model_id, p.provider, p.tier, p.min_prompt_tokens, p.variant)
            latest[key] = max(latest.get(key, ""), p.valid_from)
    pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for change in announced:
        key = (change.model, change.provider, change.tier, change.min_prompt_tokens, change.variant)
        if latest.get(key, "") >= change.valid_from:
            continue
        name = providers.get(change.provider, {}).get("name") or change.provider
        point = PricePoint(
            model=change.model,
            provider=change.provider,
            tier=change.tier,
            min_prompt_tokens=change.min_prompt_tokens,
            variant=change.variant,
            currency=change.currency,
            valid_from=change.valid_from,
            valid_to=None,
        )
        pending[change.model].append(
            {
                "label": offer_label(point, name),
                "valid_from": change.valid_from,
                "announced_at": change.announced_at,
                "currency": change.currency,
                **{f: None if v is None else decimal_to_text(v) for f, v in change.prices.items()},
            }
        )
    return dict(pending)


# ----------------------------------------------------------------------------- shaping


def point_dict(point: PricePoint, data: SiteData) -> dict[str, Any]:
    """A price period as plain values (exact decimal text), for tables, JSON and hashing."""
    values = dict(zip(PRICE_FIELDS, price_texts(point), strict=True))
    return {
        "provider": point.provider,
        "provider_name": data.provider_name(point.provider),
        "label": offer_label(point, data.provider_name(point.provider)),
        "tier": point.tier,
        "min_prompt_tokens": point.min_prompt_tokens,
        "variant": point.variant,
        "quantization": point.quantization,
        "currency": point.currency,
        "valid_from": point.valid_from,
        "valid_to": point.valid_to,
        "origin": point.origin,
        "confidence": point.confidence,
        "unverified": point.confidence == "low",
        "source_url": safe_url(point.source_url),
        "variable": point.variable,
        # How we know it: the last confirmation (when and by which source), and whether it
        # is past its confirmation window at the site's "as of", or its source is stale.
        "ended": point.ended,
        "last_confirmed": point.last_confirmed or point.valid_from,
        "confirmed_by": point.confirmed_by or point.origin,
        "unconfirmed_since": point.unconfirmed_since[:10] if point.unconfirmed_at(data.now_text) else None,
        "source_stale": bool((data.source_row(point.confirmed_by) or {}).get("stale")),
        "blended": dec_text(blended(point.input, point.output)),
        "corrections": data.corrections.get(_period_key(point), []),
        # A promotion: {field: the struck-through list price}; the period's price is what is charged.
        "list_prices": data.list_prices.get(_period_key(point), {}),
        **values,
    }


def _period_key(point: PricePoint) -> tuple:
    return (point.model, point.provider, point.tier, point.min_prompt_tokens, point.variant, point.valid_from)


def _base_offers(points: Iterable[PricePoint], at: str) -> list[PricePoint]:
    return [
        p
        for p in points
        if p.tier == "standard" and p.min_prompt_tokens == 0 and p.currency == "USD" and p.current_at(at)
    ]


def model_summary(model_id: str, data: SiteData) -> dict[str, Any]:
    """One comparison-table row: the model's reference price, 3:1 blend and cheapest host.

    The reference price is the maker's own (retail) price when one is in force; otherwise the
    cheapest host's; otherwise OpenRouter's list price. "Cheapest host" is the cheapest offer
    by a provider that is neither the maker nor an aggregator.
    """
    info = data.models[model_id]
    facts = data.facts[model_id]
    points = data.by_model.get(model_id, [])
    at = data.now_text
    reference: PricePoint | None = retail_price(points, facts, at)
    basis = "maker" if reference is not None else ""
    aggregators = tuple(pid for pid, p in data.providers.items() if p.get("kind") == "aggregator") or (
        "openrouter",
    )
    host = market_price(points, model_id, at, exclude_providers=(*aggregators, *facts.makers))
    if reference is None and host is not None:
        reference, basis = host.offers[0], "cheapest host"
    if reference is None:
        anywhere = market_price(points, model_id, at, exclude_providers=())
        if anywhere is not None:
            reference, basis = anywhere.offers[0], "aggregator"
    cheapest = host.offers[0] if host is not None else None
    current = [p for p in points if p.current_at(at)]
    scheduled = sorted(data.scheduled.get(model_id, []), key=lambda c: c["valid_from"])
    # A model with no current price: when its last price ended, and why (history kept on its page).
    ended = reference is None and points and not any(p.in_force(at) for p in points)
    last = max(points, key=lambda p: p.valid_to or p.valid_from) if ended else None
    return {
        "id": model_id,
        "name": info["name"],
        "creator": info["creator"],
        "open_weights": info["open_weights"],
        "context_length": info.get("context_length"),
        "released": info.get("released"),
        "slug": data.slugs[model_id],
        "basis": basis,
        "reference": point_dict(reference, data) if reference is not None else None,
        "cheapest_host": point_dict(cheapest, data) if cheapest is not None else None,
        "offers": len({(p.provider, p.tier, p.min_prompt_tokens, p.variant) for p in current}),
        "base_offers": len(_base_offers(points, at)),
        "scheduled_from": scheduled[0]["valid_from"] if scheduled else None,
        "ended_at": (last.valid_to or None) if last is not None else None,
        "ended_how": (last.ended or "") if last is not None else "",
    }


@dataclass(frozen=True)
class Change:
    """One event in an offer's history: a new offer, a change, or an ended offer.

    It holds the price periods themselves (``point`` and the one before, ``previous``); the
    values for pages and feeds are computed only for the events that are shown. Which
    events there are is ``pricewatch.analysis.changes.price_events``'s decision.
    """

    at: str
    kind: str  # "new", "change" or "ended"
    point: PricePoint
    previous: PricePoint | None = None
    changed: tuple[str, ...] = ()

    @property
    def model(self) -> str:
        return self.point.model

    @property
    def old(self) -> dict[str, str | None]:
        """The prices before (empty for a new offer)."""
        before = self.point if self.kind == "ended" else self.previous
        return {} if before is None else dict(zip(PRICE_FIELDS, price_texts(before), strict=True))

    @property
    def new(self) -> dict[str, str | None]:
        """The prices after (empty when the offer ended)."""
        return {} if self.kind == "ended" else dict(zip(PRICE_FIELDS, price_texts(self.point), strict=True))

    @property
    def key(self) -> str:
        """A stable id for feeds: offer, time and kind."""
        p = self.point
        text = "|".join(
            (p.model, p.provider, p.tier, str(p.min_prompt_tokens), p.variant, self.at, self.kind)
        )
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def fields(self) -> list[dict[str, Any]]:
        """Per changed price field: old, new and the change in percent.

        Only the fields the event found changed: a field a curated row does not record is
        unknown, so it never reads as removed (``$0.15 -> —``) or added.
        """
        old, new = self.old, self.new
        rows = []
        for name in self.changed if self.kind == "change" else ():
            before, after = old.get(name), new.get(name)
            pct = None
            if before is not None and after is not None and Decimal(before) != 0:
                pct = f"{(Decimal(after) - Decimal(before)) / Decimal(before) * 100:+.1f}%"
            rows.append({"field": name, "old": before, "new": after, "pct": pct})
        return rows


def change_log(points: Iterable[PricePoint]) -> list[Change]:
    """Every event of every offer in ``points``, newest first (``analysis.changes.price_events``)."""
    from pricewatch.analysis.changes import price_events

    return [Change(e.at, e.kind, e.point, e.previous, e.fields) for e in price_events(points)]


def change_dict(change: Change, data: SiteData) -> dict[str, Any]:
    """A change as plain values for pages and feeds."""
    p = change.point
    return {
        "at": change.at,
        "date": change.at[:10],
        "model": p.model,
        "model_name": data.model_name(p.model),
        "slug": data.slugs.get(p.model),
        "provider": p.provider,
        "provider_name": data.provider_name(p.provider),
        "tier": p.tier,
        "min_prompt_tokens": p.min_prompt_tokens,
        "variant": p.variant,
        "kind": change.kind,
        "fields": change.fields(),
        "new": change.new,
        "old": change.old,
        "origin": p.origin,
        "unverified": p.confidence == "low",
        "confidence": p.confidence,
        "source_url": safe_url(p.source_url),
        "key": change.key,
    }


def model_fingerprint(model_id: str, data: SiteData) -> str:
    """A cheap hash of everything a model's page, chart and feed show: its facts, its price
    periods, the names of its providers and its unit prices, and where the coverage of the
    sources of its periods begins (a change log's "new offer" depends on it). Unchanged ->
    reuse its files."""
    points = data.by_model.get(model_id, [])
    if data.first_observations is None:
        from pricewatch.analysis.changes import first_observations

        data.first_observations = first_observations(data.points)
    coverage = sorted({(p.source, data.first_observations.get(p.source or "")) for p in points}, key=repr)
    providers = sorted({p.provider for p in points})
    facts = data.facts.get(model_id)
    periods = [
        (
            p.provider,
            p.tier,
            p.min_prompt_tokens,
            p.variant,
            p.currency,
            p.valid_from,
            p.valid_to,
            p.origin,
            p.variable,
            p.quantization,
            p.confidence,
            p.source_url,
            p.source,
            p.event,
            price_texts(p),
            data.corrections.get(_period_key(p)),
            data.list_prices.get(_period_key(p)),
            p.last_confirmed,
            p.confirmed_by,
            p.ended,
            p.unconfirmed_after,
        )
        for p in points
    ]
    parts = (
        repr(sorted(data.models.get(model_id, {}).items())),
        data.slugs.get(model_id),
        repr(periods),
        repr([(p, data.provider_name(p)) for p in providers]),
        repr(facts.makers if facts else ()),
        repr(data.unit_prices.get(model_id, [])),
        repr(data.scheduled.get(model_id, [])),
        repr(coverage),
        # What is current (and flagged) depends on the "as of" and on which sources are stale.
        # A model page states its as-of as the day (``model_page_as_of``): a refresh later the
        # same day that did not touch the model reuses its page and chart.
        model_page_as_of(data),
        repr(sorted(row["source"] for row in data.sources if row.get("stale"))),
    )
    return hashlib.sha256("\x00".join(str(x) for x in parts).encode()).hexdigest()


def model_summaries(data: SiteData) -> list[dict[str, Any]]:
    """``model_summary`` of every paged model, by name: made once per build (the comparison
    table and the market chart both read it)."""
    cached = data.__dict__.get("_summaries")
    if cached is None:
        model_ids = sorted(data.slugs, key=lambda m: (data.model_name(m).lower(), m))
        cached = data.__dict__["_summaries"] = [model_summary(m, data) for m in model_ids]
    return cached


#: The capability score the market chart places models by (the trends' score).
MARKET_SCORE = "lmarena_text_score"


def market_rows(
    summaries: Iterable[Mapping[str, Any]],
    scores: Mapping[str, float | None],
    groups: Iterable[tuple[str, Iterable[str]]],
) -> dict[str, Any]:
    """The market chart's content: every current model with a USD blended price and a score.

    ``scores``: model id -> its capability score (None when it has none); ``groups``: (title,
    member ids) of each peer group. An open-weight model priced at its maker's (retail) price
    also carries its cheapest host's price. The frontier: each model cheaper than every model
    scoring higher (the cheapest way to get at least that score). Pure: no clock, no store.
    """
    rows: list[dict[str, Any]] = []
    unscored: list[str] = []
    for summary in summaries:
        reference = summary.get("reference")
        if reference is None or reference.get("currency") != "USD" or reference.get("blended") is None:
            continue
        score = scores.get(summary["id"])
        if score is None:
            unscored.append(summary["name"])
            continue
        host = summary.get("cheapest_host")
        host_blended = None
        if summary["open_weights"] and summary["basis"] == "maker" and host and host.get("blended"):
            host_blended = host["blended"]
        rows.append(
            {
                "id": summary["id"],
                "name": summary["name"],
                "slug": summary["slug"],
                "open_weights": bool(summary["open_weights"]),
                "score": score,
                "blended": reference["blended"],
                "basis": summary["basis"],
                "provider_name": reference["provider_name"],
                "host_blended": host_blended,
                "host_name": host["provider_name"] if host and host_blended else None,
                "last_confirmed": reference["last_confirmed"],
                "groups": [],
                "frontier": False,
            }
        )
    rows.sort(key=lambda r: (-r["score"], Decimal(r["blended"]), r["name"].lower()))
    cheapest_above: Decimal | None = None
    for row in rows:
        price = min(Decimal(row["blended"]), Decimal(row["host_blended"] or row["blended"]))
        if cheapest_above is None or price < cheapest_above:
            row["frontier"] = True
            cheapest_above = price
    index = {row["id"]: i for i, row in enumerate(rows)}
    outlined = []
    for number, (title, members) in enumerate(groups, start=1):
        inside = tuple(sorted(index[m] for m in members if m in index))
        for i in inside:
            rows[i]["groups"].append(number)
        outlined.append({"number": number, "title": title, "members": inside})
    return {"rows": rows, "groups": outlined, "unscored": sorted(unscored, key=str.lower)}
