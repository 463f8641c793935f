"""`pricewatch reparse`: a fixed parser corrects history; re-running changes nothing."""

from __future__ import annotations

import json
import shutil
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT

from pricewatch.cli import cli
from pricewatch.errors import SourceLayoutError
from pricewatch.refresh_command import run_refresh
from pricewatch.scraper import sources
from pricewatch.scraper.lock import writer_lock
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import make_record
from pricewatch.scraper.reparse import reparse_source
from pricewatch.scraper.store import open_database

SNAPSHOT = REPO_ROOT / "data" / "snapshot"
PAGE_URL = "https://fakefirst.example/pricing"


def _dump(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of the price tables and offers, ids included: 'nothing changed' means this."""
    db = open_database(db_path)
    return {
        table: [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()]
        for table in ("prices", "unit_prices", "offers")
    }


# ---------------------------------------------------------------- a source whose parser gets fixed


def _parse_buggy(url: str, body: bytes) -> Parsed:
    # The bug: it reads the page's cache price as the input price, and cannot read "v2" pages.
    fields = dict(line.split("=", 1) for line in body.decode().split())
    if fields.get("layout") == "v2":
        raise SourceLayoutError("no pricing table found", url=url)
    return Parsed(
        [
            make_record(
                model="Claude Opus 4.6", provider="Anthropic", input=fields["cache"], output=fields["output"]
            )
        ]
    )


def _parse_fixed(url: str, body: bytes) -> Parsed:
    fields = dict(line.split("=", 1) for line in body.decode().split())
    return Parsed(
        [
            make_record(
                model="Claude Opus 4.6", provider="Anthropic", input=fields["input"], output=fields["output"]
            )
        ]
    )


@pytest.fixture
def fake_source(monkeypatch):
    module = types.ModuleType("fakefirst")
    module.NAME, module.KIND, module.LISTS_EVERYTHING = "fakefirst", "first-party", False
    module.DEFAULT_BASE_URL = "https://fakefirst.example"
    module.start_urls = lambda base: [f"{base}/pricing"]
    module.parse = _parse_buggy
    monkeypatch.setattr(sources, "SOURCE_NAMES", (*sources.SOURCE_NAMES, "fakefirst"))
    monkeypatch.setitem(sources._loaded, "fakefirst", module)
    return module


def _replay_dir(root: Path, name: str, body: str, recorded_at: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "page.txt").write_text(body)
    entry = {"url": PAGE_URL, "method": "GET", "status": 200, "headers": {}, "body": "page.txt"}
    (folder / "manifest.json").write_text(json.dumps({"recorded_at": recorded_at, "responses": [entry]}))
    return folder


PAGES = [
    ("p1", "input=5 cache=0.5 output=25", "2026-01-01T00:00:00Z"),
    ("p2", "input=5 cache=0.5 output=25", "2026-02-01T00:00:00Z"),
    ("p3", "layout=v2 input=4 cache=0.4 output=20", "2026-03-01T00:00:00Z"),
]


def _refresh_pages(db_path: Path, catalog, root: Path) -> None:
    for name, body, at in PAGES:
        run_refresh(
            db_path=db_path,
            catalog=catalog,
            source_names=["fakefirst"],
            replay_dir=_replay_dir(root, name, body, at),
        )


def _timeline(db_path: Path) -> list[tuple]:
    db = open_database(db_path)
    return [
        tuple(r)
        for r in db.execute(
            "SELECT p.valid_from, p.valid_to, p.last_seen, p.input, p.output, p.origin, p.closed_reason "
            "FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.model_id = 'anthropic/claude-opus-4.6' AND o.provider_id = 'anthropic' ORDER BY p.valid_from"
        ).fetchall()
    ]


def test_a_fixed_parser_corrects_history(tmp_path, catalog, fake_source):
    db_path = tmp_path / "pw.db"
    _refresh_pages(db_path, catalog, tmp_path)
    # The buggy parser stored the cache price as input, and the v2 page failed.
    assert _timeline(db_path) == [
        ("2026-01-01T00:00:00Z", None, "2026-02-01T00:00:00Z", "0.5", "25", "replay", None),
    ]
    fake_source.parse = _parse_fixed
    outcome = reparse_source(open_database(db_path), fake_source, catalog)
    assert (outcome.bodies, outcome.failed_bodies, outcome.offers_changed) == (2, 0, 1)
    # What a refresh with the fixed parser would have stored from the start.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    _refresh_pages(fresh / "pw.db", catalog, fresh)
    expected = [
        (
            "2026-01-01T00:00:00Z",
            "2026-03-01T00:00:00Z",
            "2026-02-01T00:00:00Z",
            "5",
            "25",
            "replay",
            "changed",
        ),
        ("2026-03-01T00:00:00Z", None, "2026-03-01T00:00:00Z", "4", "20", "replay", None),
    ]
    assert _timeline(fresh / "pw.db") == expected
    assert _timeline(db_path) == expected


def test_reparsing_twice_changes_nothing(tmp_path, catalog, fake_source):
    db_path = tmp_path / "pw.db"
    _refresh_pages(db_path, catalog, tmp_path)
    fake_source.parse = _parse_fixed
    reparse_source(open_database(db_path), fake_source, catalog)
    before = _dump(db_path)
    again = reparse_source(open_database(db_path), fake_source, catalog)
    assert again.offers_changed == 0
    assert _dump(db_path) == before


def test_reparse_keeps_curated_history_and_outranks_it(tmp_path, catalog, fake_source):
    db_path = tmp_path / "pw.db"
    csv_path = tmp_path / "curated.csv"
    header = (REPO_ROOT / "data" / "curated_prices.csv").read_text().splitlines()[0]
    csv_path.write_text(
        header
        + "\n2025-06-01,anthropic,anthropic/claude-opus-4.6,standard,0,15,75,,,,USD,launch,"
        + "https://example.test,test row,high\n"
    )
    from pricewatch.scraper.curated import run_load_curated

    run_load_curated(db_path, catalog, csv_path)
    _refresh_pages(db_path, catalog, tmp_path)
    fake_source.parse = _parse_fixed
    reparse_source(open_database(db_path), fake_source, catalog)
    timeline = _timeline(db_path)
    assert timeline[0][:6] == (
        "2025-06-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
        "2025-06-01T00:00:00Z",
        "15",
        "75",
        "curated",
    )
    assert [row[3] for row in timeline[1:]] == ["5", "4"]


def test_a_reading_the_guard_holds_stays_held_when_read_again(tmp_path, catalog, fake_source):
    db_path = tmp_path / "pw.db"
    csv_path = tmp_path / "curated.csv"
    header = (REPO_ROOT / "data" / "curated_prices.csv").read_text().splitlines()[0]
    csv_path.write_text(
        header
        + "\n2025-06-01,anthropic,anthropic/claude-opus-4.6,standard,0,15,75,,,,USD,launch,"
        + "https://example.test,test row,high\n"
    )
    from pricewatch.scraper.curated import run_load_curated

    run_load_curated(db_path, catalog, csv_path)
    # The buggy parser's 0.5 input is 30x under the curated 15: the guard holds it.
    _refresh_pages(db_path, catalog, tmp_path)
    before = _dump(db_path)
    outcome = reparse_source(open_database(db_path), fake_source, catalog)
    assert outcome.offers_changed == 0
    assert _dump(db_path) == before


# ---------------------------------------------------------------- the real sources, through the CLI


def test_reparse_of_the_embedded_snapshot_changes_nothing(tmp_path):
    db_path = tmp_path / "pw.db"
    result = CliRunner().invoke(cli, ["refresh", "--db", str(db_path), "--replay", str(SNAPSHOT), "-q"])
    assert result.exit_code == 0, result.output
    before = _dump(db_path)
    result = CliRunner().invoke(cli, ["reparse", "--db", str(db_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["source"]: r for r in json.loads(result.output)}
    assert rows["anthropic"]["bodies"] == 1 and rows["mistral"]["bodies"] == 5
    assert all(r["offers_changed"] == 0 and r["failed_bodies"] == 0 for r in rows.values())
    assert _dump(db_path) == before


def test_reparse_keeps_openrouter_delistings(tmp_path):
    db_path = tmp_path / "pw.db"
    later = tmp_path / "later"
    shutil.copytree(SNAPSHOT, later)
    manifest = json.loads((later / "manifest.json").read_text())
    listing = json.loads((later / "openrouter" / "models.json").read_text())
    gone = listing["data"].pop(0)["id"]
    (later / "openrouter" / "models.json").write_text(json.dumps(listing))
    manifest["recorded_at"] = "2026-08-29T00:00:00Z"
    (later / "manifest.json").write_text(json.dumps(manifest))
    for replay in (SNAPSHOT, later):
        result = CliRunner().invoke(
            cli, ["refresh", "--db", str(db_path), "--replay", str(replay), "--source", "openrouter", "-q"]
        )
        assert result.exit_code == 0, result.output
    before = _dump(db_path)
    delisted = [r for r in before["prices"] if "delisted" in r]
    assert delisted, f"{gone} was not delisted"
    result = CliRunner().invoke(
        cli, ["reparse", "--db", str(db_path), "--source", "openrouter", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["offers_changed"] == 0
    assert _dump(db_path) == before


def test_reparse_waits_for_the_writer_lock(tmp_path):
    db_path = tmp_path / "pw.db"
    open_database(db_path).conn.close()  # reparse needs a database (it never creates one)
    with writer_lock(db_path):
        result = CliRunner().invoke(cli, ["reparse", "--db", str(db_path), "--no-wait"])
    assert result.exit_code == 5
    assert result.output.startswith("Error: another pricewatch command is writing")
