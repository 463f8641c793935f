"""Thin loaders: read store rows into the plain values analysis works on."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from pricewatch.analysis.prices import PRICE_FIELDS, ModelFacts, PricePoint
from pricewatch.analysis.ratios import PeerGroup, parse_peer_groups
from pricewatch.errors import StoreError
from pricewatch.scraper.catalog import Catalog

if TYPE_CHECKING:  # analysis commands read through scraper.readonly; sqlite-utils is not imported
    from sqlite_utils import Database

__all__ = ["load_model_facts", "load_peer_groups", "load_price_points"]


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def load_price_points(db: Database) -> list[PricePoint]:
    """Every price period of every offer, oldest first (curated confidence and citation when known)."""
    has_citations = "curated_sources" in db.table_names()
    citation_columns = (
        "cs.confidence AS confidence, cs.source_url AS source_url"
        if has_citations
        else "NULL AS confidence, NULL AS source_url"
    )
    citation_join = (
        "LEFT JOIN curated_sources cs ON cs.offer_id = p.offer_id AND cs.valid_from = p.valid_from"
        if has_citations
        else ""
    )
    fields = ", ".join(f"p.{name}" for name in PRICE_FIELDS)
    sql = (
        f"SELECT o.model_id AS model, o.provider_id AS provider, o.tier, o.min_prompt_tokens, o.variant, "
        f"o.quantization, p.currency, p.valid_from, p.valid_to, p.origin, p.variable, {fields}, {citation_columns} "
        f"FROM prices p JOIN offers o ON o.id = p.offer_id {citation_join} ORDER BY p.valid_from, p.id"
    )
    points = []
    for row in db.query(sql):
        points.append(
            PricePoint(
                model=row["model"],
                provider=row["provider"],
                tier=row["tier"],
                min_prompt_tokens=row["min_prompt_tokens"],
                variant=row["variant"],
                currency=row["currency"],
                valid_from=row["valid_from"],
                valid_to=row["valid_to"],
                origin=row["origin"],
                quantization=row["quantization"],
                confidence=row["confidence"],
                source_url=row["source_url"],
                variable=bool(row["variable"]),
                **{name: _decimal(row[name]) for name in PRICE_FIELDS},
            )
        )
    return points


def load_model_facts(catalog: Catalog) -> dict[str, ModelFacts]:
    """Catalog models as analysis facts: creator, open weights, makers, scores by name."""
    facts = {}
    for model in catalog.models.values():
        scores: dict[str, float] = {}
        for score in model.extra.get("scores", []):
            # Several snapshots of one score name: keep the newest measurement.
            name = score.get("name")
            if name is not None and "value" in score:
                scores[name] = float(score["value"])
        facts[model.id] = ModelFacts(
            id=model.id,
            name=model.name,
            creator=model.creator,
            open_weights=model.open_weights,
            makers=tuple(catalog.makers_of(model.id)),
            scores=scores,
        )
    return facts


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
