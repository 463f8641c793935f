"""The publishing job (`pricewatch publish`, what .github/workflows/scrape.yml runs).

    report = run_publish(db_path=..., site_dir=..., history_dir=..., catalog=..., source_names=[...])

One call does what `make demo` does plus live data, in order:

1. a new database gets the shipped history (data/history) and the curated file, as
   `pricewatch demo` loads them; an existing one (the workflow's cached copy) gets the
   curated file and corrections again (an edit made since is applied, nothing else moves);
2. every chosen source is refreshed live, each on its own (``refresh_sources``: a source
   that fails is recorded with the reason and keeps its previous prices; the others go on);
3. the derived history is exported back into the history folder (prices, offers, runs and
   citations; never a page body), when prices changed or the folder is a day behind, so
   the repository carries the measured history forward and a lost cache costs nothing;
4. the site is built (its downloads/pricewatch.db leaves the pages out: ``public_copy_to``);
5. the sources' health decides the exit: a source failing for longer than its threshold
   (three of its intervals, or ``fail_after``), or a build that failed, fails the job,
   naming them; the job summary (``summary_path``: $GITHUB_STEP_SUMMARY) says the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pricewatch.errors import PricewatchError
from pricewatch.paths import shipped_data_dir
from pricewatch.scraper.catalog import Catalog

__all__ = ["HISTORY_EVERY", "PublishReport", "run_publish", "summary_markdown"]

# The derived history is exported at least this often, and whenever prices changed.
HISTORY_EVERY = timedelta(days=1)
# A failing source with no interval in the schedule fails the job after this long.
DEFAULT_FAIL_AFTER = timedelta(hours=3)


@dataclass
class PublishReport:
    """What a publishing run did and whether it must go red (``failures``: one reason each)."""

    lines: list[str] = field(default_factory=list)
    outcomes: list[Any] = field(default_factory=list)  # SourceOutcome of each refreshed source
    health: list[dict[str, Any]] = field(default_factory=list)  # `pricewatch status` rows
    failures: list[str] = field(default_factory=list)
    history_exported: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing fails the job."""
        return not self.failures


def run_publish(
    *,
    db_path: Path,
    site_dir: Path | None,
    history_dir: Path,
    catalog: Catalog,
    source_names: list[str],
    base_urls: dict[str, str] | None = None,
    fail_after: timedelta | None = None,
    export_history: bool = True,
    curated_window_days: int | None = None,
    now: datetime | None = None,
) -> PublishReport:
    """Load, refresh live, export the derived history, build, judge; see the module's docstring."""
    report = PublishReport()
    new_database = not db_path.exists()
    _load_shipped(report, db_path, history_dir, catalog, new_database, curated_window_days)
    _refresh(report, db_path, catalog, source_names, base_urls, curated_window_days)
    if export_history:
        _export_history(report, db_path, history_dir, now)
    if site_dir is not None:
        _build(report, db_path, site_dir, catalog, curated_window_days, now)
    _judge(report, db_path, fail_after, now)
    return report


def _load_shipped(
    report: PublishReport,
    db_path: Path,
    history_dir: Path,
    catalog: Catalog,
    new_database: bool,
    curated_window_days: int | None,
) -> None:
    from pricewatch.scraper.curated import run_load_curated
    from pricewatch.scraper.history_files import run_load_history

    if new_database and (history_dir / "prices.jsonl.gz").exists():
        loaded = run_load_history(db_path, history_dir)
        report.lines.append(
            f"history: {loaded.price_rows} price periods of {loaded.rows.get('offers', 0)} offers "
            f"loaded from {history_dir} into the new database {db_path}"
        )
    load = run_load_curated(
        db_path,
        catalog,
        shipped_data_dir() / "curated_prices.csv",
        corrections_path=shipped_data_dir() / "corrections.csv",
        curated_window_days=curated_window_days,
    )
    report.lines.append(f"curated: {load.rows} rows, {load.stats.price_rows_added} price rows added")


