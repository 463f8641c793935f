"""Backfill: replay every committed version of a price file as dated observations.

Four kinds, one loop:

- ``openrouter-git``: a repository where OpenRouter's ``/api/v1/models`` body (or its bare
  list of models) was committed over time, parsed by the openrouter source;
- ``litellm``: LiteLLM's ``model_prices_and_context_window.json``, parsed by
  ``sources.litellm_prices``;
- ``page``: a registered source's own page (Anthropic's pricing.md ...), parsed by that
  source's ``parse``;
- ``openrouter-endpoints`` and ``genai-prices``: see ``scraper.backfill_kinds``;
- ``models-dev``: not one file but a folder of them (models.dev's ``providers/``), read as
  a tree over its first-parent history by ``scraper.backfill_tree`` with this loop's state.

Each commit's time (UTC) is the observation time. The loop is a batch job:

- git is read by three processes in all (``scraper.gitlog``), and each distinct blob is
  parsed once: a version whose blob was seen before reuses its observations at a new time;
- only what changed goes to the store: per offer, the first sighting of new values and the
  last sighting of the old ones (so ``last_seen`` stays exact); unchanged versions in
  between never reach ``apply_observations``;
- one transaction per ``BATCH_COMMITS`` versions, each with the ``fetches`` rows of the
  versions it stored (repository, commit, path; the body is referenced, not copied), so
  an interrupted run resumes where it stopped and a second run adds nothing;
- a price that jumps more than 10x against the offer's previous value and comes back
  within ``TYPO_RETURN_DAYS`` is a suspected typo: held in ``quarantine`` with the reason,
  never stored as history (``pricewatch quarantine`` lists, accepts or rejects it); other
  large moves are stored and reported (this is history, not news); a version that fails to
  parse is counted and reported, and the others carry on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pricewatch.errors import BackfillError, PricewatchError, RecordInvalid, SourceLayoutError
from pricewatch.money import decimal_to_text
from pricewatch.scraper import gitlog
from pricewatch.scraper.catalog import Catalog
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PRICE_FIELDS, PriceRecord, without_unnamed_free_prices
from pricewatch.scraper.refresh import PRICE_JUMP_FACTOR, observations_from_records
from pricewatch.scraper.scheduled import day_start
from pricewatch.scraper.store import (
    Database,
    Observation,
    apply_observations,
    finish_run,
    record_unmapped,
    save_raw_response,
    start_run,
)
from pricewatch.scraper.store.prices import close_offers, price_in_force, price_steps_of_run
from pricewatch.scraper.store.raw import ingested_commits
from pricewatch.scraper.store.writer import (
    add_providers,
    add_uncatalogued_models,
    known_model_ids,
    known_provider_ids,
    quarantine_observations,
)
from pricewatch.scraper.timeline import THIRD_PARTY

if TYPE_CHECKING:
    from pricewatch.scraper.backfill_tree import TreeFiles

__all__ = [
    "BATCH_COMMITS",
    "KINDS",
    "TYPO_RETURN_DAYS",
    "BackfillSummary",
    "BackfillTarget",
    "SuspectedTypo",
    "backfill",
    "find_litellm_file",
    "find_openrouter_file",
    "litellm_target",
    "openrouter_target",
    "page_target",
    "recorded_run",
    "run_backfill",
    "summary_rows",
]

# openrouter-endpoints and genai-prices: their targets are in scraper/backfill_kinds.py;
# models-dev: in scraper/backfill_tree.py.
KINDS = ("openrouter-git", "litellm", "page", "openrouter-endpoints", "genai-prices", "models-dev")
ORIGIN = "backfill"
# Versions per transaction: big enough that commits cost nothing, small enough that an
# interrupted run loses little.
BATCH_COMMITS = 100
# How many failures the summary lists one by one.
MAX_LISTED_FAILURES = 10
# A jump of more than PRICE_JUMP_FACTOR that comes back within this many days is a typo.
TYPO_RETURN_DAYS = 7


# The fields of a /api/v1/models entry that the openrouter parser reads (see _parse_list,
# _model_info, _details_link); tests/test_backfill.py checks that parsing an entry cut to
# these gives the same records as the whole entry.
OPENROUTER_FIELDS = (
    "id",
    "name",
    "created",
    "context_length",
    "hugging_face_id",
    "canonical_slug",
    "pricing",
    "links",
)


# A price database's figure above this (USD per million tokens) is a unit error, not a price:
# the dearest real list price is o1-pro's $600 output; LiteLLM's W&B entries read $17,000.
THIRD_PARTY_CEILING = Decimal(1000)


def _plausible(records: list[PriceRecord]) -> tuple[list[PriceRecord], list[PriceRecord], list[str]]:
    """A third-party database's records split: those priced at most ``THIRD_PARTY_CEILING``, the
    others, and why each of those went."""
    kept, dropped, why = [], [], []
    for record in records:
        high = [name for name in PRICE_FIELDS if (getattr(record, name) or 0) > THIRD_PARTY_CEILING]
        if not high:
            kept.append(record)
            continue
        dropped.append(record)
        figures = ", ".join(f"{name} {getattr(record, name)}" for name in high)
        why.append(
            f"{record.model} @ {record.provider} {record.tier}: {figures} per million tokens is above "
            f"${THIRD_PARTY_CEILING} (a unit error in the database): not stored"
        )
    return kept, dropped, why


@dataclass(frozen=True)
class BackfillTarget:
    """What to replay and how: the parser of one version, and the names it is stored under."""

    kind: str
    source: str  # offers it creates are this source's (`openrouter`, `anthropic`, `litellm`)
    url: str  # the URL the file is a copy of (fetches.url)
    parse: Callable[[bytes], Parsed]
    # The origin of the prices it stores: `backfill` for a maker's page or OpenRouter's own
    # API, `third-party` for a price database (its rank is below every other source's).
    origin: str = ORIGIN
    lists_everything: bool = False  # a version lists everything sold: what disappears is delisted
    name_candidates: Callable[[str, str], list[str]] | None = None
    # Bodies made of independent entries (a models list, a price map) are cut into them:
    # ``split`` gives (name, entry) pairs, ``parse_entry`` parses one entry. An entry equal
    # to the previous version of its name is not parsed again: most of a version is.
    split: Callable[[bytes], list[tuple[str, Any]]] | None = None
    parse_entry: Callable[[Any], Parsed] | None = None
    # When a version says when it was observed (a sweep's `fetchedAt`), that time, not the
    # commit's, is the observation time; a version not newer than the newest one read is
    # a re-commit of an older observation (a revert) and adds nothing.
    observed_at: Callable[[bytes], str | None] | None = None
    # List the distinct row errors in the summary (prices a parser chose to skip).
    list_row_errors: bool = False
    # A folder of many price files (models.dev's providers/): the history of the whole
    # folder is replayed, one observation per first-parent commit (``scraper.backfill_tree``).
    tree: TreeFiles | None = None

    @property
    def run_source(self) -> str:
        """The `runs.source` of a backfill: ``backfill:<kind>`` (``backfill:page:<source>``)."""
        return f"backfill:page:{self.source}" if self.kind == "page" else f"backfill:{self.kind}"


def openrouter_target() -> BackfillTarget:
    """OpenRouter's models list, parsed by the openrouter source at its default list URL."""
    from pricewatch.scraper.sources import openrouter

    url = openrouter.start_urls(openrouter.DEFAULT_BASE_URL)[0]

    def parse(body: bytes) -> Parsed:
        return openrouter.parse(url, body)

    def split(body: bytes) -> list[tuple[str, Any]]:
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
        data = _models_list(doc)
        if data is None:
            parse(body)  # raises the parser's own layout error
            raise SourceLayoutError("no `data` list in /api/v1/models response", url=url)
        entries = []
        for index, entry in enumerate(data):
            if isinstance(entry, dict):
                # Only what the parser reads: `benchmarks` and the like change almost daily.
                entry = {k: entry[k] for k in OPENROUTER_FIELDS if k in entry}
                name = entry.get("id")
            else:
                name = None
            entries.append((name if isinstance(name, str) else f"#{index}", entry))
        return entries

    def parse_entry(entry: Any) -> Parsed:
        # The source's own parser, on a list of one model.
        return parse(json.dumps({"data": [entry]}).encode())

    return BackfillTarget(
        kind="openrouter-git",
        source=openrouter.NAME,
        url=url,
        parse=parse,
        lists_everything=openrouter.LISTS_EVERYTHING,
        split=split,
        parse_entry=parse_entry,
    )


