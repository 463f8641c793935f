"""Loading data/curated_prices.csv: validated rows, real dates, idempotent, confidence kept visible."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT

from pricewatch.cli import cli
from pricewatch.errors import CuratedDataError
from pricewatch.queries import price_history
from pricewatch.scraper.curated import COLUMNS, load_curated, read_curated
from pricewatch.scraper.store import Observation, apply_observations, open_database, sync_catalog
from pricewatch.scraper.store.reader import SqliteStoreReader

CSV = REPO_ROOT / "data" / "curated_prices.csv"
GPT_4O = "openai/gpt-4o"


def _row(**fields: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        {
            "date": "2024-05-13",
            "provider": "openai",
            "model": GPT_4O,
            "tier": "standard",
            "min_prompt_tokens": "0",
            "input_usd_per_mtok": "5",
            "output_usd_per_mtok": "15",
            "currency": "USD",
            "event": "launch",
            "source_url": "https://openai.com/index/hello-gpt-4o/",
            "evidence": "written for a test",
            "confidence": "high",
        }
    )
    row.update(fields)
    return row


def _write(path, rows: list[dict[str, str]]):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path, catalog):
    database = open_database(tmp_path / "curated.db")
    sync_catalog(database, catalog)
    return database


def test_loading_twice_adds_no_price_rows(db, catalog):
    first = load_curated(db, catalog, CSV)
    rows = db.execute("SELECT count(*) FROM prices").fetchone()[0]
    assert first.stats.price_rows_added == rows > 250
    second = load_curated(db, catalog, CSV)
    assert second.stats.price_rows_added == 0 and second.stats.prices_changed == 0
    assert db.execute("SELECT count(*) FROM prices").fetchone()[0] == rows
    assert db.execute("SELECT count(*) FROM curated_sources").fetchone()[0] == first.rows
    runs = list(db.query("SELECT source, origin, status, records_seen FROM runs"))
    assert (
        runs == [{"source": "curated", "origin": "curated", "status": "ok", "records_seen": first.rows}] * 2
    )


def test_rows_are_stored_at_their_date_with_confidence_and_citation(db, catalog):
    load_curated(db, catalog, CSV)
    history = price_history(SqliteStoreReader(db.conn), catalog, GPT_4O, provider="openai", tier="standard")
    assert [(r["valid_from"], r["valid_to"], r["input"], r["output"], r["origin"]) for r in history][:2] == [
        ("2024-05-13T00:00:00Z", "2024-08-06T00:00:00Z", "5", "15", "curated"),
        ("2024-08-06T00:00:00Z", "2024-10-01T00:00:00Z", "2.5", "10", "curated"),
    ]
    assert history[0]["confidence"] == "high"
    assert history[0]["source_url"] == "https://openai.com/index/hello-gpt-4o/"
    assert history[1]["source_url"] == "https://openai.com/index/introducing-structured-outputs-in-the-api/"


def test_a_low_confidence_row_is_shown_as_unverified(tmp_path, db, catalog):
    path = _write(tmp_path / "low.csv", [_row(confidence="low", evidence="memory only")])
    load_curated(db, catalog, path)
    [row] = price_history(SqliteStoreReader(db.conn), catalog, GPT_4O)
    assert row["confidence"] == "low (unverified)"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"input_usd_per_mtok": "-1"},
            "line 2: input_usd_per_mtok: Value error, not an exact non-negative decimal: '-1'",
        ),
        ({"input_usd_per_mtok": "3.75e-2"}, "line 2: input_usd_per_mtok: Value error, not an exact"),
        ({"input_usd_per_mtok": "", "output_usd_per_mtok": ""}, "line 2: record: Value error, a row needs"),
        ({"date": "1715558400"}, "line 2: date: Value error, not an ISO date"),
        ({"tier": "cheap"}, "line 2: tier: Input should be"),
        ({"confidence": "sure"}, "line 2: confidence: Input should be"),
        ({"model": "acme/nope"}, "model ids not in the catalog: acme/nope"),
        ({"provider": "acme"}, "provider ids not in the catalog: acme"),
    ],
    ids=["negative", "exponent", "no-price", "unix-date", "tier", "confidence", "model", "provider"],
)
def test_a_bad_row_is_an_error_naming_its_line(tmp_path, catalog, fields, message):
    path = _write(tmp_path / "bad.csv", [_row(**fields)])
    with pytest.raises(CuratedDataError) as caught:
        read_curated(path, catalog)
    assert message in str(caught.value)


def test_a_repeated_price_key_names_both_lines(tmp_path, catalog):
    path = _write(tmp_path / "twice.csv", [_row(), _row(input_usd_per_mtok="4")])
    with pytest.raises(CuratedDataError, match="line 3: the same price key as line 2"):
        read_curated(path, catalog)


def test_a_bad_file_writes_nothing_and_exits_2(tmp_path):
    path = _write(tmp_path / "bad.csv", [_row(), _row(date="2024-13-01")])
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["load-curated", "--file", str(path), "--db", str(db)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: line 3: date:")
    assert not db.exists()


def test_measured_history_outranks_a_curated_row_and_the_disagreement_is_listed(tmp_path, db, catalog):
    measured = Observation(
        model_id=GPT_4O,
        provider_id="openai",
        tier="standard",
        min_prompt_tokens=0,
        variant="",
        observed_at="2024-05-13T00:00:00Z",
        prices=(Decimal("5"), Decimal("20"), None, None, None, None),
    )
    with db.atomic():
        apply_observations(db, [measured], origin="backfill", run_id=None, source="openai")
    path = _write(tmp_path / "one.csv", [_row()])
    load = load_curated(db, catalog, path)
    [row] = price_history(SqliteStoreReader(db.conn), catalog, GPT_4O)
    assert (row["output"], row["origin"], row["confidence"]) == ("20", "backfill", None)
    [disagreement] = load.disagreements
    assert disagreement["observed_origin"] == "curated"
    assert json.loads(disagreement["observed"])["output"] == "15"


def test_large_moves_between_consecutive_rows_are_reported(tmp_path, db, catalog):
    rows = [_row(), _row(date="2024-06-01", input_usd_per_mtok="0.4", event="price-change")]
    load = load_curated(db, catalog, _write(tmp_path / "cut.csv", rows))
    [move] = load.moves
    assert (move.offer, move.field, move.old_at, move.new_at) == (
        f"{GPT_4O} @ openai standard",
        "input",
        "2024-05-13",
        "2024-06-01",
    )
    assert [r["input"] for r in price_history(SqliteStoreReader(db.conn), catalog, GPT_4O)] == ["5", "0.4"]


def test_the_demo_history_of_gpt_4o_shows_the_2024_cut_with_dates_and_sources(tmp_path):
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "\ncurated: 377 rows" in result.output or result.output.startswith("curated: ")
    history = CliRunner().invoke(
        cli,
        [
            "history",
            GPT_4O,
            "--provider",
            "openai",
            "--tier",
            "standard",
            "--db",
            str(db),
            "--format",
            "json",
        ],
    )
    rows = json.loads(history.output)
    cut = [(r["valid_from"][:10], r["input"], r["output"], r["source_url"]) for r in rows][:2]
    assert cut == [
        ("2024-05-13", "5", "15", "https://openai.com/index/hello-gpt-4o/"),
        ("2024-08-06", "2.5", "10", "https://openai.com/index/introducing-structured-outputs-in-the-api/"),
    ]
    table = CliRunner().invoke(cli, ["history", GPT_4O, "--provider", "openai", "--db", str(db)]).output
    assert "2024-08-06T00:00:00Z" in table and "confidence" in table  # the compact default keeps it
    every = ["history", GPT_4O, "--provider", "openai", "--db", str(db), "--columns", "all"]
    assert "source_url" in CliRunner().invoke(cli, every).output