def _refresh(
    report: PublishReport,
    db_path: Path,
    catalog: Catalog,
    source_names: list[str],
    base_urls: dict[str, str] | None,
    curated_window_days: int | None,
) -> None:
    from pricewatch.refresh_command import run_refresh

    try:
        report.outcomes = run_refresh(
            db_path=db_path,
            catalog=catalog,
            source_names=source_names,
            base_urls=base_urls,
            curated_window_days=curated_window_days,
        )
    except PricewatchError as error:  # the lock, the database: no source could run
        report.failures.append(f"refresh: {error}")
        return
    for outcome in report.outcomes:
        text = f"{outcome.source}: {outcome.status}, {outcome.records} records, {outcome.changed} changed"
        report.lines.append(text + (f" ({outcome.error})" if outcome.error else ""))


def _export_history(report: PublishReport, db_path: Path, history_dir: Path, now: datetime | None) -> None:
    from pricewatch.scraper.history_files import SUMMARY_FILE, run_export_history

    changed = sum(o.changed for o in report.outcomes)
    exported_as_of = _summary_as_of(history_dir / SUMMARY_FILE)
    behind = exported_as_of is None or (now or datetime.now(UTC)) - exported_as_of > HISTORY_EVERY
    if not changed and not behind:
        report.lines.append(f"history: {history_dir} kept (no price changed; exported within a day)")
        return
    summary = run_export_history(db_path, history_dir)
    report.history_exported = True
    report.lines.append(
        f"history: {summary['rows']['prices']} price periods exported to {history_dir} "
        f"(data as of {summary['data_as_of']}; no page bodies)"
    )


def _summary_as_of(path: Path) -> datetime | None:
    try:
        text = json.loads(path.read_text(encoding="utf-8")).get("data_as_of")
    except (OSError, ValueError, AttributeError):
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if isinstance(text, str) else None


def _build(
    report: PublishReport,
    db_path: Path,
    site_dir: Path,
    catalog: Catalog,
    curated_window_days: int | None,
    now: datetime | None,
) -> None:
    from pricewatch.site.build import build_site

    try:
        built = build_site(
            db_path, site_dir, catalog=catalog, curated_window_days=curated_window_days, now=now
        )
    except Exception as error:  # whatever stopped it, the job goes red with the reason
        report.failures.append(f"site build failed: {type(error).__name__}: {error}")
        return
    report.lines.extend(built.lines())


def _judge(report: PublishReport, db_path: Path, fail_after: timedelta | None, now: datetime | None) -> None:
    """Each source's health; a source failing for longer than its threshold fails the job."""
    from pricewatch.queries import FAILING, shipped_source_intervals, source_status
    from pricewatch.scraper.schedule_config import STALE_FACTOR, format_duration
    from pricewatch.scraper.sources import SOURCE_NAMES
    from pricewatch.scraper.store.reader import open_reader

    now = now or datetime.now(UTC)
    if not db_path.exists():
        return
    reader = open_reader(db_path)
    try:
        names = list(SOURCE_NAMES)
        intervals = shipped_source_intervals(names)
        report.health = source_status(reader, names, now=now, intervals=intervals)
    finally:
        reader.close()
    for row in report.health:
        if row["health"] != FAILING or not row["failing_since"]:
            continue
        interval = intervals.get(row["source"])
        threshold = (
            fail_after
            if fail_after is not None
            else (STALE_FACTOR * interval if interval else DEFAULT_FAIL_AFTER)
        )
        since = datetime.fromisoformat(row["failing_since"].replace("Z", "+00:00"))
        if now - since >= threshold:
            report.failures.append(
                f"{row['source']}: failing since {row['failing_since']}, longer than its "
                f"{format_duration(threshold)} threshold: {row['last_error'] or row['problem']}"
            )


def summary_markdown(report: PublishReport) -> str:
    """The job summary: the verdict, the reasons, then one row per source with its health."""
    lines = ["## pricewatch publish: " + ("ok" if report.ok else "FAILED"), ""]
    for reason in report.failures:
        lines.append(f"- **{_cell(reason)}**")
    if report.failures:
        lines.append("")
    lines += ["| source | health | data as of | problem |", "| --- | --- | --- | --- |"]
    for row in report.health:
        lines.append(
            f"| {row['source']} | {row['health']} | {row['data_as_of'] or '-'} | {_cell(row['problem'])} |"
        )
    lines.append("")
    lines.append("History: " + ("exported" if report.history_exported else "unchanged"))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")
