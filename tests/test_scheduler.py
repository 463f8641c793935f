"""The scheduler: its config, `schedule --once`, SIGTERM handling, the lock against a manual refresh."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import types
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT
from openrouter_bodies import TRUE_PRICES
from openrouter_server import OpenRouterServer

from pricewatch.cli import cli
from pricewatch.commands.schedule import build_schedules, site_rebuild_hook
from pricewatch.errors import ConfigError, RefreshCancelledError
from pricewatch.scraper.schedule_config import (
    load_schedule,
    parse_duration,
    parse_source_option,
)
from pricewatch.scraper.scheduler import JobResult, Scheduler

SNAPSHOT = REPO_ROOT / "data" / "snapshot"
NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


# ----------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("1h30m", timedelta(minutes=90)),
        ("6h", timedelta(hours=6)),
        ("2d", timedelta(days=2)),
    ],
)
def test_durations_parse(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "1x", "hourly", "1.5h", "-1h"])
def test_bad_durations_are_config_errors(text):
    with pytest.raises(ConfigError, match="not a duration"):
        parse_duration(text)


def test_shipped_schedule_has_openrouter_hourly_and_first_party_every_six_hours():
    config, schedules = build_schedules(None, ())
    assert config.for_source("openrouter", "aggregator").every == timedelta(hours=1)
    assert config.for_source("anthropic", "first-party").every == timedelta(hours=6)
    assert "openrouter" in [s.source for s in schedules]
    assert config.jitter == timedelta(minutes=2) and config.misfire_grace == timedelta(minutes=30)


def test_source_option_overrides_the_interval_and_narrows_the_sources():
    _, schedules = build_schedules(None, ("openrouter=15m",))
    assert [(s.source, s.every) for s in schedules] == [("openrouter", timedelta(minutes=15))]
    name, schedule = parse_source_option("openrouter=cron:15 */6 * * *", timedelta())
    assert name == "openrouter" and schedule.cron == "15 */6 * * *"
    assert schedule.period() == timedelta(hours=6)


def test_unknown_source_in_the_schedule_command_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(
        cli, ["schedule", "--once", "--db", str(tmp_path / "x.db"), "--source", "nope"]
    )
    assert result.exit_code == 2
    assert "Unknown source: nope" in result.output


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[sources]\nopenrouter = { every = "1h", cron = "0 * * * *" }\n', "exactly one of"),
        ('[sources]\nopenrouter = { every = "soon" }\n', "sources.openrouter.every"),
        ('[sources]\nopenrouter = { cron = "61 * * * *" }\n', "cron"),
        ('[sourcez]\nopenrouter = "1h"\n', "unknown table"),
        ('[sources]\nopenrouter = { every = "1h", when = "now" }\n', "unknown key"),
    ],
)
def test_bad_schedule_files_name_the_entry(tmp_path, toml, message):
    path = tmp_path / "schedule.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_schedule(path)


def test_a_cron_period_is_its_longest_gap(tmp_path):
    path = tmp_path / "schedule.toml"
    path.write_text('[sources]\nopenrouter = { cron = "0 9 * * 1-5" }\n')
    schedule = load_schedule(path).for_source("openrouter", "aggregator")
    assert schedule.period() == timedelta(days=3)  # Friday 09:00 to Monday 09:00


# ----------------------------------------------------------------------------- when jobs are due


def _scheduler(schedules, refresh=None, **kwargs):
    lines: list[str] = []
    scheduler = Scheduler(schedules, refresh or (lambda names, cancel: []), log=lines.append, **kwargs)
    return scheduler, lines


def test_a_source_is_due_when_it_never_ran_or_its_interval_passed():
    _, schedules = build_schedules(None, ("openrouter=1h",))
    scheduler, _ = _scheduler(schedules, clock=lambda: NOW)
    assert [s.source for s in scheduler.due({})] == ["openrouter"]
    assert scheduler.due({"openrouter": NOW - timedelta(minutes=59)}) == []
    assert [s.source for s in scheduler.due({"openrouter": NOW - timedelta(hours=1)})] == ["openrouter"]


def _outcome(status="ok", changed=0, error=None):
    return types.SimpleNamespace(status=status, changed=changed, error=error)


def test_a_job_logs_one_line_and_rebuilds_the_site_only_when_prices_changed():
    _, schedules = build_schedules(None, ("openrouter=1h",))
    rebuilt: list[JobResult] = []
    results = iter([[_outcome("ok", 3)], [_outcome("ok", 0)], [_outcome("failed", 0, 'boom "x"')]])
    scheduler, lines = _scheduler(schedules, lambda names, cancel: next(results), on_changed=rebuilt.append)
    for _ in range(3):
        scheduler.run_job("openrouter")
    assert [line.rsplit(" seconds=", 1)[0] for line in lines] == [
        "source=openrouter status=ok changed=3",
        "source=openrouter status=ok changed=0",
        "source=openrouter status=failed changed=0",
    ]
    assert lines[2].endswith('error="boom \\"x\\""')
    assert [r.changed for r in rebuilt] == [3]


def test_a_crashing_refresh_or_site_build_does_not_stop_the_scheduler():
    _, schedules = build_schedules(None, ("openrouter=1h",))

    def refresh(names, cancel):
        raise RuntimeError("disk on fire")

    scheduler, lines = _scheduler(schedules, refresh)
    assert scheduler.run_job("openrouter").status == "failed"
    assert "RuntimeError: disk on fire" in lines[0]

    def broken_build(result):
        raise OSError("no space")

    scheduler, lines = _scheduler(schedules, lambda n, c: [_outcome("ok", 1)], on_changed=broken_build)
    assert scheduler.run_job("openrouter").status == "ok"
    assert lines[1] == "site rebuild failed: OSError: no space"


def test_a_cancelled_refresh_is_logged_as_abandoned():
    _, schedules = build_schedules(None, ("openrouter=1h",))

    def refresh(names, cancel):
        raise RefreshCancelledError()

    scheduler, _ = _scheduler(schedules, refresh)
    assert scheduler.run_job("openrouter").status == "abandoned"


def test_site_rebuild_hook_skips_with_a_line_without_pricewatch_build(tmp_path, monkeypatch):
    lines: list[str] = []
    monkeypatch.setitem(sys.modules, "pricewatch.site.build", None)  # import fails as if absent
    site_rebuild_hook(tmp_path / "db", tmp_path / "out", lines.append)()
    assert lines == ["site rebuild skipped: pricewatch.site.build is not available"]


def test_site_rebuild_hook_calls_build_site_when_it_exists(tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("pricewatch.site.build")
    fake.build_site = lambda db_path, out_dir: calls.append((db_path, out_dir))
    monkeypatch.setitem(sys.modules, "pricewatch.site.build", fake)
    lines: list[str] = []
    site_rebuild_hook(tmp_path / "db", tmp_path / "out", lines.append)()
    assert calls == [(tmp_path / "db", tmp_path / "out")]
    assert lines[0].startswith(f"site rebuilt into {tmp_path / 'out'}")


# ----------------------------------------------------------------------------- schedule --once


def _runs(db_path):
    # mode=ro: polling must not create the file before the scheduler does
    with closing(sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT source, status FROM runs ORDER BY id").fetchall()


def _wait_for_run(db_path, run, process, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if run in _runs(db_path):
                return
        except sqlite3.OperationalError:  # not created yet
            pass
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"no run {run} within {timeout} s: {process.communicate()[1]}")


def test_once_refreshes_every_due_source_then_nothing_until_its_interval_passes(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pricewatch.site.build", None)  # the site build has its own tests
    db = tmp_path / "pw.db"
    with OpenRouterServer(TRUE_PRICES) as server:
        monkeypatch.setenv("PRICEWATCH_OPENROUTER_BASE_URL", server.url)
        args = [
            "schedule",
            "--once",
            "--db",
            str(db),
            "--source",
            "openrouter=1h",
            "--out",
            str(tmp_path / "site"),
        ]
        first = CliRunner().invoke(cli, args)
        assert first.exit_code == 0, first.output
        assert "source=openrouter status=ok changed=" in first.output
        assert _runs(db) == [("openrouter", "ok")]
        second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "nothing due" in second.output
    assert _runs(db) == [("openrouter", "ok")]
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handlers were put back


def test_once_exits_1_when_a_refresh_failed(tmp_path, monkeypatch):
    db = tmp_path / "pw.db"
    with OpenRouterServer({}) as server:  # an empty list: "no prices found"
        monkeypatch.setenv("PRICEWATCH_OPENROUTER_BASE_URL", server.url)
        result = CliRunner().invoke(cli, ["schedule", "--once", "--db", str(db), "--source", "openrouter"])
    assert result.exit_code == 1
    assert "source=openrouter status=failed" in result.output


# ----------------------------------------------------------------------------- in a real process


def _start_scheduler(db, server, *extra, source="openrouter=1h"):
    env = dict(os.environ, PRICEWATCH_OPENROUTER_BASE_URL=server.url)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pricewatch.cli",
            "schedule",
            "--db",
            str(db),
            "--source",
            source,
            "--no-build",  # the site build has its own tests; keep these quick
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(process, sig=signal.SIGTERM, timeout=20):
    process.send_signal(sig)
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        pytest.fail(f"the scheduler did not stop within {timeout} s:\n{err}")
    return process.returncode, err


def test_sigterm_during_a_refresh_abandons_its_run_and_exits_cleanly(tmp_path):
    db = tmp_path / "pw.db"
    with OpenRouterServer(TRUE_PRICES) as server:
        server.stall(lambda path: path.endswith("/endpoints"))  # the list arrives, the endpoints hang
        process = _start_scheduler(db, server, source="openrouter-endpoints=6h")
        try:
            assert server.stalled.wait(20), "the scheduler never fetched"
            code, err = _stop(process)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0, err
    assert (
        "SIGTERM: stopping" in err
        and "source=openrouter-endpoints status=abandoned" in err
        and "stopped" in err
    )
    assert _runs(db) == [("openrouter-endpoints", "abandoned")]
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM prices").fetchone() == (0,)


def test_sigint_while_idle_stops_at_once(tmp_path):
    db = tmp_path / "pw.db"
    with OpenRouterServer(TRUE_PRICES) as server:
        process = _start_scheduler(db, server)
        try:
            _wait_for_run(db, ("openrouter", "ok"), process)
            code, err = _stop(process, signal.SIGINT)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0, err
    assert "source=openrouter status=ok" in err and err.rstrip().endswith("stopped")
    assert _runs(db) == [("openrouter", "ok")]


def test_a_scheduler_fetching_holds_no_lock_and_no_wait_exits_5_only_while_a_writer_writes(tmp_path):
    """The writer lock is not held while fetching (a stalled server holds no one up): a manual
    `refresh --no-wait` runs beside a scheduler stuck in a fetch; it exits 5 only while a
    writer holds the lock."""
    from pricewatch.scraper.lock import writer_lock

    db = tmp_path / "pw.db"
    with OpenRouterServer(TRUE_PRICES) as server:
        server.stall(lambda path: True)
        process = _start_scheduler(db, server)
        try:
            assert server.stalled.wait(20), "the scheduler never fetched"
            manual = CliRunner().invoke(
                cli, ["refresh", "--db", str(db), "--no-wait", "--replay", str(SNAPSHOT)]
            )
            code, err = _stop(process)
        finally:
            if process.poll() is None:
                process.kill()
    assert manual.exit_code == 0, manual.output
    assert code == 0, err
    with writer_lock(db):
        busy = CliRunner().invoke(cli, ["refresh", "--db", str(db), "--no-wait", "--replay", str(SNAPSHOT)])
    assert busy.exit_code == 5, busy.output
    assert busy.output.startswith("Error: another pricewatch command is writing")


# ----------------------------------------------------------------------------- cancelling a refresh


def _cancel_after(event, seconds):
    timer = threading.Timer(seconds, event.set)
    timer.start()
    return timer


def test_a_refresh_cancelled_while_fetching_is_abandoned():
    from pricewatch.refresh_command import _cancellable

    abandoned = []

    async def fetching():
        await asyncio.sleep(30)

    cancel = threading.Event()
    _cancel_after(cancel, 0.05)
    started = time.monotonic()
    with pytest.raises(RefreshCancelledError):
        asyncio.run(_cancellable(fetching(), cancel, lambda: abandoned.append(True)))
    assert abandoned == [True] and time.monotonic() - started < 5


def test_a_refresh_cancelled_while_storing_finishes_its_store():
    from pricewatch.refresh_command import _cancellable

    abandoned = []

    async def fetch_then_store():
        await asyncio.sleep(0.01)
        time.sleep(0.4)  # the store step: synchronous, one transaction, no await to cancel at
        return "stored"

    cancel = threading.Event()
    _cancel_after(cancel, 0.2)  # arrives in the middle of the store step
    assert asyncio.run(_cancellable(fetch_then_store(), cancel, lambda: abandoned.append(True))) == "stored"
    assert abandoned == []


# ----------------------------------------------------------------------------- failed runs are retried


def test_a_failed_run_is_not_a_run_done_it_is_retried_with_backoff():
    from pricewatch.scraper.scheduler import SourceRuns, retry_delay

    _, schedules = build_schedules(None, ("openrouter=1h",))
    scheduler, _ = _scheduler(schedules, clock=lambda: NOW)
    fresh = NOW - timedelta(minutes=10)  # ok ten minutes ago: not due by its interval

    def due(failures, failed_ago):
        runs = SourceRuns(observed_at=fresh, failures=failures, failed_at=NOW - failed_ago)
        return [s.source for s in scheduler.due({"openrouter": runs})]

    assert [retry_delay(n, timedelta(hours=1)) for n in (1, 2, 3, 4, 5, 30)] == [
        timedelta(minutes=m) for m in (5, 10, 20, 40, 60, 60)
    ]
    # Due by its data's age (observed 10 minutes ago): a failure after it does not make it due sooner.
    assert due(1, timedelta(minutes=9)) == []
    old = NOW - timedelta(hours=2)  # the data is older than the interval: due, after the backoff
    runs = SourceRuns(observed_at=old, failures=1, failed_at=NOW - timedelta(minutes=4))
    assert scheduler.due({"openrouter": runs}) == []
    runs = SourceRuns(observed_at=old, failures=1, failed_at=NOW - timedelta(minutes=5))
    assert [s.source for s in scheduler.due({"openrouter": runs})] == ["openrouter"]
    runs = SourceRuns(observed_at=old, failures=3, failed_at=NOW - timedelta(minutes=19))
    assert scheduler.due({"openrouter": runs}) == []
    runs = SourceRuns(observed_at=None, failures=3, failed_at=NOW - timedelta(minutes=20))
    assert [s.source for s in scheduler.due({"openrouter": runs})] == ["openrouter"]


def test_once_retries_a_failed_source_after_its_backoff_instead_of_waiting_an_interval(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pricewatch.site.build", None)
    db = tmp_path / "pw.db"
    args = ["schedule", "--once", "--db", str(db), "--source", "openrouter=1h", "--no-build"]
    with OpenRouterServer({}) as server:  # an empty list: "no prices found"
        monkeypatch.setenv("PRICEWATCH_OPENROUTER_BASE_URL", server.url)
        first = CliRunner().invoke(cli, args)
        assert first.exit_code == 1 and "status=failed" in first.output
        # At once: the failure is within its 5-minute backoff, so nothing runs (and it says why).
        waiting = CliRunner().invoke(cli, args)
        assert waiting.exit_code == 0, waiting.output
        assert "waits to be retried (openrouter retried after" in waiting.output
        server.models = dict(TRUE_PRICES)  # the source answers again
        with closing(sqlite3.connect(db)) as conn, conn:  # six minutes later
            conn.execute("UPDATE runs SET finished_at = '2000-01-01T00:00:00Z' WHERE status = 'failed'")
        retried = CliRunner().invoke(cli, args)
    assert retried.exit_code == 0, retried.output
    assert "source=openrouter status=ok" in retried.output
    assert _runs(db) == [("openrouter", "failed"), ("openrouter", "ok")]


def test_the_long_running_scheduler_brings_a_failed_sources_next_run_forward_with_backoff():
    _, schedules = build_schedules(None, ("openrouter=1h",))
    statuses = iter(["failed", "failed", "ok"])
    scheduler, lines = _scheduler(
        schedules, refresh=lambda names, cancel: [_outcome(next(statuses))], clock=lambda: NOW
    )
    job = types.SimpleNamespace(next_run_time=NOW + timedelta(hours=1))
    job.modify = lambda next_run_time: setattr(job, "next_run_time", next_run_time)
    scheduler._scheduler = types.SimpleNamespace(running=True, get_job=lambda job_id: job)
    scheduler.run_job("openrouter")
    assert job.next_run_time == NOW + timedelta(minutes=5)
    assert "retrying openrouter at 2026-09-01T12:05:00Z (failed 1 time in a row)" in lines
    job.next_run_time = NOW + timedelta(hours=1)  # the retry ran; the trigger set the next run
    scheduler.run_job("openrouter")
    assert job.next_run_time == NOW + timedelta(minutes=10)
    job.next_run_time = NOW + timedelta(hours=1)
    scheduler.run_job("openrouter")  # ok: the interval again
    assert job.next_run_time == NOW + timedelta(hours=1) and scheduler._failures == {}