def litellm_target() -> BackfillTarget:
    """LiteLLM's price map; its names are tried in the catalog in a few exact spellings."""
    from pricewatch.scraper.sources import litellm_prices

    def split(body: bytes) -> list[tuple[str, Any]]:
        return [(key, (key, entry)) for key, entry in litellm_prices.load_entries(body)]

    return BackfillTarget(
        kind="litellm",
        source=litellm_prices.NAME,
        url=litellm_prices.UPSTREAM_URL,
        parse=litellm_prices.parse,
        origin=THIRD_PARTY,
        name_candidates=litellm_prices.name_candidates,
        split=split,
        parse_entry=lambda item: litellm_prices.parse_entry(*item),
    )


def page_target(source_name: str) -> BackfillTarget:
    """A registered source's page, parsed by its own parser at its first start URL."""
    from pricewatch.scraper.sources import get_source

    module: ModuleType = get_source(source_name)
    url = module.start_urls(module.DEFAULT_BASE_URL)[0]
    return BackfillTarget(
        kind="page",
        source=module.NAME,
        url=url,
        parse=lambda body: module.parse(url, body),
        lists_everything=bool(getattr(module, "LISTS_EVERYTHING", False)),
    )


def _models_list(doc: Any) -> list[Any] | None:
    """The models of a committed /api/v1/models body: its `data` list, or the body itself.

    Some repositories commit the list alone (a bare JSON list of models) rather than the
    response object; both shapes hold the same entries.
    """
    data = doc.get("data") if isinstance(doc, dict) else doc
    return data if isinstance(data, list) else None


def find_openrouter_file(repo: Path) -> str:
    """The JSON file in HEAD that looks like OpenRouter's /api/v1/models body."""
    candidates = [p for p in gitlog.list_files(repo) if p.endswith(".json")]
    # Names that say what they hold first, so a big repository is not read file by file.
    candidates.sort(key=lambda p: ("openrouter" not in p.lower(), "model" not in p.lower(), p))
    for path in candidates[:50]:
        try:
            doc = json.loads(gitlog.read_file(repo, path))
        except (ValueError, gitlog.GitError):
            continue
        data = _models_list(doc)
        if (
            data
            and isinstance(data[0], dict)
            and "id" in data[0]
            and isinstance(data[0].get("pricing"), dict)
        ):
            return path
    raise BackfillError(
        f"no JSON file in {repo} looks like OpenRouter's /api/v1/models "
        f"(a `data` list, or a bare list, of models with `pricing`); name it with --file"
    )


def find_litellm_file(repo: Path) -> str:
    """LiteLLM's price map in HEAD: at the top, else the one file of that name anywhere."""
    from pricewatch.scraper.sources.litellm_prices import DEFAULT_FILE

    found = [p for p in gitlog.list_files(repo) if p == DEFAULT_FILE or p.endswith("/" + DEFAULT_FILE)]
    if DEFAULT_FILE in found:
        return DEFAULT_FILE
    if len(found) == 1:
        return found[0]
    if not found:
        raise BackfillError(f"no {DEFAULT_FILE} in {repo}; name the file with --file")
    raise BackfillError(f"several {DEFAULT_FILE} in {repo} ({', '.join(found)}); choose one with --file")


