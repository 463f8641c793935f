"""More backfill kinds for the one loop of ``scraper.backfill``: their targets and files.

- ``openrouter-endpoints``: a repository where sweeps of OpenRouter's per-model endpoints
  responses were committed (``sources.openrouter_sweep``). Per-host prices, origin
  ``backfill`` (OpenRouter's own API, rank 2), through the same endpoint -> offer rule as a
  live refresh; a sweep lists every endpoint, so one missing from a later complete sweep
  is closed there (a sweep with a failed model closes nothing). A sweep's own
  ``fetchedAt`` is its observation time.
- ``genai-prices``: pydantic/genai-prices' published price data (``sources.genai_prices``),
  followed across its paths (``GENAI_PRICES_PATHS``); origin ``third-party``, like LiteLLM.
"""

from __future__ import annotations

from pathlib import Path

from pricewatch.errors import BackfillError
from pricewatch.scraper import gitlog
from pricewatch.scraper.backfill import BackfillTarget
from pricewatch.scraper.timeline import THIRD_PARTY

__all__ = [
    "GENAI_PRICES_PATHS",
    "find_endpoints_file",
    "genai_prices_paths",
    "genai_prices_target",
    "openrouter_endpoints_target",
]

# genai-prices' published data over its life, oldest first: `data/prices.json` until the
# rename of 2025-06-22, `prices/data.json`, and from 2026-07-30 `prices/new_data/v2/data.json`
# (new prices go there; the old file stops changing). One logical file: at each commit
# the most recently changed of them is the version.
GENAI_PRICES_PATHS = ("data/prices.json", "prices/data.json", "prices/new_data/v2/data.json")


def openrouter_endpoints_target() -> BackfillTarget:
    """Sweeps of OpenRouter's per-model endpoints, parsed by the openrouter source.

    The host offers it creates belong to the live endpoints sweep (source
    ``openrouter-endpoints``), not to the models list, whose complete runs would end them.
    """
    from pricewatch.scraper.sources import openrouter_endpoints, openrouter_sweep

    return BackfillTarget(
        kind="openrouter-endpoints",
        source=openrouter_endpoints.NAME,
        url=openrouter_sweep.URL,
        parse=openrouter_sweep.parse,
        lists_everything=True,
        split=openrouter_sweep.split,
        parse_entry=openrouter_sweep.parse_entry,
        observed_at=openrouter_sweep.fetched_at,
    )


def find_endpoints_file(repo: Path) -> str:
    """The sweep file in HEAD: ``openrouter-endpoints.json`` wherever it is, else any JSON sweep."""
    from pricewatch.scraper.sources import openrouter_sweep

    files = [p for p in gitlog.list_files(repo) if p.endswith(".json")]
    named = [p for p in files if p.rsplit("/", 1)[-1] == openrouter_sweep.DEFAULT_FILE]
    if len(named) == 1:
        return named[0]
    candidates = named or sorted(files, key=lambda p: ("endpoint" not in p.lower(), p))[:50]
    found = [p for p in candidates if openrouter_sweep.looks_like_sweep(gitlog.read_file(repo, p))]
    if len(found) == 1:
        return found[0]
    if not found:
        raise BackfillError(
            f"no JSON file in {repo} looks like a sweep of OpenRouter endpoints "
            f"(a `data` list of per-model `response` bodies); name it with --file"
        )
    raise BackfillError(f"several endpoint sweeps in {repo} ({', '.join(found)}); choose one with --file")


def genai_prices_target() -> BackfillTarget:
    """genai-prices' price data; names are tried in the catalog through its `match` names."""
    from pricewatch.scraper.sources import genai_prices

    names = genai_prices.MatchNames()
    return BackfillTarget(
        kind="genai-prices",
        source=genai_prices.NAME,
        url=genai_prices.UPSTREAM_URL,
        parse=genai_prices.parse,
        origin=THIRD_PARTY,
        name_candidates=names.candidates,
        split=names.split,
        parse_entry=genai_prices.parse_entry,
        list_row_errors=True,
    )


def genai_prices_paths(repo: Path) -> list[str]:
    """The paths of ``GENAI_PRICES_PATHS`` that the repository's history ever held."""
    found = [p for p in GENAI_PRICES_PATHS if gitlog.version_history(repo, p)]
    if not found:
        raise BackfillError(f"none of {', '.join(GENAI_PRICES_PATHS)} in the history of {repo}; use --file")
    return found
