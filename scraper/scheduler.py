"""The scheduler: APScheduler 3 around the function `pricewatch refresh` calls, one job per source.

    scheduler = Scheduler(schedules, refresh, misfire_grace=..., on_changed=rebuild, log=log)
    scheduler.run_once(last_runs)     # `schedule --once`: every due job, then return
    scheduler.run_forever(last_runs)  # `schedule`: BlockingScheduler until stop() (SIGINT/SIGTERM)

``refresh(source_names, cancel)`` is injected (the CLI passes ``run_refresh`` under the
writer lock, wait=True), so this module knows nothing of the CLI or the site; ``on_changed``
is the site-rebuild hook. Each job logs one line: ``source=... status=... changed=...
seconds=...``. ``stop()`` sets the cancel event: a refresh still fetching is cancelled
and its run marked abandoned; one already storing finishes (its store step is one
transaction with no await in it), so nothing is ever half-written.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from pricewatch.errors import PricewatchError, RefreshCancelledError
from pricewatch.scraper.schedule_config import SourceSchedule

__all__ = ["RETRY_FIRST", "JobResult", "Scheduler", "SourceRuns", "last_run_times", "retry_delay"]

# After a failed run, the first retry waits this long; each further failure doubles the
# wait, up to the source's own interval.
RETRY_FIRST = timedelta(minutes=5)

RefreshFn = Callable[[list[str], threading.Event], Sequence]


@dataclass(frozen=True)
class JobResult:
    """One scheduled refresh of one source: the log line's fields."""

    source: str
    status: str
    changed: int
    seconds: float
    error: str | None = None

    def log_line(self) -> str:
        """``source=openrouter status=ok changed=3 seconds=1.24`` (plus ``error="..."`` when there is one)."""
        line = f"source={self.source} status={self.status} changed={self.changed} seconds={self.seconds:.2f}"
        if self.error:
            line += ' error="' + self.error.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return line


@dataclass(frozen=True)
class SourceRuns:
    """What decides when a source is due: its data's observation time and the failures since."""

    observed_at: datetime | None  # the newest ok or partial run's observation (None: never)
    failures: int = 0  # failed runs after it
    failed_at: datetime | None = None  # when the newest of them finished (wall clock)


def retry_delay(failures: int, period: timedelta) -> timedelta:
    """How long after its ``failures``-th failure in a row a source is tried again: 5m, 10m, 20m, ... up to ``period``."""
    if failures <= 0:
        return timedelta()
    return min(period, RETRY_FIRST * 2 ** min(failures - 1, 30))


def next_attempt(schedule: SourceSchedule, runs: SourceRuns | datetime | None) -> datetime | None:
    """When ``schedule``'s source is next due (None: at once).

    A source is due by the age of its data (its newest ok or partial run's observation):
    a database built from recordings months old is due at once, not an interval after the
    replay ran. A failed run is not a run done: the source stays due, tried again after a
    backoff (``retry_delay``) counted from the last failure.
    """
    if not isinstance(runs, SourceRuns):
        runs = SourceRuns(observed_at=runs)
    due = schedule.next_due(runs.observed_at)
    if runs.failures and runs.failed_at is not None:
        retry = runs.failed_at + retry_delay(runs.failures, schedule.period())
        due = retry if due is None else max(due, retry)
    return due


def last_run_times(db_path: Path) -> dict[str, SourceRuns]:
    """Each source's newest usable run's observation time and the failures since, read-only.

    Abandoned and running runs do not count: a source whose last run was killed is due again.
    """
    from pricewatch.scraper.store.reader import open_reader
    from pricewatch.scraper.store.times import parse_time

    if not Path(db_path).exists():
        return {}
    reader = open_reader(db_path)
    try:
        return {
            source: SourceRuns(
                observed_at=parse_time(streak.observed_at) if streak.observed_at else None,
                failures=streak.failures,
                failed_at=parse_time(streak.failed_at) if streak.failed_at else None,
            )
            for source, streak in reader.run_streaks().items()
        }
    finally:
        reader.close()


