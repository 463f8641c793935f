"""When each source is refreshed: data/schedule.toml (or ``--config``) and ``--source NAME=INTERVAL``.

Pure apart from reading the TOML file: the scheduler (``scheduler.py``) turns these into
APScheduler triggers, and ``pricewatch status`` uses the same intervals to call a source
stale. A source's entry under ``[sources]`` wins over its kind's under ``[kinds]``; a
source with neither is not scheduled (curated data and backfills are loaded, not polled).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pricewatch.errors import ConfigError

__all__ = [
    "STALE_FACTOR",
    "ScheduleConfig",
    "SourceSchedule",
    "format_duration",
    "load_schedule",
    "parse_duration",
    "parse_source_option",
    "source_intervals",
]

# A source is stale when its last ok run is older than this many of its intervals.
STALE_FACTOR = 3

_DURATION = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_ENTRY_KEYS = frozenset({"every", "cron", "jitter"})


def parse_duration(text: str, where: str = "duration") -> timedelta:
    """``"90s"``, ``"30m"``, ``"1h"``, ``"1h30m"``, ``"2d"`` -> timedelta; ConfigError otherwise."""
    compact = text.strip().lower().replace(" ", "")
    if not compact or _DURATION.sub("", compact):
        raise ConfigError(f"{where}: {text!r} is not a duration like 90s, 30m, 1h, 1h30m or 2d")
    total = timedelta()
    for amount, unit in _DURATION.findall(compact):
        total += timedelta(**{_UNITS[unit]: int(amount)})
    return total


def format_duration(value: timedelta) -> str:
    """The short form parse_duration reads: ``1h``, ``6h``, ``1h30m``, ``45s``."""
    seconds = int(value.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


@dataclass(frozen=True)
class SourceSchedule:
    """One source's schedule: an interval (``every``) or a crontab line (``cron``), with jitter."""

    source: str
    every: timedelta | None = None
    cron: str | None = None
    jitter: timedelta = timedelta()

    def describe(self) -> str:
        """``every 1h`` or ``cron '15 */6 * * *'``, for log lines."""
        return f"every {format_duration(self.every)}" if self.every else f"cron {self.cron!r}"

    def period(self) -> timedelta:
        """How long a healthy source can go between runs: the interval, or the cron's longest gap."""
        if self.every is not None:
            return self.every
        return _cron_longest_gap(self.cron or "")

    def trigger(self):
        """The APScheduler 3 trigger (UTC) for this schedule."""
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        jitter = int(self.jitter.total_seconds()) or None
        if self.every is not None:
            return IntervalTrigger(seconds=int(self.every.total_seconds()), timezone=UTC, jitter=jitter)
        trigger = CronTrigger.from_crontab(self.cron, timezone=UTC)
        trigger.jitter = jitter  # from_crontab takes no jitter argument
        return trigger

    def next_due(self, last_run_at: datetime | None) -> datetime | None:
        """When the next run is due after a run that started at ``last_run_at`` (None: never ran)."""
        if last_run_at is None:
            return None
        if self.every is not None:
            return last_run_at + self.every
        trigger = _cron_trigger(self.cron or "")
        return trigger.get_next_fire_time(None, last_run_at + timedelta(seconds=1))


def _cron_trigger(cron: str):
    from apscheduler.triggers.cron import CronTrigger

    try:
        return CronTrigger.from_crontab(cron, timezone=UTC)
    except ValueError as error:
        raise ConfigError(f"cron {cron!r}: {error}") from None


def _cron_longest_gap(cron: str) -> timedelta:
    # Over two weeks of fire times from a fixed Monday, so "weekdays at 9" counts its weekend.
    trigger = _cron_trigger(cron)
    moment = datetime(2026, 1, 5, tzinfo=UTC)
    end = moment + timedelta(days=14)
    previous = trigger.get_next_fire_time(None, moment)
    longest = timedelta()
    for _ in range(5000):
        if previous is None or previous > end:
            break
        following = trigger.get_next_fire_time(previous, previous + timedelta(seconds=1))
        if following is None:
            break
        longest = max(longest, following - previous)
        previous = following
    return longest or timedelta(days=14)