@dataclass(frozen=True)
class LargeMove:
    """A price that moved more than PRICE_JUMP_FACTOR in one step of the history."""

    offer: str
    field: str
    at: str
    old: str
    new: str

    @property
    def factor(self) -> Decimal:
        """How many times larger the bigger price is than the smaller one."""
        old, new = Decimal(self.old), Decimal(self.new)
        return max(new / old, old / new)


@dataclass(frozen=True)
class SuspectedTypo:
    """A backfilled price held in quarantine: it jumped and came back within days."""

    offer: str
    at: str
    returned_at: str
    reason: str


@dataclass
class _Suspect:
    """An offer's jump, kept aside until the offer's next value says whether it was a typo."""

    template: Observation
    values: tuple
    at: str
    last_at: str
    jumps: list[str]
    before: tuple  # the neighbour it jumped from: the offer's previous value, or the stored price then


def _jumps(old: tuple, new: tuple) -> list[str]:
    """'field old -> new (Nx)' for every price that moved more than PRICE_JUMP_FACTOR between two values."""
    if old[0] != new[0]:  # another currency: not comparable
        return []
    moves = []
    for name, before, after in zip(PRICE_FIELDS, old[1], new[1], strict=True):
        if before is None or after is None or before <= 0 or after <= 0:
            continue
        factor = max(after / before, before / after)
        if factor > PRICE_JUMP_FACTOR:
            moves.append(f"{name} {decimal_to_text(before)} -> {decimal_to_text(after)} ({factor:.0f}x)")
    return moves


def _offer_label(key: tuple) -> str:
    """An offer key as "model @ provider tier", with the prompt band and the variant if any."""
    model, provider, tier, threshold, variant = key
    label = f"{model} @ {provider} {tier}"
    if threshold:
        label += f" >={threshold}"
    return f"{label} [{variant}]" if variant else label


def _days(start: str, end: str) -> float:
    from pricewatch.scraper.store import parse_time

    return (parse_time(end) - parse_time(start)).total_seconds() / 86400


@dataclass
class VersionFailure:
    """A version that could not be parsed (counted, reported, not fatal)."""

    commit: str
    committed_at: str
    error: str


@dataclass
class BackfillSummary:
    """What one backfill run did: the lines `pricewatch backfill` prints."""

    kind: str
    repository: str
    path: str
    run_id: int | None = None
    versions: int = 0  # commits that touched the file
    read: int = 0  # versions ingested by this run
    skipped: int = 0  # versions an earlier run ingested
    missing: int = 0  # commits where the file was deleted
    blobs_parsed: int = 0
    failures: list[VersionFailure] = field(default_factory=list)
    observations: int = 0  # observations sent to the store (changes and last sightings)
    price_rows_added: int = 0
    offers_changed: set[int] = field(default_factory=set)
    delisted: int = 0
    row_errors: int = 0
    duplicates: int = 0
    # Offers (model @ provider tier) whose $0 prices were not stored: no free tier named.
    zero_prices: set[str] = field(default_factory=set)
    unmapped_models: dict[str, int] = field(default_factory=dict)  # name -> versions it appeared in
    unmapped_providers: dict[str, int] = field(default_factory=dict)
    large_moves: list[LargeMove] = field(default_factory=list)
    held: list[SuspectedTypo] = field(default_factory=list)  # suspected typos, in quarantine
    stale: int = 0  # versions whose observation time is not after the newest read (re-commits)
    row_error_texts: set[str] = field(default_factory=set)  # with the target's list_row_errors
    # Dated prices the newest version gives for a day after its time: not stored (see
    # ``_Parsed.dated``); "offer from DAY".
    announced: set[str] = field(default_factory=set)
    # Files of a tree that could not be read at a commit (each kept its previous version).
    file_errors: list[str] = field(default_factory=list)
    first_at: str | None = None
    last_at: str | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        """Versions that failed to parse."""
        return len(self.failures)

    @property
    def unmapped(self) -> int:
        """Distinct names (models and providers) the catalog does not map."""
        return len(self.unmapped_models) + len(self.unmapped_providers)


@dataclass
class _Parsed:
    """One blob, parsed and resolved once: its observations as templates (time filled per version)."""

    templates: list[tuple[tuple, tuple, Observation]]  # (offer key, values, observation), interned
    unmapped_models: set[str]
    unmapped_providers: set[str]
    row_errors: int
    duplicates: int
    # Models whose offers may be missing because of a row error (their absence is not a
    # delisting); None when a row error could hide any model.
    uncertain: frozenset[str] | None = frozenset()
    zero_prices: frozenset[str] = frozenset()  # offers whose $0 prices were dropped
    # Prices the source dates (``PriceRecord.effective_from``): (start of the day, templates)
    # per day. Which are in force depends on the version's time, so they are chosen per
    # version (``_Backfill.in_force``), not per blob.
    dated: tuple[tuple[str, tuple[tuple[tuple, tuple, Observation], ...]], ...] = ()
    observed_at: str | None = None  # the version's own observation time, when it gives one
    errors: frozenset[str] = frozenset()  # row error texts (kept with the target's list_row_errors)


def _value_key(o: Observation) -> tuple:
    # Everything an offer's stored state depends on, except the time.
    return (
        o.currency,
        o.prices,
        o.variable,
        o.unit_prices,
        o.quantization,
        o.context_length,
        o.unread,
        o.list_prices,
    )


