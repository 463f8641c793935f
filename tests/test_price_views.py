"""The price views: numbers that sort beside the exact text, and `price_history` (issue 13, "SQL that sorts")."""

from __future__ import annotations

from decimal import Decimal

from site_data import observe

from pricewatch.scraper.store import Observation, apply_observations, open_database
from pricewatch.scraper.store.reader import open_reader
from pricewatch.scraper.store.schema import Database, migrations

MODEL = "moonshotai/kimi-k2.6"


def _prices(path, rows):
    observe(path, [{"model": MODEL, "provider": provider, "at": at, **p} for provider, at, p in rows])


def test_views_sort_and_compare_prices_as_numbers_and_keep_the_exact_text(db_path):
    _prices(
        db_path,
        [
            ("fireworks", "2026-08-01T00:00:00Z", {"input": "8", "output": "9"}),
            ("together", "2026-08-01T00:00:00Z", {"input": "75", "output": "0.0000001"}),
            ("deepinfra", "2026-08-01T00:00:00Z", {"input": "10.5", "output": "0.95"}),
        ],
    )
    db = open_database(db_path)
    ordered = list(db.query("SELECT provider, input, input_text FROM current_prices ORDER BY input DESC"))
    assert [(r["provider"], r["input"], r["input_text"]) for r in ordered] == [
        ("together", 75.0, "75"),
        ("deepinfra", 10.5, "10.5"),
        ("fireworks", 8.0, "8"),
    ]
    over = {r["provider"] for r in db.query("SELECT provider FROM current_prices WHERE input > 10")}
    assert over == {"together", "deepinfra"}  # as text, '8' > '10'
    # The tiny price stays exact where it is read as text: the reader and the downloads.
    reader = open_reader(db_path)
    try:
        rows = {r["provider"]: r for r in reader.current_price_rows()}
        assert rows["together"]["output"] == "0.0000001" and "output_text" not in rows["together"]
        assert {p.provider: p.prices["output"] for p in reader.current_prices()}["together"] == Decimal(
            "0.0000001"
        )
    finally:
        reader.close()


def test_price_history_gives_one_offers_whole_history_in_one_select(db_path):
    _prices(db_path, [("deepinfra", "2026-06-01T00:00:00Z", {"input": "0.75", "output": "3.5"})])
    _prices(db_path, [("deepinfra", "2026-07-01T00:00:00Z", {"input": "0.6", "output": "3.5"})])
    _prices(db_path, [("deepinfra", "2026-08-01T00:00:00Z", {"input": "0.6", "output": "3"})])
    db = open_database(db_path)
    rows = list(
        db.query(
            "SELECT valid_from, valid_to, last_confirmed, confirmed_by, origin, source, input, input_text, "
            "output_text FROM price_history WHERE model = ? AND provider = 'deepinfra' AND tier = 'standard' "
            "ORDER BY valid_from",
            [MODEL],
        )
    )
    assert [
        (r["valid_from"][:10], (r["valid_to"] or "")[:10], r["input_text"], r["output_text"]) for r in rows
    ] == [
        ("2026-06-01", "2026-07-01", "0.75", "3.5"),
        ("2026-07-01", "2026-08-01", "0.6", "3.5"),
        ("2026-08-01", "", "0.6", "3"),
    ]
    assert all(r["origin"] == "live" and r["source"] == "test" and r["confirmed_by"] == "test" for r in rows)
    assert rows[0]["input"] == 0.75 and rows[-1]["last_confirmed"] == "2026-08-01T00:00:00Z"


def test_a_database_made_before_the_numeric_views_is_read_and_carried_forward(db_path):
    old = Database(db_path)
    migrations.apply(old, stop_before="m_changes_price_views")
    with old.atomic():
        apply_observations(
            old,
            [
                Observation(
                    model_id=MODEL,
                    provider_id="deepinfra",
                    tier="standard",
                    min_prompt_tokens=0,
                    variant="",
                    observed_at="2026-08-01T00:00:00Z",
                    prices=(Decimal("0.75"), Decimal("3.5"), None, None, None, None),
                )
            ],
            origin="live",
            run_id=None,
            source=None,
        )
    old.conn.close()
    reader = open_reader(db_path)  # read-only: the old views, prices as text
    try:
        assert [r["input"] for r in reader.current_price_rows()] == ["0.75"]
        assert [p.prices["input"] for p in reader.current_prices()] == [Decimal("0.75")]
    finally:
        reader.close()
    db = open_database(db_path)  # a writer migrates it
    assert "price_history" in db.view_names()
    [row] = db.query("SELECT input, input_text FROM current_prices")
    assert (row["input"], row["input_text"]) == (0.75, "0.75")


def test_a_database_made_before_the_lifecycle_views_is_carried_forward(db_path):
    from pricewatch.scraper.catalog import parse_catalog
    from pricewatch.scraper.store import sync_catalog

    old = Database(db_path)
    migrations.apply(old, stop_before="m_current_lifecycle_views")
    assert "open_prices" not in old.view_names()
    old.conn.close()
    db = open_database(db_path)
    assert {"open_prices", "current_prices", "current_prices_usd"} <= set(db.view_names())
    assert db["model_lifecycle"].count == 0  # filled by the next catalog load
    retired = {"on": "2025-07-21", "source": "https://example.com/deprecations", "evidence": "listed"}
    catalog = parse_catalog(
        {
            "providers": {"acme": {"name": "Acme", "kind": "first-party", "maker_of": ["acme"]}},
            "models": {"acme/old": {"name": "Old", "creator": "acme", "retired": retired}},
        }
    )
    sync_catalog(db, catalog, curated_window_days=30)
    assert [tuple(r.values()) for r in db.query("SELECT model_id, event, on_date FROM model_lifecycle")] == [
        ("acme/old", "retired", "2025-07-21")
    ]
    assert list(db.query("SELECT * FROM model_makers")) == [{"model_id": "acme/old", "provider_id": "acme"}]
    assert list(db.query("SELECT * FROM settings")) == [{"name": "curated_window_days", "value": "30"}]
    sync_catalog(db, catalog)  # without a window the stored one stays
    assert db.execute("SELECT value FROM settings").fetchone() == ("30",)
