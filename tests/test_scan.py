"""Scanning whole articles: our own fixture always, the two real articles when ../shared is there."""

from __future__ import annotations

import json
from decimal import Decimal

import jsonschema
import pytest
from claim_data import curated_points, point
from conftest import FIXTURES, REPO_ROOT

from pricewatch.analysis.claim_text import Names
from pricewatch.analysis.scan import find_claims, is_claim_like, scan_article, split_units
from pricewatch.inputs import load_model_facts

ARTICLES = REPO_ROOT.parent / "shared" / "articles"
FIXTURE = FIXTURES / "articles" / "pricing-roundup.md"
SCHEMA = json.loads((REPO_ROOT / "docs" / "claim.schema.json").read_text(encoding="utf-8"))
NOW = "2026-11-25T12:00:00Z"
D = Decimal

OPUS, KIMI, QWEN = "anthropic/claude-opus-4.6", "moonshotai/kimi-k2.5", "qwen/qwen3.5-397b-a17b"
POINTS = [
    point(OPUS, "anthropic", "2026-02-05", input="5", output="25", cache_read="0.5"),
    point(QWEN, "openrouter", "2026-05-15", input="0.39", output="2.34"),
    point(KIMI, "openrouter", "2026-05-15", input="0.40", output="1.90"),
    point(KIMI, "deepinfra", "2026-06-10", input="0.45", output="2.25", cache_read="0.07"),
    point("google/gemini-2.5-flash", "google", "2025-06-17", input="0.3", output="2.5"),
    point("deepseek/deepseek-v3.2", "deepseek", "2025-12-01", input="0.28", output="0.42"),
    point("openai/gpt-4", "openai", "2023-03-14", input="30", output="60"),
    point("minimax/minimax-m2.7", "minimax", "2026-03-18", input="0.3", output="1.2"),
]


@pytest.fixture(scope="module")
def catalog_inputs():
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    catalog = load_catalog(default_catalog_path())
    names = Names(catalog.resolve_model, catalog.suggest_models, catalog.resolve_provider)
    return names, load_model_facts(catalog)


def test_units_are_sentences_list_items_table_rows_and_headings():
    units = split_units(FIXTURE.read_text(encoding="utf-8"))
    kinds = {u.line: u.kind for u in units}
    assert kinds[1] == "heading" and kinds[7] == "list item" and kinds[18] == "table row"
    assert [u.text for u in units if u.line == 25] == [
        "Claude Pro costs $20 per month, and a team seat is $25 per user monthly."
    ]
    # decimals and versions do not end sentences
    assert [u.text for u in split_units("Opus 4.6 costs $5.00 per million. It is v2.1 now.")] == [
        "Opus 4.6 costs $5.00 per million.",
        "It is v2.1 now.",
    ]


def test_claim_like_sentences():
    assert is_claim_like("It costs $0.39 per million input tokens")
    assert is_claim_like("Prices fell 10x in two years")
    assert is_claim_like("roughly 10% of Anthropic's API price")
    assert is_claim_like("Claude Pro costs $20 per month")
    assert not is_claim_like("Fewer than 5% of subscribers would be affected by weekly caps")
    assert not is_claim_like("Typical Max 20x plan usage around 50% of weekly token budget")


