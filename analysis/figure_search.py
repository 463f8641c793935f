"""Where and when a price claim's quoted figures held, when the price it was bound to differs (pure).

An article quotes "$0.45/$2.25" for a model "on OpenRouter"; OpenRouter charged something
else then, but DeepInfra charged exactly that. The verdict stays what the named host says;
beside it, every host and time in the history whose prices equal the quoted figures is
listed ("$0.45/$2.25 is deepinfra's price since 2026-05-16 and openrouter's list price from
2026-08-19 to 2026-09-01"), so a reader sees where the figures came from.

Only prices known at the check time count (no period starting after it), and only exact
equality: a figure near a host's price is a different figure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from decimal import Decimal

from pricewatch.analysis.claims import EntryVerdict, FigureHeld, PriceClaim, Verdict
from pricewatch.analysis.prices import PricePoint
from pricewatch.money import figure

__all__ = [
    "FIELDS",
    "LIST_PRICE_PROVIDERS",
    "figures_text",
    "held_text",
    "search_figures",
    "with_figure_search",
    "with_figure_searches",
]

FIELDS = ("input", "output", "cache_read", "cache_write")
#: Providers whose own price is a list price over other hosts.
LIST_PRICE_PROVIDERS = frozenset({"openrouter"})


def _quoted(claim: PriceClaim) -> dict[str, Decimal]:
    return {name: getattr(claim, name) for name in FIELDS if getattr(claim, name) is not None}


def search_figures(claim: PriceClaim, points: Iterable[PricePoint], at: str) -> list[FigureHeld]:
    """Every host's runs of prices equal to the claim's quoted fields, known at ``at``, oldest first."""
    quoted = _quoted(claim)
    if not quoted:
        return []
    runs: dict[tuple[str, str], list[list[str | None]]] = {}
    # The standard price of the base band, as the claim is read; a dated snapshot keeps its name.
    matching = sorted(
        (
            p
            for p in points
            if p.model == claim.model
            and p.tier == "standard"
            and p.min_prompt_tokens == 0
            and p.valid_from <= at
            and all(
                getattr(p, name) is not None and getattr(p, name) == value for name, value in quoted.items()
            )
        ),
        key=lambda p: (p.provider, p.variant, p.valid_from),
    )
    for point in matching:
        end = point.valid_to if point.valid_to is not None and point.valid_to <= at else None
        provider_runs = runs.setdefault((point.provider, point.variant), [])
        last = provider_runs[-1] if provider_runs else None
        if last is not None and (last[1] is None or last[1] >= point.valid_from):
            if last[1] is not None and (end is None or end > last[1]):
                last[1] = end  # overlapping or adjacent: one run
            continue
        provider_runs.append([point.valid_from, end])
    held = [
        FigureHeld(
            provider=provider,
            valid_from=str(start),
            valid_to=end,
            list_price=provider in LIST_PRICE_PROVIDERS,
            variant=variant,
        )
        for (provider, variant), provider_runs in runs.items()
        for start, end in provider_runs
    ]
    return sorted(held, key=lambda h: (h.valid_from, h.provider, h.variant))


def figures_text(claim: PriceClaim) -> str:
    """The quoted figures as the sentence gave them: "$0.45/$2.25", "$0.07 cache read"."""
    quoted = _quoted(claim)
    if set(quoted) == {"input", "output"}:
        return f"{figure(claim.input, '$')}/{figure(claim.output, '$')}"
    return ", ".join(f"{figure(value, '$')} {name.replace('_', ' ')}" for name, value in quoted.items())


def held_text(claim: PriceClaim, held: Sequence[FigureHeld]) -> str:
    """ "$0.45/$2.25 is deepinfra's price since 2026-05-16 and openrouter's list price from 2026-08-19"."""
    figures = figures_text(claim)
    if not held:
        return f"{figures} is no host's price in the history"
    parts = []
    for run in held:
        what = f"{run.provider}'s {'list price' if run.list_price else 'price'}"
        if run.variant:
            what += f" for {run.variant}"
        when = (
            f"since {run.valid_from[:10]}"
            if run.valid_to is None
            else f"from {run.valid_from[:10]} to {run.valid_to[:10]}"
        )
        parts.append(f"{what} {when}")
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    verb = "was" if all(run.valid_to is not None for run in held) else "is"
    return f"{figures} {verb} {joined}"


def with_figure_search(verdict: Verdict, points: Sequence[PricePoint], at: str) -> Verdict:
    """A price verdict that does not hold, with where and when its quoted figures held (in the summary too)."""
    claim = verdict.claim
    if not isinstance(claim, PriceClaim) or verdict.verdict == "holds":
        return verdict
    held = search_figures(claim, points, verdict.at or at)  # the verdict's time, normalised
    return dataclasses.replace(
        verdict, held_elsewhere=held, summary=f"{verdict.summary}; {held_text(claim, held)}"
    )


def with_figure_searches(entry: EntryVerdict, points: Sequence[PricePoint], at: str) -> EntryVerdict:
    """Each part of a sentence's (or entry's) verdict with ``with_figure_search`` applied."""
    parts = [with_figure_search(part, points, at) for part in entry.parts]
    if all(new is old for new, old in zip(parts, entry.parts, strict=True)):
        return entry
    return dataclasses.replace(entry, parts=parts)
