"""Atom feeds of price changes, written with feedgen: one for everything, one per model.

Feeds are stable between builds: every entry's id is a tag URI made from the offer and the
time of the change, and a feed's ``updated`` is its newest entry's time (not the build
time), so an unchanged model's feed is byte-for-byte the same file. Links are relative to
the site root unless the build is given the site's public URL (``base_url``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pricewatch.money import dollars
from pricewatch.text import clean_text

__all__ = ["atom_feed", "change_summary"]

FEED_TAG = "tag:pricewatch.local,2026"
_EPOCH = "2023-01-01T00:00:00Z"


def change_summary(change: Mapping[str, Any]) -> str:
    """One line saying what changed: ``input $5 -> $4 (-20.0%); output $25 -> $20 (-20.0%)``."""
    if change["kind"] == "new":
        new = change["new"]
        return f"new offer at input {dollars(new.get('input'))}, output {dollars(new.get('output'))} per million tokens"
    if change["kind"] == "ended":
        old = change["old"]
        return f"offer ended (it was input {dollars(old.get('input'))}, output {dollars(old.get('output'))})"
    parts = []
    for item in change["fields"]:
        pct = f" ({item['pct']})" if item["pct"] else ""
        parts.append(
            f"{item['field'].replace('_', ' ')} {dollars(item['old'])} -> {dollars(item['new'])}{pct}"
        )
    return "; ".join(parts) or "prices restated"


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def atom_feed(
    *,
    feed_id: str,
    title: str,
    subtitle: str,
    self_href: str,
    page_href: str,
    changes: Sequence[Mapping[str, Any]],
    model_href: Any,
) -> bytes:
    """An Atom document of ``changes`` (newest first); ``model_href(change)`` links an entry to its page."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    # One control character in one name must not stop the feed (feedgen refuses it): clean every field.
    feed_id, title, subtitle = clean_text(feed_id), clean_text(title), clean_text(subtitle)
    self_href, page_href = clean_text(self_href), clean_text(page_href)
    feed.id(f"{FEED_TAG}:{feed_id}")
    feed.title(title)
    feed.subtitle(subtitle)
    feed.author({"name": "pricewatch"})
    feed.link(href=self_href, rel="self", type="application/atom+xml")
    feed.link(href=page_href, rel="alternate", type="text/html")
    feed.language("en")
    feed.updated(_time(changes[0]["at"] if changes else _EPOCH))
    for change in changes:
        entry = feed.add_entry(order="append")
        entry.id(clean_text(f"{FEED_TAG}:change/{change['key']}"))
        unverified = " [unverified]" if change["unverified"] else ""
        tier = "" if change["tier"] == "standard" else f" ({change['tier']})"
        band = f" prompts >= {change['min_prompt_tokens']:,}" if change["min_prompt_tokens"] else ""
        entry.title(
            clean_text(
                f"{change['model_name']} at {change['provider_name']}{tier}{band}: "
                f"{change_summary(change)}{unverified}"
            )
        )
        entry.updated(_time(change["at"]))
        entry.published(_time(change["at"]))
        entry.link(href=clean_text(model_href(change)), rel="alternate", type="text/html")
        source = f" Source: {change['source_url']}." if change["source_url"] else ""
        entry.content(
            clean_text(
                f"{change['model_name']} ({change['model']}) at {change['provider_name']}, tier {change['tier']}, "
                f"on {change['date']} (USD per million tokens): {change_summary(change)}. "
                f"Origin: {change['origin']}"
                + (f", confidence {change['confidence']}" if change["confidence"] else "")
                + f".{source}"
            ),
            type="text",
        )
    return feed.atom_str(pretty=True)
