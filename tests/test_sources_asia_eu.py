"""Unit tests for the deepseek, mistral, moonshot and minimax sources.

Their golden fixtures run in tests/test_golden_fixtures.py, with every other source's.
"""

from __future__ import annotations

from decimal import Decimal
from types import ModuleType
from urllib.parse import urljoin

import pytest
from golden import fixture_body

from pricewatch.errors import SourceLayoutError
from pricewatch.scraper.sources import deepseek, get_source, minimax, mistral, moonshot

LAYOUT_CHANGED = "the page layout may have changed"


def fixture_url(module: ModuleType, name: str) -> str:
    """A URL for a fixture file: its name beside the source's start page."""
    return urljoin(module.start_urls(module.DEFAULT_BASE_URL)[0], name)


def parse_fixture(source: str, name: str, body: bytes | None = None):
    module = get_source(source)
    return module.parse(
        fixture_url(module, name), fixture_body(source, name).read_bytes() if body is None else body
    )


@pytest.mark.parametrize("module", [deepseek, mistral, moonshot, minimax], ids=lambda m: m.NAME)
def test_source_module_contract(module: ModuleType) -> None:
    assert module.KIND == "first-party"
    assert module.LISTS_EVERYTHING is False
    assert module.start_urls(module.DEFAULT_BASE_URL + "/") == module.start_urls(module.DEFAULT_BASE_URL)
    assert module.start_urls("http://127.0.0.1:8000")[0].startswith("http://127.0.0.1:8000/")


# ---------------------------------------------------------------- deepseek


def _deepseek_body(name: str = "flat_2025-12.html") -> str:
    return fixture_body("deepseek", name).read_text(encoding="utf-8")


def test_deepseek_start_url() -> None:
    assert deepseek.start_urls("https://api-docs.deepseek.com") == [
        "https://api-docs.deepseek.com/quick_start/pricing"
    ]


def test_deepseek_two_api_names_serving_one_version_at_one_price_are_one_record() -> None:
    # deepseek-chat and deepseek-reasoner share a price cell and both serve DeepSeek-V3.2.
    parsed = parse_fixture("deepseek", "flat_2025-12.html")
    assert parsed.row_errors == []
    assert {record.model: record.output for record in parsed.records} == {"DeepSeek-V3.2": Decimal("0.42")}


def test_deepseek_model_version_row_names_the_model_and_keeps_the_api_names() -> None:
    parsed = parse_fixture("deepseek", "peak_2026-09.html")
    names = {record.model: record.info.display_name for record in parsed.records if record.info}
    assert names == {
        "DeepSeek-V4.1-Flash": "DeepSeek-V4.1-Flash (deepseek-flash)",
        "DeepSeek-V4-Pro-0813": "DeepSeek-V4-Pro-0813 (deepseek-v4-pro)",
    }


def test_deepseek_one_version_priced_differently_under_two_names_is_a_row_error() -> None:
    body = _deepseek_body().replace('<td colspan="2">$0.42</td>', "<td>$0.42</td><td>$2.19</td>")
    parsed = deepseek.parse("https://api-docs.deepseek.com/quick_start/pricing", body.encode())
    assert [(r.model, r.output) for r in parsed.records] == [("DeepSeek-V3.2", Decimal("0.42"))]
    assert parsed.row_errors == [
        "deepseek-reasoner (standard): DeepSeek-V3.2 is priced differently under deepseek-chat: "
        "kept deepseek-chat's prices"
    ]


def test_deepseek_models_come_from_the_header_row_without_a_version_row() -> None:
    body = _deepseek_body().replace("deepseek-reasoner", "deepseek-thinker-v9")
    body = body.replace("MODEL VERSION", "RELEASE")
    parsed = deepseek.parse("https://api-docs.deepseek.com/quick_start/pricing", body.encode())
    assert {record.model for record in parsed.records} == {"deepseek-chat", "deepseek-thinker-v9"}


def test_deepseek_renamed_header_row_is_a_layout_error() -> None:
    body = _deepseek_body().replace(">MODEL<", ">MODELS<")
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED) as caught:
        deepseek.parse("https://api-docs.deepseek.com/quick_start/pricing", body.encode())
    assert "no pricing table found" in str(caught.value)


