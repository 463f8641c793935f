"""Builds read one state and survive a kill mid-swap (issue 18, point 5)."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from site_data import replay_db

from pricewatch.errors import BuildError
from pricewatch.scraper.store.reader import open_reader
from pricewatch.site import build
from pricewatch.site.build import build_site

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def _replayed(tmp_path_factory) -> Path:
    return replay_db(tmp_path_factory.mktemp("state") / "pricewatch.db")


@pytest.fixture
def db(_replayed, tmp_path) -> Path:
    copy = tmp_path / "pricewatch.db"
    with closing(sqlite3.connect(_replayed)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    with closing(sqlite3.connect(copy)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
    return copy


def _models(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM models").fetchone()[0]


def _add_model(path: Path, model_id: str) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO models (id, name, catalogued) VALUES (?, ?, 0)", [model_id, model_id])


def test_a_reader_snapshot_sees_one_state_for_reads_and_the_copy(db, tmp_path):
    reader = open_reader(db)
    try:
        reader.snapshot()
        before = reader.run_user_query("SELECT count(*) AS n FROM models")[1]
        _add_model(db, "late/model")  # a refresh commits while the build reads
        assert reader.run_user_query("SELECT count(*) AS n FROM models")[1] == before
        reader.backup_to(tmp_path / "copy.db")
    finally:
        reader.close()
    assert _models(tmp_path / "copy.db") == before[0]["n"]
    assert _models(db) == before[0]["n"] + 1


def test_a_build_ships_the_database_its_pages_were_made_from(db, tmp_path, monkeypatch):
    original = build._downloads
    before = _models(db)

    def commit_then_copy(tree, reader, data, changes):
        _add_model(db, "late/model")  # committed after the pages were read, before the copy
        return original(tree, reader, data, changes)

    monkeypatch.setattr(build, "_downloads", commit_then_copy)
    out = tmp_path / "public"
    build_site(db, out, now=NOW, workers=1)
    assert _models(out / "downloads" / "pricewatch.db") == before


def _digest(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_kill_between_the_two_renames_is_recovered_even_by_a_build_that_fails(db, tmp_path, monkeypatch):
    out = tmp_path / "public"
    build_site(db, out, now=NOW, workers=1)
    before = _digest(out)
    # What a SIGKILL between the renames leaves: the old site set aside, the new tree complete, no public/.
    out.rename(tmp_path / ".public.old-killed")
    shutil.copytree(tmp_path / ".public.old-killed", tmp_path / ".public.build-killed")

    def broken(*args, **kwargs):
        raise RuntimeError("a template bug")

    monkeypatch.setattr(build, "_render_everything", broken)
    with pytest.raises(BuildError, match="is unchanged"):
        build_site(db, out, now=NOW, workers=1)
    assert _digest(out) == before  # the previous site is back, not deleted
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".public.")) == [
        ".public.build.lock"
    ]


def test_a_set_aside_copy_beside_a_site_in_place_is_removed(db, tmp_path):
    out = tmp_path / "public"
    build_site(db, out, now=NOW, workers=1)
    (tmp_path / ".public.old-stale").mkdir()
    build_site(db, out, now=NOW, workers=1)
    assert not (tmp_path / ".public.old-stale").exists()
