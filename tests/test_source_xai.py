"""Unit tests for the xai source (written from a description of its page: see its module)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from golden import fixture_body

from pricewatch.errors import SourceLayoutError
from pricewatch.scraper.sources import xai

LAYOUT_CHANGED = "the page layout may have changed"


def _body(name: str = "pricing_two-tiers.md") -> str:
    return fixture_body("xai", name).read_text(encoding="utf-8")


def test_xai_reads_the_markdown_pricing_page() -> None:
    assert xai.start_urls() == ["https://docs.x.ai/developers/pricing.md"]


def test_xai_prompt_length_rows_are_one_model_with_a_long_context_tier() -> None:
    records = xai.parse("u", _body().encode()).records
    assert {(r.model, r.min_prompt_tokens): (r.input, r.cache_read, r.output) for r in records} == {
        ("grok-4.7", 0): (Decimal("2.00"), Decimal("0.50"), Decimal("6.00")),
        ("grok-4.7", 200000): (Decimal("4.00"), Decimal("1.00"), Decimal("12.00")),
    }
    assert {r.context_length for r in records} == {500000}


def test_xai_context_in_millions() -> None:
    records = xai.parse("u", _body("pricing.md").encode()).records
    assert {r.model: r.context_length for r in records} == {"grok-4.3": 1000000, "grok-build-0.1": 256000}


@pytest.mark.parametrize("column", list(xai.COLUMNS))
def test_xai_renamed_column_is_a_layout_error_naming_it(column: str) -> None:
    body = _body().replace(f"| {column} |", f"| {column} (new) |")
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED) as caught:
        xai.parse("u", body.encode())
    assert f"{column} (new)" in str(caught.value)


def test_xai_renamed_heading_is_a_layout_error() -> None:
    with pytest.raises(SourceLayoutError, match="no table under ### Text API Pricing"):
        xai.parse("u", _body().replace("### Text API Pricing", "### Language models").encode())


def test_xai_html_is_a_layout_error() -> None:
    with pytest.raises(SourceLayoutError, match="got HTML"):
        xai.parse("u", b"<!DOCTYPE html><html><head></head><body>Pricing</body></html>")


def test_xai_price_in_another_unit_is_a_row_error_not_a_price() -> None:
    parsed = xai.parse("u", _body().replace("| $6.00 |", "| $6.00 / image |").encode())
    assert [(r.model, r.min_prompt_tokens) for r in parsed.records] == [("grok-4.7", 200000)]
    assert len(parsed.row_errors) == 1 and "image" in parsed.row_errors[0]


def test_xai_unreadable_model_cell_is_a_row_error() -> None:
    parsed = xai.parse("u", _body().replace("(≥ 200k prompt tokens)", "(batch)").encode())
    assert [(r.model, r.min_prompt_tokens) for r in parsed.records] == [("grok-4.7", 0)]
    assert parsed.row_errors == ["unreadable model cell 'grok-4.7 (batch)': skipped"]