def test_fixture_article_claims_found_and_read(catalog_inputs):
    names, facts = catalog_inputs
    found, unparsed = find_claims(FIXTURE.read_text(encoding="utf-8"), names, facts)
    read = {item.unit.line: item.claims for item in found}
    assert sorted(read) == [3, 7, 8, 10, 12, 14, 18, 19, 21, 23, 27]
    (opus,) = read[3]
    assert (opus.kind, opus.model, opus.input, opus.output) == ("price", OPUS, 5, 25)
    (qwen,) = read[7]
    assert (qwen.model, qwen.provider, qwen.input, qwen.output) == (QWEN, "openrouter", D("0.39"), D("2.34"))
    (kimi,) = read[8]
    assert (kimi.model, kimi.provider) == (KIMI, "openrouter")
    # "These open-weight models cost roughly 10% of Anthropic's API price": the models quoted above
    assert [(c.a.model, c.a.provider, c.b.model, c.form) for c in read[10]] == [
        (QWEN, "openrouter", OPUS, "percent_of"),
        (KIMI, "openrouter", OPUS, "percent_of"),
    ]
    (cache,) = read[14]
    assert (cache.a_price, cache.b_price, cache.form, cache.claimed.low) == (
        "cache_read",
        "input",
        "percent_cheaper",
        90,
    )
    assert [(c.kind, c.model, c.input_tokens, c.output_tokens) for c in read[18]] == [
        ("request_cost", OPUS, 1_000_000, 100_000)
    ]
    assert [c.cache_reading for c in read[21]] == ["input", "all"]
    (gpt4,) = read[23]
    assert (gpt4.input, gpt4.output) == (D(30), D(60))  # $0.03 per 1K tokens = $30 per million
    (trend,) = read[27]
    assert (trend.kind, trend.form, trend.claimed.low, trend.claimed.high) == (
        "trend",
        "percent_per_year",
        50,
        None,
    )
    assert [(u.line, u.reason) for u in unparsed] == [
        (25, "a cost per user, conversation or request with no token counts or per-token price to check")
    ]


def test_fixture_article_verdicts_and_json(catalog_inputs):
    names, facts = catalog_inputs
    report = scan_article(FIXTURE.read_text(encoding="utf-8"), names, facts, POINTS, NOW, source="fixture")
    verdicts = {item.line: item.verdict for item in report.claims}
    assert (
        verdicts[3] == verdicts[7] == verdicts[8] == verdicts[14] == verdicts[18] == verdicts[23] == "holds"
    )
    assert verdicts[12] == "off"  # 80x cheaper: 11.8x on the blended price
    assert verdicts[19] == "off"  # DeepSeek V3.2: $0.28 + $0.042 = $0.322, not $0.40
    assert verdicts[21] == "off"  # $14,186-$18,915 a month, not $4,200-$6,000
    # the default trend (GPT-4 level since its launch, analysis/trend_default.py): GPT-4's $37.50 in
    # 2023 to DeepSeek V3.2's $0.315, 5.8x a year from two endpoints, at least the 2x of "50%+"
    assert verdicts[27] == "holds"
    ten_percent = next(item for item in report.claims if item.line == 10)
    # by hand: Qwen (3 x 0.39 + 2.34) / 4 = 0.8775 = 8.775% of Opus's $10; Kimi (1.2 + 1.9) / 4 = 7.75%
    assert [r.comparisons[0].actual for r in ten_percent.results] == [D("8.775"), D("7.75")]
    assert [r.verdict for r in ten_percent.results] == ["holds", "off"]
    # "a team seat is $25 per user monthly": no tokens, so the tokens it would buy at the
    # article's main model, Claude Opus 4.6 ($10 blended): 2.5M a month (issue 15 point 5)
    (seat,) = next(item for item in report.claims if item.line == 25).results
    assert seat.verdict == "cannot_check" and "$25.00 per user a month" in seat.summary
    assert "= 2.5M tokens a month" in seat.summary and "Claude Opus 4.6" in seat.summary
    document = json.loads(report.to_json())
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["unparsed"] == []
    assert report.summary.endswith(": OFF")  # two claims are off; the worst decides


# ----------------------------------------------------------------------------- the real articles

needs_articles = pytest.mark.skipif(not ARTICLES.is_dir(), reason="no ../shared/articles")


