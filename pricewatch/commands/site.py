"""`pricewatch build` and `pricewatch serve`: the static site, built from the store, previewed locally."""

from __future__ import annotations

from pathlib import Path

import click

from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    catalog_option,
    db_option,
    handle_errors,
)

__all__ = ["build", "register", "serve"]

out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PRICEWATCH_SITE_DIR",
    default=Path("public"),
    show_default=True,
    help="Output directory, replaced atomically (env PRICEWATCH_SITE_DIR).",
)


@click.command(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@db_option
@catalog_option
@out_option
@click.option(
    "--base-url",
    envvar="PRICEWATCH_SITE_URL",
    help=(
        "The site's public URL: absolute links in the Atom feeds, the sitemap and robots.txt, "
        "canonical URLs on every page (env PRICEWATCH_SITE_URL)."
    ),
)
@click.option("--full", is_flag=True, help="Render every file, even those whose inputs did not change.")
@click.option("--workers", type=click.IntRange(min=1), help="Processes drawing charts (default: every CPU).")
@handle_errors
def build(
    db_path: Path,
    catalog_path: Path | None,
    out_dir: Path,
    base_url: str | None,
    full: bool,
    workers: int | None,
) -> None:
    """Build the static site from the database into a directory.

    Pages: overview, comparison table, one page per model with its price-history chart,
    ratios, trends, claims (with a workload calculator and a claim box), changes,
    downloads; Atom feeds. The new site is rendered beside DIR and swapped in, so a
    failed build leaves the previous one as it was. Pages whose data did not change are
    reused from the previous build. Open DIR/index.html, or run `pricewatch serve`.

    \b
    Example:
        pricewatch build
        pricewatch build --out /var/www/prices --base-url https://prices.example.org/
    """
    from pricewatch.commands._common import curated_window_days, load_catalog
    from pricewatch.site.build import build_site

    report = build_site(
        db_path,
        out_dir,
        catalog=load_catalog(catalog_path),
        base_url=base_url,
        workers=workers,
        incremental=not full,
        curated_window_days=curated_window_days(),
    )
    for line in report.lines():
        click.echo(line)
    click.echo(f"Open {out_dir / 'index.html'} in a browser, or run `pricewatch serve --dir {out_dir}`.")


@click.command(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port on 127.0.0.1."
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PRICEWATCH_SITE_DIR",
    default=Path("public"),
    show_default=True,
    help="The built site to serve (env PRICEWATCH_SITE_DIR).",
)
@handle_errors
def serve(port: int, directory: Path) -> None:
    """Preview the built site at http://127.0.0.1:PORT/ (local only; Ctrl-C stops it).

    \b
    Example:
        pricewatch build && pricewatch serve --port 8000
    """
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from pricewatch.commands._common import port_error
    from pricewatch.errors import BuildError

    if not (directory / "index.html").is_file():
        raise BuildError(f"no site in {directory}: run `pricewatch build --out {directory}` first")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(directory))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise port_error("127.0.0.1", port, error) from None
    click.echo(f"Serving {directory} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.server_close()


def register(cli: click.Group) -> None:
    cli.add_command(build)
    cli.add_command(serve)
