"""Shared fixtures: no backoff sleeps, an isolated database, the catalog, sample paths."""

from __future__ import annotations

from pathlib import Path

import pytest
import stamina

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT.parent / "shared" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _no_retry_sleeps():
    """Retries run without waiting; attempts still follow FetchSettings.attempts."""
    stamina.set_testing(True, attempts=10, cap=True)
    yield
    stamina.set_testing(False)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test reads the developer's PRICEWATCH_* settings or writes into data/."""
    import os

    for name in list(os.environ):
        if name.startswith("PRICEWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PRICEWATCH_DB", str(tmp_path / "env-default.db"))
    monkeypatch.setenv("PRICEWATCH_SITE_DIR", str(tmp_path / "env-default-site"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def db_path(tmp_path) -> Path:
    """A database path under tmp_path (created by the first write)."""
    return tmp_path / "pricewatch.db"


@pytest.fixture
def catalog():
    """The shipped catalog."""
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    return load_catalog(default_catalog_path())