@needs_articles
def test_compute_cost_analysis_article(catalog_inputs):
    names, facts = catalog_inputs
    text = (ARTICLES / "anthropic-compute-cost-analysis.txt").read_text(encoding="utf-8")
    report = scan_article(text, names, facts, curated_points(), NOW, source="analysis")
    claims = [(item.line, r.claim) for item in report.claims for r in item.results]
    prices = [
        (line, c.model, c.provider, c.input, c.output, c.cache_read)
        for line, c in claims
        if c.kind == "price"
    ]
    assert prices == [
        (5, OPUS, "anthropic", 5, 25, None),  # "Anthropic's retail API pricing: $5 ... for Opus 4.6"
        (7, QWEN, "openrouter", D("0.39"), D("2.34"), None),  # a list "on OpenRouter:"
        (8, KIMI, "openrouter", D("0.45"), D("2.25"), None),
        (9, KIMI, "deepinfra", None, None, D("0.07")),
        (9, OPUS, "anthropic", None, None, D("0.50")),  # "Anthropic's $0.50/MTok" = Opus 4.6, named before
        (33, "minimax/minimax-m2.7", None, D("0.30"), None, None),  # "The model maintains pricing at ..."
    ]
    ratios = [(line, c) for line, c in claims if c.kind == "ratio"]
    assert [(line, c.a.model, c.a.provider, c.b.model, c.claimed.low) for line, c in ratios] == [
        (11, QWEN, "openrouter", OPUS, 10),
        (11, KIMI, "openrouter", OPUS, 10),
        # "$5,000 in API-equivalent tokens ≈ $500 in actual compute cost": the thesis (10% of
        # retail) names no model; it binds to the host prices and the retail price quoted above
        (13, QWEN, "openrouter", OPUS, 10),
        (13, KIMI, "openrouter", OPUS, 10),
    ]
    # arithmetic on the article's own figures (issue 15 point 4): 10% of $5,000 = $500 (the
    # share stated on line 11), a loss of $500 - $200 and $5,000 - $200 (the plan, line 3)
    arithmetic = [(line, c.expression) for line, c in claims if c.kind == "arithmetic"]
    assert arithmetic == [(13, "5000 * 10 / 100"), (14, "500 - 200"), (14, "5000 - 200")]
    assert {found.line: found.verdict for found in report.claims}.get(14) == "holds"
    assert len(report.claims) == 10
    # "a heavy user could indeed rack up $5,000/month": no tokens; at Opus 4.6, which its
    # paragraph names ($10 blended), 500M tokens a month (issue 15 point 5)
    # and "the $200/month Max plan can consume about $5,000 in compute" (line 3), at the
    # article's main model
    notes = {
        found.line: found.results[0] for found in report.claims if found.results[0].kind == "unverifiable"
    }
    assert sorted(notes) == [3, 5] and all(n.verdict == "cannot_check" for n in notes.values())
    assert "= 500M tokens a month" in notes[5].summary and "named in its paragraph" in notes[5].summary
    assert "= 500M tokens per subscriber a month" in notes[3].summary and "main model" in notes[3].summary
    skipped = {u.line: u.reason for u in report.unparsed}
    assert sorted(skipped) == [36]
    assert skipped[36] == "a multiple that names no two models or prices to compare"
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(report.to_json()))


@needs_articles
def test_five_k_per_user_article(catalog_inputs):
    names, facts = catalog_inputs
    text = (ARTICLES / "claude-costs-5k-per-user.txt").read_text(encoding="utf-8")
    report = scan_article(text, names, facts, curated_points(), NOW, source="5k")
    # costs per user with no tokens: cannot_check, each saying it needs a model (none is clear)
    notes = [found for found in report.claims if found.results[0].kind == "unverifiable"]
    assert {found.line for found in notes} >= {2, 15, 43}
    assert all("need the model whose tokens it pays for" in found.results[0].summary for found in notes)
    # most claim-like sentences are unread: the article is not said to hold (exit 3)
    assert report.verdict == "cannot_check" and "most of what the article claims is unread" in report.summary
    read = [found for found in report.claims if found not in notes]
    assert len(read) == 2
    # "$5,000 per user ... 20+ years to break even" after "Claude Pro costs $20 per month" and
    # "$25 per user monthly": 5000 / 20 / 12 = 20.8 years holds, 5000 / 25 / 12 does not
    years = read[0]
    assert [r.claim.expression for r in years.results] == ["5000 / 20 / 12", "5000 / 25 / 12"]
    assert (years.line, years.combine, years.verdict) == (13, "any", "holds")
    (gpt4,) = read[1].results
    assert (gpt4.claim.model, gpt4.claim.input, gpt4.claim.output) == ("openai/gpt-4", D(30), D(60))
    assert gpt4.verdict == "holds"
    # every skipped sentence is a per-user, per-conversation or monthly figure without tokens
    assert len(report.unparsed) + len(notes) >= 10
    assert all("no token" in u.reason for u in report.unparsed)


