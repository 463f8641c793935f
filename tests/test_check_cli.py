"""`pricewatch check` and `pricewatch scan` on stores built here: output, JSON, exit codes."""

from __future__ import annotations

import json

import jsonschema
import pytest
from claim_data import curated_points
from click.testing import CliRunner
from conftest import FIXTURES, REPO_ROOT

from pricewatch.cli import cli

SCHEMA = json.loads((REPO_ROOT / "docs" / "claim.schema.json").read_text(encoding="utf-8"))
OPUS, FLASH = "anthropic/claude-opus-4.6", "google/gemini-2.5-flash"

# (model, provider, day, input, output, cache_read)
ROWS = [
    (OPUS, "anthropic", "2026-02-05", "5", "25", "0.5"),
    (FLASH, "google", "2025-04-17", "0.15", "0.6", None),
    (FLASH, "google", "2025-06-17", "0.3", "2.5", "0.03"),
    ("deepseek/deepseek-v3.2", "deepseek", "2025-12-01", "0.28", "0.42", "0.028"),
]


def _store(path, rows):
    from decimal import Decimal

    from pricewatch.scraper.store import Observation, apply_observations, open_database

    db = open_database(path)
    observations = [
        Observation(
            model_id=model,
            provider_id=provider,
            tier=tier,
            min_prompt_tokens=threshold,
            variant="",
            observed_at=at,
            prices=tuple(None if v is None else Decimal(v) for v in prices),
        )
        for model, provider, tier, threshold, at, prices in rows
    ]
    with db.atomic():
        apply_observations(db, observations, origin="curated", run_id=None, source="test")
    db.conn.close()
    return path


@pytest.fixture
def small_db(tmp_path):
    rows = [
        (m, p, "standard", 0, f"{day}T00:00:00Z", (i, o, cr, None, None, None))
        for m, p, day, i, o, cr in ROWS
    ]
    return _store(tmp_path / "small.db", rows)


@pytest.fixture(scope="module")
def curated_db(tmp_path_factory):
    """The curated history in a store (what `pricewatch load-curated` gives `make demo`)."""
    rows = [
        (
            p.model,
            p.provider,
            p.tier,
            p.min_prompt_tokens,
            p.valid_from,
            (p.input, p.output, p.cache_read, p.cache_write, p.cache_write_1h, None),
        )
        for p in curated_points()
    ]
    return _store(tmp_path_factory.mktemp("curated") / "curated.db", rows)


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def test_gemini_flash_80x_cheaper_than_opus_is_off_with_the_real_factors(small_db):
    result = run("check", "Gemini 2.5 Flash is 80x cheaper than Claude Opus 4.6", "--json", "--db", small_db)
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert report["verdict"] == "off"
    (verdict,) = report["results"]
    assert (verdict["verdict"], verdict["direction"]) == ("off", "overstated")
    factors = {c["label"]: round(float(c["actual"]), 2) for c in verdict["comparisons"]}
    assert factors == {"3:1 blended": 11.76, "input": 16.67, "output": 10.0}
    assert round(float(verdict["factor"]), 2) == 6.8
    providers = [(p["role"], p["provider"], p["valid_from"][:10]) for p in verdict["prices"]]
    assert providers == [("A", "google", "2025-06-17"), ("B", "anthropic", "2026-02-05")]


def test_a_claim_that_holds_exits_0_and_shows_its_arithmetic(small_db):
    result = run("check", "1M input and 100K output tokens cost $7.50 on Opus 4.6", "--db", small_db)
    assert result.exit_code == 0, result.output
    assert (
        "HOLDS: 1,000,000 input + 100,000 output tokens on Claude Opus 4.6 at anthropic cost $7.50"
        in result.output
    )
    assert "output: 100,000 tokens x $25 / 1,000,000 = $2.50" in result.output


def test_stale_exits_1_and_says_from_when_to_when(small_db):
    result = run("check", "Gemini 2.5 Flash costs $0.15/$0.60 per million tokens", "--db", small_db)
    assert result.exit_code == 1
    assert "STALE: held from 2025-04-17 to 2025-06-17, no longer" in result.output


def test_as_of_a_day_checks_then(small_db):
    result = run(
        "check",
        "Gemini 2.5 Flash costs $0.15/$0.60 per million tokens",
        "--as-of",
        "2025-05-01",
        "--db",
        small_db,
    )
    assert result.exit_code == 0 and "As of 2025-05-01T23:59:59Z" in result.output


def test_cannot_check_exits_3(small_db):
    result = run(
        "check", "Claude Opus 4.6 costs $5/$25 per million tokens", "--as-of", "2025-01-01", "--db", small_db
    )
    assert result.exit_code == 3
    assert (
        "CANNOT CHECK" in result.output
        and "no host price for Claude Opus 4.6 in force on 2025-01-01" in result.output
    )


def test_unparseable_exits_2_listing_the_forms(small_db):
    result = run("check", "the moon is made of cheese", "--db", small_db)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "Error: cannot read a claim in 'the moon is made of cheese' (the nearest form is "
    )
    assert lines[0].endswith("'made of cheese' does not); the forms understood are:")
    assert "  <model A> is <N>x cheaper than <model B>" in lines