class _Backfill:
    """The state of one run: in-memory last values per offer, the pending batch."""

    def __init__(
        self, db: Database, catalog: Catalog, target: BackfillTarget, summary: BackfillSummary, run_id: int
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.target = target
        self.summary = summary
        self.run_id = run_id
        self.parsed: dict[str, _Parsed] = {}  # by blob id
        self.entries: dict[str, tuple[Any, _Parsed]] = {}  # name -> its latest entry, parsed
        # Templates are interned by (offer, values): consecutive versions share most of them,
        # so keeping every blob's observations costs a list of references per blob.
        self.interned: dict[tuple, tuple[tuple, tuple, Observation]] = {}
        self.last_values: dict[tuple, tuple] = {}
        self.pending: dict[tuple, tuple[Observation, str]] = {}  # last unchanged sighting, not yet sent
        self.suspects: dict[tuple, _Suspect] = {}  # jumps waiting for the offer's next value
        self.batch_held: list[tuple[Observation, str]] = []  # suspected typos for quarantine
        self.listed: set[tuple] = set()  # offers of the previous complete version (delisting)
        self.batch: list[Observation] = []
        self.batch_fetches: list[tuple[gitlog.FileVersion, str]] = []  # (version, observed at)
        self.batch_versions = 0  # versions read since the last batch was stored
        self.batch_unmapped: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, name) -> first, last
        self.models: set[str] = set()
        self.known_models: set[str] | None = None  # ids in `models`, read on first use
        self.known_providers: set[str] | None = None
        self.newest_at: str | None = None  # the newest observation time read
        # The time of the version before the one being read (whichever run read it): a
        # dated price is placed at its day only when no version of the file came between.
        self.previous_at: str | None = None
        # ``checkpoint(run_source, step)`` (``backfill(checkpoint=...)``): "batch-stored"
        # inside a batch's transaction, every row written; "batch-committed" after it.
        self.checkpoint: Callable[[str, str], None] | None = None

    # -------------------------------------------------------------- parsing, once per blob

    def parse_blob(self, body: bytes) -> _Parsed:
        parsed = self._parse_body(body)
        if self.target.observed_at is not None:
            parsed = replace(parsed, observed_at=self.target.observed_at(body))
        return parsed

    def _parse_body(self, body: bytes) -> _Parsed:
        target = self.target
        if target.split is None or target.parse_entry is None:
            return self._combine([self._resolve(target.parse(body))])
        parts = []
        for name, entry in target.split(body):
            # An entry equal to its previous version (compared in C, no serialising) is
            # not parsed again; most entries of a version are.
            cached = self.entries.get(name)
            if cached is not None and cached[0] == entry:
                parts.append(cached[1])
                continue
            try:
                parsed = target.parse_entry(entry)
            except (SourceLayoutError, RecordInvalid) as error:  # this entry only
                parsed = Parsed(records=[], row_errors=[str(error)])
            part = self._resolve(parsed, whole_entry=True)
            self.entries[name] = (entry, part)
            parts.append(part)
        combined = self._combine(parts)
        if not combined.templates and not combined.dated:
            raise SourceLayoutError("no prices in this version")
        return combined

    def _resolve(self, parsed: Parsed, *, whole_entry: bool = False) -> _Parsed:
        """Observations (time left empty) with catalog ids, interned by (offer, values).

        ``whole_entry``: ``parsed`` is one entry of a split body, so a row error can only
        hide offers of the models it lists.
        """
        records = []
        zeros = set()
        for record in parsed.records:
            # A $0 price is a free tier only when the source names one (tier `free`).
            paid, dropped = without_unnamed_free_prices(record)
            if dropped:
                zeros.add(f"{record.model} @ {record.provider} {record.tier}")
            if paid is not None:
                records.append(paid)
        if self.target.name_candidates is not None:
            records = [self._resolve_name(r) for r in records]
        implausible: list[str] = []
        implausible_records: list[PriceRecord] = []
        if self.target.origin == THIRD_PARTY:
            records, implausible_records, implausible = _plausible(records)
        by_day: dict[str, list[PriceRecord]] = {}
        for record in records:
            if record.effective_from is not None:
                # Resolved as if undated: which of them is in force is decided per version.
                day = day_start(record.effective_from)
                by_day.setdefault(day, []).append(record.model_copy(update={"effective_from": None}))
        if by_day:
            records = [r for r in records if r.effective_from is None]
        templates, unmapped_models, unmapped_providers = self._templates(records)
        dated = []
        for day in sorted(by_day):
            day_templates, more_models, more_providers = self._templates(by_day[day])
            dated.append((day, tuple(day_templates)))
            unmapped_models |= more_models
            unmapped_providers |= more_providers
        uncertain: frozenset[str] | None = frozenset()
        if parsed.row_errors:
            uncertain = frozenset(t[0][0] for t in templates) if templates and whole_entry else None
        if implausible_records and uncertain is not None:
            # A figure not stored is not a delisting: its offers keep their stored history.
            unstored, _, _ = self._templates(implausible_records)
            uncertain = uncertain | frozenset(t[0][0] for t in unstored)
        return _Parsed(
            templates,
            unmapped_models,
            unmapped_providers,
            len(parsed.row_errors) + len(implausible),
            0,
            uncertain,
            frozenset(zeros),
            dated=tuple(dated),
            errors=frozenset([*parsed.row_errors, *implausible])
            if self.target.list_row_errors
            else frozenset(),
        )

    def _templates(
        self, records: Sequence[PriceRecord]
    ) -> tuple[list[tuple[tuple, tuple, Observation]], set[str], set[str]]:
        """Observations of undated records (time left empty), interned by (offer, values)."""
        observations, unmapped_models, unmapped_providers = observations_from_records(
            records, self.catalog, ""
        )
        templates = []
        for observation in observations:
            offer_key, values = observation.offer_key, _value_key(observation)
            templates.append(self.interned.setdefault((offer_key, values), (offer_key, values, observation)))
        return templates, unmapped_models, unmapped_providers

    @staticmethod
    def _combine(parts: Sequence[_Parsed]) -> _Parsed:
        """One version from its parts; an offer listed twice keeps its first listing."""
        if len(parts) == 1 and len({t[0] for t in parts[0].templates}) == len(parts[0].templates):
            return parts[0]
        listed = [t for part in parts for t in part.templates]
        # Two names of one offer in one version ("claude-3-opus-latest" and the dated one):
        # the first listed stands (built from the end, so earlier listings overwrite later).
        first = {t[0]: t for t in reversed(listed)}
        return _Parsed(
            list(first.values()),
            set().union(*(p.unmapped_models for p in parts if p.unmapped_models)),
            set().union(*(p.unmapped_providers for p in parts if p.unmapped_providers)),
            sum(p.row_errors for p in parts),
            len(listed) - len(first),
            None
            if any(p.uncertain is None for p in parts)
            else frozenset().union(*(p.uncertain for p in parts if p.uncertain)),
            frozenset().union(*(p.zero_prices for p in parts if p.zero_prices)),
            dated=tuple(d for p in parts for d in p.dated),
            errors=frozenset().union(*(p.errors for p in parts if p.errors)),
        )

    def _resolve_name(self, record: PriceRecord) -> PriceRecord:
        """The record under the first of its candidate names that the catalog knows."""
        assert self.target.name_candidates is not None
        for name in self.target.name_candidates(record.model, record.provider):
            if self.catalog.resolve_model(name) is not None:
                return record if name == record.model else record.model_copy(update={"model": name})
        return record

    # -------------------------------------------------------------- one version

    def resume_after(self, version: gitlog.FileVersion, parsed: _Parsed) -> None:
        """Start from the state an earlier run left after storing ``version`` (nothing is stored).

        Its listing is what the next version's delistings are judged against, and its
        observation time what a re-commit of an older observation is judged against.
        """
        at = parsed.observed_at or version.committed_at
        if parsed.observed_at is not None:
            self.newest_at = at
        if self.target.lists_everything:
            templates = self.in_force(parsed, at)[0] if parsed.dated else parsed.templates
            self.listed = {t[0] for t in templates}
            self.summary.announced = set()

    def add_version(self, version: gitlog.FileVersion, parsed: _Parsed) -> None:
        at = parsed.observed_at or version.committed_at
        summary = self.summary
        if parsed.observed_at is not None and self.newest_at is not None and at <= self.newest_at:
            # A re-commit of an older observation (a revert): nothing new was observed.
            summary.stale += 1
            self.batch_fetches.append((version, at))
            return
        self.newest_at = at
        summary.read += 1
        summary.row_error_texts |= parsed.errors
        summary.row_errors += parsed.row_errors
        summary.duplicates += parsed.duplicates
        summary.zero_prices |= parsed.zero_prices
        summary.first_at = summary.first_at or at
        summary.last_at = at
        for kind, names in (("model", parsed.unmapped_models), ("provider", parsed.unmapped_providers)):
            counts = summary.unmapped_models if kind == "model" else summary.unmapped_providers
            for name in names:
                counts[name] = counts.get(name, 0) + 1
                first, _ = self.batch_unmapped.get((kind, name), (at, at))
                self.batch_unmapped[(kind, name)] = (first, at)
        summary.announced = set()
        templates, began = self.in_force(parsed, at) if parsed.dated else (parsed.templates, {})
        if self.target.lists_everything:
            keys = {t[0] for t in templates}
            uncertain = parsed.uncertain
            if uncertain is None:
                # A row error could hide any offer: delist nothing, and remember both
                # listings until a complete version settles it.
                self.listed |= keys
            else:
                kept = {k for k in self.listed - keys if k[0] in uncertain}
                gone = self.listed - keys - kept
                if gone:
                    self._delist(gone, at)
                self.listed = keys | kept
        self.expire_suspects(at)
        suspects, last_values, pending = self.suspects, self.last_values, self.pending
        for key, values, template in templates:
            # The common case inline (unchanged, no jump pending): most offers of most versions.
            if last_values.get(key) is values and key not in suspects:
                pending[key] = (template, at)
            else:
                self.observe(key, values, template, at, began.get(key))
        self.models.update(t[0][0] for t in templates)
        self.batch_fetches.append((version, at))
        self.batch_versions += 1
        if self.batch_versions >= BATCH_COMMITS:
            self.flush()

    def in_force(
        self, parsed: _Parsed, at: str
    ) -> tuple[list[tuple[tuple, tuple, Observation]], dict[tuple, str]]:
        """The version's templates in force at ``at``, and the day each dated one began.

        A product (model, provider, tier, variant: every prompt band) with a dated price
        on or before ``at`` is sold at the latest such price, whose bands replace the
        undated ones; a dated price after ``at`` is announced, not in force: it is not
        stored (a third-party database's announcement is not a source's own page; see
        docs/schema.md), and listed in the summary while the newest version gives it.
        """

        def product(key: tuple) -> tuple:
            return (key[0], key[1], key[2], key[4])

        chosen: dict[tuple, tuple[str, tuple[tuple[tuple, tuple, Observation], ...]]] = {}
        announced = set()
        for day, day_templates in parsed.dated:
            for template in day_templates:
                group = product(template[0])
                if day <= at:
                    if group not in chosen or chosen[group][0] < day:
                        chosen[group] = (day, ())
                else:
                    announced.add(f"{_offer_label(template[0])} from {day[:10]}")
        for day, day_templates in parsed.dated:
            for template in day_templates:
                group = product(template[0])
                if group in chosen and chosen[group][0] == day:
                    chosen[group] = (day, (*chosen[group][1], template))
        self.summary.announced = announced
        templates = [t for t in parsed.templates if product(t[0]) not in chosen]
        began: dict[tuple, str] = {}
        for day, day_templates in chosen.values():
            for template in day_templates:
                templates.append(template)
                began[template[0]] = day
        return templates, began

    def expire_suspects(self, at: str) -> None:
        """Jumps older than TYPO_RETURN_DAYS at ``at`` did not come back: they are history."""
        for key in [k for k, s in self.suspects.items() if _days(s.at, at) > TYPO_RETURN_DAYS]:
            self._store_suspect(key)

    def observe(
        self, key: tuple, values: tuple, template: Observation, at: str, start: str | None = None
    ) -> None:
        """One offer listed at ``at`` with ``values``: a last sighting, a change, or a jump to judge.

        ``start``: the day the source dates this price from (``in_force``), when it does.
        """
        suspect = self.suspects.get(key)
        if suspect is not None:
            if suspect.values is values:
                suspect.last_at = at
                return
            if not _jumps(suspect.before, values):
                self._hold(key, suspect, at)  # back near the value before the jump
            else:
                self._store_suspect(key)
        # Interned: unchanged values are the very same tuple.
        previous = self.last_values.get(key)
        if previous is values:
            self.pending[key] = (template, at)
            return
        # The neighbour before: this history's previous value, else (a first sighting) the
        # stored price in force then, whichever source said it.
        before = previous if previous is not None else self._stored_neighbour(key, at)
        jumps = _jumps(before, values) if before is not None else []
        if jumps:
            assert before is not None
            self.suspects[key] = _Suspect(template, values, at, at, jumps, before)
            return
        held = self.pending.pop(key, None)
        if held is not None:
            self.batch.append(replace(held[0], observed_at=held[1]))
        if start is not None and (self.previous_at is None or start > self.previous_at):
            # The source dates this price and no version came between its day and this
            # one: the change is placed at its day (as a refresh does), seen again now.
            self.batch.append(replace(template, observed_at=start))
            self.pending[key] = (template, at)
        else:
            self.batch.append(replace(template, observed_at=at))
        self.last_values[key] = values

    def _stored_neighbour(self, key: tuple, at: str) -> tuple | None:
        """The stored price of the offer in force at ``at``, in the form ``_jumps`` compares."""
        if self.known_models is not None and key[0] not in self.known_models:
            return None  # an offer of a model the store has never seen has no price there
        found = price_in_force(self.db, key, at)
        if found is None:
            return None
        currency, texts = found
        return (currency, tuple(None if t is None else Decimal(t) for t in texts))

    def _store_suspect(self, key: tuple) -> None:
        """A jump that did not come back in time: stored as seen (a large move, reported)."""
        suspect = self.suspects.pop(key)
        held = self.pending.pop(key, None)
        if held is not None:
            self.batch.append(replace(held[0], observed_at=held[1]))
        self.batch.append(replace(suspect.template, observed_at=suspect.at))
        if suspect.last_at > suspect.at:
            self.pending[key] = (suspect.template, suspect.last_at)
        self.last_values[key] = suspect.values

    def _hold(self, key: tuple, suspect: _Suspect, returned_at: str) -> None:
        """A jump that came back within days: a suspected typo, kept in quarantine, not stored."""
        del self.suspects[key]
        offer = " ".join(str(part) for part in key)
        days = _days(suspect.at, returned_at)
        reason = (
            f"suspected typo: {', '.join(suspect.jumps)} at {suspect.at}, back at {returned_at} "
            f"({days:.1f} days later; more than {PRICE_JUMP_FACTOR}x and back within {TYPO_RETURN_DAYS} days)"
        )
        self.batch_held.append((replace(suspect.template, observed_at=suspect.at), reason))
        self.summary.held.append(SuspectedTypo(offer, suspect.at, returned_at, reason))

    def finish(self) -> None:
        """The history ends: jumps still waiting are stored as seen (nothing says they were typos)."""
        for key in list(self.suspects):
            self._store_suspect(key)
        self.flush()

    def _delist(self, gone: set[tuple], at: str) -> None:
        """Close the offers a complete listing no longer shows, after storing what came before."""
        self._end(gone)
        # The other offers' last sightings can wait: closing these does not touch them.
        self.flush(delist=(gone, at), all_pending=False)

    def _end(self, gone: set[tuple]) -> None:
        """Offers no longer listed: their jumps and last sightings go to the batch, their values are forgotten."""
        for key in gone:
            if key in self.suspects:
                self._store_suspect(key)
            held = self.pending.pop(key, None)
            if held is not None:
                self.batch.append(replace(held[0], observed_at=held[1]))
            self.last_values.pop(key, None)

    def _close(self, gone: set[tuple], at: str) -> None:
        """Close the stored prices of offers a listing no longer shows (inside the batch's transaction)."""
        # A third-party database's listing ends only what it said itself.
        only = (THIRD_PARTY, self.target.source) if self.target.origin == THIRD_PARTY else None
        self.summary.delisted += close_offers(self.db, gone, at, only=only)

    # -------------------------------------------------------------- writing

    def flush(self, delist: tuple[set[tuple], str] | None = None, *, all_pending: bool = True) -> None:
        """Store the batch in one transaction: last sightings, observations, fetches, unmapped names."""
        if all_pending:
            for template, at in self.pending.values():
                self.batch.append(replace(template, observed_at=at))
            self.pending.clear()
        db = self.db
        summary = self.summary
        undecided = self._undecided_versions()
        with db.atomic():
            if self.batch:
                self._ensure_names(self.batch)
                stats = apply_observations(
                    db, self.batch, origin=self.target.origin, run_id=self.run_id, source=self.target.source
                )
                summary.observations += len(self.batch)
                summary.price_rows_added += stats.price_rows_added
                summary.offers_changed |= stats.offers_changed
            if delist is not None:
                self._close(*delist)
            if self.batch_held:
                quarantine_observations(
                    db, self.run_id, self.target.run_source, self.batch_held, origin=self.target.origin
                )
            for commit, fetched_at, path, url in self.fetch_rows():
                save_raw_response(
                    db,
                    run_id=self.run_id,
                    url=url,
                    status=200,
                    body=None,
                    fetched_at=fetched_at,
                    repository=summary.repository,
                    git_commit=commit,
                    path=path,
                )
            by_time: dict[tuple[str, str], set[str]] = {}
            for (kind, name), (first, last) in self.batch_unmapped.items():
                by_time.setdefault((kind, first), set()).add(name)
                by_time.setdefault((kind, last), set()).add(name)
            for (kind, seen_at), names in by_time.items():
                record_unmapped(db, self.target.run_source, kind, names, seen_at)
            if self.checkpoint is not None:
                self.checkpoint(self.target.run_source, "batch-stored")
        if self.checkpoint is not None:
            self.checkpoint(self.target.run_source, "batch-committed")
        self.batch = []
        self.batch_held = []
        self.batch_fetches = undecided
        self.batch_versions = 0
        self.batch_unmapped = {}

    def _undecided_versions(self) -> list[tuple[gitlog.FileVersion, str]]:
        """Take out of the batch the versions from the oldest jump still waiting for its judgement on.

        A jump lives in memory until the offer's next values say whether it was a typo; its
        version is marked read (its ``fetches`` row stored) only once that is decided. So a
        run killed meanwhile leaves that version to the next run, which reads the jump again
        at its own time (it was stored at the next version's time, after a kill).
        """
        if not self.suspects:
            return []
        cut = min(suspect.at for suspect in self.suspects.values())
        undecided = [(v, at) for v, at in self.batch_fetches if at >= cut]
        self.batch_fetches = [(v, at) for v, at in self.batch_fetches if at < cut]
        return undecided

    def fetch_rows(self) -> list[tuple[str, str, str, str]]:
        """(commit, time, path, url) of the batch's versions: the ``fetches`` rows that cite them."""
        return [
            (version.commit, observed_at, version.path or self.summary.path, self.target.url)
            for version, observed_at in self.batch_fetches
        ]

    def _ensure_names(self, observations: Sequence[Observation]) -> None:
        """`models` and `providers` rows for names the catalog does not know, so history finds them."""
        db = self.db
        if self.known_models is None or self.known_providers is None:
            self.known_models = known_model_ids(db)
            self.known_providers = known_provider_ids(db)
        models = {o.model_id for o in observations} - self.known_models
        if models:
            add_uncatalogued_models(db, models, self.target.run_source)
            self.known_models |= models
        providers = {o.provider_id for o in observations} - self.known_providers
        if providers:
            add_providers(db, providers, self.target.run_source)
            self.known_providers |= providers


