"""The views over the price tables, defined once: ``price_history``, ``open_prices``,
``current_prices``, ``current_prices_usd`` and ``price_changes``.

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
citation. ``open_prices`` is every period in force at the database's newest observation
with its status by the one "current" rule of ``pricewatch.analysis.lifecycle`` (current,
unconfirmed, retired: the catalog's dates and the curated window are stored beside the
prices, ``lifecycle.py``); ``current_prices`` is its current rows. ``price_changes`` lists
what happened to offers: price changes, new offers and ended offers, by the rules of
``pricewatch.analysis.changes`` (which the site uses; a test holds the two equal).

Views are derived: a migration that changes one calls ``create_price_views`` again, which
replaces them all, in dependency order.
"""

from __future__ import annotations

from sqlite_utils import Database

from pricewatch.defaults import CURATED_WINDOW_DAYS, CURATED_WINDOW_SETTING
from pricewatch.fields import PRICE_FIELDS
from pricewatch.scraper.store.reader import CORRECTION_NOTE_SQL

__all__ = [
    "MEASURED_ORIGINS",
    "REFERENCE_SQL",
    "create_price_views",
    "current_columns",
    "numeric_and_text",
    "open_prices_sql",
]

VIEWS = ("price_history", "open_prices", "current_prices", "current_prices_usd", "price_changes")

#: Origins whose source re-observes an offer (``analysis.lifecycle.MEASURED_ORIGINS``; a test holds them equal).
MEASURED_ORIGINS = ("live", "replay", "backfill")

_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"


def numeric_and_text(expressions: dict[str, str], prefix: str = "") -> tuple[str, str]:
    """Select-list parts for the price fields: ``CAST(x AS REAL) AS input`` ... and ``x AS input_text`` ...

    ``expressions`` maps each field to the SQL expression of its exact text.
    """
    numeric = ", ".join(f"CAST({expressions[f]} AS REAL) AS {prefix}{f}" for f in PRICE_FIELDS)
    text = ", ".join(f"{expressions[f]} AS {prefix}{f}_text" for f in PRICE_FIELDS)
    return numeric, text


def _price_history_sql(seen_by: bool = True) -> str:
    numeric, text = numeric_and_text({f: f"p.{f}" for f in PRICE_FIELDS})
    # last_confirmed / confirmed_by: the period's latest observation and the source that
    # made it (prices.last_seen_by); before that column existed, the run that opened it.
    confirmed_by = "coalesce(p.last_seen_by, r.source)" if seen_by else "r.source"
    return f"""
        SELECT o.model_id AS model, o.provider_id AS provider, o.tier, o.min_prompt_tokens,
               o.variant, o.quantization, p.valid_from, p.valid_to,
               p.last_seen AS last_confirmed, {confirmed_by} AS confirmed_by, p.origin, r.source,
               p.currency, {numeric}, p.variable, p.closed_reason, {text},
               cs.confidence, cs.source_url, cs.event,
               ({CORRECTION_NOTE_SQL.format(price_id="p.id")}) AS correction,
               p.last_seen, o.id AS offer_id, p.id AS price_id
        FROM prices p
        JOIN offers o ON o.id = p.offer_id
        LEFT JOIN runs r ON r.id = p.run_id
        LEFT JOIN curated_sources cs
               ON p.origin = 'curated' AND cs.offer_id = p.offer_id AND cs.valid_from = p.valid_from
    """


# The columns of ``current_prices`` (and the first of ``open_prices``), as before the rule moved into SQL.
_OFFER_COLUMNS = "model, provider, tier, min_prompt_tokens, variant, quantization"
_CURRENT_TAIL = "variable, currency, origin, valid_from, last_seen, offer_id"

#: The reference time and window of the stored views: the database's newest observation (no
#: later than now, as the site's "current as of") and its stored curated window.
REFERENCE_SQL = f"""
    SELECT min(coalesce(max(last_seen), {_NOW}), {_NOW}) AS at,
           coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE name = '{CURATED_WINDOW_SETTING}'),
                    {CURATED_WINDOW_DAYS}) AS days
    FROM prices
"""


