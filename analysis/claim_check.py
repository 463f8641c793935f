"""`pricewatch check TEXT [--made-on DAY]`: one sentence's claims judged now and as of the day it was made (pure).

The one place the report of ``check --json`` is put together, so the command and the
differential test of the site's claim box (tests/test_claim_box_parity.py) build the same
JSON: every part as of now with where its quoted figures held when a price is off
(``figure_search``), the group spread, and beside it, when the day the claim was made is
known, every part as of that day (trend periods anchored at it, ``claim_time``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal

from pricewatch.analysis.claim_time import anchor_claims
from pricewatch.analysis.claims import CheckReport, Claim, evaluate_parts
from pricewatch.analysis.figure_search import with_figure_searches
from pricewatch.analysis.prices import ModelFacts, PricePoint

__all__ = ["check_report"]


def check_report(
    text: str,
    claims: Sequence[Claim],
    combine: Literal["all", "any"],
    points: Sequence[PricePoint],
    facts: Mapping[str, ModelFacts],
    as_of: str,
    made_on: date | None = None,
) -> CheckReport:
    """The claims read in ``text`` judged as of ``as_of`` (the verdict) and, given ``made_on``, as of that day."""
    anchored = anchor_claims(claims, made_on)
    now = with_figure_searches(evaluate_parts(anchored, combine, points, facts, as_of), points, as_of)
    then = None if made_on is None else evaluate_parts(anchored, combine, points, facts, made_on)
    return CheckReport(
        text=text,
        at=as_of,
        verdict=now.verdict,
        results=now.parts,
        made_on=made_on,
        then=then,
        group=now.group,
    )