def test_deepseek_page_without_table_is_a_layout_error() -> None:
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED):
        deepseek.parse("u", b"<html><body><p>Pricing moved</p></body></html>")


def test_deepseek_unreadable_cell_is_a_row_error_and_its_offer_is_not_stored() -> None:
    # The flash column's peak cache-hit cell: that offer goes, never stored with cache_read
    # empty; the others of the page stay, their prices whole.
    body = _deepseek_body("peak_2026-09.html").replace("<td>$0.006</td>", "<td>0.2元</td>")
    assert body != _deepseek_body("peak_2026-09.html")
    parsed = deepseek.parse("u", body.encode())
    assert {(r.model, r.tier) for r in parsed.records} == {
        ("DeepSeek-V4.1-Flash", "off-peak"),
        ("DeepSeek-V4-Pro-0813", "standard"),
        ("DeepSeek-V4-Pro-0813", "off-peak"),
    }
    assert all(r.cache_read is not None for r in parsed.records)
    assert any("0.2元" in error and error.endswith("skipped") for error in parsed.row_errors)


def test_deepseek_page_whose_only_offer_is_unreadable_is_a_layout_error() -> None:
    body = _deepseek_body().replace("$0.028", "0.2元")
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED):
        deepseek.parse("u", body.encode())


def test_deepseek_meter_missing_for_one_period_is_a_row_error_not_an_empty_price() -> None:
    # The cache-hit meter loses its OFF-PEAK sub-row: the off-peak offers would lack cache_read.
    body = _deepseek_body("peak_2026-09.html")
    body = body.replace(
        '<td rowspan="2">1M INPUT TOKENS<br>(CACHE HIT)</td><td>OFF-PEAK</td><td>$0.003</td><td>$0.022</td></tr>\n'
        "<tr><td>PEAK</td>",
        '<td rowspan="1">1M INPUT TOKENS<br>(CACHE HIT)</td><td>PEAK</td>',
    ).replace('<td rowspan="6">PRICING', '<td rowspan="5">PRICING')
    assert body != _deepseek_body("peak_2026-09.html")
    parsed = deepseek.parse("u", body.encode())
    assert {r.tier for r in parsed.records} == {"standard"}
    assert sum("'1M INPUT TOKENS (CACHE HIT)' price: skipped" in e for e in parsed.row_errors) == 2


def test_deepseek_table_without_any_price_is_a_layout_error() -> None:
    body = _deepseek_body().replace("$", "€")
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED):
        deepseek.parse("u", body.encode())


def test_deepseek_extra_meter_is_a_row_error() -> None:
    body = (
        _deepseek_body()
        .replace(
            "<tr><td>1M OUTPUT TOKENS</td>",
            '<tr><td>1M IMAGE TOKENS</td><td colspan="2">$1</td></tr><tr><td>1M OUTPUT TOKENS</td>',
        )
        .replace('<td rowspan="3">PRICING', '<td rowspan="4">PRICING')
    )
    parsed = deepseek.parse("u", body.encode())
    assert parsed.row_errors == ["unknown price row '1M IMAGE TOKENS': skipped"]
    assert all(record.cache_read == Decimal("0.028") for record in parsed.records)


@pytest.mark.parametrize("label", list(deepseek.METERS))
def test_deepseek_renamed_meter_is_a_layout_error_naming_it(label: str) -> None:
    body = _deepseek_body().replace(label, "1M IMAGE TOKENS")
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED) as caught:
        deepseek.parse("u", body.encode())
    assert label in str(caught.value) and "1M IMAGE TOKENS" in str(caught.value)


def test_deepseek_renamed_period_is_a_layout_error_naming_it() -> None:
    body = _deepseek_body("peak_2026-09.html").replace("<td>PEAK</td>", "<td>NORMAL</td>")
    with pytest.raises(SourceLayoutError, match="unknown price period 'NORMAL'"):
        deepseek.parse("u", body.encode())


