"""The views over the price tables, defined once: ``price_history``, ``current_prices``,
``current_prices_usd`` and ``price_changes``.

``prices`` stores every price as exact canonical decimal TEXT, and that stays the truth.
A TEXT column compares as text, though (``'8' > '75'``, and ``input > 10`` compares with
``'10'``), so every view gives each price twice:

- ``input`` (and every other price field): REAL, to sort, compare and do arithmetic with
  in SQL and in Datasette without a CAST. A double holds every price we store to its
  15 significant digits, but sums and products of REALs are floating point.
- ``input_text``: the exact decimal text as stored, for anything that must be exact
  (downloads, money arithmetic in Python with ``Decimal``, equality with a published
  figure).

``price_history`` is the base: one row per price period with its offer, origin, source and
citation. ``current_prices`` is its open periods. ``price_changes`` lists what happened to
an offer (see ``price_events`` in ``scraper/store/events.py`` for its rules).

Views are derived: a migration that changes one calls ``create_price_views`` again, which
replaces them all, in dependency order.
"""

from __future__ import annotations

from sqlite_utils import Database

from pricewatch.fields import PRICE_FIELDS

__all__ = ["create_price_views", "numeric_and_text"]

VIEWS = ("price_history", "current_prices", "current_prices_usd", "price_changes")


def numeric_and_text(expressions: dict[str, str], prefix: str = "") -> tuple[str, str]:
    """Select-list parts for the price fields: ``CAST(x AS REAL) AS input`` ... and ``x AS input_text`` ...

    ``expressions`` maps each field to the SQL expression of its exact text.
    """
    numeric = ", ".join(f"CAST({expressions[f]} AS REAL) AS {prefix}{f}" for f in PRICE_FIELDS)
    text = ", ".join(f"{expressions[f]} AS {prefix}{f}_text" for f in PRICE_FIELDS)
    return numeric, text


def _price_history_sql() -> str:
    numeric, text = numeric_and_text({f: f"p.{f}" for f in PRICE_FIELDS})
    # last_confirmed / confirmed_by: for now the period's latest observation and the source
    # of the run that opened it; the "last confirmation" rule (issue 13, part 1) fills them.
    return f"""
        SELECT o.model_id AS model, o.provider_id AS provider, o.tier, o.min_prompt_tokens,
               o.variant, o.quantization, p.valid_from, p.valid_to,
               p.last_seen AS last_confirmed, r.source AS confirmed_by, p.origin, r.source,
               p.currency, {numeric}, p.variable, p.closed_reason, {text},
               cs.confidence, cs.source_url, p.last_seen, o.id AS offer_id, p.id AS price_id
        FROM prices p
        JOIN offers o ON o.id = p.offer_id
        LEFT JOIN runs r ON r.id = p.run_id
        LEFT JOIN curated_sources cs
               ON p.origin = 'curated' AND cs.offer_id = p.offer_id AND cs.valid_from = p.valid_from
    """


def _current_prices_sql() -> str:
    numbers = ", ".join(PRICE_FIELDS)
    texts = ", ".join(f"{f}_text" for f in PRICE_FIELDS)
    return f"""
        SELECT model, provider, tier, min_prompt_tokens, variant, quantization, {numbers},
               variable, currency, origin, valid_from, last_seen, offer_id, {texts}
        FROM price_history
        WHERE valid_to IS NULL
    """


def _current_prices_usd_sql() -> str:
    # Decimal text in, decimal text out: SQLite multiplies REALs, so a converted price is
    # rounded to 6 decimals and printed without an exponent (USD prices pass unchanged).
    converted = {
        f: (
            f"(CASE WHEN c.currency = 'USD' THEN c.{f}_text "
            f"WHEN c.{f}_text IS NULL OR r.usd_per_unit IS NULL THEN NULL "
            f"ELSE rtrim(rtrim(printf('%.6f', CAST(c.{f}_text AS REAL) * CAST(r.usd_per_unit AS REAL)), '0'), '.') "
            "END)"
        )
        for f in PRICE_FIELDS
    }
    numeric, text = numeric_and_text(converted)
    return f"""
        WITH latest AS (
            SELECT f.currency, f.usd_per_unit, f.date FROM fx_rates f
            WHERE f.date = (SELECT max(g.date) FROM fx_rates g WHERE g.currency = f.currency)
        )
        SELECT c.model, c.provider, c.tier, c.min_prompt_tokens, c.variant, c.quantization,
               {numeric},
               c.variable, c.currency AS published_currency,
               CASE WHEN c.currency != 'USD' AND r.usd_per_unit IS NOT NULL THEN 1 ELSE 0 END AS converted,
               r.usd_per_unit AS fx_rate, r.date AS fx_date,
               c.origin, c.valid_from, c.last_seen, c.offer_id, {text}
        FROM current_prices c
        LEFT JOIN latest r ON r.currency = c.currency AND c.currency != 'USD'
    """


def _price_changes_sql() -> str:
    old_new = ", ".join(f"prev.{f} AS old_{f}, p.{f} AS new_{f}" for f in PRICE_FIELDS)
    old_new_text = ", ".join(
        f"prev.{f}_text AS old_{f}_text, p.{f}_text AS new_{f}_text" for f in PRICE_FIELDS
    )
    return f"""
        SELECT p.model, p.provider, p.tier, p.min_prompt_tokens, p.variant,
               p.valid_from AS changed_at, {old_new}, prev.currency AS old_currency,
               p.currency AS new_currency, p.origin, p.offer_id, p.price_id, {old_new_text}
        FROM price_history p
        JOIN price_history prev ON prev.offer_id = p.offer_id AND prev.valid_to = p.valid_from
    """


def create_price_views(db: Database) -> None:
    """(Re)create every price view from the definitions above."""
    for name in reversed(VIEWS):  # dependants first
        db.execute(f"DROP VIEW IF EXISTS {name}")
    db.create_view("price_history", _price_history_sql())
    db.create_view("current_prices", _current_prices_sql())
    db.create_view("current_prices_usd", _current_prices_usd_sql())
    db.create_view("price_changes", _price_changes_sql())