# ----------------------------------------------------------------------------- one reader (issue 15)

#: Sentences scan reads that `check` refuses, and why (each one is a form still to add).
CHECK_REFUSES: set[str] = set()
#: Sentences of our own in the forms of six more real articles (issue 15), read by both.
MORE_FORMS = """The raw numbers: GPT-4o costs $5.00 per million input tokens and $15.00 per million output tokens.
Kimi K2.5 1T params with 32B active: $0.45 per million input tokens, $2.25 per million output tokens.
DeepSeek V3.2 costs 90% less than GPT-5 and Claude Sonnet 4.6.
The difference is cost: Kimi K2 Thinking costs 88% less than GPT-5 for input tokens.
DeepSeek V3 outperforms GPT-4o on MMLU and GPQA while costing 14× less.
For chat, you're paying 20× more for Claude Opus 4.6 vs Claude Sonnet 4.6.
"""
#: Sentences the grammar refuses and the article reader reads on their own (found by a review of
#: issue 15): two models with their own prices and hosts, a lead-in, a fall over a stated period.
ARTICLE_READER_FORMS = """That's a 50-100x cost reduction in two years for equivalent capability.
Output prices show a 50-100x cost reduction from early 2024 to early 2026 for equivalent capability.
Anthropic charges $5 per million input tokens and $25 per million output tokens for Opus 4.6.
Kimi K2.5 costs $0.45/$2.25 per million tokens via DeepInfra, while DeepSeek V3.2 costs $0.28/$0.42 on DeepSeek.
Kimi K2.5 costs $0.45/$2.25 per million tokens via DeepInfra, and Claude Opus 4.6 costs $5/$25 per million tokens.
"""


def _corpus_units():
    """Sentences and list items of the tests' articles (tables are read by scan only)."""
    texts = [FIXTURE.read_text(encoding="utf-8"), MORE_FORMS, ARTICLE_READER_FORMS]
    if ARTICLES.is_dir():
        texts += [path.read_text(encoding="utf-8") for path in sorted(ARTICLES.glob("*.txt"))]
    return [unit for text in texts for unit in split_units(text) if unit.kind in ("sentence", "list item")]


def test_check_accepts_every_sentence_scan_reads_on_its_own(catalog_inputs):
    """A property of the corpus: what scan reads from a sentence alone, `check` reads as the same claims
    (the grammar's reading where it has one, else the article reader's: analysis.sentence_reader)."""
    from pricewatch.analysis.sentence_reader import ARTICLE_READER_NOTE, read_sentence

    names, facts = catalog_inputs
    read = by_article_reader = 0
    for unit in _corpus_units():
        found, _ = find_claims(unit.text, names, facts)
        if not found or unit.text in CHECK_REFUSES:
            continue
        parsed = read_sentence(unit.text, names, facts)
        claims = [c for one in found for c in one.claims]
        assert [c.to_json() for c in parsed.claims] == [c.to_json() for c in claims], unit.text
        read += 1
        by_article_reader += ARTICLE_READER_NOTE in parsed.notes
    # The fixture alone has 8 such sentences, MORE_FORMS 6 and ARTICLE_READER_FORMS 5; the real
    # articles (beside the project, absent on a fresh machine) add more.
    assert read >= (20 if ARTICLES.is_dir() else 19)
    assert by_article_reader >= 5


# ----------------------------------------------------------------------------- binding (issue 15)

