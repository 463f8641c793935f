"""Deflation trends (DEFLATION_METHODS.md §8): the worked example, t quantiles, record series, flags."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricewatch.analysis.prices import ModelFacts, ModelVersion, PricePoint
from pricewatch.analysis.ratios import PeerGroup
from pricewatch.analysis.trends import (
    EPOCH_MMLU_GPT3_POINTS,
    cheapest_at,
    cheapest_at_threshold,
    confidence_flags,
    fit_log_trend,
    frontier_trend,
    ratio_trend,
    t_cdf,
    t_quantile,
)

D = Decimal

# DEFLATION_METHODS.md §8.6, typed in again here so the test does not trust the module's copy.
WORKED_EXAMPLE = [
    (date(2021, 11, 20), 60.00),
    (date(2022, 9, 1), 20.00),
    (date(2023, 3, 6), 2.00),
    (date(2023, 7, 18), 0.56),
    (date(2023, 12, 1), 0.20),
    (date(2024, 4, 14), 0.13),
    (date(2024, 7, 23), 0.10),
    (date(2024, 9, 24), 0.08),
    (date(2024, 10, 3), 0.07),
]


def test_the_worked_example_of_deflation_methods_is_reproduced():
    fit = fit_log_trend(WORKED_EXAMPLE)
    assert fit.n == 9
    assert fit.slope_per_year == pytest.approx(-2.4675, abs=5e-5)
    assert fit.intercept == pytest.approx(4.0974, abs=5e-5)
    assert fit.se_slope == pytest.approx(0.18543, abs=5e-6)
    assert fit.r2 == pytest.approx(0.962, abs=5e-4)
    assert fit.fold_per_year == pytest.approx(11.8, abs=0.05)
    assert fit.percent_change_per_year == pytest.approx(-0.915, abs=5e-4)
    assert fit.t95 == pytest.approx(2.365, abs=5e-4)
    low, high = fit.ci95
    assert (round(low, 1), round(high, 1)) == (7.6, 18.3)
    low90, high90 = fit.ci90
    assert (round(low90, 1), round(high90, 1)) == (8.3, 16.8)
    assert fit.halving_months == pytest.approx(3.4, abs=0.05)
    assert fit.halving_months / 12 * 365.25 == pytest.approx(103, abs=0.5)
    assert fit.tenfold_years == pytest.approx(0.93, abs=0.005)
    # §8.5: a16z's "10x per year" is consistent with this definition, "900x" is overstated.
    assert fit.consistent_with(10) and not fit.consistent_with(900)
    assert confidence_flags(fit, fit.n) == ()


def test_the_module_copy_of_the_worked_example_matches_the_document():
    assert [(d, float(p)) for d, _, p in EPOCH_MMLU_GPT3_POINTS] == WORKED_EXAMPLE


@pytest.mark.parametrize(
    ("df", "t95", "t90"),
    [(2, 4.303, 2.920), (3, 3.182, 2.353), (4, 2.776, 2.132), (5, 2.571, 2.015), (6, 2.447, 1.943),
     (7, 2.365, 1.895), (8, 2.306, 1.860), (13, 2.160, 1.771), (18, 2.101, 1.734)],
)  # fmt: skip
def test_t_quantiles_match_the_table_of_the_document(df, t95, t90):
    assert round(t_quantile(df, 0.95), 3) == t95
    assert round(t_quantile(df, 0.90), 3) == t90


def test_t_quantiles_at_the_edges():
    assert round(t_quantile(1), 3) == 12.706
    assert round(t_quantile(30), 3) == 2.042
    z = NormalDist().inv_cdf(0.975)
    assert t_quantile(10_000) == pytest.approx(z + (z**3 + z) / 40_000, abs=1e-6)  # Cornish-Fisher, 1st term
    assert t_quantile(10**8) == pytest.approx(z, abs=1e-6)  # the normal limit
    assert t_cdf(0, 5) == pytest.approx(0.5)
    assert t_cdf(-2.0, 3) == pytest.approx(1 - t_cdf(2.0, 3))


@settings(max_examples=80, deadline=None)
@given(
    fold=st.floats(min_value=1.05, max_value=1000),
    start_price=st.floats(min_value=0.01, max_value=100),
    offsets=st.lists(st.integers(min_value=0, max_value=3000), min_size=4, max_size=15, unique=True),
)
def test_a_fit_recovers_a_known_rate_from_exact_exponential_points(fold, start_price, offsets):
    origin = date(2022, 1, 1)
    days = sorted(offsets)
    points = [(origin + timedelta(days=d), start_price * fold ** (-(d - days[0]) / 365.25)) for d in days]
    fit = fit_log_trend(points)
    assert fit is not None
    assert fit.fold_per_year == pytest.approx(fold, rel=1e-6)
    assert fit.halving_months == pytest.approx(12 * math.log(2) / math.log(fold), rel=1e-6)
    assert fit.se_slope == pytest.approx(0, abs=1e-6)


def test_no_fit_under_four_points_and_the_flags_say_why():
    three = WORKED_EXAMPLE[:3]
    assert fit_log_trend(three) is None
    assert confidence_flags(None, 3) == ("no fit: 3 points (a fit needs at least 4)",)


def test_low_confidence_for_few_points_short_spans_and_wide_intervals():
    five = fit_log_trend(WORKED_EXAMPLE[:5])
    assert "low confidence: only 5 points (fewer than 6)" in confidence_flags(five, 5)
    short = fit_log_trend([(date(2024, 1, 1) + timedelta(days=30 * i), 10 / (i + 1)) for i in range(6)])
    assert any("under 12" in flag for flag in confidence_flags(short, 6))
    noisy = fit_log_trend([(date(2020 + i, 1, 1), p) for i, p in enumerate([10, 1, 20, 0.5, 30, 0.3])])
    assert noisy.wide
    assert any(flag.startswith("low confidence: wide interval") for flag in confidence_flags(noisy, 6))


# ----------------------------------------------------------------------------- series over points

BIG, SMALL, OPEN, NOSCORE, WEAK = "openai/big", "openai/small", "meta/open", "meta/noscore", "openai/weak"
FACTS = {
    BIG: ModelFacts(BIG, "Big", "openai", False, ("openai",), {"s": 80.0}),
    SMALL: ModelFacts(SMALL, "Small", "openai", False, ("openai",), {"s": 60.0}),
    OPEN: ModelFacts(OPEN, "Open", "meta", True, (), {"s": 70.0}),
    NOSCORE: ModelFacts(NOSCORE, "No score", "meta", True, (), {}),
    WEAK: ModelFacts(WEAK, "Weak", "openai", False, ("openai",), {"s": 30.0}),
}


def pp(model, provider, valid_from, valid_to, input, output):
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
    )


POINTS = [
    pp(BIG, "openai", "2024-01-01", "2024-07-01", "10", "30"),  # blended 15
    pp(BIG, "openai", "2024-07-01", None, "5", "15"),  # 7.5
    pp(BIG, "somehost", "2024-01-01", None, "0.001", "0.001"),  # a closed model is priced at its maker only
    pp(SMALL, "openai", "2024-03-01", None, "1", "4"),
    pp(OPEN, "hosta", "2024-06-01", None, "2", "2"),
    pp(OPEN, "hostb", "2024-06-01", "2025-01-01", "1", "1"),
    pp(OPEN, "hostb", "2025-01-01", None, "0.5", "0.5"),
    pp(NOSCORE, "hosta", "2024-02-01", None, "0.01", "0.01"),
    pp(WEAK, "openai", "2024-01-01", None, "0.01", "0.01"),
]


def test_cheapest_at_threshold_walks_records_and_lists_models_without_the_score():
    trend = cheapest_at_threshold(POINTS, FACTS, "s", 65, date(2025, 6, 1))
    assert [(p.at[:10], p.model, p.value) for p in trend.records] == [
        ("2024-01-01", BIG, D(15)),
        ("2024-06-01", OPEN, D(1)),
        ("2025-01-01", OPEN, D("0.5")),
    ]
    assert trend.qualifying == (OPEN, BIG)
    assert trend.excluded == ("meta/noscore: no s score",)  # never a zero score, never the cheapest
    assert trend.fit is None
    assert trend.flags == ("no fit: 3 points (a fit needs at least 4)",)
    assert trend.endpoint_fold_per_year == pytest.approx(30 ** (365.25 / 366))
    assert trend.records[1].price.points[0].provider == "hostb"
    assert trend.low_confidence


def test_the_median_host_rule_changes_the_open_weight_price():
    trend = cheapest_at_threshold(POINTS, FACTS, "s", 65, date(2025, 6, 1), host_rule="median")
    assert [p.value for p in trend.records] == [D(15), D("1.5"), D("1.25")]


def test_price_field_and_window():
    trend = cheapest_at_threshold(
        POINTS, FACTS, "s", 65, date(2025, 6, 1), start=date(2024, 7, 1), price="output"
    )
    assert [(p.at[:10], p.value) for p in trend.records] == [("2024-07-01", D(1)), ("2025-01-01", D("0.5"))]
    assert trend.start.startswith("2024-07-01")


def test_cheapest_at_one_time():
    found = cheapest_at(POINTS, FACTS, "s", 50, "2024-04-01")
    assert (found.model, found.value) == (SMALL, D("1.75"))


def test_no_qualifying_model_is_said_plainly():
    trend = cheapest_at_threshold(POINTS, FACTS, "s", 99, date(2025, 6, 1))
    assert trend.records == () and trend.flags[0] == "no model with a s score >= 99 has a price in the window"


def test_frontier_is_the_highest_score_with_a_price():
    trend = frontier_trend(POINTS, FACTS, "s", date(2025, 6, 1))
    assert [(p.at[:10], p.model, p.value) for p in trend.series] == [
        ("2024-01-01", BIG, D(15)),
        ("2024-07-01", BIG, D("7.5")),
    ]


# ----------------------------------------------------------------------------- scores by version

FLASH = "google/flash"
#: One model, two snapshots scored differently: -001 (60, under the bar of 65) from 2024-05-01,
#: -002 (80) from 2024-09-01; then -003 (no score) from 2025-03-01. Its price never changes at
#: -002's release, so only the version makes it qualify.
VERSIONED = {
    **FACTS,
    FLASH: ModelFacts(
        FLASH,
        "Flash",
        "google",
        False,
        ("google",),
        {"s": 80.0},
        (
            ModelVersion(FLASH, "flash-001", "2024-05-01T00:00:00Z", {"s": 60.0}),
            ModelVersion(FLASH, "flash-002", "2024-09-01T00:00:00Z", {"s": 80.0}),
            ModelVersion(FLASH, "flash-003", "2025-03-01T00:00:00Z", {}),
        ),
    ),
}
VERSIONED_POINTS = [
    *POINTS,
    pp(FLASH, "google", "2024-05-01", "2024-08-01", "0.4", "0.4"),
    pp(FLASH, "google", "2024-08-01", None, "0.1", "0.1"),  # the cut comes under -001's score
]


def test_model_facts_give_the_score_of_the_version_in_force():
    flash = VERSIONED[FLASH]
    assert flash.score_at("s", "2024-04-30T00:00:00Z") is None  # before its first version
    assert flash.score_at("s", "2024-06-01T00:00:00Z") == (60.0, "flash-001")
    assert flash.score_at("s", "2024-09-01T00:00:00Z") == (80.0, "flash-002")
    assert (
        flash.score_at("s", "2025-06-01T00:00:00Z") is None
    )  # -003 has no score: -002's does not carry over
    assert flash.scores_at("2024-06-01T00:00:00Z") == {"s": 60.0}
    assert FACTS[BIG].score_at("s", "2000-01-01T00:00:00Z") == (
        80.0,
        None,
    )  # facts without versions: timeless


def test_a_trend_at_a_fixed_score_uses_the_score_of_each_version():
    trend = cheapest_at_threshold(VERSIONED_POINTS, VERSIONED, "s", 65, date(2025, 6, 1))
    assert [(p.at[:10], p.model, p.value, p.score, p.version) for p in trend.records] == [
        ("2024-01-01", BIG, D(15), 80.0, None),
        ("2024-06-01", OPEN, D(1), 70.0, None),
        # -001 at $0.10 from 2024-08-01 is under the bar; -002 counts from its release, no price change then
        ("2024-09-01", FLASH, D("0.1"), 80.0, "flash-002"),
    ]
    # -003 (unscored) leaves it out again from 2025-03-01: the open model is the cheapest then
    assert [(p.at[:10], p.model) for p in trend.series][-1] == ("2025-03-01", OPEN)
    assert FLASH in trend.qualifying
    assert cheapest_at(VERSIONED_POINTS, VERSIONED, "s", 65, "2024-08-15").model == OPEN
    found = cheapest_at(VERSIONED_POINTS, VERSIONED, "s", 65, "2024-09-15")
    assert (found.model, found.score, found.version) == (FLASH, 80.0, "flash-002")
    assert found.as_dict()["version"] == "flash-002"


def test_one_timeless_score_would_have_counted_the_later_snapshot_before_it_existed():
    # the bug this replaces: the model at -002's 80 for all dates puts $0.10 on record from 2024-08-01
    timeless = {**FACTS, FLASH: ModelFacts(FLASH, "Flash", "google", False, ("google",), {"s": 80.0})}
    trend = cheapest_at_threshold(VERSIONED_POINTS, timeless, "s", 65, date(2025, 6, 1))
    assert ("2024-08-01", FLASH) in [(p.at[:10], p.model) for p in trend.records]


def test_the_frontier_follows_the_version_in_force():
    trend = frontier_trend(VERSIONED_POINTS, VERSIONED, "s", date(2025, 6, 1))
    # at 80, -002 ties Big and is cheaper, so it leads from its release until the unscored -003
    assert [(p.at[:10], p.model, p.version) for p in trend.series] == [
        ("2024-01-01", BIG, None),
        ("2024-07-01", BIG, None),  # its price cut
        ("2024-09-01", FLASH, "flash-002"),
        ("2025-03-01", BIG, None),
    ]


def test_a_model_whose_scored_version_is_not_in_the_window_is_excluded_and_says_why():
    trend = cheapest_at_threshold(
        VERSIONED_POINTS, VERSIONED, "s", 65, date(2025, 6, 1), start=date(2025, 4, 1)
    )
    assert f"{FLASH}: no s score for the versions in force in the window" in trend.excluded


def _halving_open_points(years: int, ratio_direction: int):
    """A closed model at a fixed price and an open one whose price halves (or doubles) each year."""
    points = [pp(BIG, "openai", "2022-01-01", None, "8", "8")]
    for i in range(years):
        price = D(4) * (D(2) ** (-ratio_direction * i))
        points.append(pp(OPEN, "hosta", f"{2022 + i}-01-01", f"{2023 + i}-01-01", price, price))
    return points


@pytest.mark.parametrize(("direction", "expected"), [(1, "widening"), (-1, "narrowing")])
def test_ratio_trend_says_whether_the_gap_widens(direction, expected):
    group = PeerGroup("g", "g", (BIG,), (OPEN,))
    trend = ratio_trend(_halving_open_points(5, direction), FACTS, group, date(2026, 12, 31))
    assert [float(p.ratio) for p in trend.series] == [2 * 2.0 ** (direction * i) for i in range(5)]
    assert trend.direction == expected
    assert trend.fit.fold_per_year == pytest.approx(2.0 ** (-direction), rel=1e-3)


def test_points_resting_on_low_confidence_prices_are_flagged():
    from dataclasses import replace

    points = [replace(p, confidence="low") if p.model == OPEN else p for p in POINTS]
    trend = cheapest_at_threshold(points, FACTS, "s", 65, date(2025, 6, 1))
    assert trend.flags[-1] == (
        "2 of 3 points rest on low-confidence (unverified) curated prices: 2024-06-01 meta/open, 2025-01-01 meta/open"
    )


def test_a_zero_price_is_no_trend_point_and_no_division():
    # A third-party $0 for an open model: not the cheapest paid price, so the records stand.
    zero = pp(OPEN, "azure_ai", "2024-09-01", None, "0", "0")
    trend = cheapest_at_threshold([*POINTS, zero], FACTS, "s", 65, date(2025, 6, 1))
    assert [(p.at[:10], p.value) for p in trend.records] == [
        ("2024-01-01", D(15)),
        ("2024-06-01", D(1)),
        ("2025-01-01", D("0.5")),
    ]
    # Even a maker's own $0 (a closed model priced at its maker) is not a point.
    free_big = pp(BIG, "openai", "2025-03-01", None, "0", "0")
    found = cheapest_at([*POINTS[:1], free_big], FACTS, "s", 65, "2025-04-01")
    assert found is None
