"""The Python API (pricewatch.api) on the shipped history: prices as of a date, bills, names.

The shipped history is built once per session (``shipped_api`` in conftest). Expected
prices are the makers' published ones (data/curated_prices.csv cites each).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from pricewatch.errors import NoPriceThenError, NotSoldByMakerError, UnknownModelError


def test_importing_pricewatch_loads_neither_the_store_nor_the_analysis():
    code = (
        "import sys, pricewatch\n"
        "heavy = [m for m in sys.modules if m.startswith(('pricewatch.scraper', 'pricewatch.analysis', "
        "'pricewatch.api', 'pricewatch.pricing', 'sqlite3', 'sqlite_utils', 'pydantic'))]\n"
        "print(heavy)\n"
        "assert callable(pricewatch.price) and 'pricewatch.api' in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_claude_opus_4_6_on_2026_03_01_with_its_cache_prices(shipped_default):
    import pricewatch

    price = pricewatch.price("anthropic/claude-opus-4.6", at="2026-03-01")
    assert (price.input, price.output) == (Decimal("5"), Decimal("25"))
    assert (price.cache_read, price.cache_write, price.cache_write_1h) == (
        Decimal("0.5"),
        Decimal("6.25"),
        Decimal("10"),
    )
    assert (price.provider, price.tier, price.currency) == ("anthropic", "standard", "USD")
    assert price.valid_from <= "2026-03-01T23:59:59Z" and price.origin
    assert price.long_context_threshold == 200_000
    with pytest.raises(AttributeError):
        price.input = Decimal(1)  # type: ignore[misc]  # frozen


def test_gpt_4o_snapshots_each_at_its_own_price(shipped_default):
    import pricewatch

    august = pricewatch.price("openai/gpt-4o-2024-08-06", at="2024-09-01")
    assert (august.input, august.output) == (Decimal("2.5"), Decimal("10"))
    may = pricewatch.price("openai/gpt-4o-2024-05-13", at="2024-06-01")
    assert (may.input, may.output) == (Decimal("5"), Decimal("15"))
    # Where the history holds the snapshot's own offer, that offer answers.
    later = pricewatch.price("openai/gpt-4o-2024-05-13", at="2025-06-01")
    assert (later.input, later.output, later.variant) == (Decimal("5"), Decimal("15"), "gpt-4o-2024-05-13")


def test_before_its_release_there_is_no_price_and_the_error_names_the_release_date(shipped_default):
    import pricewatch

    with pytest.raises(NoPriceThenError) as raised:
        pricewatch.price("openai/gpt-4o-2024-08-06", at="2024-07-01")
    assert "released on 2024-08-06" in str(raised.value)
    assert "2024-08-06" in raised.value.nearest
    with pytest.raises(NoPriceThenError) as raised:
        pricewatch.price("anthropic/claude-opus-4.6", at="2026-01-01")
    assert "2026-02-05" in str(raised.value) and "2026-02-05" in raised.value.nearest


def test_unknown_model_suggests_and_hosted_only_model_names_its_hosts(shipped_default):
    import pricewatch

    with pytest.raises(UnknownModelError) as raised:
        pricewatch.price("anthropic/claude-opus-4.66", at="2026-03-01")
    assert "anthropic/claude-opus-4.6" in raised.value.suggestions
    with pytest.raises(NotSoldByMakerError) as hosted:
        pricewatch.price("meta-llama/llama-3.3-70b-instruct", at="2026-03-01")
    assert hosted.value.hosts and all(h in str(hosted.value) for h in hosted.value.hosts)
    host = hosted.value.hosts[0]
    assert (
        pricewatch.price("meta-llama/llama-3.3-70b-instruct", provider=host, at="2026-03-01").provider == host
    )


def test_resolve_maps_real_name_forms_and_lists_an_unknown_one(shipped_default):
    import pricewatch

    with (FIXTURES / "names" / "api_names.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 30
    wrong = []
    for row in rows:
        model = pricewatch.resolve(row["name"])
        if (model.id, model.catalogued) != (row["model"], True):
            wrong.append(f"{row['name']} -> {model.id} ({model.rule})")
    assert wrong == []
    assert pricewatch.resolve("openai/gpt-4o:floor").id == "openai/gpt-4o"
    dated = pricewatch.resolve("azure/gpt-4o-2024-08-06")
    assert (dated.snapshot, str(dated.released)) == ("gpt-4o-2024-08-06", "2024-08-06")
    with pytest.raises(UnknownModelError) as raised:
        pricewatch.resolve("acme/frontier-9000:free")
    assert "acme/frontier-9000:free" in str(raised.value)


def test_cost_bills_long_context_per_request_and_flags_a_stand_in(shipped_default):
    import pricewatch

    short = pricewatch.cost("claude-opus-4-6", input_tokens=150_000, output_tokens=1_000, at="2026-04-01")
    assert short.total == Decimal("150000") * 5 / 10**6 + Decimal("1000") * 25 / 10**6
    assert all("base context" in part.segment for part in short.parts)
    long = pricewatch.cost(
        "claude-opus-4-6",
        input_tokens=190_000,
        cache_read_tokens=20_000,
        output_tokens=1_000,
        at="2026-03-01",
    )
    assert all("long context" in part.segment for part in long.parts)
    assert long.total == (190_000 * Decimal(10) + 20_000 * Decimal(1) + 1_000 * Decimal("37.5")) / 10**6
    # gpt-4o had no cache-read price on 2024-09-01: billed at the input price, flagged.
    flagged = pricewatch.cost("gpt-4o", input_tokens=1_000, cache_read_tokens=1_000, at="2024-09-01")
    assert flagged.flags and any(part.substituted for part in flagged.parts)
    assert flagged.total == Decimal("2000") * Decimal("2.5") / 10**6


def test_a_price_in_another_currency_is_converted_at_that_days_rate():
    from pricewatch.analysis.prices import PricePoint
    from pricewatch.api import History
    from pricewatch.paths import default_catalog_path, shipped_data_dir
    from pricewatch.pricing import PriceBook
    from pricewatch.scraper.catalog import load_catalog
    from pricewatch.scraper.fx import rate_on, read_fx_rates

    point = PricePoint(
        model="mistralai/mistral-large",
        provider="mistralai",
        tier="standard",
        min_prompt_tokens=0,
        variant="",
        currency="EUR",
        valid_from="2025-01-01T00:00:00Z",
        valid_to=None,
        input=Decimal("2"),
        output=Decimal("6"),
        origin="live",
    )
    rates = read_fx_rates(shipped_data_dir() / "fx_rates.csv")
    catalog = load_catalog(default_catalog_path())
    history = History.from_book(PriceBook([point], {}, catalog, rates))
    bill = history.cost(
        "mistralai/mistral-large", input_tokens=1_000_000, provider="mistralai", at="2025-06-15"
    )
    rate = rate_on(rates, "EUR", __import__("datetime").date(2025, 6, 15))
    assert rate is not None
    assert bill.total == Decimal("2") * rate.usd_per_unit
    assert bill.converted and "EUR" in bill.converted and rate.date.isoformat() in bill.converted
    assert history.price("mistralai/mistral-large", "mistralai", at="2025-06-15").currency == "EUR"


# Ten usage profiles: `pricewatch cost` bills a month of tokens; the API the same tokens as
# one request (sized under the long-context threshold unless the profile is all long context).
PROFILES = [
    ("anthropic/claude-opus-4.6", None, "2026-03-01", "100000", "0.9", "0.5", "0", "5m", "0", "0", "0"),
    ("anthropic/claude-opus-4.6", None, "2026-03-01", "300000", "0.9", "0.2", "0", "5m", "0", "1", "0"),
    ("openai/gpt-4o", None, "2024-09-01", "10000", "0.75", "0", "0", "5m", "0", "0", "0"),
    ("openai/gpt-4o", None, "2025-01-01", "40000", "0.8", "0.8", "0", "5m", "0", "0", "0"),
    ("openai/gpt-4o", None, "2025-01-01", "40000", "0.8", "0", "0", "5m", "1", "0", "0"),
    ("deepseek/deepseek-v3.2", "deepseek", "2026-03-01", "64000", "0.95", "0.3", "0", "5m", "0", "0", "0"),
    ("anthropic/claude-sonnet-4.5", None, "2026-01-15", "80000", "0.9", "0.4", "0.2", "1h", "0", "0", "0"),
    ("anthropic/claude-sonnet-4.5", None, "2026-01-15", "80000", "0.9", "0", "0.3", "5m", "0", "0", "0"),
    ("openai/o3", None, "2025-08-01", "20000", "0.7", "0", "0", "5m", "0", "0", "2"),
    ("google/gemini-2.5-pro", None, "2025-09-01", "50000", "0.85", "0", "0", "5m", "0", "0", "0"),
]


@pytest.mark.parametrize("profile", PROFILES, ids=[f"{p[0]}@{p[2]}" for p in PROFILES])
def test_cost_equals_the_cost_command(profile, shipped_api, monkeypatch):
    import pricewatch.commands.cost as cost_command
    from pricewatch.commands._analysis import AnalysisInputs
    from pricewatch.money import decimal_to_text

    history, db = shipped_api
    book = history.book
    # The command reads the same history (its loader skipped: one load per session).
    monkeypatch.setattr(
        cost_command, "load_inputs", lambda *_: AnalysisInputs(book.points, book.facts, book.catalog)
    )
    model, provider, day, tokens, share, hit, write, ttl, batch, long, reasoning = profile
    args = ["cost", "--db", str(db), "--model", model, "--tokens-per-month", tokens, "--as-of", day]
    args += ["--input-share", share, "--cache-hit", hit, "--cache-write", write, "--cache-write-ttl", ttl]
    args += ["--batch-share", batch, "--long-context-share", long, "--reasoning-per-output", reasoning]
    args += ["--format", "json"] + (["--provider", provider] if provider else [])
    from pricewatch.cli import cli

    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    command = json.loads(result.output)

    total, s = Decimal(tokens), Decimal(share)
    input_tokens = total * s
    reads, writes = input_tokens * Decimal(hit), input_tokens * Decimal(write)
    output = total * (1 - s)
    api = history.cost(
        model,
        input_tokens=input_tokens - reads - writes,
        output_tokens=output,
        cache_read_tokens=reads,
        cache_write_tokens=writes if ttl == "5m" else 0,
        cache_write_1h_tokens=writes if ttl == "1h" else 0,
        reasoning_tokens=output * Decimal(reasoning),
        provider=provider,
        tier="batch" if batch == "1" else "standard",
        at=day,
    )
    assert decimal_to_text(api.total) == command["monthly_cost_usd"]
    assert list(api.flags) == command["flags"]
    assert [decimal_to_text(p.cost) for p in api.parts] == [line["cost_usd"] for line in command["lines"]]


def test_history_reads_a_database_of_your_own(shipped_api):
    from pricewatch.api import History

    _, db = shipped_api
    own = History(db=db)
    price = own.price("gpt-4o-2024-08-06", at="2024-09-01")
    assert (price.input, price.output, price.provider) == (Decimal("2.5"), Decimal("10"), "openai")
    assert own.resolve("claude-opus-4-6").id == "anthropic/claude-opus-4.6"


def test_a_plain_name_never_answers_with_an_old_snapshots_price(shipped_default):
    import pricewatch

    # On 2026-12-01 the history holds OpenAI's dated gpt-4o snapshots (05-13 still at $5/$15)
    # and a curated gpt-4o price no source had confirmed for months: no current gpt-4o price.
    assert pricewatch.price("openai/gpt-4o", at="2026-11-01").output == Decimal("10")  # still in its window
    with pytest.raises(NoPriceThenError) as raised:
        pricewatch.price("openai/gpt-4o", at="2026-12-01")
    assert "only dated snapshots" in str(raised.value) and "no source had confirmed it" in str(raised.value)
    assert pricewatch.price("gpt-4o-2024-05-13", at="2026-12-01").output == Decimal("15")
