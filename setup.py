"""The package list, derived from the folders so it cannot go stale.

The project's parts stay top-level folders (shared/DESIGN.md) but install under one import
name, ``pricewatch``: each folder below is mapped to its package, and every subpackage inside
it is found, so a new folder of code ships without anyone editing a list. Everything else
(name, dependencies, package data) is in pyproject.toml.
"""

from setuptools import find_packages, setup

# Import name -> folder in the checkout.
PART_FOLDERS = {
    "pricewatch": "pricewatch",
    "pricewatch.scraper": "scraper",
    "pricewatch.analysis": "analysis",
    "pricewatch.site": "site",
    "pricewatch.data": "data",
}


def part_packages() -> list[str]:
    """Every package of every part: the part itself and each folder below it with an __init__.py."""
    packages = []
    for name, folder in PART_FOLDERS.items():
        packages.append(name)
        packages += [f"{name}.{sub}" for sub in find_packages(where=folder)]
    return sorted(packages)


if __name__ == "__main__":
    setup(package_dir=PART_FOLDERS, packages=part_packages())