def test_deepseek_off_peak_without_peak_hours_footnote_is_flagged() -> None:
    body = _deepseek_body("peak_2026-09.html").replace("Peak hours are", "Busy hours are")
    parsed = deepseek.parse("u", body.encode())
    assert any("peak-hours" in error for error in parsed.row_errors)


# ---------------------------------------------------------------- mistral

MISTRAL_DIR = (
    "https://raw.githubusercontent.com/mistralai/platform-docs-public/main/src/schema/models/models/"
)


def test_mistral_index_links_the_models_it_lists_in_order() -> None:
    parsed = parse_fixture("mistral", "index.ts")
    assert parsed.records == []
    assert parsed.links == [
        "zai-glm-5-2.ts",
        "mistral-large-3-25-12.ts",
        "mistral-medium-3-1-25-08.ts",
        "voxtral-mini-transcribe-26-02.ts",
    ]
    assert urljoin(MISTRAL_DIR + "index.ts", parsed.links[0]) == MISTRAL_DIR + "zai-glm-5-2.ts"


def test_mistral_index_without_models_is_a_layout_error() -> None:
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED):
        mistral.parse(MISTRAL_DIR + "index.ts", b"export const ALL = [];")


def test_read_default_export_handles_the_typescript_subset() -> None:
    text = """
    import { StaticModel } from '../schema';
    // a comment with a } brace
    export default {
      name: "Name, with comma",
      describe: (l) => ({ description: l.text(`x`, { context: 'y' }) }),
      /* block comment */ 'quoted-key': `template`,
      templated: `a ${b}`,
      count: -2.5e-1,
      list: [1, 'two', { three: 3 },],
      flag: true, nothing: undefined,
      sum: 1 + 2,
      tagged: 'x' as const,
    } as const satisfies StaticModel;
    """
    value = mistral.read_default_export(text)
    assert value["name"] == "Name, with comma"
    assert value["describe"] is mistral.OPAQUE
    assert value["quoted-key"] == "template"
    assert value["templated"] is mistral.OPAQUE
    assert value["count"] == Decimal("-0.25")
    assert value["list"] == [Decimal(1), "two", {"three": Decimal(3)}]
    assert value["flag"] is True and value["nothing"] is None
    assert value["sum"] is mistral.OPAQUE
    assert value["tagged"] == "x"


def _mistral_body(name: str = "mistral-large-3-25-12.ts") -> str:
    return fixture_body("mistral", name).read_text(encoding="utf-8")


def test_mistral_retired_model_gives_no_record() -> None:
    body = _mistral_body().replace("status: 'GA'", "status: 'Retired'")
    parsed = mistral.parse(MISTRAL_DIR + "x.ts", body.encode())
    assert parsed.records == [] and parsed.row_errors == []
    assert mistral.lifecycle(body.encode()) == {"mistral-large-2512": "retired"}


def test_mistral_lifecycle_of_deprecated_and_preview_models() -> None:
    assert mistral.lifecycle(_mistral_body("mistral-medium-3-1-25-08.ts").encode()) == {
        "mistral-medium-2508": "deprecated"
    }
    assert mistral.lifecycle(_mistral_body("zai-glm-5-2.ts").encode()) == {"zai-glm-5-2": "active"}


def test_mistral_unknown_denominator_is_a_row_error() -> None:
    body = _mistral_body().replace(
        "price: 1.5, priceEur: 1.3, denominator: '/M Tokens'", "price: 1.5, denominator: '/K Tokens'"
    )
    parsed = mistral.parse(MISTRAL_DIR + "x.ts", body.encode())
    assert parsed.records == []
    assert any("'/K Tokens'" in error for error in parsed.row_errors)


def test_mistral_price_that_is_not_a_number_is_a_row_error() -> None:
    body = _mistral_body().replace("price: 0.5,", "price: BASE_PRICE,")
    parsed = mistral.parse(MISTRAL_DIR + "x.ts", body.encode())
    assert parsed.records == []
    assert any("OPAQUE" in error for error in parsed.row_errors)


