"""Capability scores keyed to model versions: the catalog's data, its loader's checks, and the claims on it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.analysis.claims import TrendClaim, evaluate
from pricewatch.analysis.prices import ModelFacts, ModelVersion, PricePoint
from pricewatch.errors import DataFileError, ScoreDataError
from pricewatch.inputs import load_model_facts, model_versions, newest_scores
from pricewatch.scraper.catalog import load_catalog, parse_catalog

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog.toml"
LMARENA = "lmarena_text_score"


@pytest.fixture(scope="module")
def facts() -> dict[str, ModelFacts]:
    return load_model_facts(load_catalog(CATALOG))


def _score(facts, model: str, day: str) -> tuple[float, str | None] | None:
    return facts[model].score_at(LMARENA, f"{day}T00:00:00Z")


# ----------------------------------------------------------------------------- the shipped data


def test_the_shipped_catalog_loads_with_every_score_cited_and_every_version_dated(facts):
    assert facts  # load_model_facts raises ScoreDataError on any problem
    for fact in facts.values():
        for version in fact.versions:
            assert version.model == fact.id
            if len(fact.versions) > 1:
                assert version.valid_from is not None and version.version, fact.id


def test_gemini_flash_counts_at_each_snapshots_own_score(facts):
    # the case: May-2024 Flash-001 scored 1243, never the 1274 bar; -002 (1289) from 2024-09-24
    flash = "google/gemini-flash-1.5"
    assert _score(facts, flash, "2024-06-01") == (1243.0, "gemini-1.5-flash-001")
    assert _score(facts, flash, "2024-09-23") == (1243.0, "gemini-1.5-flash-001")
    assert _score(facts, flash, "2024-09-24") == (1289.0, "gemini-1.5-flash-002")
    assert facts[flash].scores[LMARENA] == 1289.0  # the newest level, what the model stands for today


def test_mistral_large_2402_is_not_counted_at_2411s_score(facts):
    large = "mistralai/mistral-large"
    assert _score(facts, large, "2024-03-01") == (1181.0, "mistral-large-2402")
    assert _score(facts, large, "2024-09-01") is None  # 2407 is in force and has no stored score
    assert _score(facts, large, "2024-12-01") == (1268.0, "mistral-large-2411")


def test_a_model_with_one_version_counts_from_its_release(facts):
    assert _score(facts, "openai/o3", "2025-04-15") is None
    assert _score(facts, "openai/o3", "2025-04-16") == (1428.0, None)


# ----------------------------------------------------------------------------- the loader's checks

CITED = {
    "measured_on": date(2025, 8, 6),
    "source": "https://lmarena.ai/leaderboard/text",
    "confidence": "high",
    "evidence": "row X",
}


def _model(**entry):
    catalog = parse_catalog({"models": {"acme/m": {"name": "M", "released": date(2024, 1, 1), **entry}}})
    return catalog.models["acme/m"]


def _version(version: str, released: date) -> dict:
    return {
        "id": version,
        "released": released,
        "source": "https://example.com/release",
        "confidence": "medium",
        "evidence": "the release post",
    }


def test_versions_are_read_oldest_first_with_their_scores():
    model = _model(
        versions=[_version("m-002", date(2024, 9, 1)), _version("m-001", date(2024, 1, 1))],
        scores=[
            {"name": LMARENA, "value": 1200, "version": "m-001", **CITED},
            {"name": LMARENA, "value": 1250, "version": "m-002", **CITED},
        ],
    )
    versions, problems = model_versions(model)
    assert problems == []
    assert versions == (
        ModelVersion("acme/m", "m-001", "2024-01-01T00:00:00Z", {LMARENA: 1200.0}),
        ModelVersion("acme/m", "m-002", "2024-09-01T00:00:00Z", {LMARENA: 1250.0}),
    )
    assert newest_scores(versions) == {LMARENA: 1250.0}


def test_a_model_without_versions_has_one_from_its_release():
    versions, problems = model_versions(_model(scores=[{"name": LMARENA, "value": 1200, **CITED}]))
    assert problems == []
    assert versions == (ModelVersion("acme/m", "", "2024-01-01T00:00:00Z", {LMARENA: 1200.0}),)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"scores": [{"name": LMARENA, "value": 1200, **{**CITED, "source": ""}}]}, "no source URL"),
        ({"scores": [{"name": LMARENA, "value": 1200, **{**CITED, "evidence": " "}}]}, "no evidence"),
        ({"scores": [{"name": LMARENA, "value": 1200, **{**CITED, "confidence": "sure"}}]}, "confidence"),
        (
            {
                "scores": [
                    {"name": LMARENA, "value": 1200, **{k: v for k, v in CITED.items() if k != "measured_on"}}
                ]
            },
            "no measured_on",
        ),
        (
            {"scores": [{"name": LMARENA, "value": 1200, "version": "m-009", **CITED}]},
            "version 'm-009' is not declared",
        ),
        (
            {"scores": [{"name": LMARENA, "value": 1200, "snapshot": "m-001", **CITED}]},
            "'snapshot' is now 'version'",
        ),
        (
            {
                "versions": [_version("m-001", date(2024, 1, 1)), _version("m-002", date(2024, 9, 1))],
                "scores": [{"name": LMARENA, "value": 1200, **CITED}],
            },
            "names no version",
        ),
        ({"versions": [{**_version("m-001", date(2024, 1, 1)), "released": None}]}, "no release date"),
        ({"versions": [{**_version("m-001", date(2024, 1, 1)), "source": None}]}, "no source URL"),
        (
            {"versions": [_version("m-001", date(2024, 1, 1)), _version("m-002", date(2024, 1, 1))]},
            "two versions released on 2024-01-01",
        ),
        (
            {
                "scores": [
                    {"name": LMARENA, "value": 1200, **CITED},
                    {"name": LMARENA, "value": 1210, **CITED},
                ]
            },
            f"a second {LMARENA}",
        ),
    ],
)
def test_the_loader_refuses_uncited_scores_and_unknown_versions(entry, problem):
    _, problems = model_versions(_model(**entry))
    assert any(problem in p for p in problems), problems


def test_load_model_facts_raises_a_data_file_error_naming_the_entry():
    catalog = parse_catalog(
        {
            "models": {
                "acme/m": {"name": "M", "scores": [{"name": LMARENA, "value": 1, "version": "x", **CITED}]}
            }
        }
    )
    with pytest.raises(ScoreDataError) as raised:
        load_model_facts(catalog)
    assert isinstance(raised.value, DataFileError)
    assert 'models."acme/m".scores[0]' in str(raised.value)


# ----------------------------------------------------------------------------- claims


def _point(model: str, start: str, end: str | None, price: str) -> PricePoint:
    return PricePoint(
        model=model,
        provider="acme",
        tier="standard",
        min_prompt_tokens=0,
        variant="",
        currency="USD",
        valid_from=f"{start}T00:00:00Z",
        valid_to=f"{end}T00:00:00Z" if end else None,
        input=Decimal(price),
        output=Decimal(price),
    )


def test_a_reference_model_stands_for_its_version_in_force_at_the_start():
    turbo = ModelFacts(
        "acme/turbo",
        "Turbo",
        "acme",
        False,
        ("acme",),
        {LMARENA: 1274.0},
        (
            ModelVersion("acme/turbo", "turbo-1106", "2023-11-06T00:00:00Z", {LMARENA: 1266.0}),
            ModelVersion("acme/turbo", "turbo-0409", "2024-04-09T00:00:00Z", {LMARENA: 1274.0}),
        ),
    )
    cheap = ModelFacts("acme/cheap", "Cheap", "acme", False, ("acme",), {LMARENA: 1270.0})
    facts = {turbo.id: turbo, cheap.id: cheap}
    points = [_point(turbo.id, "2023-11-06", None, "20"), _point(cheap.id, "2025-01-01", None, "1")]
    claim = TrendClaim(
        form="fold_over_period",
        claimed=["20", "20"],
        score=LMARENA,
        reference_model=turbo.id,
        start=date(2024, 2, 1),
        end=date(2026, 2, 1),
    )
    verdict = evaluate(claim, points, facts, "2026-06-01T00:00:00Z")
    threshold = next(s for s in verdict.steps if s.label == "capability threshold")
    # GPT-4-Turbo-like: on 2024-02-01 the reference was turbo-1106 (1266), so Cheap (1270) is equivalent
    assert threshold.result == "1266" and "turbo-1106" in threshold.formula
    assert verdict.verdict == "holds"