def _large_moves(db: Database, run_id: int) -> list[LargeMove]:
    """Steps above 10x among the price rows this run added (reported, never held back)."""
    moves = []
    for row in price_steps_of_run(db, run_id):
        for name in PRICE_FIELDS:
            old, new = row[f"old_{name}"], row[f"new_{name}"]
            if old is None or new is None or Decimal(old) <= 0 or Decimal(new) <= 0:
                continue
            if max(Decimal(new) / Decimal(old), Decimal(old) / Decimal(new)) > PRICE_JUMP_FACTOR:
                label = f"{row['model']} @ {row['provider']} {row['tier']}"
                if row["min_prompt_tokens"]:
                    label += f" >={row['min_prompt_tokens']}"
                if row["variant"]:
                    label += f" [{row['variant']}]"
                moves.append(LargeMove(label, name, row["changed_at"], old, new))
    return moves


def backfill(
    db: Database,
    catalog: Catalog,
    repo: Path,
    path: str | Sequence[str],
    target: BackfillTarget,
    *,
    on_start: Callable[[int], None] | None = None,
    on_version: Callable[[], None] | None = None,
    checkpoint: Callable[[str, str], None] | None = None,
) -> BackfillSummary:
    """Replay every version of ``path`` in ``repo`` into the store (the caller holds the writer lock).

    ``path`` may be several paths of one logical file (a rename, a successor file; oldest
    first): at each commit the most recently changed of them is the version
    (``gitlog.logical_history``), and each version's fetch row names its own path.
    ``on_start`` gets the number of versions to read; ``on_version`` is called after each.
    ``checkpoint(run_source, step)``, when given, is called at each step a kill could
    land on (tests/test_crash_safety_backfill.py stops there): "batch-stored" (a batch's
    rows written, its transaction open), "batch-committed", "finished" (every version
    stored, the run not yet ended), "closed" (the run row ended).
    A target read as a tree of files (``target.tree``) replays the folder ``path`` instead
    (``scraper.backfill_tree``).
    """
    started = time.perf_counter()
    repo = gitlog.resolve_repository(repo)
    paths = [_in_repository(repo, p) for p in ([path] if isinstance(path, str) else path)]
    label = " + ".join(paths)
    summary = BackfillSummary(kind=target.kind, repository=gitlog.repository_key(repo), path=label)
    if target.tree is not None:
        from pricewatch.scraper.backfill_tree import backfill_tree

        backfill_tree(
            db,
            catalog,
            repo,
            target,
            summary,
            on_start=on_start,
            on_version=on_version,
            checkpoint=checkpoint,
        )
        summary.seconds = time.perf_counter() - started
        return summary
    history = (
        gitlog.version_history(repo, paths[0]) if len(paths) == 1 else gitlog.logical_history(repo, paths)
    )
    versions = sorted(history, key=lambda v: v.committed_at)
    if not versions:
        raise BackfillError(f"no commit of {label} in {repo}")
    summary.versions = len(versions)
    previous_at = {v.commit: p.committed_at for p, v in pairwise(versions)}
    done = set().union(*(ingested_commits(db, summary.repository, p) for p in paths))
    todo = []
    for version in versions:
        if version.commit in done:
            summary.skipped += 1
        elif version.blob is None:
            summary.missing += 1
        else:
            todo.append(version)
    if on_start is not None:
        on_start(len(todo))
    # A run that goes on from an earlier one (interrupted, or new commits since) starts from
    # the state its last stored version left: what that version listed (so an offer gone
    # at the first new commit is delisted) and when it was observed.
    seed = _resume_point(versions, todo, done)

    def read(state: _Backfill) -> None:
        failed_blobs: dict[str, str] = {}
        wanted = _first_occurrences(todo)
        if seed is not None:
            assert seed.blob is not None
            wanted = [seed.blob, *(b for b in wanted if b != seed.blob)]
        blobs = gitlog.iter_blobs(repo, wanted)
        if seed is not None:
            assert seed.blob is not None
            _read_blob(state, blobs, seed.blob, failed_blobs)
            if seed.blob in state.parsed:
                state.resume_after(seed, state.parsed[seed.blob])
        for version in todo:
            assert version.blob is not None
            if version.blob not in state.parsed and version.blob not in failed_blobs:
                _read_blob(state, blobs, version.blob, failed_blobs)
            if version.blob in failed_blobs:
                summary.failures.append(
                    VersionFailure(version.commit, version.committed_at, failed_blobs[version.blob])
                )
            else:
                state.previous_at = previous_at.get(version.commit)
                state.add_version(version, state.parsed[version.blob])
            if on_version is not None:
                on_version()

    # The data is as of the newest commit of the file, not of this run.
    recorded_run(db, catalog, target, summary, versions[-1].committed_at, read, checkpoint=checkpoint)
    summary.seconds = time.perf_counter() - started
    return summary


