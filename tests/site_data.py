"""Databases for the site tests: the shipped snapshot replayed, plus hostile names and price changes.

``site_db(path)`` replays data/snapshot (OpenRouter and first-party recordings, true prices)
through `pricewatch refresh --replay`, then writes a few observations of its own through the
store's own ``apply_observations``: a model whose name is an XSS payload, one whose id is a
path-traversal attempt, and a price change of Kimi K2.6 at DeepInfra.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from conftest import REPO_ROOT

from pricewatch.cli import cli

XSS_NAME = "</script><script>alert(1)</script>"
XSS_ID = "evil/<img src=x onerror=alert(2)>"
TRAVERSAL_ID = "../../etc/passwd"


def replay_db(path: Path) -> Path:
    """The shipped snapshot replayed into a new database at ``path``."""
    result = CliRunner().invoke(
        cli, ["refresh", "--db", str(path), "--replay", str(REPO_ROOT / "data" / "snapshot")]
    )
    assert result.exit_code in (0, 1), result.output  # a first-party recording may be partial
    return path


def curated_db(path: Path) -> Path:
    """The snapshot replayed plus the curated history (what `pricewatch demo` builds)."""
    replay_db(path)
    result = CliRunner().invoke(cli, ["load-curated", "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def observe(path: Path, rows: list[dict], *, origin: str = "live", source: str = "test") -> None:
    """Write observations (model, provider, at, input, output[, cache_read, tier, variant]) in one run."""
    from pricewatch.scraper.records import PRICE_FIELDS
    from pricewatch.scraper.store import Observation, apply_observations, finish_run, open_database, start_run

    db = open_database(path)
    run_id = start_run(db, source, origin)
    observations = []
    for row in rows:
        prices = [None] * len(PRICE_FIELDS)
        for index, name in enumerate(PRICE_FIELDS):
            if row.get(name) is not None:
                prices[index] = Decimal(str(row[name]))
        observations.append(
            Observation(
                model_id=row["model"],
                provider_id=row["provider"],
                tier=row.get("tier", "standard"),
                min_prompt_tokens=row.get("min_prompt_tokens", 0),
                variant=row.get("variant", ""),
                observed_at=row["at"],
                prices=tuple(prices),
                quantization=row.get("quantization"),
            )
        )
    with db.atomic():
        stats = apply_observations(db, observations, origin=origin, run_id=run_id, source=source)
        finish_run(db, run_id, "ok", records_seen=len(rows), prices_changed=stats.prices_changed)
    db.conn.close()


def hostile_db(path: Path) -> Path:
    """The replayed snapshot plus models with hostile names and ids."""
    from pricewatch.scraper.store import open_database

    replay_db(path)
    db = open_database(path)
    db["models"].upsert_all(
        [
            {"id": TRAVERSAL_ID, "name": "Traversal Model", "creator": "..", "catalogued": 0},
            {"id": XSS_ID, "name": XSS_NAME, "creator": XSS_NAME, "catalogued": 0},
        ],
        pk="id",
    )
    db.conn.close()
    observe(
        path,
        [
            {
                "model": TRAVERSAL_ID,
                "provider": "deepinfra",
                "at": "2026-08-01T00:00:00Z",
                "input": "1",
                "output": "2",
            },
            {
                "model": XSS_ID,
                "provider": "deepinfra",
                "at": "2026-08-01T00:00:00Z",
                "input": "3",
                "output": "4",
            },
            {
                "model": XSS_ID,
                "provider": "deepinfra",
                "at": "2026-08-10T00:00:00Z",
                "input": "2",
                "output": "4",
            },
        ],
    )
    return path