class Scheduler:
    """Runs each source's refresh on its schedule; thread-safe ``stop()``."""

    def __init__(
        self,
        schedules: Sequence[SourceSchedule],
        refresh: RefreshFn,
        *,
        misfire_grace_s: float = 1800,
        on_changed: Callable[[JobResult], None] | None = None,
        log: Callable[[str], None] = print,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.schedules = list(schedules)
        self.refresh = refresh
        self.misfire_grace_s = misfire_grace_s
        self.on_changed = on_changed
        self.log = log
        self.clock = clock
        self.stop_event = threading.Event()
        self._scheduler = None
        self._active = 0
        self._idle = threading.Condition()
        self._failures: dict[str, int] = {}  # failed runs in a row, per source (run_forever's retries)

    # ------------------------------------------------------------------ one job

    def run_job(self, source: str) -> JobResult:
        """Refresh one source now (under the writer lock, waiting for it), log one line, rebuild if changed."""
        with self._idle:
            self._active += 1
        try:
            return self._run_job(source)
        finally:
            with self._idle:
                self._active -= 1
                self._idle.notify_all()

    def _run_job(self, source: str) -> JobResult:
        started = time.perf_counter()
        if self.stop_event.is_set():
            result = JobResult(source, "skipped", 0, 0.0, "the scheduler is stopping")
            self.log(result.log_line())
            return result
        try:
            outcomes = list(self.refresh([source], self.stop_event))
            outcome = outcomes[0]
            result = JobResult(source, outcome.status, outcome.changed, 0.0, outcome.error)
        except RefreshCancelledError as error:
            result = JobResult(source, "abandoned", 0, 0.0, str(error))
        except PricewatchError as error:
            result = JobResult(source, "failed", 0, 0.0, str(error))
        except Exception as error:  # a job must never take the scheduler down; the line says why
            result = JobResult(source, "failed", 0, 0.0, f"{type(error).__name__}: {error}")
        result = JobResult(
            result.source, result.status, result.changed, time.perf_counter() - started, result.error
        )
        self.log(result.log_line())
        if result.status == "failed":
            self._failures[source] = self._failures.get(source, 0) + 1
            self._retry_soon(source)
        elif result.status in ("ok", "partial"):
            self._failures.pop(source, None)
        if result.changed and result.status in ("ok", "partial") and self.on_changed is not None:
            try:
                self.on_changed(result)
            except Exception as error:  # a broken site build must not stop the scraping
                self.log(f"site rebuild failed: {type(error).__name__}: {error}")
        return result

    def _retry_soon(self, source: str) -> None:
        """In ``run_forever``: bring a failed source's next run forward to its backoff (``retry_delay``).

        The source's own job is moved, so a retry never runs beside a scheduled run; once it
        has run, the job's trigger takes over again.
        """
        scheduler = self._scheduler
        if scheduler is None or not scheduler.running or self.stop_event.is_set():
            return
        schedule = next((s for s in self.schedules if s.source == source), None)
        job = scheduler.get_job(source)
        if schedule is None or job is None:
            return
        failures = self._failures.get(source, 1)
        at = self.clock() + retry_delay(failures, schedule.period())
        if job.next_run_time is None or at < job.next_run_time:
            job.modify(next_run_time=at)
            self.log(
                f"retrying {source} at {_text(at)} (failed {failures} time{'s' if failures != 1 else ''} in a row)"
            )

    # ------------------------------------------------------------------ when

    def due(
        self, last_runs: Mapping[str, SourceRuns | datetime], now: datetime | None = None
    ) -> list[SourceSchedule]:
        """The schedules due at ``now`` given each source's runs (``next_attempt``: failures back off)."""
        now = now or self.clock()
        due = []
        for schedule in self.schedules:
            next_due = next_attempt(schedule, last_runs.get(schedule.source))
            if next_due is None or next_due <= now:
                due.append(schedule)
        return due

    def run_once(self, last_runs: Mapping[str, SourceRuns | datetime]) -> list[JobResult]:
        """Run every due job once, one after the other (``schedule --once``); stops early on stop()."""
        due = self.due(last_runs)
        if not due:
            waiting = [
                f"{s.source} retried after {_text(at)}"
                for s in self.schedules
                if isinstance(runs := last_runs.get(s.source), SourceRuns)
                and runs.failures
                and (at := next_attempt(s, runs)) is not None
            ]
            self.log(
                "nothing due: every source ran within its interval"
                + (f" or waits to be retried ({'; '.join(waiting)})" if waiting else "")
            )
        results = []
        for schedule in due:
            if self.stop_event.is_set():
                break
            results.append(self.run_job(schedule.source))
        return results

    def run_forever(self, last_runs: Mapping[str, SourceRuns | datetime]) -> None:
        """Run the BlockingScheduler in this thread until stop(); return once running jobs ended."""
        from apscheduler.events import EVENT_SCHEDULER_START
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.blocking import BlockingScheduler

        now = self.clock()
        self._failures = {
            source: runs.failures
            for source, runs in last_runs.items()
            if isinstance(runs, SourceRuns) and runs.failures
        }
        scheduler = BlockingScheduler(
            timezone=UTC,
            # Jobs of different sources may overlap in time; the writer lock serialises their writes.
            executors={"default": ThreadPoolExecutor(max_workers=max(1, len(self.schedules)))},
            job_defaults={
                "coalesce": True,  # missed runs (sleep, a long lock wait) fire once, not once each
                "max_instances": 1,  # never two refreshes of one source at a time
                "misfire_grace_time": int(self.misfire_grace_s),
            },
        )
        for schedule in self.schedules:
            next_due = next_attempt(schedule, last_runs.get(schedule.source))
            first = now if next_due is None or next_due <= now else next_due
            scheduler.add_job(
                self.run_job,
                trigger=schedule.trigger(),
                args=[schedule.source],
                id=schedule.source,
                name=f"refresh {schedule.source}",
                next_run_time=first,
            )
            self.log(f"scheduled {schedule.source} {schedule.describe()}, next run {_text(first)}")
        self._scheduler = scheduler
        # A stop() that came before start() found nothing to shut down: repeat it once started.
        scheduler.add_listener(
            lambda event: self.stop() if self.stop_event.is_set() else None, EVENT_SCHEDULER_START
        )
        scheduler.start()  # blocks until stop() shuts it down
        self.wait_idle()

    # ------------------------------------------------------------------ stopping

    def stop(self) -> None:
        """Ask the scheduler to stop: no new jobs; a running refresh is abandoned or finishes."""
        self.stop_event.set()
        scheduler = self._scheduler
        if scheduler is not None and scheduler.running:
            # shutdown() takes the scheduler's locks, which the main thread may hold when a
            # signal handler calls stop(): do it from another thread.
            threading.Thread(target=_shutdown, args=(scheduler,), name="scheduler-shutdown").start()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no job is running; False if ``timeout`` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout)

    def install_signal_handlers(self) -> Callable[[], None]:
        """SIGINT and SIGTERM call stop(); a second one stops the process at once (main thread only).

        Returns a function that puts the previous handlers back.
        """
        previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

        def handler(signum: int, frame: FrameType | None) -> None:
            self.log(f"{signal.Signals(signum).name}: stopping (send it again to stop at once)")
            for other in previous:
                signal.signal(other, signal.SIG_DFL)
            self.stop()

        for signum in previous:
            signal.signal(signum, handler)

        def restore() -> None:
            for signum, old in previous.items():
                signal.signal(signum, old)

        return restore


def _shutdown(scheduler) -> None:
    from apscheduler.schedulers import SchedulerNotRunningError

    with contextlib.suppress(SchedulerNotRunningError):  # stopped twice
        scheduler.shutdown(wait=True)


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
