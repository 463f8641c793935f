"""No output shows a binary float: every figure is formatted from exact decimals (pricewatch.money).

The site is built for the shipped snapshot (whose OpenRouter recording prints $0.95 per million
as "0.0000009499999999999999") plus prices chosen to expose float arithmetic: 0.1 and 0.2
(0.1 + 0.2 is 0.30000000000000004 in floats), 0.95, and tiny prices of 1e-7 per million.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from site_data import observe, replay_db

from pricewatch import money
from pricewatch.site.build import build_site

NOW = datetime(2026, 9, 1, tzinfo=UTC)
# A digit run a float leaves behind (0.30000000000000004, 0.9499999999999999), after a
# significant digit, so that an exact tiny price (0.0000001) is not one.
FLOAT_ARTEFACT = re.compile(r"\d\.\d*[1-9](?:9{6,}|0{6,}[1-9])")
# An exponent in a number ("1e-07", "9.5E-7"), outside words and hex digests.
EXPONENT = re.compile(r"(?<![\w#.-])\d+(?:\.\d+)?[eE][-+]?\d+(?![\w-])")
CHECKED = {".html", ".svg", ".atom", ".csv", ".json"}
TRICKY = [
    ("qwen/qwen3.5-397b-a17b", "deepinfra", "2026-08-01T00:00:00Z", {"input": "0.1", "output": "0.2"}),
    ("qwen/qwen3.5-397b-a17b", "deepinfra", "2026-08-15T00:00:00Z", {"input": "0.3", "output": "0.95"}),
    (
        "deepseek/deepseek-v3.2",
        "together",
        "2026-08-01T00:00:00Z",
        {"input": "0.0000001", "output": "0.0000003"},
    ),
    (
        "deepseek/deepseek-v3.2",
        "together",
        "2026-08-20T00:00:00Z",
        {"input": "0.0000002", "output": "0.0000003"},
    ),
    ("moonshotai/kimi-k2.6", "together", "2026-08-02T00:00:00Z", {"input": "0.95", "output": "3.8"}),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("floats")
    db = replay_db(root / "pw.db")
    observe(db, [{"model": m, "provider": p, "at": at, **prices} for m, p, at, prices in TRICKY])
    build_site(db, root / "out", now=NOW, workers=1)
    return root / "out"


def test_the_artefact_patterns_catch_floats_and_spare_exact_decimals():
    for text in (str(0.1 + 0.2), "0.9499999999999999", "1.712499999999999925"):
        assert FLOAT_ARTEFACT.search(text), text
    for text in ("0.0000001", "0.95", "1,000,000", "0.0833333333333333"):
        assert not FLOAT_ARTEFACT.search(text), text
    assert EXPONENT.search(f"{1e-7}") and not EXPONENT.search("sha256 3e5a1f, #1e1e1e, gpt-4e")


def test_no_site_file_shows_a_binary_float(site):
    offenders = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in CHECKED:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (FLOAT_ARTEFACT, EXPONENT):
            for match in pattern.finditer(text):
                offenders.append(
                    f"{path.relative_to(site)}: ...{text[max(0, match.start() - 60) : match.end() + 10]}"
                )
    assert offenders == []


def test_the_tricky_prices_reach_the_pages_exactly(site):
    page = (site / "models" / "deepseek--deepseek-v3.2.html").read_text(encoding="utf-8")
    assert "0.0000002" in page
    feed = (site / "feeds" / "changes.atom").read_text(encoding="utf-8")
    assert "input $0.1 -&gt; $0.3" in feed or "input $0.1 -> $0.3" in feed


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("0.1") + Decimal("0.2"), "$0.30"),
        (Decimal("0.0000001"), "$0.0000001"),
        (Decimal("0.9499999999999999"), "$0.95"),
        (Decimal("1234.5"), "$1,234.50"),
    ],
)
def test_display_money_is_exact_decimal_rounding(value, text):
    assert money.money(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("16.54"), "16.5x"), (Decimal("1234.4"), "1,234x"), (1e-7, "0.0000001x"), (None, "")],
)
def test_a_fold_never_shows_an_exponent(value, text):
    assert money.fold(value) == text