def recorded_run(
    db: Database,
    catalog: Catalog,
    target: BackfillTarget,
    summary: BackfillSummary,
    observed_at: str,
    read: Callable[[Any], None],
    state_class: type[_Backfill] | None = None,
    *,
    checkpoint: Callable[[str, str], None] | None = None,
) -> None:
    """One backfill run: its `runs` row, ``read`` feeding a fresh state, the end of the history.

    ``observed_at`` is the time of the newest version of the history (the run's data is as
    of then, not of now); a run that raises is recorded as failed, with why.
    """
    run_id = start_run(db, target.run_source, ORIGIN)
    summary.run_id = run_id
    state = (state_class or _Backfill)(db, catalog, target, summary, run_id)
    state.checkpoint = checkpoint
    try:
        read(state)
        state.finish()
        summary.large_moves = _large_moves(db, run_id)
        if checkpoint is not None:
            checkpoint(target.run_source, "finished")  # every version stored, the run not yet ended
        status = "partial" if summary.failures else "ok"
        with db.atomic():
            finish_run(
                db,
                run_id,
                status,
                records_seen=summary.observations,
                models_seen=len(state.models),
                prices_changed=len(summary.offers_changed),
                errors=summary.failed,
                error=_failure_text(summary) if summary.failures else None,
                # The data is as of the newest commit of the file (or the newest time its
                # versions give, a sweep's fetchedAt), not of this run.
                observed_at=(state.newest_at if target.observed_at else None) or observed_at,
            )
        if checkpoint is not None:
            checkpoint(target.run_source, "closed")
    except BaseException as error:  # the run row must say why, whatever went wrong
        with db.atomic():
            finish_run(db, run_id, "failed", errors=1, error=f"{type(error).__name__}: {error}")
        raise


