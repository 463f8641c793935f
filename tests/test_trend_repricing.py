"""Trends re-price only the models whose price or score can have changed: the same series as re-pricing all.

``analysis.trends._repricing`` says, for each change moment, which models to price again. The
trends below are computed twice on random histories (periods that end, prices that pass their
confirmation window between moments, versions with and without scores, open and closed
models, several hosts): once with the plan, once with a plan that prices every model at every
moment (what the trends did before). Their results must be equal, point for point.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from pricewatch.analysis import trends
from pricewatch.analysis.prices import ModelFacts, ModelVersion, PriceIndex, PricePoint

SCORE = "lmarena_text_score"
HOSTS = ("deepinfra", "together", "fireworks")


def _day(rng: random.Random, year_from: int = 2023) -> str:
    return f"{rng.randint(year_from, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00Z"


def _history(seed: int) -> tuple[PriceIndex, dict[str, ModelFacts]]:
    rng = random.Random(seed)
    facts: dict[str, ModelFacts] = {}
    points: list[PricePoint] = []
    for number in range(rng.randint(3, 9)):
        model = f"maker{number % 3}/model-{number}"
        open_weights = rng.random() < 0.5
        maker = model.split("/")[0]
        versions = tuple(
            ModelVersion(
                model=model,
                version=f"v{index}",
                valid_from=None if index == 0 else _day(rng, 2024),
                scores={} if rng.random() < 0.2 else {SCORE: float(rng.randint(1100, 1400))},
            )
            for index in range(rng.randint(1, 3))
        )
        facts[model] = ModelFacts(
            id=model, name=model, creator=maker, open_weights=open_weights, makers=(maker,), versions=versions
        )
        for provider in (maker, *rng.sample(HOSTS, rng.randint(0, 3))):
            moments = sorted({_day(rng) for _ in range(rng.randint(1, 5))})
            for index, valid_from in enumerate(moments):
                last = index == len(moments) - 1
                valid_to = (
                    None if last and rng.random() < 0.6 else (moments[index + 1] if not last else _day(rng))
                )
                if valid_to is not None and valid_to <= valid_from:
                    valid_to = None
                unconfirmed = _day(rng) if rng.random() < 0.3 else None
                if unconfirmed is not None and unconfirmed <= valid_from:
                    unconfirmed = None
                price = Decimal(rng.randint(5, 400)) / 100
                points.append(
                    PricePoint(
                        model=model,
                        provider=provider,
                        tier="standard",
                        min_prompt_tokens=0,
                        variant="",
                        currency="USD",
                        valid_from=valid_from,
                        valid_to=valid_to,
                        input=price,
                        output=price * rng.randint(2, 6),
                        unconfirmed_after=unconfirmed,
                    )
                )
    return PriceIndex(points), facts


def _every_model_every_moment(by_model, scored, models, moments):
    return [set(models) for _ in moments]


@pytest.mark.parametrize("seed", range(40))
def test_repricing_plan_gives_the_series_of_pricing_every_model_at_every_moment(seed, monkeypatch):
    points, facts = _history(seed)
    end = "2026-12-31"
    planned = (
        trends.frontier_trend(points, facts, SCORE, end).as_dict(),
        trends.cheapest_at_threshold(points, facts, SCORE, 1250.0, end).as_dict(),
        trends.cheapest_at_threshold(points, facts, SCORE, 1150.0, end, start="2024-06-01").as_dict(),
    )
    monkeypatch.setattr(trends, "_repricing", _every_model_every_moment)
    points, facts = _history(seed)  # new objects: nothing cached on the index is shared
    brute = (
        trends.frontier_trend(points, facts, SCORE, end).as_dict(),
        trends.cheapest_at_threshold(points, facts, SCORE, 1250.0, end).as_dict(),
        trends.cheapest_at_threshold(points, facts, SCORE, 1150.0, end, start="2024-06-01").as_dict(),
    )
    assert planned == brute


def test_a_price_passing_its_confirmation_window_between_moments_is_priced_again(monkeypatch):
    # The only price of the cheaper model leaves "current" on 2025-03-01, with no period
    # starting or ending then: the next moment (another model's change) must not keep it.
    def point(model: str, valid_from: str, amount: str, unconfirmed: str | None = None) -> PricePoint:
        return PricePoint(
            model=model,
            provider=model.split("/")[0],
            tier="standard",
            min_prompt_tokens=0,
            variant="",
            currency="USD",
            valid_from=valid_from,
            valid_to=None,
            input=Decimal(amount),
            output=Decimal(amount),
            unconfirmed_after=unconfirmed,
        )

    facts = {
        m: ModelFacts(
            id=m,
            name=m,
            creator=m.split("/")[0],
            open_weights=False,
            makers=(m.split("/")[0],),
            scores={SCORE: 1300.0},
        )
        for m in ("a/cheap", "b/dear")
    }
    points = PriceIndex(
        [
            point("a/cheap", "2024-01-01T00:00:00Z", "1", unconfirmed="2025-03-01T00:00:00Z"),
            point("b/dear", "2024-01-01T00:00:00Z", "4"),
            point("b/dear", "2025-06-01T00:00:00Z", "3"),
        ]
    )
    object.__setattr__(points[1], "valid_to", "2025-06-01T00:00:00Z")
    trend = trends.cheapest_at_threshold(PriceIndex(points), facts, SCORE, 1200.0, "2026-01-01")
    assert [(p.model, str(p.value)) for p in trend.series] == [("a/cheap", "1"), ("b/dear", "3")]


@pytest.mark.parametrize("seed", range(20))
def test_a_price_reused_within_a_stretch_equals_the_price_asked_afresh(seed):
    # ratios.model_price answers once per stretch between a model's price events on an index;
    # a plain list is asked afresh every time.
    from pricewatch.analysis.ratios import model_price

    index, facts = _history(seed)
    plain = list(index)
    times = sorted({t for p in plain for t in (p.valid_from, p.valid_to, p.unconfirmed_after) if t})
    times += [t.replace("T00:00:00Z", "T12:00:00Z") for t in times] + ["2022-01-01T00:00:00Z"]
    for model in facts:
        for at in sorted(times):
            for basis, statistic in (("auto", "cheapest"), ("market", "median"), ("weights", "cheapest")):
                assert model_price(index, facts, model, at, basis=basis, statistic=statistic) == model_price(
                    plain, facts, model, at, basis=basis, statistic=statistic
                ), (model, at, basis)


@pytest.mark.parametrize("seed", range(20))
def test_a_model_priced_in_a_window_by_bisection_is_priced_in_it_by_its_periods(seed):
    index, _ = _history(seed)
    grouped = trends._group_standard(index)
    rng = random.Random(seed)
    for model in grouped:
        periods = grouped.periods(model)
        for _ in range(30):
            start = None if rng.random() < 0.2 else _day(rng)
            end = _day(rng)
            expected = any(
                p.valid_from <= end and (start is None or p.valid_to is None or p.valid_to > start)
                for p in periods
            )
            assert grouped.priced_between(model, start, end) == expected, (model, start, end)


@pytest.mark.parametrize("seed", range(30))
def test_a_ratio_series_that_skips_moments_with_unchanged_member_prices_is_the_series_of_every_moment(
    seed, monkeypatch
):
    from pricewatch.analysis.ratios import PeerGroup

    def series(points, facts):
        models = sorted(facts)
        group = PeerGroup(id="g", title="g", closed=tuple(models[::2]), open=tuple(models[1::2]))
        return [
            trends.ratio_trend(
                points, facts, group, "2026-12-31", statistic=statistic, group_statistic=aggregate
            ).as_dict()
            for statistic in ("cheapest", "median")
            for aggregate in ("median", "cheapest")
        ]

    skipping = series(*_history(seed))
    monkeypatch.setattr(
        trends, "_member_prices", lambda *args: object()
    )  # never equal: every moment computed
    assert skipping == series(*_history(seed))
