"""`backfill models-dev`: models.dev's provider TOML over the first-parent history of its branch.

The repositories are built here, commit by commit, with true prices (models.dev's own
files at the time: Claude Opus 4.5 $5/$25 with a $0.50 cache read and $6.25 cache write;
GPT-5.4 $2.50/$15 and $5/$22.50 above 272k tokens; Kimi K2.6 at Together).
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_backfill import _git

from pricewatch.cli import cli
from pricewatch.scraper import gitlog
from pricewatch.scraper.backfill import backfill
from pricewatch.scraper.backfill_tree import models_dev_target, plan_tree
from pricewatch.scraper.sources import models_dev
from pricewatch.scraper.store import open_database, sync_catalog

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

T1, T2, T3, T4, T5 = (
    "2026-01-05T10:00:00Z",
    "2026-01-20T10:00:00Z",
    "2026-02-10T10:00:00Z",
    "2026-03-01T10:00:00Z",
    "2026-03-20T10:00:00Z",
)

OPUS_FILE = "providers/anthropic/models/claude-opus-4-5.toml"
GPT_FILE = "providers/openai/models/gpt-5.4.toml"
KIMI_FILE = "providers/togetherai/models/moonshotai/Kimi-K2.6.toml"
HOST_FILE = "providers/acme-cloud/models/kimi-k2.6.toml"  # a provider the catalog does not know


def opus(input_price: str = "5.00", output_price: str = "25.00") -> bytes:
    return f"""name = "Claude Opus 4.5 (latest)"
family = "claude-opus"
release_date = "2025-11-24"

[cost]
input = {input_price}
output = {output_price}
cache_read = 0.50
cache_write = 6.25

[limit]
context = 200_000
output = 64_000

[modalities]
input = ["text", "image", "pdf"]
output = ["text"]
""".encode()


GPT = b"""name = "GPT-5.4"
reasoning_options = [{ type = "effort", values = ["none", "low", "medium", "high", "xhigh"] }]

[cost]
input = 2.50
output = 15.00
cache_read = 0.25

[[cost.tiers]]
tier = { size = 272_000 }
input = 5.00
output = 22.50
cache_read = 0.50

[limit]
context = 1_050_000
output = 128_000

[experimental.modes.fast]
cost = { input = 5.00, output = 30.00, cache_read = 0.50 }
provider = { body = { service_tier = "priority" } }
"""


def kimi(input_price: str = "1.20", output_price: str = "4.50") -> bytes:
    return f"""base_model = "moonshotai/kimi-k2.6"

[cost]
input = {input_price}
output = {output_price}

[limit]
context = 262_144
output = 262_144
""".encode()


def commit(repo: Path, when: str, files: dict[str, bytes | None], message: str = "") -> None:
    """One commit dated ``when`` writing (or, for None, deleting) ``files``."""
    for path, body in files.items():
        if body is None:
            _git(repo, "rm", "-q", path)
            continue
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        _git(repo, "add", path)
    dates = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    _git(repo, "commit", "-q", "--allow-empty", "-m", message or f"data {when}", env=dates)


def new_repo(root: Path) -> Path:
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "dev")
    _git(root, "config", "user.name", "pricewatch tests")
    _git(root, "config", "user.email", "tests@example.invalid")
    _git(root, "config", "commit.gpgsign", "false")
    return root


@pytest.fixture
def db(tmp_path, catalog):
    database = open_database(tmp_path / "models-dev.db")
    sync_catalog(database, catalog)
    return database


def _periods(db, model: str, provider: str, tier: str = "standard", threshold: int = 0) -> list[dict]:
    return list(
        db.query(
            "SELECT p.valid_from, p.valid_to, p.last_seen, p.input, p.output, p.cache_read, p.cache_write, "
            "p.origin, p.closed_reason, p.last_seen_by FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.model_id = ? AND o.provider_id = ? AND o.tier = ? AND o.min_prompt_tokens = ? "
            "ORDER BY p.valid_from",
            [model, provider, tier, threshold],
        )
    )


# ----------------------------------------------------------------------------- the parser


def test_parser_reads_standard_long_context_and_fast_mode_prices_exactly():
    [base, long_context, priority] = models_dev.parse_file(GPT_FILE, GPT).records
    assert (base.model, base.provider, base.tier, base.min_prompt_tokens) == (
        "gpt-5.4",
        "openai",
        "standard",
        0,
    )
    assert (base.input, base.output, base.cache_read, base.cache_write) == (
        Decimal("2.50"),
        Decimal("15.00"),
        Decimal("0.25"),
        None,
    )
    assert base.context_length == 1_050_000
    assert (long_context.min_prompt_tokens, long_context.input, long_context.output) == (
        272_000,
        Decimal("5.00"),
        Decimal("22.50"),
    )
    # OpenAI's fast mode is priority processing: tier priority, no variant (as the openai source).
    assert (priority.tier, priority.variant, priority.input, priority.output) == (
        "priority",
        "",
        Decimal("5.00"),
        Decimal("30.00"),
    )


def test_parser_maps_older_spellings_thresholds_and_anthropic_fast_mode():
    body = b"""[cost]
