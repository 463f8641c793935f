"""What every command module shares: option decorators, one-line errors, exit codes.

Commands live in ``pricewatch.cli`` (the core ones) and in ``pricewatch/commands/*.py``
(each module has ``register(cli)``); all of them use these helpers so errors and help
read the same everywhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pricewatch.errors import EXIT_OTHER, PricewatchError
from pricewatch.output import FORMATS
from pricewatch.paths import default_db_path

__all__ = [
    "CONTEXT_SETTINGS",
    "EXIT_CODES_HELP",
    "ExitWith",
    "catalog_cache_dir",
    "catalog_option",
    "curated_window_days",
    "db_option",
    "echo_wait",
    "format_option",
    "handle_errors",
    "load_catalog",
    "no_wait_option",
]

EXIT_CODES_HELP = """\b
Exit codes:
  0  ok
  1  a refresh partial or failed; a claim off or stale; a status check failed
  2  usage error, or input that cannot be parsed
  3  a claim that cannot be checked
  4  any other error (one line; --debug shows the traceback)
  5  the writer lock is busy and --no-wait was given"""

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class ExitWith(Exception):
    """Leave with a code after output was already written."""

    def __init__(self, code: int) -> None:
        self.code = code


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn PricewatchError into one `Error: ...` line and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = ctx.find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except ExitWith as leave:
            ctx.exit(leave.code)
        except PricewatchError as error:
            if debug:
                raise
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if debug:
                raise
            click.echo(f"Error: {type(error).__name__}: {error}", err=True)
            ctx.exit(EXIT_OTHER)

    return wrapper


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="PRICEWATCH_DB",
    default=default_db_path(),
    show_default=True,
    help="SQLite database (env PRICEWATCH_DB).",
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format."
)
catalog_option = click.option(
    "--catalog",
    "catalog_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    envvar="PRICEWATCH_CATALOG",
    default=None,
    help="Catalog TOML (default: the shipped data/catalog.toml; env PRICEWATCH_CATALOG).",
)
no_wait_option = click.option(
    "--no-wait", is_flag=True, help="Exit with code 5 instead of waiting when another command is writing."
)


def catalog_cache_dir() -> Path | None:
    """Where parsed catalogs are cached: $XDG_CACHE_HOME/pricewatch (or ~/.cache/pricewatch).

    PRICEWATCH_NO_CACHE=1 turns the cache off.
    """
    from pricewatch.paths import user_cache_dir

    return user_cache_dir()


def load_catalog(path: Path | None):
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    return load_catalog(path or default_catalog_path(), cache_dir=catalog_cache_dir())


def curated_window_days() -> int | None:
    """The global ``--curated-window-days`` (or PRICEWATCH_CURATED_WINDOW_DAYS); None when not given.

    Commands pass it down: a command that loads the catalog into the database stores it
    there (the views apply the stored one); a command that reads uses it for its own
    analysis, and the stored one when it is not given.
    """
    ctx = click.get_current_context(silent=True)
    return None if ctx is None else ctx.find_root().params.get("curated_window_days")


def echo_wait(path: Path) -> None:
    click.echo(f"Waiting for the writer lock {path} (another pricewatch command is writing)...", err=True)
