"""Tricky cells and layout drift for the first-party sources (anthropic, openai, google).

Their golden fixtures run in tests/test_golden_fixtures.py, with every other source's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from golden import fixture_body

from pricewatch.errors import PriceCellError, SourceLayoutError
from pricewatch.scraper.sources import _markdown, anthropic, google, openai

URL = "https://example.test/pricing.md"


# --- drift: the anchor heading renamed -> a clean SourceLayoutError ---------------------

DRIFT_CASES = [
    pytest.param(anthropic, "anthropic/current.md", "## Model pricing", "## Model prices", id="anthropic"),
    pytest.param(
        openai, "openai/official.md", "### Standard pricing data", "### Standard prices", id="openai"
    ),
    pytest.param(google, "google/models.md", "### Standard", "### Regular", id="google"),
]


@pytest.mark.parametrize(("module", "fixture", "old", "new"), DRIFT_CASES)
def test_renamed_table_heading_raises_layout_error(module, fixture: str, old: str, new: str) -> None:
    body = fixture_body(*fixture.split("/")).read_text()
    assert old in body
    with pytest.raises(SourceLayoutError) as info:
        module.parse(URL, body.replace(old, new).encode())
    message = str(info.value)
    assert "no pricing table found" in message
    assert "the page layout may have changed" in message
    assert URL in message


@pytest.mark.parametrize("module", [anthropic, openai, google], ids=lambda m: m.NAME)
def test_unrelated_page_raises_layout_error(module) -> None:
    with pytest.raises(SourceLayoutError, match="the page layout may have changed"):
        module.parse(URL, b"# Hello\n\n| Model | Price |\n| --- | --- |\n| x | $1 |\n")


@pytest.mark.parametrize("module", [anthropic, openai, google], ids=lambda m: m.NAME)
def test_module_constants(module) -> None:
    assert module.KIND == "first-party"
    assert module.LISTS_EVERYTHING is False
    (url,) = module.start_urls(module.DEFAULT_BASE_URL + "/")
    assert url.startswith(module.DEFAULT_BASE_URL + "/") and "//" not in url.split("://", 1)[1]


def test_start_urls() -> None:
    assert anthropic.start_urls("https://platform.claude.com") == [
        "https://platform.claude.com/docs/en/about-claude/pricing.md"
    ]
    assert openai.start_urls("https://developers.openai.com") == [
        "https://developers.openai.com/api/docs/pricing.md"
    ]
    assert google.start_urls("https://ai.google.dev") == [
        "https://ai.google.dev/gemini-api/docs/pricing.md.txt"
    ]


# --- shared cell parsing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("$5 / MTok", Decimal("5")),
        ("$0.50 / MTok", Decimal("0.50")),
        ("$1.6 / MTok", Decimal("1.6")),
        ("  $4.00 ", Decimal("4.00")),
        ("$0.0375", Decimal("0.0375")),
        ("$1,200 / MTok", Decimal("1200")),
        ("$3 per 1M tokens", Decimal("3")),
        ("-", None),
        ("N/A", None),
        ("Not available", None),
        ("", None),
        ("Free", Decimal(0)),
    ],
)
def test_parse_price_cell(cell: str, expected: Decimal | None) -> None:
    assert _markdown.parse_price_cell(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("$15.00 / 1M characters", "unexpected unit"),
        ("$0.05 per hour", "unexpected unit"),
        ("-$1 / MTok", "negative"),
        ("$-1", "negative"),
        ("TBD", "not a price"),
        ("5 dollars", "not a price"),
    ],
)
def test_parse_price_cell_rejects(cell: str, message: str) -> None:
    with pytest.raises(PriceCellError, match=message):
        _markdown.parse_price_cell(cell)


def test_iter_tables_gives_heading_path_and_skips_front_matter() -> None:
    text = "---\ntitle: Pricing\n---\n\n# Top\n\n## A\n\nLabel\n\n| x | y |\n| - | - |\n| 1 | 2 |\n\n### B\n\n| p |\n| - |\n| q |\n"
    tables = list(_markdown.iter_tables(text))
    assert [t.headings for t in tables] == [("Top", "A"), ("Top", "A", "B")]
    assert [t.levels for t in tables] == [(1, 2), (1, 2, 3)]
    assert tables[0].header == ("x", "y") and tables[0].rows == (("1", "2"),)
    assert tables[0].preceding_text == "Label" and tables[1].preceding_text == ""


def test_merge_group_header() -> None:
    text = "| | Short context | | Long context | |\n| - | - | - | - | - |\n| Model | Input | Output | Input | Output |\n| m | $1 | $2 | $3 | $4 |\n"
    (table,) = _markdown.iter_tables(text)
    merged = _markdown.merge_group_header(table, "Model")
    assert merged.header == (
        "Model",
        "Short context Input",
        "Short context Output",
        "Long context Input",
        "Long context Output",
    )
    assert merged.rows == (("m", "$1", "$2", "$3", "$4"),)


# --- anthropic -------------------------------------------------------------------------

_ANTHROPIC_HEAD = (
    "## Model pricing\n\n"
    "| Model | Base Input Tokens | 5m Cache Writes | 1h Cache Writes | Cache Hits & Refreshes | Output Tokens |\n"
    "| --- | --- | --- | --- | --- | --- |\n"
)


def test_anthropic_bad_cell_is_a_row_error_not_a_zero() -> None:
    body = _ANTHROPIC_HEAD + (
        "| Claude Opus 5 | $5 / MTok | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |\n"
        "| Claude Odd 1 | TBD | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |\n"
        "| Claude Neg 1 | -$5 / MTok | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |\n"
        "| Claude Chars 1 | $5 / 1M characters | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |\n"
    )
    parsed = anthropic.parse(URL, body.encode())
    assert [r.model for r in parsed.records] == ["Claude Opus 5"]
    assert len(parsed.row_errors) == 4  # three bad rows and the missing batch table
    assert any("Claude Odd 1" in e and "not a price" in e for e in parsed.row_errors)
    assert any("Claude Neg 1" in e and "negative" in e for e in parsed.row_errors)
    assert any("Claude Chars 1" in e and "unexpected unit" in e for e in parsed.row_errors)
    assert any("Batch processing" in e for e in parsed.row_errors)


def test_anthropic_model_table_is_chosen_by_heading_not_by_model_rows() -> None:
    decoy = "## Tool use pricing\n\n| Model | Base Input Tokens | Output Tokens |\n| --- | --- | --- |\n| Claude Opus 5 | $99 / MTok | $99 / MTok |\n\n"
    body = (
        decoy
        + _ANTHROPIC_HEAD
        + "| Claude Opus 5 | $5 / MTok | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |\n"
    )
    (record,) = anthropic.parse(URL, body.encode()).records
    assert (record.input, record.output) == (Decimal(5), Decimal(25))


def test_anthropic_missing_price_column_is_a_layout_error() -> None:
    body = "## Model pricing\n\n| Model | Base Input Tokens |\n| --- | --- |\n| Claude Opus 5 | $5 / MTok |\n"
    with pytest.raises(SourceLayoutError, match="Output"):
        anthropic.parse(URL, body.encode())


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Claude Opus 5 / Claude Opus 4.8", ["Claude Opus 5", "Claude Opus 4.8"]),
        ("Claude Sonnet 4.5 / 4", ["Claude Sonnet 4.5", "Claude Sonnet 4"]),
        ("Claude Mythos 5 (limited availability)", ["Claude Mythos 5"]),
        ("Claude Haiku 4.5", ["Claude Haiku 4.5"]),
    ],
)
def test_anthropic_model_cells(cell: str, names: list[str]) -> None:
    assert anthropic._model_names(cell) == names


# --- openai ----------------------------------------------------------------------------


def test_openai_bad_cell_is_a_row_error() -> None:
    body = (
        "### Standard pricing data\n\n| Model | Short context input | Short context cached input | Short context output |\n"
        "| --- | --- | --- | --- |\n| gpt-x | $1.00 | - | $2.00 |\n| gpt-y | $1.00 | - | soon |\n"
    )
    parsed = openai.parse(URL, body.encode())
    assert [r.model for r in parsed.records] == ["gpt-x"]
    assert parsed.row_errors and "gpt-y" in parsed.row_errors[0]


def test_openai_row_without_any_price_is_skipped() -> None:
    body = (
        "### Standard pricing data\n\n| Model | Short context input | Short context cached input | Short context output |\n"
        "| --- | --- | --- | --- |\n| gpt-x | $1.00 | - | $2.00 |\n| gpt-5.4-cyber | - | - | - |\n"
    )
    parsed = openai.parse(URL, body.encode())
    assert [r.model for r in parsed.records] == ["gpt-x"] and parsed.row_errors == []


# --- google ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("$2.50", [google.PriceSegment(Decimal("2.50"))]),
        (
            "$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens",
            [google.PriceSegment(Decimal("1.25")), google.PriceSegment(Decimal("2.50"), 200000)],
        ),
        (
            "$0.30 (text / image / video) $1.00 (audio)",
            [google.PriceSegment(Decimal("0.30")), google.PriceSegment(Decimal("1.00"), modality="audio")],
        ),
        (
            "$0.20, prompts <= 200k tokens $0.40, prompts > 200k $4.50 / 1,000,000 tokens per hour (storage price)",
            [google.PriceSegment(Decimal("0.20")), google.PriceSegment(Decimal("0.40"), 200000)],
        ),
        ("$0.039 per image*", [google.PriceSegment(Decimal("0.039"), per_unit="image")]),
        ("Not available", []),
        ("Free of charge", [google.PriceSegment(Decimal(0))]),
    ],
)
def test_google_paid_cells(cell: str, expected: list) -> None:
    assert google.parse_paid_cell(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Contact sales", "not a price"),
        ("$14 / 1,000 search queries", "unexpected unit"),
        ("-$1.00", "negative"),
    ],
)
def test_google_bad_paid_cells(cell: str, message: str) -> None:
    with pytest.raises(PriceCellError, match=message):
        google.parse_paid_cell(cell)


def test_google_bad_cell_is_a_row_error() -> None:
    body = (
        "## Gemini X\n\n### Standard\n\n| | Free Tier | Paid Tier, per 1M tokens in USD |\n| - | - | - |\n"
        "| Input price | Free of charge | Contact sales |\n| Output price | Free of charge | $1.00 |\n\n"
        "## Gemini Y\n\n### Standard\n\n| | Free Tier | Paid Tier, per 1M tokens in USD |\n| - | - | - |\n"
        "| Input price | Free of charge | $0.10 |\n| Output price | Free of charge | $0.40 |\n"
    )
    parsed = google.parse(URL, body.encode())
    assert [r.model for r in parsed.records] == ["Gemini Y"]
    assert parsed.row_errors and parsed.row_errors[0].startswith("Gemini X (standard)")


def test_google_reads_sections_by_level_and_skips_unknown_sub_headings() -> None:
    table = "| | Free Tier | Paid Tier, per 1M tokens in USD |\n| - | - | - |\n| Input price | - | $0.10 |\n| Output price | - | $0.40 |\n\n"
    body = (
        "# Gemini Developer API pricing\n\n## Gemini Y\n\n### Standard\n\n"
        + table
        + "### Provisioned throughput\n\n"
        + table
    )
    parsed = google.parse(URL, body.encode())
    assert [(r.model, r.tier) for r in parsed.records] == [("Gemini Y", "standard")]


@pytest.mark.parametrize(
    "header",
    [
        # 2026-08-21
        "| Model | Base Input Tokens | 5m Cache Writes | 1h Cache Writes | Cache Hits & Refreshes | Output Tokens |",
        # 2026-09: lower case, "and" for "&"
        "| Model | Base input tokens | 5m cache writes | 1h cache writes | Cache hits and refreshes | Output tokens |",
        # spacing and footnote marks on a title
        "| MODEL |  Base  input tokens | 5m cache writes | 1h cache writes | Cache hits and refreshes<sup>1</sup> | Output tokens^*^ |",
    ],
)
def test_anthropic_header_wording_tolerates_case_spacing_and_footnotes(header: str) -> None:
    body = (
        f"## Model pricing\n\n{header}\n| --- | --- | --- | --- | --- | --- |\n"
        "| Claude Fable 5.1 | $10 / MTok | $12.50 / MTok | $20 / MTok | $0.25 / MTok1 | $50 / MTok |\n"
        "| Claude Opus 5.5 | $4 / MTok | $5 / MTok | $8 / MTok | $0.20 / MTok<sup>2</sup> | $20 / MTok |\n"
    )
    fable, opus = anthropic.parse(URL, body.encode()).records
    assert (fable.input, fable.cache_write, fable.cache_write_1h, fable.cache_read, fable.output) == (
        Decimal("10"),
        Decimal("12.50"),
        Decimal("20"),
        Decimal("0.25"),
        Decimal("50"),
    )
    # The footnote numbers are kept nowhere as a price.
    assert (opus.cache_read, opus.output) == (Decimal("0.20"), Decimal("20"))


def test_anthropic_reworded_column_is_a_layout_error_naming_it() -> None:
    body = _ANTHROPIC_HEAD.replace("Cache Hits & Refreshes", "Cache reads") + (
        "| Claude Opus 5 | $5 / MTok | $6.25 / MTok | $10 / MTok | $0.50 / MTok | $25 / MTok |\n"
    )
    with pytest.raises(SourceLayoutError, match="'Cache hits and refreshes'"):
        anthropic.parse(URL, body.encode())


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("$0.25 / MTok1", Decimal("0.25")),
        ("$2 / MTok<sup>3</sup>", Decimal("2")),
        ("$1.50^*^", Decimal("1.50")),
        ("Not available^**^", None),
        ("$4.00*", Decimal("4.00")),
    ],
)
def test_footnote_marks_are_stripped_from_price_cells(cell: str, expected: Decimal | None) -> None:
    # <sup> is dropped by the table reader, as a page's cell reaches parse_price_cell.
    (table,) = _markdown.iter_tables(f"| a |\n| - |\n| {cell} |\n")
    assert _markdown.parse_price_cell(table.rows[0][0]) == expected


_GOOGLE_HEAD = "| | Free Tier | Paid Tier, per 1M tokens in USD |\n| - | - | - |\n"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "$0.75 through December 31, 2026. $1.50 starting January 1, 2027.",
            [
                google.PriceSegment(Decimal("0.75")),
                google.PriceSegment(Decimal("1.50"), starting=date(2027, 1, 1)),
            ],
        ),
        (
            "$0.075 through December 31, 2026. $0.15 starting January 1, 2027. $0.50 / 1,000,000 tokens per hour "
            "(storage price) through December 31, 2026. $1.00 / 1,000,000 tokens per hour (storage price) "
            "starting January 1, 2027.",
            [
                google.PriceSegment(Decimal("0.075")),
                google.PriceSegment(Decimal("0.15"), starting=date(2027, 1, 1)),
            ],
        ),
        # The per-minute amount restates the token price: one price, audio.
        ("$3.50 or $0.0053/min^*^ (audio)", [google.PriceSegment(Decimal("3.50"), modality="audio")]),
        ("Not available^**^", []),
        (
            "$9.00 (text) $17.50 (video)^*^",
            [google.PriceSegment(Decimal("9.00")), google.PriceSegment(Decimal("17.50"), modality="video")],
        ),
    ],
)
def test_google_2026_cells(cell: str, expected: list) -> None:
    assert google.parse_paid_cell(cell) == expected


def test_google_dated_cells_give_the_price_now_and_the_scheduled_one() -> None:
    body = (
        "## Gemini Z\n\n### Standard\n\n" + _GOOGLE_HEAD + "| Input price | Free of charge | "
        "$0.75 through December 31, 2026. $1.50 starting January 1, 2027. |\n"
        "| Output price (including thinking tokens) | Free of charge | $3.75 |\n\n"
        "### Flex\n\n" + _GOOGLE_HEAD + "| Input price | - | $0.375 |\n| Output price | - | $1.875 |\n\n"
        "### Priority\n\n" + _GOOGLE_HEAD + "| Input price | - | $1.35 |\n| Output price | - | $6.75 |\n"
    )
    parsed = google.parse(URL, body.encode())
    assert parsed.row_errors == []
    got = [(r.tier, r.effective_from, r.input, r.output) for r in parsed.records]
    assert got == [
        ("standard", None, Decimal("0.75"), Decimal("3.75")),
        # The undated output price holds on from the announced day.
        ("standard", date(2027, 1, 1), Decimal("1.50"), Decimal("3.75")),
        ("flex", None, Decimal("0.375"), Decimal("1.875")),
        ("priority", None, Decimal("1.35"), Decimal("6.75")),
    ]


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("Paid Tier, per 1M tokens in USD", "Paid plan, per 1M tokens in USD", "'Paid Tier'"),
        ("| Input price |", "| Input cost |", "'Input price'"),
        ("| Output price |", "| Output cost |", "'Output price'"),
    ],
)
def test_google_renamed_required_column_or_row_is_a_layout_error(old: str, new: str, named: str) -> None:
    table = _GOOGLE_HEAD + "| Input price | - | $0.10 |\n| Output price | - | $0.40 |\n\n"
    body = (
        "## Gemini A\n\n### Standard\n\n" + table + "## Gemini B\n\n### Batch\n\n" + table.replace(old, new)
    )
    with pytest.raises(SourceLayoutError, match=named) as info:
        google.parse(URL, body.encode())
    assert "Gemini B (batch)" in str(info.value)


def test_google_embedding_tables_need_no_output_row() -> None:
    body = (
        "## Gemini Embedding 2\n\n### Standard\n\n"
        + _GOOGLE_HEAD
        + "| Text input price | Free of charge | $0.20 |\n"
    )
    (record,) = google.parse(URL, body.encode()).records
    assert (record.model, record.input, record.output) == ("Gemini Embedding 2", Decimal("0.20"), None)


_OPENAI_HEAD = (
    "### Standard pricing data\n\n| Model | Short context input | Short context cached input | "
    "Short context cache writes | Short context output |\n| --- | --- | --- | --- | --- |\n"
)


@pytest.mark.parametrize(
    ("old", "named"),
    [
        ("Short context input", "'Short context input'"),
        ("Short context cached input", "'Short context cached input'"),
        ("Short context output", "'Short context output'"),
        # An optional column renamed is not dropped silently either.
        ("Short context cache writes", "'Renamed column'"),
    ],
)
def test_openai_renamed_column_is_a_layout_error_naming_it(old: str, named: str) -> None:
    body = _OPENAI_HEAD.replace(old, "Renamed column") + "| gpt-x | $1.00 | $0.10 | $1.25 | $2.00 |\n"
    with pytest.raises(SourceLayoutError, match=named):
        openai.parse(URL, body.encode())


def test_openai_flex_and_priority_are_tiers() -> None:
    tables = "".join(
        _OPENAI_HEAD.replace("Standard pricing data", heading) + "| gpt-x | $1.00 | $0.10 | - | $2.00 |\n\n"
        for heading in openai.TIER_HEADINGS
    )
    tiers = [record.tier for record in openai.parse(URL, tables.encode()).records]
    # "Priority pricing data" (before 2026-07-30) and "Fast pricing data" are one offer: the first kept.
    assert tiers == ["standard", "batch", "flex", "priority"]


def test_anthropic_dated_model_rows_are_the_price_now_and_a_scheduled_change() -> None:
    """July-August 2026: "Claude Sonnet 5 through August 31, 2026" and "... starting September 1, 2026"."""
    body = _ANTHROPIC_HEAD + (
        "| Claude Sonnet 5 through August 31, 2026 | $2 / MTok | $2.50 / MTok | $4 / MTok | $0.20 / MTok | $10 / MTok |\n"
        "| Claude Sonnet 5 starting September 1, 2026 | $3 / MTok | $3.75 / MTok | $6 / MTok | $0.30 / MTok | $15 / MTok |\n"
    )
    parsed = anthropic.parse(URL, body.encode())
    rows = [(r.model, r.input, r.output, r.effective_from) for r in parsed.records]
    assert rows == [
        ("Claude Sonnet 5", Decimal("2"), Decimal("10"), None),
        ("Claude Sonnet 5", Decimal("3"), Decimal("15"), date(2026, 9, 1)),
    ]
    assert not any("Sonnet 5" in error for error in parsed.row_errors)