def open_prices_sql(reference: str = REFERENCE_SQL) -> str:
    """Every price period in force at the reference time, with its status by the one rule of
    ``pricewatch.analysis.lifecycle.settle_points`` (a test holds the two equal):

    - ``retired``: the catalog's retirement date of the model (``model_lifecycle``) is at or
      before the reference time, and the offer is the maker's own (``model_makers``), or a
      third-party price (a price database's entry is no sighting of a sale), or no source saw
      it on or after that day;
    - ``unconfirmed``: a price no source re-observes (origin not measured: curated,
      third-party) whose last confirmation is older than the window, unless a recorded end
      (a change, a retirement to come) bounds it;
    - ``current`` otherwise.

    ``status_since`` is the retirement day or the last confirmation the price rests on.
    ``reference`` is a query of one row with columns ``at`` (time text) and ``days``.
    """
    numbers = ", ".join(PRICE_FIELDS)
    texts = ", ".join(f"{f}_text" for f in PRICE_FIELDS)
    measured = ", ".join(f"'{o}'" for o in MEASURED_ORIGINS)
    window_end = (
        "strftime('%Y-%m-%dT%H:%M:%SZ', substr(coalesce(j.last_seen, j.valid_from), 1, 19), "
        "'+' || j.days || ' days')"
    )
    return f"""
        WITH reference AS ({reference}),
        periods AS (
            SELECT h.*, ref.at AS as_of, ref.days,
                   (SELECT l.on_date || 'T00:00:00Z' FROM model_lifecycle l
                    WHERE l.model_id = h.model AND l.event = 'retired') AS retired_at,
                   EXISTS (SELECT 1 FROM model_makers m
                           WHERE m.model_id = h.model AND m.provider_id = h.provider) AS by_maker
            FROM price_history h, reference ref
            WHERE h.valid_from <= ref.at AND (h.valid_to IS NULL OR h.valid_to > ref.at)
        ),
        judged AS (
            SELECT p.*,
                   coalesce(p.retired_at IS NOT NULL
                            AND (p.by_maker OR p.origin = 'third-party'
                                 OR coalesce(p.last_seen, p.valid_from) < p.retired_at), 0) AS retires
            FROM periods p
        )
        SELECT {_OFFER_COLUMNS}, {numbers}, {_CURRENT_TAIL}, {texts}, confirmed_by,
               CASE WHEN j.retires AND j.retired_at <= j.as_of THEN 'retired'
                    WHEN coalesce(j.origin, '') NOT IN ({measured})
                         AND coalesce(j.closed_reason, '') NOT IN ('changed', 'retired')
                         AND NOT (j.retires AND (j.valid_to IS NULL OR j.valid_to > j.retired_at))
                         AND j.as_of >= {window_end} THEN 'unconfirmed'
                    ELSE 'current' END AS status,
               CASE WHEN j.retires AND j.retired_at <= j.as_of THEN j.retired_at
                    WHEN coalesce(j.origin, '') NOT IN ({measured})
                         AND coalesce(j.closed_reason, '') NOT IN ('changed', 'retired')
                         AND NOT (j.retires AND (j.valid_to IS NULL OR j.valid_to > j.retired_at))
                         AND j.as_of >= {window_end} THEN coalesce(j.last_seen, j.valid_from) END AS status_since,
               j.as_of
        FROM judged j
    """


def current_columns() -> str:
    """The select list of ``current_prices`` over ``open_prices``' columns."""
    numbers = ", ".join(PRICE_FIELDS)
    texts = ", ".join(f"{f}_text" for f in PRICE_FIELDS)
    return f"{_OFFER_COLUMNS}, {numbers}, {_CURRENT_TAIL}, {texts}, confirmed_by, as_of"


def _current_prices_sql() -> str:
    return f"SELECT {current_columns()} FROM open_prices WHERE status = 'current'"


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


def _priced(alias: str) -> str:
    """SQL: the period has a token price (periods without one are never events)."""
    return f"coalesce({', '.join(f'{alias}.{f}' for f in PRICE_FIELDS)}) IS NOT NULL"


def _known(alias: str, field: str) -> str:
    """SQL: the period says something about the field (a curated row that leaves it empty does not)."""
    return f"({alias}.{field} IS NOT NULL OR {alias}.origin != 'curated')"


def _same_prices(a: str, b: str) -> str:
    """SQL of ``analysis.changes.same_prices``: same currency, equal in every field both know."""
    fields = " AND ".join(
        f"(NOT ({_known(a, f)} AND {_known(b, f)}) OR {a}.{f} IS {b}.{f})" for f in PRICE_FIELDS
    )
    return f"({a}.currency = {b}.currency AND {fields})"


def _changed_fields(before: str, after: str) -> str:
    """SQL of ``analysis.changes.changed_fields``, as a comma-separated list of field names."""
    parts = " || ".join(
        f"CASE WHEN {_known(before, f)} AND {_known(after, f)} AND coalesce({before}.{f}, {after}.{f}) IS NOT NULL "
        f"AND ({before}.{f} IS NOT {after}.{f} OR {before}.currency != {after}.currency) THEN '{f},' ELSE '' END"
        for f in PRICE_FIELDS
    )
    return f"rtrim({parts}, ',')"


def _priced_fields(alias: str) -> str:
    parts = " || ".join(f"CASE WHEN {alias}.{f} IS NOT NULL THEN '{f},' ELSE '' END" for f in PRICE_FIELDS)
    return f"rtrim({parts}, ',')"


def _market_sibling(alias: str, of: str) -> str:
    """SQL: the offer ``alias`` (an ``offers`` row) sells what offer ``of`` sells, in any variant."""
    return (
        f"{alias}.model_id = {of}.model_id AND {alias}.provider_id = {of}.provider_id "
        f"AND {alias}.tier = {of}.tier AND {alias}.min_prompt_tokens = {of}.min_prompt_tokens"
    )