input = 3
output = 15
cached_input = 0.3
cached_write = 3.75
reasoning = 10
input_audio = 1
image = 120

[cost.context_over_200k]
input = 6
output = 22.5

[experimental.modes.fast]
cost = { input = 30, output = 150, cache_read = 3, cache_write = 37.5 }
provider = { body = { speed = "fast" }, headers = { anthropic-beta = "fast-mode-2026-02-01" } }
"""
    records = models_dev.parse_file("providers/anthropic/models/claude-opus-4-6.toml", body).records
    by_key = {(r.tier, r.min_prompt_tokens, r.variant): r for r in records}
    assert set(by_key) == {("standard", 0, ""), ("standard", 200_000, ""), ("priority", 0, "fast")}
    base = by_key["standard", 0, ""]
    assert (base.cache_read, base.cache_write, base.reasoning) == (
        Decimal("0.3"),
        Decimal("3.75"),
        Decimal(10),
    )
    assert by_key["standard", 200_000, ""].input == Decimal(6)
    assert by_key["priority", 0, "fast"].cache_write == Decimal("37.5")


def test_parser_names_free_tiers_base_models_and_skips_files_without_a_cost():
    [free] = models_dev.parse_file(
        "providers/openrouter/models/deepseek/deepseek-r1:free.toml", b"[cost]\ninput = 0\noutput = 0\n"
    ).records
    assert (free.model, free.tier, free.input) == ("deepseek/deepseek-r1", "free", 0)
    [named] = models_dev.parse_file(KIMI_FILE, kimi()).records
    assert (named.model, named.provider) == ("moonshotai/kimi-k2.6", "togetherai")
    assert models_dev.parse_file(GPT_FILE, b'name = "GPT"\n[limit]\ncontext = 1\n').records == []
    assert models_dev.name_candidates("claude-opus-4-5", "anthropic") == [
        "claude-opus-4-5",
        "anthropic/claude-opus-4-5",
    ]
    assert models_dev.name_candidates("anthropic/claude-opus-4-5", "amazon-bedrock") == [
        "anthropic/claude-opus-4-5",
        "claude-opus-4-5",
    ]


def test_only_the_tables_read_are_decoded_and_a_bad_price_is_a_row_error():
    text = opus().decode() + '\n[[benchmarks]]\nname = "x"\nscore = 1\n'
    part = models_dev.price_text(text)
    assert part is not None and "[cost]" in part and "[limit]" in part and "benchmarks" not in part
    assert models_dev.load(text.encode()) == {
        "cost": {
            "input": Decimal("5.00"),
            "output": Decimal("25.00"),
            "cache_read": Decimal("0.50"),
            "cache_write": Decimal("6.25"),
        },
        "limit": {"context": 200_000, "output": 64_000},
    }
    assert models_dev.price_text("cost = { input = 1 }\n[limit]\ncontext = 1\n") is None  # read whole
    parsed = models_dev.parse_file(OPUS_FILE, b'[cost]\ninput = "n/a"\noutput = 25\n')
    assert [r.output for r in parsed.records] == [Decimal(25)] and parsed.records[0].input is None
    assert parsed.row_errors == [f"{OPUS_FILE}: cost.input: not a number: 'n/a'"]


# ----------------------------------------------------------------------------- the history


@pytest.fixture
def history(tmp_path):
    """Four first-parent commits and a merge of a branch whose own commit is older."""
    repo = new_repo(tmp_path / "models.dev")
    commit(
        repo,
        T1,
        {
            OPUS_FILE: opus(),
            GPT_FILE: GPT,
            KIMI_FILE: kimi(),
            HOST_FILE: kimi("0.95", "4.00"),
            "providers/anthropic/provider.toml": b'name = "Anthropic"\n',
            "providers/acme-cloud/models/embed-1.toml": b"[cost]\ninput = 0\noutput = 0\n",
            "models/moonshotai/kimi-k2.6.toml": b'name = "Kimi K2.6"\n',
        },
    )
    commit(repo, T2, {KIMI_FILE: kimi("0.95", "4.00")})  # Together's price cut
    # A long-lived branch: its commit is dated T3, but it is published by the merge at T5.
    _git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, T3, {OPUS_FILE: opus("4.00", "20.00")}, "feature: opus price")
    _git(repo, "checkout", "-q", "dev")
    commit(repo, T4, {HOST_FILE: None})  # acme-cloud stops listing Kimi K2.6
    dates = {"GIT_AUTHOR_DATE": T5, "GIT_COMMITTER_DATE": T5}
    _git(repo, "merge", "-q", "--no-ff", "-m", "merge feature", "feature", env=dates)
    return repo


def test_first_parent_commits_are_the_observation_times(history, db, catalog):
    summary = backfill(db, catalog, history, "providers", models_dev_target())
    assert (summary.versions, summary.read, summary.skipped) == (4, 4, 0)
    assert (summary.first_at, summary.last_at) == (T1, T5)
    # The branch's change counts at the merge, not at its own commit's date (T3).
    assert [
        (p["valid_from"], p["valid_to"], p["input"], p["output"])
        for p in _periods(db, "anthropic/claude-opus-4.5", "anthropic")
    ] == [(T1, T5, "5", "25"), (T5, None, "4", "20")]
    [first, second] = _periods(db, "anthropic/claude-opus-4.5", "anthropic")
    assert (first["last_seen"], first["cache_read"], first["cache_write"]) == (T4, "0.5", "6.25")
    assert {first["origin"], second["origin"]} == {"third-party"}
    assert second["last_seen_by"] == "models-dev"
    kimi_at_together = _periods(db, "moonshotai/kimi-k2.6", "together")
    assert [(p["valid_from"], p["valid_to"], p["last_seen"], p["input"]) for p in kimi_at_together] == [
        (T1, T2, T1, "1.2"),
        (T2, None, T5, "0.95"),
    ]
    [long_context] = _periods(db, "openai/gpt-5.4", "openai", threshold=272_000)
    assert (long_context["input"], long_context["output"], long_context["valid_to"]) == ("5", "22.5", None)
    [priority] = _periods(db, "openai/gpt-5.4", "openai", tier="priority")
    assert priority["output"] == "30"


def test_a_deleted_file_ends_the_offer_and_unknown_providers_keep_their_folder_name(history, db, catalog):
    summary = backfill(db, catalog, history, "providers", models_dev_target())
    [host] = _periods(db, "moonshotai/kimi-k2.6", "acme-cloud")
    assert (host["valid_from"], host["valid_to"], host["last_seen"], host["closed_reason"]) == (
        T1,
        T4,
        T2,
        "delisted",
    )
    assert summary.delisted == 1
    assert summary.unmapped_providers == {"acme-cloud": 1}
    # The embedding model's $0 is not a price (no free tier named): reported, not stored.
    assert summary.zero_prices == {"embed-1 @ acme-cloud standard"}
    assert _periods(db, "embed-1", "acme-cloud") == []
    unmapped = {(r["kind"], r["name"]) for r in db.query("SELECT kind, name FROM unmapped_names")}
    assert ("provider", "acme-cloud") in unmapped


def test_every_period_is_cited_and_a_second_run_adds_nothing(history, db, catalog):
    backfill(db, catalog, history, "providers", models_dev_target())
    repository = gitlog.repository_key(history)
    first_parent = _git(history, "log", "--first-parent", "--format=%H", "dev").split()
    folder_rows = {
        r["git_commit"]
        for r in db.query(
            "SELECT git_commit FROM fetches WHERE repository = ? AND path = 'providers'", [repository]
        )
    }
    assert folder_rows == set(first_parent)
    cited = {
        (r["git_commit"], r["path"], r["url"])
        for r in db.query("SELECT git_commit, path, url FROM fetches WHERE path != 'providers'")
    }
    merge = first_parent[0]
    assert (merge, OPUS_FILE, models_dev.UPSTREAM_URL) in cited
    assert (merge, GPT_FILE, models_dev.UPSTREAM_URL) not in cited  # unchanged there
    # Every period has a fetch of its own file at the commit that opened it.
    files = {
        ("anthropic/claude-opus-4.5", "anthropic"): OPUS_FILE,
        ("openai/gpt-5.4", "openai"): GPT_FILE,
        ("moonshotai/kimi-k2.6", "together"): KIMI_FILE,
        ("moonshotai/kimi-k2.6", "acme-cloud"): HOST_FILE,
    }
    opened = {
        (r["valid_from"], files[r["model_id"], r["provider_id"]])
        for r in db.query(
            "SELECT p.valid_from, o.model_id, o.provider_id FROM prices p JOIN offers o ON o.id = p.offer_id"
        )
    }
    assert len(opened) == 6  # three offers of GPT-5.4 open at T1 from one file
    assert opened <= {(r["fetched_at"], r["path"]) for r in db.query("SELECT fetched_at, path FROM fetches")}
    rows = db.execute("SELECT count(*) FROM prices").fetchone()[0]
    fetches = db.execute("SELECT count(*) FROM fetches").fetchone()[0]
    again = backfill(db, catalog, history, "providers", models_dev_target())
    assert (again.read, again.skipped, again.price_rows_added) == (0, 4, 0)
    assert db.execute("SELECT count(*) FROM prices").fetchone()[0] == rows
    assert db.execute("SELECT count(*) FROM fetches").fetchone()[0] == fetches


def test_a_run_resumed_after_part_of_the_history_equals_one_run(history, tmp_path, catalog):
    def table(database) -> list[tuple]:
        return [
            tuple(r)
            for r in database.execute(
                "SELECT o.model_id, o.provider_id, o.tier, o.min_prompt_tokens, o.variant, p.valid_from, "
                "p.valid_to, p.last_seen, p.input, p.output, p.closed_reason FROM prices p "
                "JOIN offers o ON o.id = p.offer_id ORDER BY 1, 2, 3, 4, 5, 6"
            ).fetchall()
        ]

    whole = open_database(tmp_path / "whole.db")
    sync_catalog(whole, catalog)
    backfill(whole, catalog, history, "providers", models_dev_target())
    parts = open_database(tmp_path / "parts.db")
    sync_catalog(parts, catalog)
    second = _git(history, "log", "--first-parent", "--format=%H", "dev").split()[2]
    first_run = backfill(parts, catalog, history, "providers", models_dev_target(second))
    rest = backfill(parts, catalog, history, "providers", models_dev_target())
    assert (first_run.read, rest.skipped, rest.read) == (2, 2, 2)
    assert table(parts) == table(whole)


def test_a_third_party_price_never_overrides_a_measured_or_curated_row(history, db, catalog):
    from pricewatch.scraper.store import Observation, apply_observations

    measured = Observation(
        "anthropic/claude-opus-4.5",
        "anthropic",
        "standard",
        0,
        "",
        T1,
        prices=(Decimal(5), Decimal(25), *[None] * 4),
    )
    curated = Observation(
        "moonshotai/kimi-k2.6",
        "together",
        "standard",
        0,
        "",
        T1,
        prices=(Decimal("1.20"), Decimal("4.50"), *[None] * 4),
    )
    with db.atomic():
        apply_observations(db, [measured], origin="backfill", run_id=None, source="anthropic")
        apply_observations(db, [curated], origin="curated", run_id=None, source=None)
    backfill(db, catalog, history, "providers", models_dev_target())
    [maker] = _periods(db, "anthropic/claude-opus-4.5", "anthropic")
    assert (maker["valid_from"], maker["valid_to"], maker["last_seen"], maker["input"], maker["origin"]) == (
        T1,
        None,
        T1,
        "5",
        "backfill",
    )
    [row] = _periods(db, "moonshotai/kimi-k2.6", "together")
    assert (row["valid_from"], row["valid_to"], row["input"], row["origin"]) == (T1, None, "1.2", "curated")
    disagreements = {
        (r["observed_origin"], r["stored_origin"])
        for r in db.query("SELECT observed_origin, stored_origin FROM disagreements")
    }
    assert disagreements == {("third-party", "backfill"), ("third-party", "curated")}


def test_a_jump_that_comes_back_within_days_is_held_not_stored(tmp_path, db, catalog):
    repo = new_repo(tmp_path / "typo")
    commit(repo, T1, {KIMI_FILE: kimi()})
    commit(repo, "2026-01-06T10:00:00Z", {KIMI_FILE: kimi("120", "4.50")})  # a slipped decimal point
    commit(repo, "2026-01-07T10:00:00Z", {KIMI_FILE: kimi()})
    summary = backfill(db, catalog, repo, "providers", models_dev_target())
    [held] = summary.held
    assert held.at == "2026-01-06T10:00:00Z" and "input 1.2 -> 120 (100x)" in held.reason
    [row] = _periods(db, "moonshotai/kimi-k2.6", "together")
    assert (row["input"], row["last_seen"]) == ("1.2", "2026-01-07T10:00:00Z")
    [pending] = db.query("SELECT source, status, origin FROM quarantine")
    assert pending == {"source": "backfill:models-dev", "status": "pending", "origin": "third-party"}


def test_a_link_lists_its_target_under_its_own_provider(tmp_path, db, catalog):
    repo = new_repo(tmp_path / "links")
    link = repo / "providers/zhipuai/models/glm-4.6.toml"
    link.parent.mkdir(parents=True)
    link.symlink_to("../../zai/models/glm-4.6.toml")
    _git(repo, "add", "providers/zhipuai")
    commit(repo, T1, {"providers/zai/models/glm-4.6.toml": b"[cost]\ninput = 0.6\noutput = 2.2\n"})
    commit(repo, T2, {"providers/zai/models/glm-4.6.toml": b"[cost]\ninput = 0.5\noutput = 2.2\n"})
    backfill(db, catalog, repo, "providers", models_dev_target())
    assert [(p["valid_from"], p["input"]) for p in _periods(db, "z-ai/glm-4.6", "zhipuai")] == [
        (T1, "0.6"),
        (T2, "0.5"),
    ]


def test_the_plan_follows_links_and_reads_only_changed_price_files():
    change = gitlog.TreeChange
    versions = [
        gitlog.TreeVersion(
            "c1", T1, (change("providers/a/models/m.toml", "b1"), change("providers/a/logo.svg", "s"))
        ),
        gitlog.TreeVersion("c2", T2, (change("providers/b/models/m.toml", "l1", symlink=True),)),
        gitlog.TreeVersion("c3", T3, (change("providers/a/models/m.toml", "b2"),)),
        gitlog.TreeVersion("c4", T4, (change("providers/a/models/m.toml", None),)),
    ]
    steps = plan_tree(versions, {"l1": "../../a/models/m.toml"}, models_dev.is_price_file)
    assert [step.files for step in steps] == [
        (("providers/a/models/m.toml", "b1"),),
        (("providers/b/models/m.toml", "b1"),),
        (("providers/a/models/m.toml", "b2"), ("providers/b/models/m.toml", "b2")),
        (("providers/a/models/m.toml", None), ("providers/b/models/m.toml", None)),
    ]


def test_cli_backfills_models_dev_and_prints_the_summary(history, tmp_path):
    db = str(tmp_path / "cli.db")
    result = CliRunner().invoke(cli, ["backfill", "models-dev", str(history), "--db", db])
    assert result.exit_code == 0, result.output
    assert "models-dev: providers in" in result.output
    assert f"versions read: 4 ({T1} .. {T5})" in result.output
    assert (
        "$0 prices not stored (a zero is a free tier only when the source names one): 1 offers"
        in result.output
    )
    assert "unmapped providers (versions seen): acme-cloud (1)" in result.output
    again = CliRunner().invoke(cli, ["backfill", "models-dev", str(history), "--db", db, "--format", "json"])
    assert again.exit_code == 0 and '"skipped": 4' in again.output


def test_a_file_that_is_not_toml_keeps_its_previous_version(tmp_path, db, catalog):
    repo = new_repo(tmp_path / "broken")
    commit(repo, T1, {KIMI_FILE: kimi()})
    commit(repo, T2, {KIMI_FILE: kimi() + b"[cost]\ninput = 2\n"})  # a table defined twice
    commit(repo, T3, {KIMI_FILE: kimi("0.95", "4.00")})
    summary = backfill(db, catalog, repo, "providers/", models_dev_target())
    assert summary.path == "providers" and summary.failures == []
    [error] = summary.file_errors
    assert f"{T2} {KIMI_FILE}: not a TOML file" in error and "layout" not in error
    assert [
        (p["valid_from"], p["valid_to"], p["last_seen"], p["input"])
        for p in _periods(db, "moonshotai/kimi-k2.6", "together")
    ] == [(T1, T3, T2, "1.2"), (T3, None, T3, "0.95")]


def test_a_third_party_delisting_closes_only_what_that_source_said(db):
    from pricewatch.scraper.store import Observation, apply_observations
    from pricewatch.scraper.store.prices import close_offers

    def seen(provider: str, origin: str, source: str) -> tuple:
        observation = Observation(
            "moonshotai/kimi-k2.6",
            provider,
            "standard",
            0,
            "",
            T1,
            prices=(Decimal(1), Decimal(4), *[None] * 4),
        )
        with db.atomic():
            apply_observations(db, [observation], origin=origin, run_id=None, source=source)
        return observation.offer_key

    measured = seen("deepinfra", "backfill", "openrouter")
    other = seen("novita", "third-party", "litellm")
    own = seen("groq", "third-party", "models-dev")
    with db.atomic():
        closed = close_offers(db, {measured, other, own}, T2, only=("third-party", "models-dev"))
    assert closed == 1
    assert [p["valid_to"] for p in _periods(db, "moonshotai/kimi-k2.6", "groq")] == [T2]
    assert [p["valid_to"] for p in _periods(db, "moonshotai/kimi-k2.6", "deepinfra")] == [None]
    assert [p["valid_to"] for p in _periods(db, "moonshotai/kimi-k2.6", "novita")] == [None]