@dataclass(frozen=True)
class ScheduleConfig:
    """The parsed schedule file: per-kind and per-source entries, jitter and misfire grace."""

    kinds: Mapping[str, SourceSchedule]
    sources: Mapping[str, SourceSchedule]
    jitter: timedelta = timedelta(minutes=2)
    misfire_grace: timedelta = timedelta(minutes=30)
    path: Path | None = None

    def for_source(self, name: str, kind: str) -> SourceSchedule | None:
        """The schedule of source ``name`` (of KIND ``kind``), or None when it is not scheduled."""
        entry = self.sources.get(name) or self.kinds.get(kind)
        if entry is None:
            return None
        return replace(entry, source=name)

    def with_overrides(self, overrides: Mapping[str, SourceSchedule]) -> ScheduleConfig:
        """A copy whose ``[sources]`` entries are replaced by ``overrides`` (from --source)."""
        return replace(self, sources={**self.sources, **overrides})


def _entry(raw: Any, where: str, default_jitter: timedelta) -> SourceSchedule:
    if isinstance(raw, str):  # `openrouter = "1h"` is accepted as shorthand
        raw = {"every": raw}
    if not isinstance(raw, dict):
        raise ConfigError(f'{where}: expected {{ every = "1h" }} or {{ cron = "0 * * * *" }}')
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    if ("every" in raw) == ("cron" in raw):
        raise ConfigError(f"{where}: give exactly one of `every` and `cron`")
    jitter = parse_duration(str(raw["jitter"]), f"{where}.jitter") if "jitter" in raw else default_jitter
    if "every" in raw:
        every = parse_duration(str(raw["every"]), f"{where}.every")
        if every <= timedelta():
            raise ConfigError(f"{where}.every: must be longer than 0s")
        return SourceSchedule(source="", every=every, jitter=min(jitter, every / 2))
    cron = str(raw["cron"])
    _cron_trigger(cron)  # fail on load, not at the first run
    return SourceSchedule(source="", cron=cron, jitter=jitter)


def load_schedule(path: Path) -> ScheduleConfig:
    """Read a schedule TOML file; ConfigError names the file and the bad entry."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no schedule file at {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    unknown = sorted(set(data) - {"defaults", "kinds", "sources"})
    if unknown:
        raise ConfigError(f"{path}: unknown table(s) {', '.join(unknown)}")
    defaults = data.get("defaults", {})
    jitter = parse_duration(str(defaults.get("jitter", "0s")), f"{path}: defaults.jitter")
    grace = parse_duration(str(defaults.get("misfire_grace", "30m")), f"{path}: defaults.misfire_grace")
    kinds = {k: _entry(v, f"{path}: kinds.{k}", jitter) for k, v in data.get("kinds", {}).items()}
    sources = {k: _entry(v, f"{path}: sources.{k}", jitter) for k, v in data.get("sources", {}).items()}
    return ScheduleConfig(kinds=kinds, sources=sources, jitter=jitter, misfire_grace=grace, path=Path(path))


def parse_source_option(text: str, default_jitter: timedelta) -> tuple[str, SourceSchedule | None]:
    """``NAME``, ``NAME=30m`` or ``NAME=cron:15 * * * *`` (from ``--source``) -> (name, schedule or None)."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not name:
        raise ConfigError(f"--source {text!r}: expected NAME or NAME=INTERVAL (e.g. openrouter=30m)")
    if not sep:
        return name, None
    value = value.strip()
    where = f"--source {text}"
    if value.startswith("cron:"):
        return name, _entry({"cron": value.removeprefix("cron:").strip()}, where, default_jitter)
    return name, _entry({"every": value}, where, default_jitter)


def source_intervals(config: ScheduleConfig, sources: Iterable[tuple[str, str]]) -> dict[str, timedelta]:
    """Each scheduled source's period, from (name, kind) pairs (for staleness in `status`)."""
    intervals = {}
    for name, kind in sources:
        schedule = config.for_source(name, kind)
        if schedule is not None:
            intervals[name] = schedule.period()
    return intervals
