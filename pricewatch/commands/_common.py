"""What every command module shares: option decorators, one-line errors, exit codes.

Commands live in ``pricewatch.cli`` (the core ones) and in ``pricewatch/commands/*.py``
(each module has ``register(cli)``); all of them use these helpers so errors and help
read the same everywhere.
"""

from __future__ import annotations

import errno
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pricewatch.errors import EXIT_OTHER, MachineError, PricewatchError
from pricewatch.output import FORMATS
from pricewatch.paths import default_db_path

__all__ = [
    "CONTEXT_SETTINGS",
    "EXIT_CODES_HELP",
    "ExitWith",
    "add_anywhere_options",
    "catalog_cache_dir",
    "catalog_option",
    "configure_logging",
    "curated_window_days",
    "db_option",
    "echo_wait",
    "ensure_port_free",
    "format_option",
    "handle_errors",
    "load_catalog",
    "machine_message",
    "no_wait_option",
    "port_error",
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
            said = machine_message(error)
            click.echo(f"Error: {said or f'{type(error).__name__}: {error}'}", err=True)
            ctx.exit(EXIT_OTHER)

    return wrapper


_NOTHING_LOST = "the step that was writing was rolled back; what was stored before is intact"


def machine_message(error: BaseException) -> str | None:
    """One line for a refusal of the machine (a full disk, a permission, a port in use), else None.

    SQLite's are read by the store (``store.files.machine_refusal``): only the store imports sqlite3.
    """
    if type(error).__module__ == "sqlite3":
        from pricewatch.scraper.store.files import machine_refusal

        said = machine_refusal(error)
        return f"{said}; {_NOTHING_LOST}" if said else None
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        if error.errno == errno.ENOSPC:
            return f"the disk is full{where}; {_NOTHING_LOST}"
        if error.errno in (errno.EACCES, errno.EPERM):
            return f"permission denied{where}; nothing was changed there"
        if error.errno == errno.EROFS:
            return f"read-only file system{where}; nothing was changed there"
        if error.errno == errno.EADDRINUSE:
            return (
                "the address is already in use (another server holds the port); pass --port with a free one"
            )
    return None


def port_error(host: str, port: int, error: OSError) -> MachineError:
    """The one-line error of a port that cannot be listened on."""
    if error.errno == errno.EADDRINUSE:
        return MachineError(
            f"port {port} on {host} is in use (another server holds it); pass --port with a free one"
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return MachineError(f"no permission to listen on port {port} of {host}; pass --port above 1023")
    return MachineError(f"cannot listen on {host}:{port}: {error.strerror or error}")


def ensure_port_free(host: str, port: int) -> None:
    """MachineError when ``host:port`` cannot be listened on now (checked by binding it once)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise port_error(host, port, error) from None


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


def configure_logging(verbose: bool) -> None:
    """The project's logger ("pricewatch"): one line per record on stderr, INFO with -v, else WARNING.

    Retries, skipped items and other things worth knowing while watching a run are INFO:
    quiet unless -v.
    """
    import logging

    class EchoHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            click.echo(self.format(record), err=True)

    logger = logging.getLogger("pricewatch")
    if not any(type(h).__name__ == "EchoHandler" for h in logger.handlers):
        handler = EchoHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().params["debug"] = True


def _set_verbose(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().params["verbose"] = True
        configure_logging(True)


def add_anywhere_options(command: click.Command) -> None:
    """Let ``--debug`` and ``-v/--verbose`` follow the subcommand too (``pricewatch refresh -v``).

    Each command (and each command of a group) gets them as hidden options that set the
    top-level ones, unless it has an option of that name itself (``check -v`` keeps its own).
    """
    taken = {name for param in command.params for name in getattr(param, "opts", [])}
    if "--debug" not in taken:
        command.params.append(
            click.Option(["--debug"], is_flag=True, hidden=True, expose_value=False, callback=_set_debug)
        )
    if "-v" not in taken and "--verbose" not in taken:
        command.params.append(
            click.Option(
                ["-v", "--verbose"], is_flag=True, hidden=True, expose_value=False, callback=_set_verbose
            )
        )
    for sub in getattr(command, "commands", {}).values():
        add_anywhere_options(sub)


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
