"""Backfills of OpenRouter endpoint sweeps and of genai-prices' data, on small repositories built here.

The real histories (``../shared/samples/history``) are checked at the end when present.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from openrouter_bodies import endpoints_body
from test_backfill import add_version, make_repo

from pricewatch.cli import cli
from pricewatch.scraper.backfill import backfill
from pricewatch.scraper.backfill_kinds import (
    GENAI_PRICES_PATHS,
    genai_prices_target,
    openrouter_endpoints_target,
)
from pricewatch.scraper.sources import openrouter, openrouter_sweep
from pricewatch.scraper.store import open_database, sync_catalog

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

QWEN = "qwen/qwen3-235b-a22b-2507"
KIMI = "moonshotai/kimi-k2.6"
SWEEP = "data/openrouter-endpoints.json"
T1, T2, T3, T4 = (
    "2026-05-16T09:47:11Z",
    "2026-05-16T17:00:46Z",
    "2026-05-18T21:38:38Z",
    "2026-05-31T10:39:59Z",
)


@pytest.fixture
def db(tmp_path, catalog):
    database = open_database(tmp_path / "sweeps.db")
    sync_catalog(database, catalog)
    return database


def _rows(db, model: str, provider: str, tier: str = "standard") -> list[tuple]:
    return [
        tuple(r.values())
        for r in db.query(
            "SELECT o.variant, o.min_prompt_tokens, p.valid_from, p.valid_to, p.last_seen, p.input, p.output, "
            "p.origin, p.closed_reason FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.model_id = ? AND o.provider_id = ? AND o.tier = ? "
            "ORDER BY o.min_prompt_tokens, o.variant, p.valid_from",
            [model, provider, tier],
        )
    ]


def _uncited(db) -> list[dict]:
    """Price periods with no fetch row of their run at or after their start (repository and commit)."""
    return list(
        db.query(
            "SELECT p.* FROM prices p WHERE NOT EXISTS (SELECT 1 FROM fetches f WHERE f.run_id = p.run_id "
            "AND f.fetched_at >= p.valid_from AND f.repository IS NOT NULL AND f.git_commit IS NOT NULL "
            "AND f.path IS NOT NULL)"
        )
    )


# ----------------------------------------------------------------------------- openrouter-endpoints


def _sweep(
    fetched_at: str, models: dict[str, list[tuple[str, str, str, str]]], *, failed: int = 0, **volatile
) -> bytes:
    """A sweep file as imphillip/mddb committed it; ``volatile`` fields go into every endpoint."""
    data = []
    for model_id, hosts in models.items():
        body = endpoints_body(model_id, hosts)
        for endpoint in body["data"]["endpoints"]:
            endpoint.update(volatile)
        slug = f"{model_id}-20260101"
        data.append(
            {
                "modelId": model_id,
                "canonicalSlug": slug,
                "detailsUrl": f"https://openrouter.ai/api/v1/models/{slug}/endpoints",
                "endpointCount": len(hosts),
                "response": body,
            }
        )
    wrapper = {
        "fetchedAt": fetched_at.replace("Z", ".123Z"),
        "source": {"endpointRows": len(data), "failedRows": failed},
        "data": data,
    }
    return json.dumps(wrapper, indent=2).encode()


GOOGLE_TWICE = [
    ("Google", "google-vertex/us-south1", "0.00000022", "0.00000088"),
    ("Google", "google-vertex/us-south1", "0.00000025", "0.000001"),
    ("Parasail", "parasail/fp8", "0.0000001", "0.0000006"),
]
KIMI_HOSTS = [
    ("DeepInfra", "deepinfra/fp4", "0.00000075", "0.0000035"),
    ("Cloudflare", "cloudflare", "0.00000095", "0.000004"),
]


def test_sweep_prices_are_per_host_offers_by_the_refresh_rule(tmp_path, db, catalog):
    parasail_up = [*GOOGLE_TWICE[:2], ("Parasail", "parasail/fp8", "0.00000014", "0.0000008")]
    versions = [
        (T1, _sweep(T1, {QWEN: GOOGLE_TWICE, KIMI: KIMI_HOSTS}, uptime_last_30m=100, status=0)),
        # Only uptime and status differ: nothing changes.
        (T2, _sweep(T2, {QWEN: GOOGLE_TWICE, KIMI: KIMI_HOSTS}, uptime_last_30m=33.6, status=-5)),
        (T3, _sweep(T3, {QWEN: parasail_up, KIMI: KIMI_HOSTS}, uptime_last_30m=99)),
        # Cloudflare's endpoint is gone from a complete sweep: it closes there.
        (T4, _sweep(T4, {QWEN: parasail_up, KIMI: KIMI_HOSTS[:1]})),
    ]
    repo = make_repo(tmp_path / "repo", SWEEP, versions)
    summary = backfill(db, catalog, repo, SWEEP, openrouter_endpoints_target())
    assert (summary.read, summary.failed, summary.delisted) == (4, 0, 1)
    # Two endpoints of one provider and tag at different prices stay two offers.
    assert _rows(db, QWEN, "google") == [
        ("", 0, T1, None, T4, "0.22", "0.88", "backfill", None),
        ("google-vertex/us-south1", 0, T1, None, T4, "0.25", "1", "backfill", None),
    ]
    assert _rows(db, QWEN, "parasail") == [
        ("", 0, T1, T3, T2, "0.1", "0.6", "backfill", "changed"),
        ("", 0, T3, None, T4, "0.14", "0.8", "backfill", None),
    ]
    assert _rows(db, KIMI, "cloudflare") == [("", 0, T1, T4, T3, "0.95", "4", "backfill", "delisted")]
    assert _rows(db, KIMI, "deepinfra") == [("", 0, T1, None, T4, "0.75", "3.5", "backfill", None)]
    [quantization] = db.execute(
        "SELECT quantization FROM offers WHERE model_id = ? AND provider_id = 'deepinfra'", [KIMI]
    ).fetchone()
    assert quantization == "fp8"
    assert _uncited(db) == []
    fetches = list(db.query("SELECT fetched_at, path, url FROM fetches ORDER BY fetched_at"))
    assert [f["fetched_at"] for f in fetches] == [T1, T2, T3, T4]  # the sweeps' fetchedAt
    assert {f["path"] for f in fetches} == {SWEEP} and {f["url"] for f in fetches} == {openrouter_sweep.URL}
    [run] = db.query("SELECT source, origin, status, observed_at FROM runs")
    assert run == {
        "source": "backfill:openrouter-endpoints",
        "origin": "backfill",
        "status": "ok",
        "observed_at": T4,
    }
    rows = db.execute("SELECT count(*) FROM prices").fetchone()[0]
    again = backfill(db, catalog, repo, SWEEP, openrouter_endpoints_target())
    assert (again.read, again.skipped, again.price_rows_added) == (0, 4, 0)
    assert db.execute("SELECT count(*) FROM prices").fetchone()[0] == rows


def test_the_same_sweep_as_a_live_refresh_gives_the_same_offers(tmp_path, db, catalog):
    """The backfill parses each response with the openrouter source and the refresh's identity rule."""
    from pricewatch.scraper.refresh import observations_from_records

    body = _sweep(T1, {QWEN: GOOGLE_TWICE, KIMI: KIMI_HOSTS})
    live = []
    for _, (url, response) in openrouter_sweep.split(body):
        parsed = openrouter.parse(url, json.dumps(response).encode())
        live.extend(o.offer_key for o in observations_from_records(parsed.records, catalog, T1)[0])
    repo = make_repo(tmp_path / "repo", SWEEP, [(T1, body)])
    backfill(db, catalog, repo, SWEEP, openrouter_endpoints_target())
    stored = [
        (r["model_id"], r["provider_id"], r["tier"], r["min_prompt_tokens"], r["variant"])
        for r in db.query("SELECT o.* FROM offers o JOIN prices p ON p.offer_id = o.id")
    ]
    assert sorted(stored) == sorted(live)


