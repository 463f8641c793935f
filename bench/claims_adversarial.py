"""The claim reader on hostile text of growing size (issue 18: `scan`/`check` took 34-60 s+ on 9 KB).

Usage:

    .venv/bin/python bench/claims_adversarial.py [--sizes 390,1000,3000,9000,27000] [--stop-after 20]

Each family repeats a fragment that made one of the old patterns backtrack (the "input …
output … costs" pattern, the number and fold patterns, the price-pair pattern, the
grammar's spans), as one run-on sentence of SIZE characters and as an article of SIZE
characters cut into sentences just under the claim limit. It times `scan` (find_claims on
the article) and `check` (parse_claim on the run-on sentence, refused over the limit), one
run each, and prints a Markdown table. A family stops growing once a run takes longer than
--stop-after seconds (so the old code can be measured too). Timing lives here, never in a test.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import time
from collections.abc import Callable

from pricewatch.analysis.claim_grammar import MAX_CLAIM_CHARS
from pricewatch.analysis.claim_text import parse_claim
from pricewatch.analysis.scan import find_claims
from pricewatch.commands.check import names_from_catalog
from pricewatch.errors import PricewatchError
from pricewatch.paths import default_catalog_path
from pricewatch.scraper.catalog import load_catalog

FAMILIES: dict[str, str] = {
    "input output costs": "Input output costs ",
    "number and fold": "1x 1,1 ",
    "price pair": "$1 / ",
    "money then month": "$1 and then ",
    "model names": "GPT-4o is cheaper than ",
    "fell by": "Fell 1 ",
    "share of": "% of the the the ",
}


def _run_on(fragment: str, size: int) -> str:
    return (fragment * (size // len(fragment) + 1))[:size]


def _article(fragment: str, size: int) -> str:
    sentence = _run_on(fragment, MAX_CLAIM_CHARS - 10).strip().rstrip(".") + "."
    return _run_on(sentence + " ", size)


def _seconds(work: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    with contextlib.suppress(PricewatchError):  # a refusal is an answer
        work(*args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="390,1000,3000,9000,27000")
    parser.add_argument("--stop-after", type=float, default=20.0)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    names = names_from_catalog(load_catalog(default_catalog_path()))
    print(f"machine: {platform.machine()}, Python {platform.python_version()}; claim limit {MAX_CLAIM_CHARS}")
    print()
    print("| family | size (chars) | scan, article (s) | scan, run-on (s) | check, run-on (s) |")
    print("|---|---:|---:|---:|---:|")
    for family, fragment in FAMILIES.items():
        for size in sizes:
            article, run_on = _article(fragment, size), _run_on(fragment, size)
            scan_article = _seconds(find_claims, article, names, {})
            scan_run_on = _seconds(find_claims, run_on, names, {})
            check = _seconds(parse_claim, run_on, names)
            print(
                f"| {family} | {size:,} | {scan_article:.3f} | {scan_run_on:.3f} | {check:.3f} |", flush=True
            )
            if max(scan_article, scan_run_on, check) > args.stop_after:
                break


if __name__ == "__main__":
    main()
