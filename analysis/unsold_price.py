"""A price that names no host, for a model its maker no longer sells: judged at the hosts that do (pure).

"DeepSeek V3.2 costs $0.27/$1.10 per million tokens" names no host, so it is read as the
maker's price; the maker stopped selling the model, so on its own it cannot be checked.
Its figures can still be compared, with where they held (``figure_search``):

- they are a host's price now: holds there;
- they were a price earlier (the maker's before it stopped, or a host's) and are no one's
  now: stale, held over the last such run;
- a current host's price agrees within the claim's tolerance: holds there;
- else off by as much as the nearest host's price differs, listing the current prices it
  was compared with ("no host's price in the history").

``cannot_check`` stays only when nothing can be compared: no host sells the model and the
figures were never anyone's price.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from pricewatch.analysis.claims import PriceClaim, Verdict
from pricewatch.analysis.prices import ModelFacts, PriceIndex, PricePoint, offers_at

__all__ = ["judge_unsold"]


def _hosts(model: str, points: Iterable[PricePoint], makers: Iterable[str], at: str) -> list[str]:
    """The hosts (not the maker, not OpenRouter's list) that sell the model at ``at``, by name."""
    makers = set(makers)
    return sorted(
        {
            p.provider
            for p in offers_at(points, model, at)
            if p.provider != "openrouter"
            and p.provider not in makers
            and p.input is not None
            and p.output is not None
        }
    )


def judge_unsold(
    verdict: Verdict, points: Iterable[PricePoint], facts: Mapping[str, ModelFacts], at: str
) -> Verdict:
    """``verdict``, unless it is a host-less price left unchecked because the maker stopped selling it."""
    claim = verdict.claim
    if (
        verdict.verdict != "cannot_check"
        or not isinstance(claim, PriceClaim)
        or claim.provider is not None
        or claim.statistic != "auto"
    ):
        return verdict
    from pricewatch.analysis.claims import _judge, _maker_ended  # it builds on that module
    from pricewatch.analysis.figure_search import search_figures

    relevant = (
        points.for_models({claim.model})
        if isinstance(points, PriceIndex)
        else [p for p in points if p.model == claim.model]
    )
    fact = facts.get(claim.model)
    if fact is None or _maker_ended(relevant, fact, at) is None:
        return verdict
    ended = verdict.missing[0] if verdict.missing else verdict.summary
    held = search_figures(claim, relevant, at)
    hosts = _hosts(claim.model, relevant, fact.makers, at)
    at_hosts = [
        (host, _judge(dataclasses.replace(claim, provider=host), relevant, facts, at)) for host in hosts
    ]
    at_hosts = [(host, v) for host, v in at_hosts if v.verdict in ("holds", "off")]
    judged = [v for _, v in at_hosts]
    now = [run.provider for run in held if run.valid_to is None]
    exact = [v for host, v in at_hosts if host in now and v.verdict == "holds"]
    agree = exact or [v for v in judged if v.verdict == "holds"]
    if exact or (not held and agree):
        best = agree[0]
        return dataclasses.replace(
            best, claim=claim, summary=f"{best.summary} (a host's price: {ended})", missing=[]
        )
    if held and not now:  # the maker's (or a host's) earlier price
        last = max(held, key=lambda run: (run.valid_to or "", run.valid_from))
        base = min(judged, key=lambda v: v.factor or 0) if judged else verdict
        said = base.summary if judged else f"cannot be compared with a host's price now: {ended}"
        return dataclasses.replace(
            base,
            verdict="stale",
            claim=claim,
            held_from=last.valid_from,
            held_until=last.valid_to,
            summary=f"held from {last.valid_from[:10]} to {(last.valid_to or '')[:10]} at {last.provider}, "
            f"no longer: {said}" + (f" (the nearest host's price: {ended})" if judged else ""),
            missing=[] if judged else verdict.missing,
        )
    if not judged:
        return verdict
    best = min(judged, key=lambda v: v.factor or 0)
    return dataclasses.replace(
        best, claim=claim, summary=f"{best.summary} (the nearest host's price: {ended})", missing=[]
    )
