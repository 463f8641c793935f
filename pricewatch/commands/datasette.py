"""`pricewatch datasette`: browse the database in Datasette, with the shipped metadata and canned queries."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

import click

from pricewatch.commands._common import EXIT_CODES_HELP, db_option, handle_errors

__all__ = ["metadata_for", "register"]

INSTALL_HINT = "pip install 'pricewatch-llm[datasette]'"


def metadata_for(db_path: Path, metadata_path: Path | None = None) -> dict:
    """The Datasette metadata (data/datasette-metadata.json) keyed by the name Datasette gives ``db_path``.

    Datasette names a database after its file's stem; the shipped file describes
    "pricewatch", so a database at any other path gets the same titles and queries.
    """
    from pricewatch.paths import shipped_data_dir

    path = metadata_path or shipped_data_dir() / "datasette-metadata.json"
    metadata = json.loads(path.read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    if "pricewatch" in databases:
        databases = {Path(db_path).stem: databases["pricewatch"]}
    return {**metadata, "databases": databases}


@click.command(epilog=EXIT_CODES_HELP)
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port to listen on."
)
@click.option(
    "--metadata",
    "metadata_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Datasette metadata JSON (default: the shipped data/datasette-metadata.json).",
)
@handle_errors
def datasette(db_path: Path, host: str, port: int, metadata_path: Path | None) -> None:
    """Browse the database in Datasette, with table and column descriptions and canned queries.

    Needs the optional extra: pip install 'pricewatch-llm[datasette]'. Canned queries:
    price_history (?model=...), biggest_price_cuts_this_year, cheapest_open_weight_hosts.
    The database is opened read-only; the scheduler can keep writing meanwhile.

    \b
    Example:
        pricewatch datasette --port 8001
        curl 'http://127.0.0.1:8001/pricewatch/price_history.json?model=moonshotai/kimi-k2.6&_shape=array'
    """
    from pricewatch.commands._common import ensure_port_free
    from pricewatch.errors import PricewatchError
    from pricewatch.scraper.store.files import require_database

    if importlib.util.find_spec("datasette") is None:
        raise PricewatchError(f"Datasette is not installed: {INSTALL_HINT}")
    require_database(db_path)
    ensure_port_free(host, port)  # one line now, not Datasette's traceback after the exec
    # This process becomes Datasette (exec): signals reach the server itself, so stopping
    # `pricewatch datasette` stops the server and frees the port, and its exit code is ours.
    # The metadata lives in an unlinked temporary file whose descriptor Datasette inherits and
    # reads once at start: nothing is left behind to clean up after the exec.
    with tempfile.TemporaryFile("w+", encoding="utf-8", prefix="pricewatch-datasette-") as metadata:
        json.dump(metadata_for(db_path, metadata_path), metadata)
        metadata.flush()
        metadata.seek(0)
        os.set_inheritable(metadata.fileno(), True)
        command = [sys.executable, "-m", "datasette", "serve", str(db_path)]
        command += ["--metadata", f"/dev/fd/{metadata.fileno()}", "--host", host, "--port", str(port)]
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, command)  # never returns


def register(cli: click.Group) -> None:
    """Add `datasette` to the command group."""
    cli.add_command(datasette)
