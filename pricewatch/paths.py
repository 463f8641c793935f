"""Where the shipped data and site sources are, in a checkout or an installed wheel.

In a wheel, data/ and site/ are installed as ``pricewatch/data`` and ``pricewatch/site``;
in a checkout (editable install) they are siblings of the ``pricewatch`` folder.
Neither is imported (site/ holds no Python), so they are found by path.
"""

from __future__ import annotations

from pathlib import Path

from pricewatch.errors import StoreError

__all__ = [
    "default_catalog_path",
    "default_db_path",
    "shipped_data_dir",
    "shipped_site_dir",
    "user_cache_dir",
]

_PACKAGE_DIR = Path(__file__).resolve().parent


def _find(folder: str, marker: str) -> Path:
    for candidate in (_PACKAGE_DIR / folder, _PACKAGE_DIR.parent / folder):
        if (candidate / marker).exists():
            return candidate
    raise StoreError(f"shipped {folder}/ not found beside {_PACKAGE_DIR}; reinstall pricewatch")


def shipped_data_dir() -> Path:
    """The curated data folder (data/ in a checkout, pricewatch/data in a wheel)."""
    return _find("data", "catalog.toml")


def shipped_site_dir() -> Path:
    """The site's templates and static assets (site/ in a checkout)."""
    return _find("site", "templates")


def default_catalog_path() -> Path:
    """data/catalog.toml as shipped."""
    return shipped_data_dir() / "catalog.toml"


def default_db_path() -> Path:
    """The database path used when neither --db nor PRICEWATCH_DB is given."""
    return Path("data") / "pricewatch.db"


def user_cache_dir() -> Path | None:
    """Where pricewatch caches what it can rebuild (a parsed catalog, the shipped history as a
    database): $XDG_CACHE_HOME/pricewatch, else ~/.cache/pricewatch. PRICEWATCH_NO_CACHE=1
    turns caching off (None)."""
    import os

    if os.environ.get("PRICEWATCH_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pricewatch"
