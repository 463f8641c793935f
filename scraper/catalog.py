"""The catalog (data/catalog.toml) and the one resolver every source's names go through.

The catalog is reviewed by people: models have one id each (OpenRouter-style
``creator/model``), a creator, open weights or not, and aliases; providers have one id
each, aliases (OpenRouter's "Moonshot AI", "Z.AI"...) and ``maker_of``: the creators whose
models they sell as the maker, so "retail" = the maker selling its own model.

A name that maps to nothing is not guessed: ``resolve_*`` returns None and the caller
stores the source's own name, listed by ``pricewatch status --unmapped``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pricewatch.errors import StoreError, UnknownModelError

__all__ = [
    "Catalog",
    "CatalogModel",
    "CatalogProvider",
    "LifecycleDate",
    "load_catalog",
    "normalise_name",
    "provider_slug",
]


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def provider_slug(name: str) -> str:
    """The id form of a provider name: lower case, each run of other characters one hyphen.

    "Arcee AI" -> "arcee-ai", "together_ai" -> "together-ai", "io.net" -> "io-net". A
    provider the catalog does not know is stored under this slug, so every source's
    spelling of it is one provider.
    """
    slug = _NOT_SLUG.sub("-", name.strip().lower()).strip("-")
    return slug or name.strip()


_PREVIEW_SUFFIX = re.compile(r"[ -]preview$")


def normalise_name(name: str) -> str:
    """The form names are compared in: lower case, single spaces, trimmed."""
    return re.sub(r"\s+", " ", name.strip().lower())


@dataclass(frozen=True)
class LifecycleDate:
    """A cited date in a model's life: when its maker deprecated or retired it."""

    on: date
    source: str
    evidence: str
    confidence: str = "medium"


@dataclass(frozen=True)
class CatalogModel:
    """One model of the catalog."""

    id: str
    name: str
    creator: str
    open_weights: bool
    aliases: tuple[str, ...] = ()
    snapshots: tuple[str, ...] = ()
    released: date | None = None
    total_params_b: float | None = None
    active_params_b: float | None = None
    deprecated: LifecycleDate | None = None
    retired: LifecycleDate | None = None  # the maker stopped serving it on its own API
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class CatalogProvider:
    """One provider (a maker selling its own models, a host, or an aggregator)."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    maker_of: tuple[str, ...] = ()


@dataclass
class Catalog:
    """Models and providers by id, with the alias maps the resolver uses."""

    models: dict[str, CatalogModel]
    providers: dict[str, CatalogProvider]
    _model_names: dict[str, str] = field(default_factory=dict, repr=False)
    _provider_names: dict[str, str] = field(default_factory=dict, repr=False)
    _snapshot_names: dict[str, str] = field(default_factory=dict, repr=False)
    _provider_slugs: dict[str, str] = field(default_factory=dict, repr=False)
    _prose_names: dict[str, str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for model in self.models.values():
            for name in (model.id, model.name, *model.aliases, *model.snapshots):
                self._add(self._model_names, name, model.id, "model")
            for name in model.snapshots:
                self._snapshot_names[normalise_name(name)] = name
        for provider in self.providers.values():
            for name in (provider.id, provider.name, *provider.aliases):
                self._add(self._provider_names, name, provider.id, "provider")
                self._add(self._provider_slugs, provider_slug(name), provider.id, "provider")

    @staticmethod
    def _add(names: dict[str, str], name: str, target: str, what: str) -> None:
        key = normalise_name(name)
        if names.get(key, target) != target:
            raise StoreError(f"catalog: {what} name {name!r} is given to both {names[key]} and {target}")
        names[key] = target

    def resolve_model(self, name: str) -> str | None:
        """The catalog id for a source's model name, or None when nothing maps (never a guess)."""
        return self._model_names.get(normalise_name(name))

    def prose_model_names(self) -> dict[str, str]:
        """Normalised name -> id for names written in prose (claims, articles).

        Every name ``resolve_model`` maps, and a preview's name without its "Preview" /
        "-preview" when no other model has that name and only one preview gives it:
        articles call gemini-3-pro-preview "Gemini 3 Pro" while Google sells no other.
        Sources' names never go through this (a scraper must not guess).
        """
        names = dict(self._model_names)
        shortened: dict[str, set[str]] = {}
        for key, model_id in self._model_names.items():
            short = _PREVIEW_SUFFIX.sub("", key)
            if short != key and short not in self._model_names:
                shortened.setdefault(short, set()).add(model_id)
        names.update({short: ids.pop() for short, ids in shortened.items() if len(ids) == 1})
        return names

    def resolve_model_in_prose(self, name: str) -> str | None:
        """``resolve_model`` for a name written in prose (see ``prose_model_names``)."""
        if self._prose_names is None:
            self._prose_names = self.prose_model_names()
        return self._prose_names.get(normalise_name(name))

    def resolve_snapshot(self, name: str) -> tuple[str, str] | None:
        """(model id, snapshot) when ``name`` is a dated snapshot sold beside its model, else None.

        Snapshots (``openai/gpt-4o-2024-05-13``) are the same model in the catalog, but a
        seller may list them next to the undated name at another price: their offers carry
        the snapshot in ``variant`` so the two never overwrite each other.
        """
        key = normalise_name(name)
        snapshot = self._snapshot_names.get(key)
        if snapshot is None:
            return None
        return self._model_names[key], snapshot.rsplit("/", 1)[-1]

    def resolve_provider(self, name: str) -> str | None:
        """The catalog id for a source's provider name, or None when nothing maps.

        A name matches an id, name or alias as written (case and spaces aside) or as a slug
        (``provider_slug``): "Fireworks AI", "fireworks_ai" and "fireworks-ai" are one.
        """
        key = normalise_name(name)
        return self._provider_names.get(key) or self._provider_slugs.get(provider_slug(name))

    def get_model(self, name: str) -> CatalogModel:
        """The model for an id or alias; raises UnknownModelError with close matches."""
        model_id = self.resolve_model(name)
        if model_id is None:
            raise UnknownModelError(name, self.suggest_models(name))
        return self.models[model_id]

    def suggest_models(self, name: str, limit: int = 3, *, prose: bool = False) -> list[str]:
        """Catalog ids whose names are close to ``name`` (for "did you mean"); ``prose``: among
        the names prose may use (``prose_model_names``), as the site's claim box does."""
        names = self._model_names
        if prose:
            if self._prose_names is None:
                self._prose_names = self.prose_model_names()
            names = self._prose_names
        matches = difflib.get_close_matches(normalise_name(name), names, n=limit * 3, cutoff=0.6)
        ids: list[str] = []
        for match in matches:
            model_id = names[match]
            if model_id not in ids:
                ids.append(model_id)
        return ids[:limit]

    def is_retail(self, model_id: str, provider_id: str) -> bool:
        """True when the provider is the model's maker selling it (the retail price)."""
        model = self.models.get(model_id)
        provider = self.providers.get(provider_id)
        if model is None or provider is None:
            return False
        return model.creator in provider.maker_of

    def makers_of(self, model_id: str) -> list[str]:
        """Provider ids that sell this model as its maker."""
        model = self.models.get(model_id)
        if model is None:
            return []
        return [p.id for p in self.providers.values() if model.creator in p.maker_of]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