def test_mistral_partial_eur_prices_give_usd_only() -> None:
    body = _mistral_body().replace("price: 0.5, priceEur: 0.44,", "price: 0.5,")
    parsed = mistral.parse(MISTRAL_DIR + "x.ts", body.encode())
    assert [record.currency for record in parsed.records] == ["USD"]
    assert any("EUR" in error for error in parsed.row_errors)


def test_mistral_renamed_pricing_block_is_a_layout_error() -> None:
    body = _mistral_body().replace("pricing: {", "prices: {")
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED):
        mistral.parse(MISTRAL_DIR + "x.ts", body.encode())


def test_mistral_model_without_api_name_uses_its_slug() -> None:
    body = _mistral_body().replace("apiNames: ['mistral-large-2512', 'mistral-large-latest']", "apiNames: []")
    parsed = mistral.parse(MISTRAL_DIR + "x.ts", body.encode())
    assert {record.model for record in parsed.records} == {"mistral-large-3-25-12"}


# ---------------------------------------------------------------- moonshot


def _moonshot_body() -> str:
    return fixture_body("moonshot", "chat_2025-11.md").read_text(encoding="utf-8")


def test_moonshot_html_body_is_a_layout_error_not_prices() -> None:
    html = b"<!DOCTYPE html><html><head><title>\xe6\xa8\xa1\xe5\x9e\x8b</title></head><body><table><tr><td>kimi</td></tr></table></body></html>"
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED) as caught:
        moonshot.parse("https://platform.moonshot.cn/docs/pricing/chat", html)
    assert "got HTML" in str(caught.value)


def test_moonshot_renamed_column_heading_is_a_layout_error() -> None:
    body = _moonshot_body().replace("| 输出价格 |", "| 输出单价 |")
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED):
        moonshot.parse("u", body.encode())


def test_moonshot_markdown_without_price_tables_is_a_layout_error() -> None:
    with pytest.raises(SourceLayoutError, match="no pricing table found"):
        moonshot.parse("u", "# 模型推理价格说明\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n".encode())


def test_moonshot_badge_after_model_id_is_dropped() -> None:
    models = {record.model for record in parse_fixture("moonshot", "chat_2025-11.md").records}
    assert "kimi-k2-turbo-preview" in models
    assert not any("推荐" in model for model in models)


def test_moonshot_price_in_another_currency_is_a_row_error() -> None:
    body = _moonshot_body().replace("| ￥58.00 |", "| $8.00 |")
    parsed = moonshot.parse("u", body.encode())
    assert "kimi-k2-turbo-preview" not in {record.model for record in parsed.records}
    assert any("kimi-k2-turbo-preview" in error for error in parsed.row_errors)


def test_moonshot_other_billing_unit_is_a_row_error() -> None:
    body = _moonshot_body().replace("| moonshot-v1-8k | 1M tokens |", "| moonshot-v1-8k | 1K tokens |")
    parsed = moonshot.parse("u", body.encode())
    assert "moonshot-v1-8k" not in {record.model for record in parsed.records}
    assert any("1K tokens" in error for error in parsed.row_errors)


def _kimi_body(page: str = "chat-k27-code") -> str:
    return fixture_body("moonshot", f"{page}.md").read_text(encoding="utf-8")


def test_moonshot_reads_the_per_model_usd_pages_on_the_kimi_host() -> None:
    urls = moonshot.start_urls()
    assert urls == [f"https://platform.kimi.ai/docs/pricing/{page}.md" for page in moonshot.PRICING_PAGES]
    assert {"chat-k3", "chat-k26", "chat-k25"} <= set(moonshot.PRICING_PAGES)


def test_moonshot_doc_table_context_cell_with_commas_is_one_cell() -> None:
    [k3] = moonshot.parse("u", _kimi_body("chat-k3").encode()).records
    assert (k3.model, k3.currency, k3.cache_read, k3.input, k3.output, k3.context_length) == (
        "kimi-k3",
        "USD",
        Decimal("0.30"),
        Decimal("3.00"),
        Decimal("15.00"),
        1048576,
    )