def _in_repository(repo: Path, path: str) -> str:
    """``path`` relative to the repository (a path in the work tree, as a shell completes it)."""
    if not Path(path).is_absolute():
        return path
    try:
        return Path(path).resolve().relative_to(repo).as_posix()
    except ValueError:
        raise BackfillError(f"{path} is not inside the repository {repo}") from None


def _resume_point(
    versions: Sequence[gitlog.FileVersion], todo: Sequence[gitlog.FileVersion], done: set[str]
) -> gitlog.FileVersion | None:
    """The newest version an earlier run stored before the first one still to read, if any."""
    if not todo:
        return None
    before = [v for v in versions if v.committed_at < todo[0].committed_at]
    stored = [v for v in before if v.commit in done and v.blob is not None]
    return stored[-1] if stored else None


def _first_occurrences(versions: Sequence[gitlog.FileVersion]) -> list[str]:
    return list(dict.fromkeys(v.blob for v in versions if v.blob is not None))


def _read_blob(
    state: _Backfill, blobs: Iterator[tuple[str, bytes]], blob: str, failed: dict[str, str]
) -> None:
    sha, body = next(blobs)
    if sha != blob:  # blobs stream in first-occurrence order, as requested
        raise gitlog.GitError(f"git cat-file returned {sha} where {blob} was expected")
    state.summary.blobs_parsed += 1
    try:
        state.parsed[blob] = state.parse_blob(body)
    except PricewatchError as error:
        failed[blob] = str(error)
    except Exception as error:  # a parser bug fails this version, not the run
        failed[blob] = f"parser crashed: {type(error).__name__}: {error}"


