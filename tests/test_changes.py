"""Changes are changes (issue 13): price changes, new offers and ended offers, and no non-events.

The rules live in ``pricewatch.analysis.changes`` (the site's changes page and feeds) and in
the ``price_changes`` view (SQL); the tests hold both to the same answers.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from site_data import observe

from pricewatch.analysis.changes import price_events
from pricewatch.analysis.prices import PricePoint
from pricewatch.inputs import load_price_points
from pricewatch.scraper.store import open_database
from pricewatch.scraper.store.prices import close_offers
from pricewatch.scraper.store.reader import open_reader

KIMI = "moonshotai/kimi-k2.6"
T0, T1, T2, T3 = (
    "2026-06-01T00:00:00Z",
    "2026-07-01T00:00:00Z",
    "2026-08-01T00:00:00Z",
    "2026-09-01T00:00:00Z",
)


def _p(
    valid_from,
    valid_to=None,
    *,
    provider="deepinfra",
    variant="",
    origin="live",
    source="s",
    event=None,
    **prices,
):
    return PricePoint(
        model=KIMI,
        provider=provider,
        tier="standard",
        min_prompt_tokens=0,
        variant=variant,
        currency="USD",
        valid_from=valid_from,
        valid_to=valid_to,
        origin=origin,
        source=None if origin == "curated" else source,
        event=event,
        **{name: Decimal(value) for name, value in prices.items()},
    )


def _kinds(points):
    return [(e.kind, e.at[:10], e.point.provider, e.point.variant, e.fields) for e in price_events(points)]


# ----------------------------------------------------------------------------- the rules, pure


def test_a_change_names_only_the_fields_that_changed():
    points = [_p(T0, T1, input="1", output="4"), _p(T1, input="0.8", output="4")]
    assert _kinds(points) == [("change", "2026-07-01", "deepinfra", "", ("input",))]


def test_equal_consecutive_periods_are_no_event():
    points = [
        _p(T0, T1, origin="curated", input="1", output="4"),
        _p(T1, origin="replay", input="1", output="4"),
    ]
    assert _kinds(points) == []


def test_a_field_a_curated_row_does_not_record_is_unknown_not_removed_nor_added():
    removed = [
        _p(T0, T1, origin="curated", input="1.5", output="7.5", cache_read="0.15"),
        _p(T1, origin="curated", input="0.75", output="3.75"),
    ]
    assert _kinds(removed) == [("change", "2026-07-01", "deepinfra", "", ("input", "output"))]
    only_unknown = [
        _p(T0, T1, origin="curated", input="1", output="4", cache_read="0.1"),
        _p(T1, origin="curated", input="1", output="4"),
    ]
    assert _kinds(only_unknown) == []
    added = [
        _p(T0, T1, origin="curated", input="5", output="25"),
        _p(T1, origin="replay", input="5", output="25", cache_write_1h="10"),
    ]
    assert _kinds(added) == []
    # A measured period that drops a field does say the source stopped listing it.
    dropped = [_p(T0, T1, input="5", output="25", cache_read="0.5"), _p(T1, input="5", output="25")]
    assert _kinds(dropped) == [("change", "2026-07-01", "deepinfra", "", ("cache_read",))]


def test_a_sources_first_look_is_no_news_but_a_later_first_sighting_is():
    first_look = [
        _p(T1, provider="fireworks", input="1", output="4"),
        _p(T1, provider="together", input="2", output="5"),
    ]
    assert _kinds(first_look) == []
    later = [*first_look, _p(T2, provider="baseten", input="0.9", output="3.8")]
    assert _kinds(later) == [("new", "2026-08-01", "baseten", "", ("input", "output"))]
    # Coverage is per source: another source's earlier looks do not make this one's first look news.
    other = [*first_look, _p(T2, provider="novita", source="elsewhere", input="0.9", output="3.8")]
    assert _kinds(other) == []


def test_a_first_sighting_of_what_was_sold_earlier_at_the_same_price_is_no_event():
    curated = _p(T0, origin="curated", event="observed", input="0.95", output="4", provider="fireworks")
    looked = _p(T0, provider="together", input="1", output="5")  # the source looked before
    tagged = _p(T2, provider="fireworks", variant="fireworks", input="0.95", output="4", cache_read="0.16")
    assert _kinds([curated, looked, tagged]) == []
    # At another price it is another endpoint of a host that sold the model before: no news
    # either (a new offer is a model or host appearing in the market); the page shows its price.
    other = _p(T2, provider="fireworks", variant="fireworks/fp8", input="0.6", output="2.5")
    assert _kinds([curated, looked, other]) == []
    # A host that never sold it before is.
    first_time = _p(T2, provider="groq", input="0.6", output="2.5")
    assert _kinds([curated, looked, first_time]) == [("new", "2026-08-01", "groq", "", ("input", "output"))]
    # An endpoint that comes back after a gap at its old price is no event either.
    back = [
        _p(T0, T1, input="1", output="4"),
        _p(T2, input="1", output="4"),
        _p(T0, provider="together", input="2", output="5"),
    ]
    assert [k for k in _kinds(back) if k[0] != "ended"] == []


def test_curated_launches_are_new_offers_and_other_curated_first_rows_are_not():
    launch = _p(T0, origin="curated", event="launch", input="2", output="10")
    observed = _p(T0, origin="curated", event="observed", provider="together", input="2", output="10")
    assert _kinds([launch, observed]) == [("new", "2026-06-01", "deepinfra", "", ("input", "output"))]


def test_an_offer_ends_unless_another_variant_sells_it_on_at_the_same_price():
    ended = [_p(T0, T2, input="1", output="4")]
    assert _kinds(ended) == [("ended", "2026-08-01", "deepinfra", "", ("input", "output"))]
    carried = [*ended, _p(T1, variant="deepinfra/fp4", input="1", output="4")]
    assert _kinds(carried) == []


def test_periods_without_a_token_price_are_no_events():
    auto = PricePoint(
        KIMI, "openrouter", "standard", 0, "", "USD", T2, None, origin="replay", source="s", variable=True
    )
    assert price_events([_p(T0, input="1", output="2"), auto]) == []


# ----------------------------------------------------------------------------- the view agrees


def _view_events(path: Path) -> set[tuple]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT kind, changed_at, model, provider, tier, min_prompt_tokens, variant, changed_fields FROM price_changes"
        ).fetchall()
    return {tuple(row) for row in rows}


def _python_events(path: Path) -> set[tuple]:
    reader = open_reader(path)
    try:
        points = load_price_points(reader)
    finally:
        reader.close()
    return {
        (
            e.kind,
            e.at,
            e.point.model,
            e.point.provider,
            e.point.tier,
            e.point.min_prompt_tokens,
            e.point.variant,
            ",".join(e.fields),
        )
        for e in price_events(points)
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from pricewatch.refresh_command import run_demo

    path = tmp_path_factory.mktemp("demo") / "pricewatch.db"
    run_demo(path)
    return path


def test_the_view_and_the_site_find_the_same_events_in_the_demo(demo):
    events = _view_events(demo)
    assert events == _python_events(demo)
    assert {e[0] for e in events} <= {"change", "new", "ended"}


def test_the_view_and_the_site_find_the_same_events_in_measured_history(db_path):
    rows = [
        ("fireworks", T0, {"input": "1", "output": "4"}),
        ("together", T0, {"input": "2", "output": "5"}),
        ("fireworks", T1, {"input": "0.9", "output": "4"}),
        ("baseten", T2, {"input": "0.9", "output": "3.8"}),
        ("together", T3, {"input": "2", "output": "5", "cache_read": "0.2"}),
    ]
    for provider, at, prices in rows:
        observe(db_path, [{"model": KIMI, "provider": provider, "at": at, **prices}])
    db = open_database(db_path)
    with db.atomic():
        close_offers(db, {(KIMI, "baseten", "standard", 0, "")}, T3)
    db.conn.close()
    events = _view_events(db_path)
    assert events == _python_events(db_path)
    assert {(e[0], e[1][:10], e[3]) for e in events} == {
        ("change", "2026-07-01", "fireworks"),
        ("new", "2026-08-01", "baseten"),
        ("ended", "2026-09-01", "baseten"),
        ("change", "2026-09-01", "together"),
    }


# ----------------------------------------------------------------------------- what the issue asks to see


def test_the_demos_changes_feed_has_no_listing_of_an_offer_that_existed_and_no_unknown_field_removed(
    demo, tmp_path
):
    import xml.etree.ElementTree as ET

    reader = open_reader(demo)
    try:
        points = load_price_points(reader)
    finally:
        reader.close()
    events = price_events(points)
    for event in events:
        p = event.point
        if event.kind == "new":
            earlier = [
                q
                for q in points
                if (q.model, q.provider, q.tier, q.min_prompt_tokens)
                == (p.model, p.provider, p.tier, p.min_prompt_tokens)
                and q.valid_from < p.valid_from
            ]
            assert not earlier, (p, earlier)
        if event.kind == "change" and p.origin == "curated":
            assert all(p.value(name) is not None for name in event.fields), event
    # The site's feed of changes, made as the build makes it (without drawing every chart).
    from datetime import UTC, datetime

    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog
    from pricewatch.site.build import SITE_FEED_ENTRIES
    from pricewatch.site.feeds import atom_feed
    from pricewatch.site.model import change_dict, change_log, load_site_data

    reader = open_reader(demo)
    try:
        data = load_site_data(reader, load_catalog(default_catalog_path()), datetime(2026, 12, 1, tzinfo=UTC))
    finally:
        reader.close()
    changes = [change_dict(c, data) for c in change_log(data.points)[:SITE_FEED_ENTRIES]]
    document = atom_feed(
        feed_id="changes",
        title="t",
        subtitle="s",
        self_href="feeds/changes.atom",
        page_href="changes.html",
        changes=changes,
        model_href=lambda c: f"models/{c['slug']}.html",
    )
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(document)
    entries = [(e.findtext(f"{atom}updated"), e.findtext(f"{atom}title")) for e in feed.iter(f"{atom}entry")]
    assert entries and not any("listed" in t or "-> —" in t or "-> -" in t for _, t in entries)
    # Kimi K2.6 at Moonshot, Fireworks and DeepInfra on 2026-08-22, at prices unchanged since
    # curated rows of April: no entry (its cited launch is one).
    kimi = [t for at, t in entries if at.startswith("2026-08-22") and t.startswith("Kimi K2.6 at")]
    # (OpenRouter's own list price did move that day, in the real history: those are changes.)
    assert kimi == [t for t in kimi if t.startswith("Kimi K2.6 at OpenRouter: input $")]


def test_one_price_database_giving_way_to_another_is_no_change():
    """LiteLLM says $1/$5, then genai-prices $0.80/$4 for the same offer: two databases, not the market."""
    litellm = _p(T0, T1, origin="third-party", source="backfill:litellm", input="1", output="5")
    genai = _p(T1, T2, origin="third-party", source="backfill:genai-prices", input="0.8", output="4")
    assert [k for k in _kinds([litellm, genai]) if k[0] == "change"] == []
    # One database's own move is a change.
    again = _p(T2, origin="third-party", source="backfill:genai-prices", input="0.7", output="4")
    assert [k[0] for k in _kinds([litellm, genai, again]) if k[0] == "change"] == ["change"]