def _event_columns(kind: str, at: str, fields: str, old: str | None, new: str | None) -> str:
    """The select list of one kind of event; the side a "new" or "ended" event lacks is NULL."""

    def side(alias: str | None, column: str, real: bool = False) -> str:
        if alias is None:
            return "NULL"
        return f"CAST({alias}.{column} AS REAL)" if real else f"{alias}.{column}"

    this = new or old
    prices = ", ".join(
        f"{side(old, f, True)} AS old_{f}, {side(new, f, True)} AS new_{f}" for f in PRICE_FIELDS
    )
    texts = ", ".join(f"{side(old, f)} AS old_{f}_text, {side(new, f)} AS new_{f}_text" for f in PRICE_FIELDS)
    return (
        "o.model_id AS model, o.provider_id AS provider, o.tier, o.min_prompt_tokens, o.variant, "
        f"{kind} AS kind, {at} AS changed_at, {fields} AS changed_fields, {prices}, "
        f"{side(old, 'currency')} AS old_currency, {side(new, 'currency')} AS new_currency, "
        f"{this}.origin, o.id AS offer_id, {this}.id AS price_id, {texts}"
    )


def _price_changes_sql() -> str:
    """The rules of ``pricewatch.analysis.changes`` (its docstring explains them), in SQL.

    Written on the tables, not on ``price_history``: the correlated lookups then use the
    indexes on ``prices(offer_id, valid_from)``, ``prices(offer_id, valid_to)`` and the
    offer key.
    """
    change = f"""
        SELECT {_event_columns("'change'", "new.valid_from", _changed_fields("old", "new"), "old", "new")}
        FROM prices new
        JOIN offers o ON o.id = new.offer_id
        JOIN prices old ON old.offer_id = new.offer_id AND old.valid_to = new.valid_from
        WHERE {_priced("new")} AND {_priced("old")} AND {_changed_fields("old", "new")} != ''
          AND NOT (old.origin = 'third-party' AND new.origin = 'third-party'
                   AND (SELECT source FROM runs WHERE id = old.run_id)
                       IS NOT (SELECT source FROM runs WHERE id = new.run_id))
    """
    new_offer = f"""
        SELECT {_event_columns("'new'", "new.valid_from", _priced_fields("new"), None, "new")}
        FROM prices new
        JOIN offers o ON o.id = new.offer_id
        LEFT JOIN runs r ON r.id = new.run_id
        LEFT JOIN curated_sources cs ON cs.offer_id = new.offer_id AND cs.valid_from = new.valid_from
        WHERE {_priced("new")}
          AND NOT EXISTS (
              SELECT 1 FROM prices b
              WHERE b.offer_id = new.offer_id AND b.valid_to = new.valid_from AND {_priced("b")})
          AND NOT EXISTS (
              SELECT 1 FROM offers so JOIN prices e ON e.offer_id = so.id
              WHERE {_market_sibling("so", "o")} AND e.valid_from < new.valid_from
                AND {_priced("e")} AND e.currency = new.currency)
          AND CASE WHEN new.origin = 'curated' THEN coalesce(cs.event = 'launch', 0)
                   ELSE coalesce((SELECT f.first_at FROM first_observations f WHERE f.source = r.source)
                                 < new.valid_from, 0) END
    """
    ended = f"""
        SELECT {_event_columns("'ended'", "old.valid_to", _priced_fields("old"), "old", None)}
        FROM prices old
        JOIN offers o ON o.id = old.offer_id
        WHERE old.valid_to IS NOT NULL AND {_priced("old")}
          AND NOT EXISTS (
              SELECT 1 FROM prices n
              WHERE n.offer_id = old.offer_id AND n.valid_from = old.valid_to AND {_priced("n")})
          AND NOT EXISTS (
              SELECT 1 FROM offers so JOIN prices s ON s.offer_id = so.id
              WHERE {_market_sibling("so", "o")} AND so.id != o.id
                AND s.valid_from <= old.valid_to AND (s.valid_to IS NULL OR s.valid_to > old.valid_to)
                AND {_priced("s")} AND {_same_prices("s", "old")})
    """
    # Where each source's coverage begins (computed once, not per row).
    first = f"""
        first_observations AS MATERIALIZED (
            SELECT r.source, min(p.valid_from) AS first_at
            FROM prices p JOIN runs r ON r.id = p.run_id
            WHERE p.origin IN ('live', 'replay', 'backfill') AND {_priced("p")}
            GROUP BY r.source
        )
    """
    return f"WITH {first} {change} UNION ALL {new_offer} UNION ALL {ended}"


def create_price_views(db: Database) -> None:
    """(Re)create every price view from the definitions above."""
    for name in reversed(VIEWS):  # dependants first
        db.execute(f"DROP VIEW IF EXISTS {name}")
    # A database migrated step by step meets this before prices.last_seen_by exists.
    seen_by = "last_seen_by" in db["prices"].columns_dict
    db.create_view("price_history", _price_history_sql(seen_by))
    # A database migrated step by step meets this before the lifecycle tables exist: the
    # current views come with the migration that creates them (m_current_lifecycle_views).
    if "model_lifecycle" in db.table_names():
        db.create_view("open_prices", open_prices_sql())
        db.create_view("current_prices", _current_prices_sql())
        db.create_view("current_prices_usd", _current_prices_usd_sql())
    db.create_view("price_changes", _price_changes_sql())