DEEPSEEK = "deepseek/deepseek-v3.2"


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        # the host after one model's price is that price's; the next model gets none
        (
            "Kimi K2.5 costs $0.45 per million input tokens on DeepInfra, while DeepSeek V3.2 costs "
            "$0.28 per million input tokens.",
            [(KIMI, "deepinfra", D("0.45")), (DEEPSEEK, None, D("0.28"))],
        ),
        (
            "On DeepSeek's API, DeepSeek V3.2 costs $0.28 per million input tokens; Kimi K2.5 costs "
            "$0.45 per million input tokens.",
            [(DEEPSEEK, "deepseek", D("0.28")), (KIMI, None, D("0.45"))],
        ),
        (
            "DeepSeek V3.2 charges $0.28 per million input tokens via DeepSeek and Kimi K2.5 charges "
            "$0.45 per million input tokens.",
            [(DEEPSEEK, "deepseek", D("0.28")), (KIMI, None, D("0.45"))],
        ),
        (
            "Kimi K2.5 costs $0.45/$2.25 per million tokens via DeepInfra, and Claude Opus 4.6 costs "
            "$5/$25 per million tokens.",
            [(KIMI, "deepinfra", D("0.45")), (OPUS, None, D(5))],
        ),
        # one model at two hosts: each price keeps its own host
        (
            "Kimi K2.5 input costs $0.45 per million tokens on DeepInfra and $0.40 per million tokens "
            "on OpenRouter.",
            [(KIMI, "deepinfra", D("0.45")), (KIMI, "openrouter", D("0.40"))],
        ),
        # one model's two fields, the host named once at the end: both at that host
        (
            "Kimi K2.5 costs $0.45 per million input tokens and $2.25 per million output tokens at DeepInfra.",
            [(KIMI, "deepinfra", D("0.45"))],
        ),
    ],
)
def test_a_host_binds_the_model_it_is_named_for_only(catalog_inputs, text, bound):
    names, facts = catalog_inputs
    found, unparsed = find_claims(text, names, facts)
    assert not unparsed
    claims = [claim for item in found for claim in item.claims]
    assert [(c.model, c.provider, c.input) for c in claims] == bound


# ----------------------------------------------------------------------------- forms15 (issue 15)

THESIS = """Anthropic charges $5 per million input tokens and $25 per million output tokens for Opus 4.6.

Open-weight models on OpenRouter:
- Qwen 3.5 397B-A17B: $0.39 per million input tokens, $2.34 per million output tokens
- Kimi K2.5: $0.45 per million input tokens, $2.25 per million output tokens

So actual inference costs are about a tenth of retail. That is a markup of over 10 times.
"""


def test_a_thesis_naming_no_model_binds_to_the_prices_the_article_quoted(catalog_inputs):
    from pricewatch.inputs import load_peer_groups

    names, facts = catalog_inputs
    peers = tuple(load_peer_groups().values())
    report = scan_article(THESIS, names, facts, POINTS, NOW, source="thesis", peers=peers)
    by_quote = {item.quote: item for item in report.claims}
    opus = by_quote[next(q for q in by_quote if q.startswith("Anthropic charges"))]
    # the host named before the first price holds for the same model's next price
    assert [(r.claim.provider, r.claim.input, r.claim.output) for r in opus.results] == [("anthropic", 5, 25)]
    tenth = by_quote["So actual inference costs are about a tenth of retail."]
    assert [(r.claim.a.model, r.claim.a.provider, r.claim.b.model, r.claim.form) for r in tenth.results] == [
        (QWEN, "openrouter", OPUS, "percent_of"),
        (KIMI, "openrouter", OPUS, "percent_of"),
    ]
    assert all(r.claim.claimed == r.claim.claimed.point(10) for r in tenth.results)
    # Qwen (3 x 0.39 + 2.34) / 4 = 0.8775 = 8.775% of $10; Kimi at OpenRouter (1.2 + 1.9) / 4 = 7.75%
    assert [r.comparisons[0].actual for r in tenth.results] == [D("8.775"), D("7.75")]
    assert [r.verdict for r in tenth.results] == ["holds", "off"]
    markup = by_quote["That is a markup of over 10 times."]
    assert [(r.claim.form, r.claim.claimed.low, r.claim.claimed.high) for r in markup.results] == [
        ("times_cheaper", 10, None),
        ("times_cheaper", 10, None),
    ]
    assert [r.verdict for r in markup.results] == ["holds", "holds"]  # 11.40x and 12.90x: over 10x
    assert not report.unparsed
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(report.to_json()))


