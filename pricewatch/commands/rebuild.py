"""`pricewatch rebuild REPO`: rebuild the database from the snapshot history committed by git scraping."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pricewatch.commands._common import (
    EXIT_CODES_HELP,
    ExitWith,
    catalog_option,
    db_option,
    echo_wait,
    handle_errors,
    load_catalog,
)
from pricewatch.errors import EXIT_FAILED

if TYPE_CHECKING:
    from pricewatch.scraper.catalog import Catalog
    from pricewatch.scraper.refresh import SourceOutcome
    from pricewatch.scraper.snapshot_history import SnapshotCommit

__all__ = ["register", "run_rebuild"]

DEFAULT_PATH = "snapshots/latest"


def run_rebuild(
    repo: Path,
    path: str,
    *,
    db_path: Path,
    catalog: Catalog,
    on_commit: Callable[[SnapshotCommit, list[SourceOutcome]], None] | None = None,
    on_wait: Callable[[Path], None] | None = None,
) -> list[tuple[SnapshotCommit, list[SourceOutcome]]]:
    """Replay every commit's copy of ``path`` in ``repo``, oldest first, observed at its commit time.

    Returns (commit, outcomes) per replayed commit; commits where the directory has no
    manifest (deleted) are skipped.
    """
    from pricewatch.errors import ReplayError
    from pricewatch.refresh_command import run_refresh
    from pricewatch.scraper.snapshot_history import export_snapshot, iter_snapshot_commits, pin_recorded_at

    commits = iter_snapshot_commits(repo, path)
    if not commits:
        raise ReplayError(f"no commit in {repo} touches {path} (give the snapshot directory with --path)")
    results = []
    for commit in commits:
        with tempfile.TemporaryDirectory(prefix="pricewatch-rebuild-") as tmp:
            snapshot = export_snapshot(repo, commit.commit, path, Path(tmp))
            if snapshot is None:
                continue
            pin_recorded_at(snapshot, commit.committed_at)
            outcomes = run_refresh(
                db_path=db_path, catalog=catalog, source_names=[], replay_dir=snapshot, on_wait=on_wait
            )
        results.append((commit, outcomes))
        if on_commit is not None:
            on_commit(commit, outcomes)
    return results


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("repo", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--path",
    "snapshot_path",
    default=DEFAULT_PATH,
    show_default=True,
    help="The snapshot directory inside REPO (a replay directory, as the scrape workflow commits it).",
)
@db_option
@catalog_option
@handle_errors
def rebuild(repo: Path, snapshot_path: str, db_path: Path, catalog_path: Path | None) -> None:
    """Rebuild the database from a git repository's snapshot history (git scraping).

    For each commit that touched the snapshot directory, oldest first, its copy of the
    directory is replayed with the commit's time as the observation time, so the price
    history is what hourly refreshes at those times would have stored. The work tree is
    not touched (each copy comes from `git archive`). One line per commit.

    \b
    Example:
        git clone https://github.com/OWNER/pricewatch-data scraped
        pricewatch rebuild scraped --path snapshots/latest --db rebuilt.db
    """
    failed: list[SourceOutcome] = []

    def report(commit: SnapshotCommit, outcomes: list[SourceOutcome]) -> None:
        stamp = commit.committed_at.astimezone().strftime("%Y-%m-%dT%H:%M:%S%z")
        summary = ", ".join(f"{o.source} {o.status} ({o.changed} changed)" for o in outcomes)
        click.echo(f"{commit.commit[:10]} {stamp} {summary}")
        failed.extend(o for o in outcomes if o.status != "ok")

    results = run_rebuild(
        repo,
        snapshot_path,
        db_path=db_path,
        catalog=load_catalog(catalog_path),
        on_commit=report,
        on_wait=echo_wait,
    )
    click.echo(f"Replayed {len(results)} snapshots into {db_path}")
    if failed:
        raise ExitWith(EXIT_FAILED)


def register(cli: click.Group) -> None:
    """Add `rebuild` to the command group."""
    cli.add_command(rebuild)