def _failure_text(summary: BackfillSummary) -> str:
    first = summary.failures[0]
    return f"{summary.failed} versions failed to parse; first: {first.commit[:10]} ({first.committed_at}): {first.error}"


def run_backfill(
    db_path: Path,
    catalog: Catalog,
    repo: Path,
    path: str | Sequence[str],
    target: BackfillTarget,
    *,
    wait: bool = True,
    on_wait: Callable[[Path], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_version: Callable[[], None] | None = None,
    checkpoint: Callable[[str, str], None] | None = None,
) -> BackfillSummary:
    """Open the database under the writer lock and backfill one file's history into it (see ``backfill``)."""
    from pricewatch.scraper.lock import writer_lock
    from pricewatch.scraper.store import abandon_running_runs, open_database, sync_catalog

    with writer_lock(db_path, wait=wait, on_wait=on_wait):
        db = open_database(db_path)
        abandon_running_runs(db)
        sync_catalog(db, catalog)
        return backfill(
            db, catalog, repo, path, target, on_start=on_start, on_version=on_version, checkpoint=checkpoint
        )


def summary_rows(summary: BackfillSummary) -> list[dict[str, Any]]:
    """The summary as one table row (for --format csv/json)."""
    return [
        {
            "kind": summary.kind,
            "versions": summary.versions,
            "read": summary.read,
            "skipped": summary.skipped,
            "failed": summary.failed,
            "blobs_parsed": summary.blobs_parsed,
            "price_rows_added": summary.price_rows_added,
            "offers_changed": len(summary.offers_changed),
            "delisted": summary.delisted,
            "large_moves": len(summary.large_moves),
            "zero_prices": len(summary.zero_prices),
            "held": len(summary.held),
            "unmapped": summary.unmapped,
            "seconds": f"{summary.seconds:.2f}",
        }
    ]