_MODEL_KEYS = {
    "name",
    "creator",
    "open_weights",
    "aliases",
    "snapshots",
    "released",
    "total_params_b",
    "active_params_b",
    "deprecated",
    "retired",
}


def _lifecycle(value: Any, what: str) -> LifecycleDate | None:
    """A cited ``{ on, source, evidence[, confidence] }`` table; a date without a citation is refused."""
    if value is None:
        return None
    if not isinstance(value, dict) or not all(value.get(k) for k in ("on", "source", "evidence")):
        raise ValueError(f"{what} needs on (a date), source and evidence")
    on = _as_date(value["on"])
    assert on is not None
    return LifecycleDate(
        on=on,
        source=value["source"],
        evidence=value["evidence"],
        confidence=value.get("confidence", "medium"),
    )


def parse_catalog(document: dict[str, Any]) -> Catalog:
    """A Catalog from the parsed TOML document (pure; errors name the entry)."""
    providers: dict[str, CatalogProvider] = {}
    for provider_id, entry in document.get("providers", {}).items():
        try:
            providers[provider_id] = CatalogProvider(
                id=provider_id,
                name=entry.get("name", provider_id),
                kind=entry.get("kind", "host"),
                aliases=tuple(entry.get("aliases", ())),
                maker_of=tuple(entry.get("maker_of", ())),
            )
        except (AttributeError, TypeError) as error:
            raise StoreError(f"catalog: provider {provider_id}: {error}") from None
    models: dict[str, CatalogModel] = {}
    for model_id, entry in document.get("models", {}).items():
        try:
            models[model_id] = CatalogModel(
                id=model_id,
                name=entry.get("name", model_id),
                creator=entry.get("creator", model_id.split("/", 1)[0]),
                open_weights=bool(entry.get("open_weights", False)),
                aliases=tuple(entry.get("aliases", ())),
                snapshots=tuple(entry.get("snapshots", ())),
                released=_as_date(entry.get("released")),
                total_params_b=entry.get("total_params_b"),
                active_params_b=entry.get("active_params_b"),
                deprecated=_lifecycle(entry.get("deprecated"), "deprecated"),
                retired=_lifecycle(entry.get("retired"), "retired"),
                extra={k: v for k, v in entry.items() if k not in _MODEL_KEYS},
            )
        except (AttributeError, TypeError, ValueError) as error:
            raise StoreError(f"catalog: model {model_id}: {error}") from None
    return Catalog(models=models, providers=providers)


def load_catalog(path: Path, cache_dir: Path | None = None) -> Catalog:
    """Read and parse a catalog TOML file.

    tomllib is pure Python and the catalog is large (~0.1 s to parse), which read-only
    commands feel; with ``cache_dir`` the parsed document is kept as JSON keyed by the
    file's sha256, so an edited catalog is never served stale.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"catalog not found: {path}") from None
    cache = cache_dir / f"catalog-{hashlib.sha256(raw).hexdigest()[:24]}.json" if cache_dir else None
    if cache is not None and cache.is_file():
        try:
            return parse_catalog(json.loads(cache.read_text(encoding="utf-8"), object_hook=_revive_dates))
        except (OSError, ValueError):
            pass  # a damaged cache entry is rebuilt below
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise StoreError(f"catalog {path}: {error}") from None
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            temporary = cache.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(document, default=_date_to_json), encoding="utf-8")
            temporary.replace(cache)
        except OSError:
            pass  # caching is an optimisation; a read-only cache dir is fine
    return parse_catalog(document)


def _date_to_json(value: Any) -> Any:
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    raise TypeError(f"cannot cache {type(value).__name__} in the catalog cache")


def _revive_dates(value: dict[str, Any]) -> Any:
    if len(value) == 1 and "__date__" in value:
        return date.fromisoformat(value["__date__"])
    return value
