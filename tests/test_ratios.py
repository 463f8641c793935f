"""Retail over open-weight prices: peer groups, the group statistic, pairs, series, inputs carried."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from pricewatch.analysis.prices import ModelFacts, PricePoint, market_price
from pricewatch.analysis.ratios import (
    PeerGroup,
    change_times,
    get_peer_group,
    group_ratio,
    group_ratio_series,
    model_price,
    pair_ratio,
    pair_ratio_series,
    parse_peer_groups,
)
from pricewatch.errors import MissingPriceError, UnknownPeerGroupError

D = Decimal
CLOSED, OPEN_A, OPEN_B, OPEN_C = "anthropic/claude-x", "deepseek/open-a", "meta/open-b", "qwen/open-c"
FACTS = {
    CLOSED: ModelFacts(CLOSED, "Claude X", "anthropic", False, ("anthropic",)),
    OPEN_A: ModelFacts(OPEN_A, "Open A", "deepseek", True, ("deepseek",)),
    OPEN_B: ModelFacts(OPEN_B, "Open B", "meta", True, ()),
    OPEN_C: ModelFacts(OPEN_C, "Open C", "qwen", True, ("alibaba",)),
}
GROUP = PeerGroup("test", "Claude X vs open", (CLOSED,), (OPEN_A, OPEN_B, OPEN_C), "published comparison")


def pp(model, provider, valid_from, valid_to, input, output, quantization=None):
    return PricePoint(
        model=model,
        provider=provider,
        tier="standard",
        min_prompt_tokens=0,
        variant="",
        currency="USD",
        valid_from=f"{valid_from}T00:00:00Z",
        valid_to=f"{valid_to}T00:00:00Z" if valid_to else None,
        input=D(input),
        output=D(output),
        origin="curated",
        confidence="high",
        quantization=quantization,
    )


POINTS = [
    pp(CLOSED, "anthropic", "2026-01-01", "2026-03-01", "5", "25"),
    pp(CLOSED, "anthropic", "2026-03-01", None, "4", "20"),
    pp(OPEN_A, "deepseek", "2026-01-01", None, "0.28", "0.42"),
    pp(OPEN_A, "deepinfra", "2026-01-01", None, "0.3", "0.5"),
    pp(OPEN_A, "together", "2026-02-01", None, "0.6", "0.9", quantization="fp4"),
    pp(OPEN_A, "openrouter", "2026-01-01", None, "0.1", "0.1"),  # an aggregator's figure: never a host's
    pp(OPEN_B, "deepinfra", "2026-02-01", None, "0.2", "0.6"),
    pp(OPEN_B, "together", "2026-02-01", None, "0.4", "1.0"),
]
AT = "2026-02-15"


def test_parse_peer_groups_reads_both_sides_in_file_order():
    groups = parse_peer_groups(
        {
            "groups": {
                "b": {"title": "B", "closed": ["x"], "open": ["y", "z"], "sources": ["s"]},
                "a": {"closed": ["x"], "open": ["w"]},
            }
        }
    )
    assert list(groups) == ["b", "a"]
    assert groups["b"] == PeerGroup("b", "B", ("x",), ("y", "z"), "", "", ("s",))
    assert groups["a"].title == "a"


@pytest.mark.parametrize(
    ("table", "message"),
    [({"closed": ["x"], "open": []}, "non-empty"), ({"closed": ["x"], "open": ["x"]}, "on both sides")],
)
def test_parse_peer_groups_refuses_broken_groups(table, message):
    with pytest.raises(ValueError, match=message):
        parse_peer_groups({"groups": {"g": table}})


def test_unknown_peer_group_lists_the_known_ones():
    with pytest.raises(UnknownPeerGroupError) as raised:
        get_peer_group({"test": GROUP}, "nope")
    assert str(raised.value) == "Unknown peer group: nope (known: test)"


def test_shipped_peer_groups_name_catalog_models_on_the_right_side(catalog):
    from pricewatch.inputs import load_model_facts, load_peer_groups

    facts = load_model_facts(catalog)
    groups = load_peer_groups()
    assert "opus-4-6-seed" in groups
    for group in groups.values():
        assert all(facts[m].open_weights is False for m in group.closed), group.id
        assert all(facts[m].open_weights is True for m in group.open), group.id


def test_model_price_is_retail_where_the_maker_sells_it_else_market():
    retail = model_price(POINTS, FACTS, OPEN_A, AT)
    assert (retail.basis, retail.input, retail.output) == ("retail (deepseek)", D("0.28"), D("0.42"))
    market = model_price(POINTS, FACTS, OPEN_B, AT)
    assert (market.basis, market.input, market.output) == ("market (cheapest)", D("0.2"), D("0.6"))
    assert market.blended == (3 * D("0.2") + D("0.6")) / 4
    assert model_price(POINTS, FACTS, OPEN_C, AT) is None


def test_market_statistics_median_named_host_and_unquantized():
    median = model_price(POINTS, FACTS, OPEN_A, AT, basis="market", statistic="median")
    assert (median.input, median.output) == (D("0.3"), D("0.5"))  # OpenRouter's 0.1 left out
    unquantized = model_price(
        POINTS, FACTS, OPEN_A, AT, basis="market", statistic="median", unquantized_only=True
    )
    assert (unquantized.input, unquantized.output) == (D("0.29"), D("0.46"))
    host = model_price(POINTS, FACTS, OPEN_A, AT, basis="market", statistic="together")
    assert (host.basis, host.input) == ("market (host together)", D("0.6"))


def test_pair_ratio_carries_its_inputs():
    ratio = pair_ratio(POINTS, FACTS, CLOSED, OPEN_B, AT)
    assert ratio.input == D(25) and ratio.output == D(25) / D("0.6")
    assert ratio.blended == D(10) / D("0.3")
    assert [p.provider for p in ratio.denominator.points] == ["deepinfra"]
    assert ratio.numerator.inputs == (
        "anthropic/claude-x at anthropic (standard), valid from 2026-01-01 to 2026-03-01 (curated, high confidence)",
    )
    assert ratio.arithmetic[0] == "input: 5 / 0.2 = 25"


def test_pair_ratio_names_the_side_without_a_price():
    with pytest.raises(MissingPriceError, match="no retail or market price for qwen/open-c on 2026-02-15"):
        pair_ratio(POINTS, FACTS, CLOSED, OPEN_C, AT)


def test_group_ratio_uses_the_median_across_open_models_by_default():
    result = group_ratio(POINTS, FACTS, GROUP, AT)
    # open A: cheapest host = DeepSeek 0.28/0.42 (blended 0.315); open B: DeepInfra 0.2/0.6 (0.3)
    market = result.open_market
    assert (market.input, market.output, market.blended) == (D("0.24"), D("0.51"), D("0.3075"))
    (ratio,) = result.ratios
    assert ratio.input == D(5) / D("0.24")
    assert ratio.blended == D(10) / D("0.3075")
    assert result.headline.input == ratio.input  # one closed model: the headline is its ratio
    assert result.missing == ("qwen/open-c: no market (cheapest) price on 2026-02-15",)
    assert len(result.pairs) == 2
    assert {p.provider for p in result.points} == {"anthropic", "deepseek", "deepinfra"}


def test_group_ratio_cheapest_takes_each_field_separately():
    result = group_ratio(POINTS, FACTS, GROUP, AT, group_statistic="cheapest")
    market = result.open_market
    assert (market.input, market.output, market.blended) == (D("0.2"), D("0.42"), D("0.3"))
    assert "input from meta/open-b" in market.note and "output from deepseek/open-a" in market.note


def test_change_times_start_and_every_change_in_the_window():
    assert change_times(POINTS, GROUP.models, "2026-01-01", "2026-04-01") == [
        "2026-01-01T00:00:00Z",
        "2026-02-01T00:00:00Z",
        "2026-03-01T00:00:00Z",
    ]


def test_group_ratio_series_keeps_the_changes():
    series = group_ratio_series(POINTS, FACTS, GROUP, "2026-01-01", "2026-04-01")
    assert [r.at[:10] for r in series] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert series[0].headline.input == D(5) / D("0.28")  # only open A priced then
    assert series[2].headline.input == D(4) / D("0.24")


def test_pair_ratio_series_skips_times_without_both_prices():
    series = pair_ratio_series(POINTS, FACTS, CLOSED, OPEN_B, "2026-01-01", "2026-04-01")
    assert [r.numerator.at[:10] for r in series] == ["2026-02-01", "2026-03-01"]
    assert [r.input for r in series] == [D(25), D(20)]


def test_a_zero_price_is_never_the_cheapest_paid_price_but_a_free_tier_is_free():
    zero = pp(OPEN_B, "azure_ai", "2026-01-01", None, "0", "0")  # a price database's placeholder
    half = pp(OPEN_B, "cheaphost", "2026-01-01", None, "0", "0.5")
    points = [*POINTS, zero, half]
    market = model_price(points, FACTS, OPEN_B, AT, basis="market")
    assert (market.input, market.output, market.points[0].provider) == (D("0.2"), D("0.6"), "deepinfra")
    median = model_price(points, FACTS, OPEN_B, AT, basis="market", statistic="median")
    assert (median.input, median.output) == (D("0.3"), D("0.8"))
    free = dataclasses.replace(zero, tier="free")
    found = market_price([*points, free], OPEN_B, AT, tier="free")
    assert (found.input, found.output, found.offers[0].provider) == (D(0), D(0), "azure_ai")


def test_among_a_providers_variants_a_third_party_figure_comes_last():
    from pricewatch.analysis.prices import price_at

    curated = dataclasses.replace(pp(OPEN_C, "alibaba", "2026-01-01", None, "1", "2"), variant="2026-01")
    third = dataclasses.replace(
        curated, variant="dashscope", origin="third-party", valid_from="2026-02-01T00:00:00Z"
    )
    assert price_at([third, curated], OPEN_C, "alibaba", "2026-02-15T00:00:00Z").origin == "curated"


def test_a_snapshots_price_never_stands_for_the_plain_model_past_its_window():
    """GPT-4o at OpenAI: the plain $2.50/$10 (unconfirmed since its window ended) is not
    replaced by the dated snapshot gpt-4o-2024-05-13's $5/$15, which a source still lists."""
    from pricewatch.analysis.prices import price_at

    plain = dataclasses.replace(
        pp(OPEN_C, "alibaba", "2026-01-01", None, "2.5", "10"), unconfirmed_after="2026-11-29T00:00:00Z"
    )
    snapshot = dataclasses.replace(
        pp(OPEN_C, "alibaba", "2026-01-01", None, "5", "15"), variant="gpt-4o-2024-05-13"
    )
    before = "2026-11-01T00:00:00Z"
    after = "2026-12-05T00:00:00Z"
    assert price_at([plain, snapshot], OPEN_C, "alibaba", before).input == Decimal("2.5")
    assert price_at([plain, snapshot], OPEN_C, "alibaba", after) is None
    assert price_at([snapshot], OPEN_C, "alibaba", after).input == Decimal("5")  # only a snapshot sold
    assert price_at([plain, snapshot], OPEN_C, "alibaba", after, variant="gpt-4o-2024-05-13").input == 5