def test_a_thesis_before_any_price_is_listed_with_the_reason(catalog_inputs):
    names, facts = catalog_inputs
    found, unparsed = find_claims("Retail is a markup of over 10 times.", names, facts)
    assert not found
    assert [u.reason for u in unparsed] == [
        "a comparison with retail prices before the article quoted an open-weight host's price "
        "and a closed model's retail price"
    ]


def test_the_model_and_it_bind_within_one_paragraph_only(catalog_inputs):
    names, facts = catalog_inputs
    same = "Kimi K2.5 is an open model. The model costs $0.45 per million input tokens."
    found, _ = find_claims(same, names, facts)
    assert [(c.model, c.input) for item in found for c in item.claims] == [(KIMI, D("0.45"))]
    other = "Kimi K2.5 is an open model.\n\nIt costs $0.45 per million input tokens."
    found, unparsed = find_claims(other, names, facts)
    assert not found
    assert [u.reason for u in unparsed] == ["a price per million tokens that names no model"]


@pytest.mark.parametrize(
    ("text", "a", "a_host", "form", "low", "high"),
    [
        ("Kimi K2.5 on DeepInfra costs a tenth of Claude Opus 4.6.", KIMI, "deepinfra", "percent_of", 10, 10),
        ("Kimi K2.5 is half the price of Claude Opus 4.6.", KIMI, None, "percent_of", 50, 50),
        (
            "Claude Opus 4.6 is a markup of over 10x on Kimi K2.5 via DeepInfra.",
            KIMI,
            "deepinfra",
            "times_cheaper",
            10,
            None,
        ),
    ],
)
def test_fractions_and_markups_are_read_by_scan_as_by_check(catalog_inputs, text, a, a_host, form, low, high):
    from pricewatch.analysis.claim_text import parse_claim

    names, facts = catalog_inputs
    found, _ = find_claims(text, names, facts)
    (claim,) = found[0].claims
    assert (claim.a.model, claim.a.provider, claim.b.model, claim.form) == (a, a_host, OPUS, form)
    assert (claim.claimed.low, claim.claimed.high) == (low, high)
    assert [c.to_json() for c in parse_claim(text, names).claims] == [claim.to_json()]


def test_a_quoted_price_that_misses_its_host_says_where_the_figures_held(catalog_inputs):
    names, facts = catalog_inputs
    text = "Kimi K2.5 costs $0.45/$2.25 per million tokens on OpenRouter."
    report = scan_article(text, names, facts, POINTS, NOW)
    (result,) = report.claims[0].results
    assert result.verdict == "off"  # OpenRouter: $0.40/$1.90
    assert [(h.provider, h.valid_from[:10], h.valid_to) for h in result.held_elsewhere] == [
        ("deepinfra", "2026-06-10", None)
    ]
    assert result.summary.endswith("; $0.45/$2.25 is deepinfra's price since 2026-06-10")
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(report.to_json()))


PROVIDER_TABLE = """| Model | Input | Output | Provider |
|---|---|---|---|
| Kimi K2.5 | $0.45 | $2.25 | via DeepInfra |
| Qwen 3.5 397B-A17B | $0.39 | $2.34 | OpenRouter |
| DeepSeek V3.2 | $0.28 | $0.42 | |
| Kimi K2.5 | $0.45 | $2.25 | Nowhere Cloud |
"""


def test_a_table_rows_provider_column_binds_that_rows_price_to_its_host(catalog_inputs):
    names, facts = catalog_inputs
    found, unparsed = find_claims(PROVIDER_TABLE, names, facts)
    assert [(c.model, c.provider, c.input) for item in found for c in item.claims] == [
        (KIMI, "deepinfra", D("0.45")),  # "via DeepInfra": DeepInfra, not the cheapest host
        (QWEN, "openrouter", D("0.39")),
        (DEEPSEEK, None, D("0.28")),  # no host named: the usual basis
    ]
    assert [(u.line, u.reason) for u in unparsed] == [
        (6, "a table row whose host 'Nowhere Cloud' is not a provider in the catalog")
    ]
    report = scan_article(PROVIDER_TABLE, names, facts, POINTS, NOW)
    assert [item.verdict for item in report.claims][:2] == ["holds", "holds"]