def test_cut_bodies_parse_like_whole_ones():
    sample = SAMPLES / "openrouter" / "endpoints_2026-05-31" / "qwen__qwen3-235b-a22b-2507.json"
    if not sample.exists():
        pytest.skip("no shared OpenRouter samples")
    url = "https://openrouter.ai/api/v1/models/qwen/qwen3-235b-a22b-07-25/endpoints"
    whole = openrouter.parse(url, sample.read_bytes())
    cut = openrouter.parse(
        url, json.dumps(openrouter_sweep.cut_response(json.loads(sample.read_bytes()))).encode()
    )
    assert cut == whole and len(whole.records) == 11


def test_an_incomplete_sweep_closes_nothing_and_a_recommitted_old_sweep_adds_nothing(tmp_path, db, catalog):
    first = _sweep(T1, {QWEN: GOOGLE_TWICE, KIMI: KIMI_HOSTS})
    versions = [
        (T1, first),
        (T2, _sweep(T2, {QWEN: GOOGLE_TWICE}, failed=1)),  # kimi failed to fetch: not gone
        (T3, first),  # a revert re-commits the first sweep: observed at T1, long ago
    ]
    repo = make_repo(tmp_path / "repo", SWEEP, versions)
    summary = backfill(db, catalog, repo, SWEEP, openrouter_endpoints_target())
    assert (summary.read, summary.stale, summary.delisted) == (2, 1, 0)
    assert _rows(db, KIMI, "cloudflare") == [("", 0, T1, None, T1, "0.95", "4", "backfill", None)]
    result = CliRunner().invoke(
        cli, ["backfill", "openrouter-endpoints", str(repo), "--db", str(tmp_path / "cli.db"), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert "re-commits of an older observation, nothing stored): 1" in result.output


# ----------------------------------------------------------------------------- genai-prices


def _provider(provider_id: str, *models: dict) -> dict:
    return {"id": provider_id, "name": provider_id.title(), "api_pattern": "x", "models": list(models)}


def _model(model_id: str, prices, **more) -> dict:
    return {"id": model_id, "match": {"equals": model_id}, "prices": prices, **more}


SONNET = {"input_mtok": 3, "output_mtok": 15, "cache_read_mtok": 0.3, "cache_write_mtok": 3.75}
TIERED = {
    "input_mtok": {"base": 1.25, "tiers": [{"start": 200000, "price": 2.5}]},
    "output_mtok": {"base": 10, "tiers": [{"start": 200000, "price": 15}]},
    "cache_read_mtok": 0.125,
    "requests_kcount": 2,
}
DEEPSEEK = [
    {"prices": {"input_mtok": 0.135, "cache_read_mtok": 0.035, "output_mtok": 0.55}},
    {
        "constraint": {"start_time": "00:30:00Z", "end_time": "16:30:00Z"},
        "prices": {"input_mtok": 0.27, "output_mtok": 1.1},
    },
]


def _data(*providers: dict) -> bytes:
    return json.dumps(list(providers), indent=1).encode()


def test_genai_prices_follows_its_file_across_paths_and_reads_tiers_and_off_peak(tmp_path, db, catalog):
    g1, g2, g3, g4 = (
        "2025-06-21T12:50:47Z",
        "2025-06-22T09:36:06Z",
        "2026-07-30T12:45:06Z",
        "2026-08-01T10:00:00Z",
    )
    repo = make_repo(
        tmp_path / "repo",
        "data/prices.json",
        [(g1, _data(_provider("anthropic", _model("claude-sonnet-4-5", SONNET))))],
    )
    # The rename: the old path goes, the new one comes, in one commit.
    (repo / "data" / "prices.json").rename(tmp_path / "old.json")
    subprocess.run(["git", "-C", str(repo), "rm", "-q", "--cached", "data/prices.json"], check=True)
    cheaper = {**SONNET, "input_mtok": 2}
    add_version(
        repo,
        "prices/data.json",
        g2,
        _data(
            _provider("anthropic", _model("claude-sonnet-4-5", cheaper)),
            _provider("deepseek", _model("deepseek-chat", DEEPSEEK, match={"equals": "deepseek-chat"})),
            _provider("google", _model("gemini-2.5-pro", TIERED)),
        ),
    )
    # The successor file: new prices there, the old file stays as it was.
    later = {**SONNET, "input_mtok": 2.5}
    add_version(
        repo,
        "prices/new_data/v2/data.json",
        g3,
        _data(_provider("anthropic", _model("claude-sonnet-4-5", later))),
    )
    add_version(
        repo,
        "prices/new_data/v2/data.json",
        g4,
        _data(_provider("anthropic", _model("claude-sonnet-4-5", later, description="unchanged prices"))),
    )
    summary = backfill(db, catalog, repo, list(GENAI_PRICES_PATHS), genai_prices_target())
    assert (summary.versions, summary.read, summary.failed) == (4, 4, 0)
    assert _rows(db, "anthropic/claude-sonnet-4.5", "anthropic") == [
        ("", 0, g1, g2, g1, "3", "15", "third-party", "changed"),
        ("", 0, g2, g3, g2, "2", "15", "third-party", "changed"),
        ("", 0, g3, None, g4, "2.5", "15", "third-party", None),
    ]
    # DeepSeek's discount hours: the rest of the day (8 h) is off-peak, the window standard.
    assert _rows(db, "deepseek/deepseek-chat-v3", "deepseek") == [
        ("", 0, g2, None, g2, "0.27", "1.1", "third-party", None)
    ]
    assert _rows(db, "deepseek/deepseek-chat-v3", "deepseek", "off-peak") == [
        ("", 0, g2, None, g2, "0.135", "0.55", "third-party", None)
    ]
    # Tiered prices are long-context bands; a field without tiers keeps its price in every band.
    bands = list(
        db.query(
            "SELECT o.min_prompt_tokens, p.input, p.output, p.cache_read FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.model_id = 'google/gemini-2.5-pro' ORDER BY 1"
        )
    )
    assert [tuple(b.values()) for b in bands] == [(0, "1.25", "10", "0.125"), (200000, "2.5", "15", "0.125")]
    requests = {r["amount"] for r in db.query("SELECT amount FROM unit_prices WHERE unit = 'request'")}
    assert requests == {"0.002"}  # $2 per thousand requests, in both bands
    paths = [r["path"] for r in db.query("SELECT path FROM fetches ORDER BY fetched_at")]
    assert paths == [
        "data/prices.json",
        "prices/data.json",
        "prices/new_data/v2/data.json",
        "prices/new_data/v2/data.json",
    ]
    assert _uncited(db) == []
    again = backfill(db, catalog, repo, list(GENAI_PRICES_PATHS), genai_prices_target())
    assert (again.read, again.skipped, again.price_rows_added) == (0, 4, 0)


def test_genai_prices_dated_prices_begin_at_their_day_once_a_version_reaches_it(tmp_path, db, catalog):
    dated = [
        {"prices": SONNET},
        {"constraint": {"start_date": "2026-09-01"}, "prices": {**SONNET, "input_mtok": 4}},
    ]
    odd = [
        {"prices": SONNET},
        {"constraint": {"start_date": "2026-09-01", "end_date": "2026-10-01"}, "prices": SONNET},
    ]
    body = _data(_provider("anthropic", _model("claude-sonnet-4-5", dated), _model("claude-3-opus", odd)))
    before, after = "2026-08-21T20:02:24Z", "2026-09-03T08:00:00Z"
    repo = make_repo(tmp_path / "repo", "prices/data.json", [(before, body)])
    summary = backfill(db, catalog, repo, "prices/data.json", genai_prices_target())
    # Announced for later: listed, not stored (neither as a price nor as a scheduled one).
    assert summary.announced == {"anthropic/claude-sonnet-4.5 @ anthropic standard from 2026-09-01"}
    assert [r[2:7] for r in _rows(db, "anthropic/claude-sonnet-4.5", "anthropic")] == [
        (before, None, before, "3", "15")
    ]
    assert db.execute("SELECT count(*) FROM scheduled_prices").fetchone()[0] == 0
    assert any("end_date" in text and "not supported" in text for text in summary.row_error_texts)
    # A version read after the day: the change is placed at its day, cited by that version.
    add_version(
        repo, "prices/data.json", after, body.replace(b'"name": "Anthropic"', b'"name": "Anthropic PBC"')
    )
    later = backfill(db, catalog, repo, "prices/data.json", genai_prices_target())
    assert later.announced == set()
    assert [r[2:7] for r in _rows(db, "anthropic/claude-sonnet-4.5", "anthropic")] == [
        (before, "2026-09-01T00:00:00Z", before, "3", "15"),
        ("2026-09-01T00:00:00Z", None, after, "4", "15"),
    ]
    assert _uncited(db) == []
    result = CliRunner().invoke(
        cli, ["backfill", "genai-prices", str(repo), "--db", str(tmp_path / "cli.db"), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert "prices not read" in result.output and "end_date" in result.output


def test_genai_prices_names_go_through_the_catalog_and_never_override_a_makers_price(tmp_path, db, catalog):
    from decimal import Decimal

    from pricewatch.scraper.store import apply_observations
    from pricewatch.scraper.store.observations import Observation

    maker = Observation(
        model_id="anthropic/claude-sonnet-4.5",
        provider_id="anthropic",
        tier="standard",
        min_prompt_tokens=0,
        variant="",
        observed_at="2025-09-29T00:00:00Z",
        prices=(Decimal(3), Decimal(15), None, None, None, None),
    )
    with db.atomic():
        apply_observations(db, [maker], origin="replay", run_id=None, source="anthropic")
    wrong = {**SONNET, "input_mtok": 30}
    body = _data(
        _provider("anthropic", _model("claude-sonnet-4-5", wrong)),
        _provider(
            "openai", _model("gpt-o3", {"input_mtok": 2, "output_mtok": 8}, match={"or": [{"equals": "o3"}]})
        ),
        _provider("acme_cloud", _model("Acme/Model-1:free", {"input_mtok": 0, "output_mtok": 0})),
    )
    repo = make_repo(tmp_path / "repo", "prices/data.json", [("2025-10-01T00:00:00Z", body)])
    summary = backfill(db, catalog, repo, "prices/data.json", genai_prices_target())
    assert _rows(db, "anthropic/claude-sonnet-4.5", "anthropic")[0][5:8] == ("3", "15", "replay")
    assert _rows(db, "openai/o3", "openai") == [
        ("", 0, "2025-10-01T00:00:00Z", None, "2025-10-01T00:00:00Z", "2", "8", "third-party", None)
    ]
    # Unmapped: the model under its own name, the provider under its slug; `:free` is tier free.
    assert _rows(db, "Acme/Model-1", "acme-cloud", "free")[0][5:7] == ("0", "0")
    assert summary.unmapped_providers == {"acme_cloud": 1}


# ----------------------------------------------------------------------------- the real histories

HISTORY = SAMPLES / "history"


def _clone(bundle: str, into: Path) -> Path:
    path = HISTORY / bundle
    if not path.exists():
        pytest.skip(f"no {path}")
    subprocess.run(["git", "clone", "-q", str(path), str(into)], check=True)
    return into


def _changes_per_version(db) -> list[int]:
    """Price changes (a period closed as changed) at each version after the first, in order."""
    times = [r["fetched_at"] for r in db.query("SELECT fetched_at FROM fetches ORDER BY fetched_at")]
    closed = dict(
        db.execute(
            "SELECT valid_to, count(*) FROM prices WHERE closed_reason = 'changed' GROUP BY valid_to"
        ).fetchall()
    )
    return [closed.get(at, 0) for at in times[1:]]


def test_real_endpoints_history(tmp_path, db, catalog):
    """imphillip/mddb's 7 sweeps: per-version changes, the repeated tag, and closings.

    PROVENANCE.md counts 0, 3, 3, 4, 0, 42 changes of (model id, provider, tag): a `:free`
    model id and its paid model share one response there (one canonical slug), so a change
    counts twice; one response each, prompt and completion, gives 0, 2, 2, 3, 0, 32. The
    store counts any token price of an offer (cache reads and writes too; web-search fees
    are unit prices): 0, 2, 2, 3, 0, 38.
    """
    repo = _clone("openrouter-endpoints-history.bundle", tmp_path / "endpoints")
    summary = backfill(db, catalog, repo, "openrouter-endpoints.json", openrouter_endpoints_target())
    assert (summary.read, summary.failed, summary.stale) == (7, 0, 0)
    assert (summary.first_at, summary.last_at) == ("2026-05-16T09:47:11Z", "2026-05-31T10:39:59Z")
    assert _changes_per_version(db) == [0, 2, 2, 3, 0, 38]
    assert [r[:7] for r in _rows(db, QWEN, "google")] == [
        ("", 0, "2026-05-16T09:47:11Z", None, "2026-05-31T10:39:59Z", "0.22", "0.88"),
        ("google-vertex/us-south1", 0, "2026-05-16T09:47:11Z", None, "2026-05-31T10:39:59Z", "0.25", "1"),
    ]
    # A real per-host move (PROVENANCE: Cloudflare's kimi-k2.6 0.95/4 -> 0.74/3.5).
    assert [r[5:7] for r in _rows(db, KIMI, "cloudflare")] == [("0.95", "4"), ("0.74", "3.5")]
    assert summary.delisted > 0 and _uncited(db) == []
    assert {r["origin"] for r in db.query("SELECT DISTINCT origin FROM prices")} == {"backfill"}


def test_real_genai_prices_history(tmp_path, db, catalog):
    repo = _clone("genai-prices-data-history.bundle", tmp_path / "genai")
    summary = backfill(db, catalog, repo, list(GENAI_PRICES_PATHS), genai_prices_target())
    assert (summary.read, summary.failed) == (192, 0)
    paths = dict(db.execute("SELECT path, count(*) FROM fetches GROUP BY path").fetchall())
    assert paths == {"data/prices.json": 5, "prices/data.json": 174, "prices/new_data/v2/data.json": 13}
    assert {r["origin"] for r in db.query("SELECT DISTINCT origin FROM prices")} == {"third-party"}
    assert _uncited(db) == []
    off_peak = _rows(db, "deepseek/deepseek-chat-v3", "deepseek", "off-peak")
    assert off_peak and off_peak[-1][5:7] == ("0.135", "0.55")
    assert "anthropic/claude-sonnet-5 @ anthropic standard from 2026-09-01" in summary.announced
    assert (
        db.execute("SELECT count(*) FROM prices WHERE input = '0' AND output = '0'").fetchone()[0]
        == (
            db.execute(
                "SELECT count(*) FROM prices p JOIN offers o ON o.id = p.offer_id "
                "WHERE o.tier = 'free' AND p.input = '0' AND p.output = '0'"
            ).fetchone()[0]
        )
    )
