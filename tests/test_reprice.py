"""`pricewatch reprice LOG`: each row at the price in force at its timestamp, on the shipped history.

OpenAI's gpt-4o went from $5/$15 to $2.50/$10 on 2024-08-06 (data/curated_prices.csv).
"""

from __future__ import annotations

import io
import json
import random
from decimal import Decimal

import pytest
from click.testing import CliRunner

from pricewatch.cli import cli

LOG = """timestamp,model,input_tokens,output_tokens,cache_read_tokens
2024-07-01T10:00:00Z,gpt-4o,1000000,100000,0
2024-09-01T10:00:00Z,openai/gpt-4o,1000000,100000,0
2024-09-01T11:00:00Z,acme/frontier-9000,10,10,0
"""


@pytest.fixture
def shipped_book(monkeypatch, shipped_api):
    """`reprice --shipped` reads the session's shipped history (built once)."""
    import pricewatch.pricing

    monkeypatch.setattr(pricewatch.pricing, "load_book", lambda *a, **k: shipped_api[0].book)
    return shipped_api[0].book


def run(tmp_path, text: str, *args: str, name: str = "usage.csv") -> dict:
    log = tmp_path / name
    log.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["reprice", str(log), "--shipped", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_each_row_at_its_own_price_and_at_one_date_with_at(tmp_path, shipped_book):
    out = run(tmp_path, LOG)
    before, after, unknown = out["rows"]
    assert before["cost"] == "6.5"  # 1M x $5 + 100k x $15
    assert after["cost"] == "3.5"  # 1M x $2.50 + 100k x $10
    assert (before["model_id"], before["provider"]) == ("openai/gpt-4o", "openai")
    assert unknown["cost"] is None and "Unknown model: acme/frontier-9000" in unknown["error"]
    totals = out["totals"]
    assert (totals["cost"], totals["rows"], totals["priced"], totals["unpriced"]) == ("10", 3, 2, 1)
    assert totals["by_model"] == {"openai/gpt-4o": {"rows": 2, "cost": "10"}}
    assert totals["by_month"] == {
        "2024-07": {"rows": 1, "cost": "6.5"},
        "2024-09": {"rows": 1, "cost": "3.5"},
    }
    assert totals["unpriced_rows"] == [{"line": 4, "model": "acme/frontier-9000", "reason": unknown["error"]}]

    at = run(tmp_path, LOG, "--at", "2024-09-01")
    assert [row["cost"] for row in at["rows"][:2]] == ["3.5", "3.5"]
    assert at["totals"]["by_month"] == {"2024-09": {"rows": 2, "cost": "7"}}


def test_the_table_gives_totals_and_lists_what_was_not_priced(tmp_path, shipped_book):
    log = tmp_path / "usage.csv"
    log.write_text(LOG, encoding="utf-8")
    result = CliRunner().invoke(cli, ["reprice", str(log), "--shipped"])
    assert result.exit_code == 0, result.output
    assert "2 of 3 rows priced" in result.output and "$10" in result.output
    assert "2024-07: 1 rows, $6.5" in result.output
    assert "line 4: acme/frontier-9000: Unknown model" in result.output


def test_openai_usage_includes_cached_tokens_and_anthropic_excludes_them(tmp_path, shipped_book):
    openai = json.dumps(
        {
            "created": "2025-01-15T12:00:00Z",
            "model": "gpt-4o-2024-08-06",
            "usage": {
                "prompt_tokens": 10_000,
                "completion_tokens": 1_000,
                "prompt_tokens_details": {"cached_tokens": 8_000},
            },
        }
    )
    row = run(tmp_path, openai + "\n", "--usage-format", "openai", name="openai.jsonl")["rows"][0]
    # 2,000 uncached x $2.50 + 8,000 cached x $1.25 + 1,000 x $10 (per million)
    assert (row["input_tokens"], row["cache_read_tokens"]) == ("2000", "8000")
    assert Decimal(row["cost"]) == (2_000 * Decimal("2.5") + 8_000 * Decimal("1.25") + 1_000 * 10) / 10**6

    anthropic = json.dumps(
        {
            "timestamp": "2026-03-20T08:00:00Z",
            "model": "claude-opus-4-6",
            "usage": {
                "input_tokens": 2_000,
                "cache_read_input_tokens": 8_000,
                "cache_creation_input_tokens": 1_000,
                "output_tokens": 500,
            },
        }
    )
    row = run(tmp_path, anthropic + "\n", "--usage-format", "anthropic", name="anthropic.jsonl")["rows"][0]
    assert (row["input_tokens"], row["cache_read_tokens"], row["cache_write_tokens"]) == (
        "2000",
        "8000",
        "1000",
    )
    assert Decimal(row["cost"]) == (
        2_000 * 5 + 8_000 * Decimal("0.5") + 1_000 * Decimal("6.25") + 500 * 25
    ) / Decimal(10**6)


def test_rows_without_a_timestamp_or_with_bad_counts_are_listed_not_fatal(tmp_path, shipped_book):
    text = LOG + ",gpt-4o,5,5,0\n2024-09-02T00:00:00Z,gpt-4o,lots,5,0\n"
    rows = run(tmp_path, text)["rows"]
    assert rows[3]["error"] == "no timestamp"
    assert "not a number" in rows[4]["error"]
    result = CliRunner().invoke(cli, ["reprice", "-", "--shipped"], input="model,input_tokens\ngpt-4o,5\n")
    assert result.exit_code == 2 and "no timestamp column" in result.output


def test_the_log_total_equals_the_api_cost_of_every_row(shipped_api):
    """The long-log path (prices per token class asked once per shape) bills as ``cost`` does."""
    from pricewatch.usage_log import read_log, reprice

    history, _ = shipped_api
    rng = random.Random(5)
    names = ["claude-opus-4-6", "gpt-4o", "google/gemini-2.5-pro", "anthropic/claude-sonnet-4.5"]
    lines = [
        "timestamp,model,input_tokens,cache_read_tokens,cache_write_tokens,output_tokens,reasoning_tokens"
    ]
    for _ in range(300):
        counts = [rng.choice([0, rng.randrange(1, 260_000)]) for _ in range(3)]
        day = f"2026-0{rng.randrange(2, 9)}-{rng.randrange(10, 28)}T12:00:00Z"
        lines.append(",".join([day, rng.choice(names), *map(str, counts), str(rng.randrange(0, 5_000)), "0"]))
    rows = list(reprice(history.book, read_log(io.StringIO("\n".join(lines) + "\n"))))
    assert len(rows) == 300
    for row in rows:
        assert row.cost is not None and row.counts is not None, row.error
        api = history.cost(
            row.model,
            input_tokens=row.counts.input,
            cache_read_tokens=row.counts.cache_read,
            cache_write_tokens=row.counts.cache_write,
            output_tokens=row.counts.output,
            at=row.at,
        )
        assert (row.cost, row.flags) == (api.total, api.flags)


def test_a_rows_json_line_is_its_dict(tmp_path, shipped_book):
    from pricewatch.usage_log import read_log, reprice

    text = LOG + ',gpt-4o,5,5,0\n2024-09-02T00:00:00Z,"gpt-4o ""x"" ü",5,5,0\n'
    for row in reprice(shipped_book, read_log(io.StringIO(text))):
        assert json.loads(row.json_line()) == row.as_dict()


def _fresh_books(book):
    """Two books over the shipped periods and one EUR-priced offer, with no answers cached yet."""
    from pricewatch.analysis.prices import PricePoint
    from pricewatch.pricing import PriceBook

    euro = PricePoint(
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
    points = [p for p in book.points if p.model != "mistralai/mistral-large"] + [euro]
    return [PriceBook(points, book.facts, book.catalog, book.fx_rates) for _ in range(2)]


def _varied_log(seed: int, rows: int = 400) -> str:
    """A CSV log of every kind of row: several models, providers and tiers, dates on both sides
    of a price change, long prompts, cache tokens, unknown names, and rows off the fast path."""
    rng = random.Random(seed)
    names = [
        "gpt-4o",
        "openai/gpt-4o-2024-08-06",
        "gpt-4o-2024-05-13",
        "anthropic/claude-sonnet-4.5",
        "claude-opus-4-6",
        "google/gemini-2.5-pro",
        "vertex_ai/gemini-2.5-flash",
        "deepseek/deepseek-chat-v3.1:free",
        "meta-llama/llama-3.3-70b-instruct",
        "mistralai/mistral-large",
        "acme/not-a-model",
    ]
    # Mostly the maker at the standard price, on dates when most of the models were sold.
    providers = [""] * 16 + ["openai", "azure", "anthropic", "together", "mistralai", "nobody"]
    tiers = [""] * 12 + ["standard", "batch", "batch", "flex", "priority"]
    days = ["2024-07-01", "2024-08-05", "2024-08-07", "2024-09-01", "2025-06-15"] + [
        "2026-03-01",
        "2026-08-20",
    ] * 4
    lines = [
        "timestamp,model,provider,tier,input_tokens,cache_read_tokens,cache_write_tokens,"
        "cache_write_1h_tokens,output_tokens,reasoning_tokens,created"
    ]
    for i in range(rows):
        day = rng.choice(days)
        stamp = f"{day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
        counts = [
            str(
                rng.choice([0, rng.randrange(1, 2_000), rng.randrange(150_000, 400_000)])
            ),  # long prompts too
            str(rng.choice([0, 0, rng.randrange(1, 90_000)])),
            str(rng.choice([0, 0, 0, rng.randrange(1, 20_000)])),
            rng.choice(["", "0", str(rng.randrange(1, 5_000))]),
            str(rng.randrange(0, 8_000)),
            rng.choice(["", "0", str(rng.randrange(1, 3_000))]),
        ]
        odd = i % 23
        if odd == 1:
            stamp = day  # a date: costed by the row-by-row rules
        elif odd == 2:
            stamp = ""  # no timestamp
        elif odd == 3:
            counts[0] = "lots"  # not a number
        elif odd == 4:
            counts[1] = " 12"  # not plain digits: the row-by-row rules read it
        elif odd == 5:
            counts[0] = "007"
        elif odd == 6:
            stamp = f"{day} 10:00:00+02:00"
        created = rng.choice(["", "1772366400"])  # read when the timestamp is empty (2026-03-01)
        row = [stamp, rng.choice(names), rng.choice(providers), rng.choice(tiers), *counts, created]
        if odd == 7:
            row = row[:5]  # a short row
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("at", [None, "2025-06-15T23:59:59Z"])
def test_the_fast_path_equals_the_row_by_row_result(shipped_api, at):
    """`reprice_lines` (the long-log path `reprice --format json` takes) gives every row's JSON
    line and the totals exactly as costing the rows one by one does, each on a fresh book."""
    from pricewatch.usage_log import Totals, read_log, reprice, reprice_lines

    slow_book, fast_book = _fresh_books(shipped_api[0].book)
    text = _varied_log(17)
    slow_totals, fast_totals = Totals(), Totals()
    slow = []
    for row in reprice(slow_book, read_log(io.StringIO(text)), at=at):
        slow_totals.add(row)
        slow.append(row.json_line())
    fast = list(reprice_lines(fast_book, io.StringIO(text), totals=fast_totals, at=at))
    assert fast == slow
    assert fast_totals.as_dict() == slow_totals.as_dict()
    summary = fast_totals.as_dict()
    assert summary["priced"] > 100 and summary["unpriced"] > 20 and summary["converted"] > 0
    parsed = [json.loads(line) for line in fast]
    assert any(r["error"] and "Unknown model" in r["error"] for r in parsed)
    assert any(r["tier"] == "batch" and r["cost"] for r in parsed)
    assert len({r["cost"] for r in parsed if r["model"] == "gpt-4o" and r["cost"]}) > 5
