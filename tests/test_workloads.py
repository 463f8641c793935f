"""Workload costs: every token class x its price, cache readings, missing prices, linearity."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricewatch.analysis.prices import PricePoint
from pricewatch.analysis.workloads import (
    TokenPrices,
    WorkloadPrices,
    WorkloadProfile,
    blended_price,
    request_cost,
    workload_cost,
    workload_prices_at,
)
from pricewatch.errors import ImpossibleWorkloadError, MissingPriceError, PricewatchError

D = Decimal
# Claude Opus 4.6 list prices (Anthropic, 2026): $5 in, $25 out, $0.50 cache read, $6.25 5-minute write.
OPUS = TokenPrices(input=D(5), output=D(25), cache_read=D("0.5"), cache_write=D("6.25"), cache_write_1h=D(10))


def point(
    model="m",
    provider="p",
    tier="standard",
    min_prompt_tokens=0,
    valid_from="2026-01-01T00:00:00Z",
    valid_to=None,
    **prices,
):
    return PricePoint(
        model=model,
        provider=provider,
        tier=tier,
        min_prompt_tokens=min_prompt_tokens,
        variant="",
        currency="USD",
        valid_from=valid_from,
        valid_to=valid_to,
        origin="curated",
        confidence="high",
        **{k: D(str(v)) for k, v in prices.items()},
    )


def test_blended_price_is_three_to_one_by_default():
    assert blended_price(D(5), D(25)) == D(10)
    assert blended_price(D(5), D(25), (1, 1)) == D(15)
    assert blended_price(None, D(25)) is None


def test_power_user_with_95_percent_of_input_tokens_read_from_cache():
    # 150M tokens/day x 30 = 4.5B; 90/10 -> 4.05B input, 0.45B output; 95% of input cached.
    profile = WorkloadProfile(tokens_per_day=150_000_000, input_share="0.9", cache_hit="0.95")
    cost = workload_cost(profile, OPUS)
    by_label = {line.label: line for line in cost.lines}
    assert by_label["cache reads"].tokens == D(3_847_500_000)
    assert by_label["cache reads"].cost_usd == D("1923.75")  # 3,847.5M x $0.50
    assert by_label["uncached input"].cost_usd == D("1012.5")  # 202.5M x $5
    assert by_label["output"].cost_usd == D(11_250)  # 450M x $25
    assert cost.monthly_cost_usd == D("14186.25")
    assert cost.daily_cost_usd == D("472.875")
    assert any('share of INPUT tokens (reading "input")' in line for line in cost.assumptions)
    assert cost.arithmetic[-1] == "total: $1,012.5 + $1,923.75 + $11,250 = $14,186.25"


def test_reading_all_tokens_cannot_exceed_the_input_share():
    with pytest.raises(ImpossibleWorkloadError) as raised:
        WorkloadProfile(tokens_per_day=150_000_000, input_share="0.9", cache_hit="0.95", cache_reading="all")
    assert str(raised.value) == "95% of all tokens cannot be cache reads when only 90% are input"
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, PricewatchError)


def test_reading_all_tokens_says_which_reading_it_used():
    profile = WorkloadProfile(
        tokens_per_month=1_000_000, input_share="0.9", cache_hit="0.45", cache_reading="all"
    )
    cost = workload_cost(profile, OPUS)
    reads = next(line for line in cost.lines if line.label == "cache reads")
    assert reads.tokens == D(450_000)  # 45% of all tokens
    assert any('share of ALL tokens (reading "all")' in line and "50%" in line for line in cost.assumptions)


def test_cache_reads_and_writes_cannot_exceed_input():
    with pytest.raises(ImpossibleWorkloadError, match="add up to more than the input tokens"):
        WorkloadProfile(tokens_per_month=100, input_share="0.9", cache_hit="0.9", cache_write_share="0.2")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tokens_per_day": 1, "tokens_per_month": 30}, "exactly one"),
        ({}, "exactly one"),
        ({"tokens_per_day": 1, "input_share": "1.5"}, "between 0 and 1"),
        ({"tokens_per_day": -1}, "negative"),
        ({"tokens_per_day": 1, "days_per_month": 0}, "positive"),
    ],
)
def test_profiles_that_cannot_happen_are_refused(kwargs, message):
    with pytest.raises(ImpossibleWorkloadError, match=message):
        WorkloadProfile(**kwargs)


def test_cache_writes_are_billed_at_the_chosen_lifetime():
    five = workload_cost(
        WorkloadProfile(tokens_per_month=1_000_000, input_share=1, cache_write_share="0.5"), OPUS
    )
    hour = workload_cost(
        WorkloadProfile(
            tokens_per_month=1_000_000, input_share=1, cache_write_share="0.5", cache_write_ttl="1h"
        ),
        OPUS,
    )
    assert five.total_usd == D("0.5") * 5 + D("0.5") * D("6.25")
    assert hour.total_usd == D("0.5") * 5 + D("0.5") * 10


def test_missing_cache_read_price_is_billed_at_input_and_flagged():
    prices = TokenPrices(input=D(1), output=D(2))
    cost = workload_cost(WorkloadProfile(tokens_per_month=1_000_000, input_share=1, cache_hit="0.5"), prices)
    assert cost.total_usd == D(1)  # every input token at $1/M
    assert cost.flags == (
        "no cache-read price known: cache reads billed at the input price (an upper bound)",
    )
    assert cost.flags[0] in cost.assumptions
    reads = next(line for line in cost.lines if line.label == "cache reads")
    assert reads.fallback == "input price: no cache-read price"


def test_missing_cache_read_price_can_be_refused():
    prices = TokenPrices(input=D(1), output=D(2))
    with pytest.raises(MissingPriceError, match="no cache-read price"):
        workload_cost(
            WorkloadProfile(tokens_per_month=1_000_000, input_share=1, cache_hit="0.5"),
            prices,
            on_missing="refuse",
        )


def test_a_missing_price_with_no_tokens_is_not_flagged():
    cost = workload_cost(WorkloadProfile(tokens_per_month=1_000_000), TokenPrices(input=D(1), output=D(2)))
    assert cost.flags == ()


def test_missing_output_price_always_raises():
    with pytest.raises(MissingPriceError):
        workload_cost(WorkloadProfile(tokens_per_month=100), TokenPrices(input=D(1), output=None))


def test_reasoning_tokens_come_on_top_at_the_output_price():
    cost = workload_cost(
        WorkloadProfile(tokens_per_month=1_000_000, input_share=0, reasoning_per_output=2),
        TokenPrices(input=D(1), output=D(4)),
    )
    assert cost.total_usd == D(4) + D(8)
    assert cost.flags == ()


def test_batch_and_long_context_shares_use_their_prices():
    prices = WorkloadPrices(
        standard=TokenPrices(input=D(2), output=D(8)),
        long_context=TokenPrices(input=D(4), output=D(16)),
        long_context_threshold=200_000,
        batch=TokenPrices(input=D(1), output=D(4)),
        batch_long_context=TokenPrices(input=D(2), output=D(8)),
    )
    profile = WorkloadProfile(
        tokens_per_month=1_000_000, input_share=1, batch_share="0.5", long_context_share="0.5"
    )
    # a quarter of the tokens in each segment: (2 + 4 + 1 + 2) / 4
    assert workload_cost(profile, prices).total_usd == D("2.25")
    assert any("200,000 tokens" in line for line in workload_cost(profile, prices).assumptions)


def test_missing_batch_price_falls_back_to_standard_and_is_flagged():
    profile = WorkloadProfile(tokens_per_month=1_000_000, input_share=1, batch_share="0.5")
    cost = workload_cost(profile, TokenPrices(input=D(2), output=D(8)))
    assert cost.total_usd == D(2)
    assert cost.flags == (
        "no batch price known: batch, base context tokens billed at the standard base-context price",
    )


def test_workload_prices_come_from_the_offers_in_force():
    points = [
        point(valid_from="2025-01-01T00:00:00Z", valid_to="2026-01-01T00:00:00Z", input="9", output="9"),
        point(valid_from="2026-01-01T00:00:00Z", input="2", output="8", cache_read="0.2"),
        point(min_prompt_tokens=200_000, input="4", output="16"),
        point(tier="batch", input="1", output="4"),
        point(provider="other", input="0.1", output="0.1"),
    ]
    prices = workload_prices_at(points, "m", "p", "2026-06-01")
    assert prices.standard.input == D(2) and prices.standard.cache_read == D("0.2")
    assert prices.long_context.input == D(4) and prices.long_context_threshold == 200_000
    assert prices.batch.input == D(1)
    assert prices.batch_long_context is None
    assert prices.standard.source == "m at p (standard), valid from 2026-01-01 (curated, high confidence)"
    with pytest.raises(
        MissingPriceError, match="no standard input and output price for m at p on 2024-06-01"
    ):
        workload_prices_at(points, "m", "p", "2024-06-01")


def test_request_cost_of_one_million_input_and_100k_output_on_opus():
    cost = request_cost(OPUS, 1_000_000, 100_000)
    assert cost.total_usd == D("7.5")  # $5 + $2.50
    with pytest.raises(ImpossibleWorkloadError):
        request_cost(OPUS, 10, 1, cache_read_tokens=11)


def test_the_json_form_keeps_exact_decimals():
    cost = workload_cost(WorkloadProfile(tokens_per_day=1_000, input_share="0.9"), OPUS)
    data = cost.as_dict()
    assert D(data["monthly_cost_usd"]) == cost.monthly_cost_usd
    assert data["cache_reading"] == "input"
    assert data["lines"][0]["tokens"] == "27000"


shares = st.decimals(min_value=0, max_value=1, places=2)


@settings(max_examples=60, deadline=None)
@given(
    tokens=st.integers(min_value=0, max_value=10**12),
    factor=st.integers(min_value=0, max_value=1000),
    input_share=shares,
    hit=shares,
    write=shares,
    batch=shares,
    long=shares,
)
def test_cost_is_linear_in_tokens(tokens, factor, input_share, hit, write, batch, long):
    if hit + write > 1:
        write = 1 - hit
    prices = WorkloadPrices(
        standard=OPUS,
        long_context=TokenPrices(input=D(10), output=D("37.5"), cache_read=D(1)),
        batch=TokenPrices(input=D("2.5"), output=D("12.5"), cache_read=D("0.25")),
    )
    base = WorkloadProfile(
        tokens_per_month=tokens,
        input_share=input_share,
        cache_hit=hit,
        cache_write_share=write,
        batch_share=batch,
        long_context_share=long,
    )
    one = workload_cost(base, prices).total_usd
    scaled = workload_cost(base.scaled(factor), prices).total_usd
    assert abs(scaled - one * factor) <= D("1e-12") * max(D(1), abs(scaled))


@settings(max_examples=60, deadline=None)
@given(
    tokens=st.integers(min_value=1, max_value=10**11),
    input_share=st.decimals(min_value="0.01", max_value=1, places=2),
    fraction=shares,
)
def test_reading_all_with_hit_h_equals_reading_input_with_h_over_input_share(tokens, input_share, fraction):
    hit_all = (input_share * fraction).quantize(D("0.0001"))  # any h <= input share
    as_all = WorkloadProfile(
        tokens_per_month=tokens, input_share=input_share, cache_hit=hit_all, cache_reading="all"
    )
    as_input = WorkloadProfile(
        tokens_per_month=tokens, input_share=input_share, cache_hit=min(D(1), hit_all / input_share)
    )
    a, b = workload_cost(as_all, OPUS).total_usd, workload_cost(as_input, OPUS).total_usd
    assert abs(a - b) <= D("1e-15") * max(D(1), a)