def test_moonshot_doc_table_without_cache_columns_reads_the_bare_input_price() -> None:
    records = moonshot.parse("u", _kimi_body("chat-v1").encode()).records
    v1 = next(record for record in records if record.model == "moonshot-v1-8k")
    assert (v1.input, v1.output, v1.cache_read) == (Decimal("0.20"), Decimal("2.00"), None)


@pytest.mark.parametrize("title", list(moonshot.DOC_COLUMNS))
def test_moonshot_renamed_doc_table_column_is_a_layout_error_naming_it(title: str) -> None:
    page = "chat-v1" if title == "Input Price" else "chat-k27-code"
    body = _kimi_body(page)
    assert body.count(f'title: "{title}"') == 1
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED) as caught:
        moonshot.parse("u", body.replace(f'title: "{title}"', f'title: "{title} (new)"').encode())
    assert f"{title} (new)" in str(caught.value)


def test_moonshot_added_doc_table_column_is_a_layout_error_not_a_silent_drop() -> None:
    body = _kimi_body().replace(
        '{ title: "Context Window" },', '{ title: "Context Window" },\n{ title: "Cache Write Price" },'
    )
    with pytest.raises(SourceLayoutError, match="Cache Write Price"):
        moonshot.parse("u", body.encode())


def test_moonshot_doc_table_price_with_markup_is_a_row_error_not_zero() -> None:
    body = _kimi_body().replace('<>{"$"}8.00</>', '<><b>{"$"}8.00</b></>')
    parsed = moonshot.parse("u", body.encode())
    assert [record.model for record in parsed.records] == ["kimi-k2.7-code"]
    assert any("kimi-k2.7-code-highspeed: output" in error for error in parsed.row_errors)


def test_moonshot_doc_table_row_of_the_wrong_width_is_a_row_error() -> None:
    body = _kimi_body().replace(
        ', "262,144 tokens"],\n["kimi-k2.7-code-highspeed"', '],\n["kimi-k2.7-code-highspeed"'
    )
    parsed = moonshot.parse("u", body.encode())
    assert [record.model for record in parsed.records] == ["kimi-k2.7-code-highspeed"]
    assert parsed.row_errors and "5 cells under 6 columns" in parsed.row_errors[0]


def test_moonshot_doc_table_in_yuan_is_a_cny_record() -> None:
    body = _kimi_body("chat-k3").replace('{"$"}', '{"￥"}')
    [k3] = moonshot.parse("u", body.encode()).records
    assert (k3.currency, k3.input) == ("CNY", Decimal("3.00"))


def test_moonshot_doc_table_other_billing_unit_is_a_row_error() -> None:
    body = _kimi_body().replace('["kimi-k2.7-code", "1M tokens"', '["kimi-k2.7-code", "1K tokens"')
    parsed = moonshot.parse("u", body.encode())
    assert [record.model for record in parsed.records] == ["kimi-k2.7-code-highspeed"]
    assert any("1K tokens" in error for error in parsed.row_errors)


def test_moonshot_unclosed_doc_table_is_a_layout_error() -> None:
    body = _kimi_body().replace("\n/>\n", "\n")
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED):
        moonshot.parse("u", body.encode())


# ---------------------------------------------------------------- minimax


def _minimax_body() -> str:
    return fixture_body("minimax", "pay-as-you-go_2025-12.md").read_text(encoding="utf-8")


def test_minimax_html_body_is_a_layout_error() -> None:
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED):
        minimax.parse("u", b"<!doctype html><html><body><h2>Text</h2><table></table></body></html>")


def test_minimax_renamed_section_heading_is_a_layout_error() -> None:
    body = _minimax_body().replace("## Text", "## Language models")
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED):
        minimax.parse("u", body.encode())


def test_minimax_renamed_column_is_a_layout_error() -> None:
    body = _minimax_body().replace("| Prompt caching Read |", "| Cache Read          |")
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED):
        minimax.parse("u", body.encode())


def test_minimax_price_in_another_unit_is_a_row_error() -> None:
    body = _minimax_body().replace(r"| \$1.2 / M tokens | \$0.03", r"| \$1.2 / K tokens | \$0.03", 1)
    parsed = minimax.parse("u", body.encode())
    assert [record.model for record in parsed.records] == ["MiniMax-M2-Stable"]
    assert any("K tokens" in error for error in parsed.row_errors)


