"""Corrections (issue 13): a cited correction overrides a wrong stored price, and the history says so."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT
from site_data import observe

from pricewatch.cli import cli
from pricewatch.errors import CuratedDataError
from pricewatch.scraper.corrections import COLUMNS, read_corrections
from pricewatch.scraper.curated import COLUMNS as CURATED_COLUMNS

MODEL = "google/gemini-2.0-flash"
WRONG = ("2026-02-06T04:59:39Z", {"input": "150", "output": "600"})
RIGHT_AFTER = ("2026-02-07T05:07:13Z", {"input": "0.1", "output": "0.4"})
BEFORE = ("2026-02-05T00:00:00Z", {"input": "0.1", "output": "0.4"})
FIX = {
    "model": MODEL,
    "provider": "google",
    "tier": "standard",
    "min_prompt_tokens": "0",
    "variant": "",
    "valid_from": WRONG[0],
    "valid_until": RIGHT_AFTER[0],
    "reason": "a per-1K price typed per token in the backfilled price map; fixed a day later",
    "source_url": "https://ai.google.dev/gemini-api/docs/pricing",
}


def _write(path: Path, rows: list[dict], columns=COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _fixes(tmp_path: Path, rows=None) -> Path:
    rows = (
        rows
        if rows is not None
        else [
            {**FIX, "field": "input", "stored": "150", "corrected": "0.1"},
            {**FIX, "field": "output", "stored": "600", "corrected": "0.40"},
        ]
    )
    return _write(tmp_path / "corrections.csv", rows)


def _history(db_path: Path, source: str = "backfill:litellm") -> None:
    for at, prices in (BEFORE, WRONG, RIGHT_AFTER):
        observe(
            db_path,
            [{"model": MODEL, "provider": "google", "at": at, **prices}],
            origin="backfill",
            source=source,
        )


def _load(db_path: Path, fixes: Path):
    empty = _write(db_path.parent / "no-curated.csv", [], CURATED_COLUMNS)
    return CliRunner().invoke(
        cli, ["load-curated", "--db", str(db_path), "--file", str(empty), "--corrections", str(fixes)]
    )


def _periods(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT valid_from, input_text, output_text, correction FROM price_history "
            "WHERE model = ? AND provider = 'google' ORDER BY valid_from",
            [MODEL],
        ).fetchall()


def test_a_correction_overrides_the_wrong_price_and_the_history_shows_it(db_path, tmp_path):
    _history(db_path)
    result = _load(db_path, _fixes(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Loaded 2 corrections" in result.output and "2 stored prices corrected" in result.output
    periods = _periods(db_path)
    assert [p[:3] for p in periods] == [
        ("2026-02-05T00:00:00Z", "0.1", "0.4"),
        ("2026-02-06T04:59:39Z", "0.1", "0.4"),
        ("2026-02-07T05:07:13Z", "0.1", "0.4"),
    ]
    note = periods[1][3]
    assert "input stored 150, corrected to 0.1" in note and "output stored 600, corrected to 0.4" in note
    assert "per-1K price" in note and "https://ai.google.dev" in note
    assert periods[0][3] is None and periods[2][3] is None
    # `pricewatch history` shows it too; the change log has no 1500x jump and back.
    shown = CliRunner().invoke(cli, ["history", MODEL, "--db", str(db_path), "--format", "json"])
    rows = json.loads(shown.output)
    assert [r["correction"] is not None for r in rows] == [False, True, False]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM price_changes WHERE model = ?", [MODEL]).fetchone()[0] == 0


def test_loading_again_changes_nothing_and_a_removed_correction_is_undone(db_path, tmp_path):
    _history(db_path)
    fixes = _fixes(tmp_path)
    assert _load(db_path, fixes).exit_code == 0
    again = _load(db_path, fixes)
    assert "0 stored prices corrected" in again.output
    only_input = _fixes(tmp_path, [{**FIX, "field": "input", "stored": "150", "corrected": "0.1"}])
    assert "1 stored prices corrected" in _load(db_path, only_input).output
    assert _periods(db_path)[1][1:3] == ("0.1", "600")


def test_the_same_wrong_observation_written_again_is_corrected_again(db_path, tmp_path):
    _history(db_path)
    assert _load(db_path, _fixes(tmp_path)).exit_code == 0
    # A reparse or a re-run writes the wrong period again: the run's end corrects it.
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM prices WHERE valid_from = ?", [WRONG[0]])
        conn.execute("UPDATE prices SET valid_to = NULL WHERE valid_from = ?", [BEFORE[0]])
    observe(db_path, [{"model": MODEL, "provider": "google", "at": WRONG[0], **WRONG[1]}], origin="backfill")
    assert [p[:3] for p in _periods(db_path)][1] == ("2026-02-06T04:59:39Z", "0.1", "0.4")


def test_a_correction_only_touches_a_period_that_holds_the_wrong_value(db_path, tmp_path):
    _history(db_path)
    stale = [{**FIX, "field": "input", "stored": "15", "corrected": "0.1"}]
    result = _load(db_path, _fixes(tmp_path, stale))
    assert "0 stored prices corrected" in result.output
    assert _periods(db_path)[1][1] == "150"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"field": "price"}, "not a price field"),
        ({"stored": "1e2"}, "not an exact non-negative decimal"),
        ({"corrected": "150"}, "stored and corrected are the same"),
        ({"valid_until": "2026-02-01"}, "valid_until must be after valid_from"),
        ({"source_url": "ftp://x"}, "source_url"),
        ({"reason": "typo"}, "reason"),
    ],
)
def test_a_bad_row_is_an_error_naming_its_line(tmp_path, catalog, change, message):
    row = {**FIX, "field": "input", "stored": "150", "corrected": "0.1", **change}
    with pytest.raises(CuratedDataError) as error:
        read_corrections(_fixes(tmp_path, [row]), catalog)
    assert "line 2" in str(error.value) and message in str(error.value)


def test_the_shipped_corrections_are_valid_and_cited(catalog):
    rows = read_corrections(REPO_ROOT / "data" / "corrections.csv", catalog)
    assert rows and all(r.source_url.startswith("https://") and len(r.reason) > 40 for r in rows)
    assert all(catalog.models.get(r.model) is not None for r in rows)


def test_the_model_page_shows_the_correction(db_path, tmp_path):
    from datetime import UTC, datetime

    from pricewatch.site.build import build_site

    _history(db_path)
    assert _load(db_path, _fixes(tmp_path)).exit_code == 0
    out = tmp_path / "site"
    build_site(db_path, out, now=datetime(2026, 3, 1, tzinfo=UTC), workers=1)
    page = (out / "models" / "google--gemini-2.0-flash.html").read_text()
    assert "Correction: input was stored as $150.00; the right price is $0.10" in page
    assert "per-1K price" in page
