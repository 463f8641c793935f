"""Shared fixtures: no backoff sleeps, an isolated database, the catalog, sample paths.

And one check at the end of the run: no process the tests started is still running.
"""

from __future__ import annotations

import os
from pathlib import Path

import processes
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT.parent / "shared" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


async def _no_sleep(seconds: float) -> None:
    """Stands in for the wait between fetch attempts: the tests never wait."""


@pytest.fixture(autouse=True)
def _no_retry_sleeps(monkeypatch):
    """Retries run without waiting (the Fetcher's default sleep); attempts still follow FetchSettings.attempts."""
    from pricewatch.scraper import http

    monkeypatch.setattr(http, "DEFAULT_SLEEP", _no_sleep)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test reads the developer's PRICEWATCH_* settings or writes into data/."""
    import os

    for name in list(os.environ):
        if name.startswith("PRICEWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)  # never sent from a test
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


@pytest.fixture(scope="session")
def shipped_api(tmp_path_factory):
    """(History over the shipped history, the shipped history's database), built once per session
    in a cache folder of its own (the API's default cache is the user's)."""
    from pricewatch.api import History
    from pricewatch.pricing import load_book, shipped_database, shipped_rates

    cache = tmp_path_factory.mktemp("shipped-api-cache")
    book = load_book(None, cache_dir=cache, fx_rates=shipped_rates)
    return History.from_book(book), shipped_database(cache)


@pytest.fixture
def shipped_default(monkeypatch, shipped_api):
    """``pricewatch.price``/``cost``/``resolve`` answer from the session's shipped history."""
    import pricewatch.api

    monkeypatch.setattr(pricewatch.api, "_shipped", shipped_api[0])
    return shipped_api[0]


_ALREADY_RUNNING: list[int] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    if processes.AVAILABLE:
        _ALREADY_RUNNING.extend(processes.descendants(os.getpid()))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run, naming them, when processes the tests started still run (a server, a
    chart worker, a refresh): every test must stop what it starts, also when it fails."""
    if not processes.AVAILABLE:  # /proc is Linux's; CI runs there
        return
    left = processes.survivors(os.getpid(), ignore=_ALREADY_RUNNING)
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{pid}: {processes.command_line(pid)[:300]}" for pid in left]
    message = "processes started by the tests are still running:\n  " + "\n  ".join(lines)
    if reporter is not None:
        reporter.write_line("")  # end the progress line
        reporter.write_sep("=", "processes left behind", red=True)
        reporter.write_line(message)
    else:
        print(message)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