def test_minimax_missing_cache_price_is_none_not_zero() -> None:
    body = _minimax_body().replace(r"| \$0.375 / M tokens   |", "| -   |", 1)
    parsed = minimax.parse("u", body.encode())
    first = next(record for record in parsed.records if record.model == "MiniMax-M2")
    assert first.cache_write is None


def _paygo_body() -> str:
    return fixture_body("minimax", "pricing-paygo.md").read_text(encoding="utf-8")


def test_minimax_reads_the_2026_paygo_page() -> None:
    assert minimax.start_urls() == ["https://platform.minimax.io/docs/guides/pricing-paygo.md"]


def test_minimax_tabs_are_tiers_and_prompt_lengths_are_thresholds() -> None:
    records = minimax.parse("u", _paygo_body().encode()).records
    m3 = {
        (r.tier, r.min_prompt_tokens): (r.input, r.output, r.cache_read)
        for r in records
        if r.model == "MiniMax-M3"
    }
    assert m3 == {
        ("standard", 0): (Decimal("0.30"), Decimal("1.20"), Decimal("0.06")),
        ("standard", 512000): (Decimal("0.60"), Decimal("2.40"), Decimal("0.12")),
        ("priority", 0): (Decimal("0.45"), Decimal("1.80"), Decimal("0.09")),
        ("priority", 512000): (Decimal("0.90"), Decimal("3.60"), Decimal("0.18")),
    }
    # Tables after </Tabs> and in the Legacy accordion are standard; Audio is another section.
    assert {r.model: r.tier for r in records if r.model != "MiniMax-M3"} == {
        "MiniMax-M2.7": "standard",
        "MiniMax-M2.7-highspeed": "standard",
        "MiniMax-M2.5": "standard",
        "MiniMax-M2": "standard",
    }


def test_minimax_struck_through_price_stores_the_price_charged_and_notes_the_list_price() -> None:
    records = minimax.parse("u", _paygo_body().encode()).records
    m3 = next(
        r for r in records if r.model == "MiniMax-M3" and r.tier == "standard" and r.min_prompt_tokens == 0
    )
    assert m3.input == Decimal("0.30")
    assert {(p.field, p.amount) for p in m3.list_prices} == {
        ("input", Decimal("0.60")),
        ("output", Decimal("2.40")),
        ("cache_read", Decimal("0.12")),
    }
    m27 = next(r for r in records if r.model == "MiniMax-M2.7")
    assert m27.list_prices == ()


def test_minimax_unknown_tab_is_a_layout_error_naming_it() -> None:
    body = _paygo_body().replace('<Tab title="Priority*">', '<Tab title="Flex">')
    with pytest.raises(SourceLayoutError, match="unknown tab 'Flex'"):
        minimax.parse("u", body.encode())


@pytest.mark.parametrize("column", list(minimax.COLUMNS))
def test_minimax_renamed_column_is_a_layout_error_naming_it(column: str) -> None:
    body = _paygo_body().replace(f"| {column} ", f"| {column}X", 1)
    with pytest.raises(SourceLayoutError, match=LAYOUT_CHANGED) as caught:
        minimax.parse("u", body.encode())
    assert f"{column}X" in str(caught.value)


def test_minimax_page_without_the_llm_section_is_a_layout_error() -> None:
    body = _paygo_body().replace("## LLM", "## Language models")
    with pytest.raises(SourceLayoutError, match="no ## LLM or ## Text section"):
        minimax.parse("u", body.encode())


def test_minimax_struck_through_price_alone_is_a_row_error_not_a_price() -> None:
    body = _paygo_body().replace(r"~~\$0.90~~ \$0.45 / M tokens", r"~~\$0.90~~ / M tokens")
    parsed = minimax.parse("u", body.encode())
    assert not any(r.tier == "priority" and r.min_prompt_tokens == 0 for r in parsed.records)
    assert any("MiniMax-M3" in error for error in parsed.row_errors)