PERIOD_TABLE = """| Period | Capability | Cost |
|---|---|---|
| 2023 | GPT-4 level | $30-60 per M output |
| early 2024 | GPT-4 level | $10–$30 per M output |
| someday | GPT-4 level | $1 per M output |
"""


def test_a_period_table_row_is_the_cheapest_price_at_its_level_in_its_period(catalog_inputs):
    names, facts = catalog_inputs
    report = scan_article(PERIOD_TABLE, names, facts, curated_points(), NOW)
    rows = {item.line: item for item in report.claims}
    (row_2023,) = rows[3].results
    claim = row_2023.claim
    assert (claim.kind, claim.reference_model, str(claim.start), str(claim.end), claim.price) == (
        "level_price",
        "openai/gpt-4",
        "2023-01-01",
        "2024-01-01",
        "output",
    )
    assert (claim.claimed.low, claim.claimed.high) == (30, 60)
    # the real figures of the row: GPT-4 Turbo's $30 (November 2023) and GPT-4's $60, each with its score
    assert row_2023.verdict == "holds"
    assert [c.actual for c in row_2023.comparisons] == [D(30), D(60)]
    assert "GPT-4 Turbo" in row_2023.summary and "version gpt-4-0314" in row_2023.summary
    (row_2024,) = rows[4].results
    assert (str(row_2024.claim.start), str(row_2024.claim.end)) == ("2024-01-01", "2024-05-01")
    assert row_2024.verdict == "off"  # a model at GPT-4's level cost under $10 output before May 2024
    assert row_2024.comparisons[0].actual < 10
    assert [(u.line, u.reason.split(" whose ")[1][:17]) for u in report.unparsed] == [
        (5, "period 'someday' ")
    ]
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(report.to_json()))


@pytest.mark.parametrize(
    ("cell", "start", "end"),
    [
        ("2023", "2023-01-01", "2024-01-01"),
        ("late 2024", "2024-09-01", "2025-01-01"),
        ("Q2 2025", "2025-04-01", "2025-07-01"),
        ("H2 2025", "2025-07-01", "2026-01-01"),
        ("Mar 2024", "2024-03-01", "2024-04-01"),
        ("Dec 2024", "2024-12-01", "2025-01-01"),
        ("2024–2025", "2024-01-01", "2026-01-01"),
    ],
)
def test_period_cells(cell, start, end):
    from pricewatch.analysis.scan_tables import parse_period

    assert tuple(map(str, parse_period(cell))) == (start, end)


def test_an_estimate_of_actual_cost_from_retail_is_a_share_of_retail(catalog_inputs):
    names, facts = catalog_inputs
    text = THESIS + "\nA heavy user's $5,000 in API-equivalent tokens ≈ $400 in actual compute cost.\n"
    found, _ = find_claims(text, names, facts)
    last = found[-1]
    assert [(c.a.model, c.a.provider, c.b.model, c.form, c.claimed.low) for c in last.claims] == [
        (QWEN, "openrouter", OPUS, "percent_of", 8),  # 100 x $400 / $5,000
        (KIMI, "openrouter", OPUS, "percent_of", 8),
    ]


@pytest.mark.parametrize("dash", ["–", "-"])
def test_ranges_in_articles(catalog_inputs, dash):
    names, facts = catalog_inputs
    text = (
        f"A power user processing 150{dash}200 million tokens per day on Claude Opus 4.6 with a 95% cache hit "
        f"rate and a 90/10 input/output split would pay roughly $4,200{dash}$6,000/month.\n"
        f"Kimi K2.5 costs $0.40{dash}$0.45 per million input tokens.\n"
    )
    found, unparsed = find_claims(text, names, facts)
    assert {(c.claimed.low, c.claimed.high) for c in found[0].claims} == {(4200, 6000)}
    # a price per million tokens given as a range is not read as its high end
    assert [u.reason.split(":")[0] for u in unparsed] == ["a price range per million tokens"]