def test_unknown_model_exits_2_with_did_you_mean(small_db):
    result = run("check", "Gemini 2.5 Flashh is 80x cheaper than Opus 4.6", "--db", small_db)
    assert result.exit_code == 2
    assert result.output.startswith(
        "Error: Unknown model: Gemini 2.5 Flashh; did you mean google/gemini-2.5-flash"
    )


def test_text_or_registry_is_required(small_db):
    assert run("check", "--db", small_db).exit_code == 2
    assert run("check", "x", "--registry", "--db", small_db).exit_code == 2
    assert run("check", "x", "--as-of", "last week", "--db", small_db).exit_code == 2


def test_workload_claim_shows_both_cache_readings(small_db):
    result = run(
        "check",
        "150-200 million tokens per day with 95% cache hits and a 90/10 input/output split costs "
        "$4,200-$6,000 per month on Claude Opus 4.6",
        "--db",
        small_db,
    )
    assert result.exit_code == 1
    assert "Reading 1 of 2 (cache-hit rate read as a share of INPUT tokens):" in result.output
    assert "$14,186.25-$18,915.00 per month" in result.output
    assert "95% of all tokens cannot be cache reads when only 90% are input" in result.output
    assert "Verdict: OFF (the best reading decides)" in result.output


def test_registry_on_the_curated_history(curated_db):
    result = run("check", "--registry", "--json", "--db", curated_db, "--as-of", "2026-11-25T12:00:00Z")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    ids = {claim["id"]: claim for claim in report["claims"]}
    assert len(ids) >= 17
    assert ids["request-cost-opus-4-6"]["then"]["verdict"] == "holds"
    assert ids["power-user-monthly-cost"]["now"]["verdict"] == "off"
    assert ids["average-developer-6-dollars-a-day"]["now"]["verdict"] == "cannot_check"
    text = run("check", "--registry", "--db", curated_db, "--as-of", "2026-11-25")
    assert "[open-weight-10x-cheaper]" in text.output and "then (2026-06-01): OFF" in text.output
    assert "holds (since 2026-06-10)" in text.output


def test_a_broken_registry_is_one_error_line(tmp_path, small_db):
    path = tmp_path / "claims.toml"
    path.write_text('[[claims]]\nid = "x"\nquote = "q"\n', encoding="utf-8")
    result = run("check", "--registry", "--registry-file", path, "--db", small_db)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: claims registry {path}: claim 1 (x): article: Field required; publisher: Field required; "
        "made_on: Field required; statistic: Field required; parts: Field required\n"
    )


def test_scan_a_file_and_stdin(small_db):
    result = run(
        "scan", FIXTURES / "articles" / "pricing-roundup.md", "--db", small_db, "--as-of", "2026-11-25"
    )
    assert result.exit_code == 1, result.output
    assert 'line 12: "Gemini 2.5 Flash is 80x cheaper than Claude Opus 4.6."' in result.output
    assert "OFF: overstated 6.8x" in result.output
    assert "Not checked: 0 claim-like sentences" in result.output
    assert "(1 of them a cost per user that no price can test): OFF" in result.output
    piped = run(
        "scan", "-", "--json", "--db", small_db, input="Claude Opus 4.6 costs $5/$25 per million tokens.\n"
    )
    assert piped.exit_code == 0, piped.output
    report = json.loads(piped.output)
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert report["source"] == "-" and report["claims"][0]["verdict"] == "holds"


def test_scan_with_nothing_to_check_exits_3(small_db):
    result = run("scan", "-", "--db", small_db, input="Nothing here is about prices.\n")
    assert result.exit_code == 3 and "0 claims found" in result.output


def test_a_sentence_only_the_article_reader_reads_is_checked_as_scan_reads_it(small_db):
    """One reader (issue 15): two models with their own prices in one sentence; the grammar
    refuses it, `scan` reads it, so `check` does too and says how it was read."""
    text = (
        "Claude Opus 4.6 costs $5/$25 per million tokens, while DeepSeek V3.2 costs $0.28/$0.42 on DeepSeek."
    )
    result = run("check", text, "--db", small_db, "--as-of", "2026-11-25")
    assert result.exit_code in (0, 1), result.output  # read and judged (not refused: 2)
    assert "read by the article reader, as `pricewatch scan` reads it" in result.output
    assert "Claude Opus 4.6 at anthropic" in result.output and "DeepSeek V3.2 at deepseek" in result.output
    refused = run("check", "Claude Opus 4.6 is rather pricey these days", "--db", small_db)
    assert refused.exit_code == 2  # neither reader reads it: the grammar's refusal


def test_a_negative_price_is_refused_with_the_reason(small_db):
    for text in (
        "Claude Opus 4.6 costs -$5 per million input tokens",
        "Claude Opus 4.6 costs $-5/$25 per million tokens",
    ):
        result = run("check", text, "--db", small_db)
        assert result.exit_code == 2 and "a price or cost cannot be negative" in result.output, result.output
    fine = run(
        "check", "Claude Opus 4.6 costs $5/$25 per million tokens", "--db", small_db
    )  # a range dash is not a sign
    assert fine.exit_code == 0, fine.output
