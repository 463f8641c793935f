"""The refresh loop end to end through respx: failures are data, history is change-only."""

from __future__ import annotations

import json
import threading
import time
import types
from pathlib import Path

import httpx
import pytest
import respx
from openrouter_bodies import LIST_URL, TRUE_PRICES, endpoints_url, models_body, one_host

from pricewatch.errors import LockBusyError
from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.lock import writer_lock
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import make_record
from pricewatch.scraper.store import open_database


def _router(
    prices: dict[str, tuple[str, str]], *, skip_endpoints: set[str] = frozenset()
) -> respx.MockRouter:
    router = respx.MockRouter(assert_all_called=False)
    router.get(LIST_URL).mock(return_value=httpx.Response(200, json=models_body(prices)))
    for model_id in prices:
        route = router.get(endpoints_url(model_id))
        if model_id in skip_endpoints:
            route.mock(return_value=httpx.Response(404, text="not found"))
        else:
            route.mock(return_value=httpx.Response(200, json=one_host(model_id, prices)))
    return router


# OpenRouter's models list and its per-host endpoints sweep: two sources, two runs.
BOTH = ("openrouter", "openrouter-endpoints")


def _refresh(db_path: Path, catalog, router, sources=("openrouter",), **kwargs):
    return run_refresh(
        db_path=db_path,
        catalog=catalog,
        source_names=list(sources),
        transport=httpx.MockTransport(router.handler),
        **kwargs,
    )


def _count(db_path: Path, sql: str) -> int:
    db = open_database(db_path)
    return next(iter(db.execute(sql).fetchall()))[0]


def _current(db_path: Path, model: str, provider: str = "openrouter") -> tuple[str, str]:
    db = open_database(db_path)
    rows = list(
        db.query(
            "SELECT input_text AS input, output_text AS output FROM current_prices WHERE model = ? AND provider = ? AND tier = 'standard'",
            [model, provider],
        )
    )
    assert len(rows) == 1, rows
    return rows[0]["input"], rows[0]["output"]


def test_refresh_stores_exact_prices_per_million(db_path, catalog):
    listing, sweep = _refresh(db_path, catalog, _router(TRUE_PRICES), sources=BOTH)
    assert (listing.status, sweep.status) == ("ok", "ok")
    assert _current(db_path, "anthropic/claude-opus-4.8") == ("5", "25")
    assert _current(db_path, "moonshotai/kimi-k2.6") == ("0.5415", "2.28")
    assert _current(db_path, "moonshotai/kimi-k2.6", "deepinfra") == ("0.5415", "2.28")


def test_unchanged_refresh_adds_no_price_rows(db_path, catalog):
    _refresh(db_path, catalog, _router(TRUE_PRICES))
    before = _count(db_path, "SELECT count(*) FROM prices")
    last_seen_before = _count(db_path, "SELECT count(DISTINCT last_seen) FROM prices")
    time.sleep(1.1)  # last_seen has one-second resolution
    [outcome] = _refresh(db_path, catalog, _router(TRUE_PRICES))
    assert outcome.changed == 0
    assert _count(db_path, "SELECT count(*) FROM prices") == before
    assert last_seen_before == 1
    assert _count(db_path, "SELECT count(DISTINCT last_seen) FROM prices") == 1  # all moved together


def test_price_change_closes_old_row_and_opens_new_one_for_that_model_only(db_path, catalog):
    _refresh(db_path, catalog, _router(TRUE_PRICES), sources=BOTH)
    time.sleep(1.1)
    changed = dict(TRUE_PRICES, **{"deepseek/deepseek-v3.2": ("0.00000028", "0.00000042")})
    listing, sweep = _refresh(db_path, catalog, _router(changed), sources=BOTH)
    assert (listing.changed, sweep.changed) == (1, 1)  # list price and DeepInfra's endpoint
    assert _current(db_path, "deepseek/deepseek-v3.2") == ("0.28", "0.42")
    db = open_database(db_path)
    [change] = list(db.query("SELECT * FROM price_changes WHERE provider = 'openrouter'"))
    assert (change["old_input_text"], change["new_input_text"]) == ("0.26", "0.28")
    assert (change["old_input"], change["new_input"]) == (0.26, 0.28)  # REAL: sorts and compares
    assert _count(db_path, "SELECT count(*) FROM prices WHERE valid_to IS NOT NULL") == 2


def test_429_with_retry_after_then_success(db_path, catalog):
    router = _router(TRUE_PRICES)
    router.get(LIST_URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}),
            httpx.Response(200, json=models_body(TRUE_PRICES)),
        ]
    )
    [outcome] = _refresh(db_path, catalog, router)
    assert outcome.status == "ok"
    assert router.routes[0].call_count == 2


def test_500_until_retries_run_out_fails_the_run_and_keeps_earlier_prices(db_path, catalog):
    _refresh(db_path, catalog, _router(TRUE_PRICES))
    rows_before = _count(db_path, "SELECT count(*) FROM prices")
    router = _router(TRUE_PRICES)
    router.get(LIST_URL).mock(return_value=httpx.Response(500))
    [outcome] = _refresh(db_path, catalog, router)
    assert outcome.status == "failed"
    assert "HTTP 500 after 4 attempts" in outcome.error
    assert _count(db_path, "SELECT count(*) FROM prices") == rows_before
    assert _count(db_path, "SELECT count(*) FROM prices WHERE valid_to IS NOT NULL") == 0
    db = open_database(db_path)
    last = next(iter(db.query("SELECT status, error FROM runs ORDER BY id DESC LIMIT 1")))
    assert last["status"] == "failed" and "500" in last["error"]


def _fake_source(name: str, model: str, price: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.NAME, module.KIND, module.LISTS_EVERYTHING = name, "first-party", False
    module.DEFAULT_BASE_URL = f"https://{name}.example"
    module.start_urls = lambda base: [f"{base}/pricing"]

    def parse(url: str, body: bytes) -> Parsed:
        return Parsed([make_record(model=model, provider="Anthropic", input=price, output=price)])

    module.parse = parse
    return module


def test_a_failing_source_does_not_stop_the_others(db_path, catalog, monkeypatch):
    from pricewatch.scraper import sources

    fake = _fake_source("fakefirst", "Claude Opus 4.6", "5")
    monkeypatch.setattr(sources, "SOURCE_NAMES", (*sources.SOURCE_NAMES, "fakefirst"))
    monkeypatch.setitem(sources._loaded, "fakefirst", fake)
    router = _router(TRUE_PRICES)
    router.get(LIST_URL).mock(return_value=httpx.Response(500))
    router.get("https://fakefirst.example/pricing").mock(return_value=httpx.Response(200, text="ok"))
    outcomes = _refresh(db_path, catalog, router, sources=("openrouter", "fakefirst"))
    assert [(o.source, o.status) for o in outcomes] == [("openrouter", "failed"), ("fakefirst", "ok")]
    assert _current(db_path, "anthropic/claude-opus-4.6", "anthropic") == ("5", "5")


def test_timeout_fails_the_source_with_the_reason(db_path, catalog):
    router = _router(TRUE_PRICES)
    router.get(LIST_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    [outcome] = _refresh(db_path, catalog, router)
    assert outcome.status == "failed"
    assert "timed out" in outcome.error


def test_invalid_json_is_a_layout_failure(db_path, catalog):
    router = _router(TRUE_PRICES)
    router.get(LIST_URL).mock(return_value=httpx.Response(200, text="<html>maintenance</html>"))
    [outcome] = _refresh(db_path, catalog, router)
    assert outcome.status == "failed"
    assert "layout may have changed" in outcome.error
    assert _count(db_path, "SELECT count(*) FROM prices") == 0
    # The raw response is kept for a later reparse.
    assert _count(db_path, "SELECT count(*) FROM raw_responses") == 1


def test_model_without_pricing_is_an_error_for_that_model_only(db_path, catalog):
    body = models_body(TRUE_PRICES)
    del body["data"][0]["pricing"]
    router = _router(TRUE_PRICES)
    router.get(LIST_URL).mock(return_value=httpx.Response(200, json=body))
    [outcome] = _refresh(db_path, catalog, router)
    assert outcome.status == "partial"
    assert "anthropic/claude-opus-4.8" in outcome.error
    assert _current(db_path, "moonshotai/kimi-k2.6") == ("0.5415", "2.28")


def test_body_over_the_size_limit_fails_cleanly(db_path, catalog, monkeypatch):
    from pricewatch.scraper import http

    monkeypatch.setattr(http.FetchSettings, "__init__", _small_limit_init(http.FetchSettings.__init__))
    [outcome] = _refresh(db_path, catalog, _router(TRUE_PRICES))
    assert outcome.status == "failed"
    assert "larger than" in outcome.error


def _small_limit_init(original):
    def init(self, *args, **kwargs):
        kwargs.setdefault("max_body_bytes", 100)
        original(self, *args, **kwargs)

    return init


def test_endpoints_missing_make_the_run_partial_and_list_prices_are_stored(db_path, catalog):
    router = _router(TRUE_PRICES, skip_endpoints=set(list(TRUE_PRICES)[1:]))
    listing, sweep = _refresh(db_path, catalog, router, sources=BOTH)
    assert (listing.status, sweep.status) == ("ok", "partial")
    assert _current(db_path, "moonshotai/kimi-k2.6") == ("0.5415", "2.28")


def test_sanity_guard_holds_a_tenfold_move_and_applies_the_rest(db_path, catalog):
    _refresh(db_path, catalog, _router(TRUE_PRICES), sources=BOTH)
    time.sleep(1.1)
    jumped = dict(TRUE_PRICES, **{"moonshotai/kimi-k2.6": ("0.000006", "0.00000228")})
    jumped["deepseek/deepseek-v3.2"] = ("0.00000028", "0.00000042")
    outcomes = _refresh(db_path, catalog, _router(jumped), sources=BOTH)
    assert [o.status for o in outcomes] == ["partial", "partial"]
    assert [o.quarantined for o in outcomes] == [1, 1]  # list price and the DeepInfra endpoint
    assert _current(db_path, "moonshotai/kimi-k2.6") == ("0.5415", "2.28")
    assert _current(db_path, "deepseek/deepseek-v3.2") == ("0.28", "0.42")
    # --accept-changes applies what was held.
    accepted = _refresh(db_path, catalog, _router(jumped), sources=BOTH, accept_changes=True)
    assert [o.status for o in accepted] == ["ok", "ok"]
    assert _current(db_path, "moonshotai/kimi-k2.6") == ("6", "2.28")
    assert _count(db_path, "SELECT count(*) FROM quarantine WHERE status = 'pending'") == 0


def test_reject_changes_drops_what_the_guard_held(db_path, catalog):
    _refresh(db_path, catalog, _router(TRUE_PRICES), sources=BOTH)
    time.sleep(1.1)
    jumped = dict(TRUE_PRICES, **{"moonshotai/kimi-k2.6": ("0.000006", "0.00000228")})
    held = _refresh(db_path, catalog, _router(jumped), sources=BOTH)
    assert sum(o.quarantined for o in held) == 2
    # The next fetch sees the normal price again; the held glitch is dropped, never history.
    rejected = _refresh(db_path, catalog, _router(TRUE_PRICES), sources=BOTH, reject_changes=True)
    assert [o.status for o in rejected] == ["ok", "ok"]
    assert _count(db_path, "SELECT count(*) FROM quarantine WHERE status = 'rejected'") == 2
    assert _count(db_path, "SELECT count(*) FROM quarantine WHERE status = 'pending'") == 0
    assert _count(db_path, "SELECT count(*) FROM prices WHERE input = '6'") == 0
    assert _current(db_path, "moonshotai/kimi-k2.6") == ("0.5415", "2.28")


def test_sanity_guard_fails_a_source_that_lost_most_models(db_path, catalog):
    many = {f"test/model-{i}": ("0.000001", "0.000002") for i in range(10)}
    _refresh(db_path, catalog, _router(many))
    few = dict(list(many.items())[:3])
    [outcome] = _refresh(db_path, catalog, _router(few))
    assert outcome.status == "failed"
    assert "under half" in outcome.error
    assert _count(db_path, "SELECT count(*) FROM prices WHERE valid_to IS NOT NULL") == 0
    assert _count(db_path, "SELECT count(*) FROM quarantine WHERE status = 'pending'") == 3


def test_delisted_model_is_closed_by_a_complete_run(db_path, catalog):
    _refresh(db_path, catalog, _router(TRUE_PRICES))
    time.sleep(1.1)
    fewer = {k: v for k, v in TRUE_PRICES.items() if k != "qwen/qwen3.5-397b-a17b"}
    [outcome] = _refresh(db_path, catalog, _router(fewer))
    assert outcome.status == "ok"
    db = open_database(db_path)
    closed = list(
        db.query(
            "SELECT o.model_id, p.closed_reason FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE p.valid_to IS NOT NULL"
        )
    )
    assert {(r["model_id"], r["closed_reason"]) for r in closed} == {("qwen/qwen3.5-397b-a17b", "delisted")}


def test_partial_run_delists_nothing(db_path, catalog):
    _refresh(db_path, catalog, _router(TRUE_PRICES), sources=BOTH)
    time.sleep(1.1)
    fewer = {k: v for k, v in TRUE_PRICES.items() if k != "qwen/qwen3.5-397b-a17b"}
    listing, sweep = _refresh(
        db_path, catalog, _router(fewer, skip_endpoints={"moonshotai/kimi-k2.6"}), sources=BOTH
    )
    # The complete list ends OpenRouter's own qwen price; the partial sweep ends no host's.
    assert (listing.status, sweep.status) == ("ok", "partial")
    db = open_database(db_path)
    closed = db.query(
        "SELECT o.model_id, o.provider_id FROM prices p JOIN offers o ON o.id = p.offer_id WHERE p.valid_to IS NOT NULL"
    )
    assert [(r["model_id"], r["provider_id"]) for r in closed] == [("qwen/qwen3.5-397b-a17b", "openrouter")]


def test_a_complete_sweep_ends_a_host_offer_that_disappeared(db_path, catalog):
    _refresh(db_path, catalog, _router(TRUE_PRICES), sources=BOTH)
    time.sleep(1.1)
    fewer = {k: v for k, v in TRUE_PRICES.items() if k != "qwen/qwen3.5-397b-a17b"}
    [sweep] = _refresh(db_path, catalog, _router(fewer), sources=("openrouter-endpoints",))
    assert sweep.status == "ok"
    db = open_database(db_path)
    closed = db.query(
        "SELECT o.model_id, o.provider_id FROM prices p JOIN offers o ON o.id = p.offer_id WHERE p.valid_to IS NOT NULL"
    )
    assert [(r["model_id"], r["provider_id"]) for r in closed] == [("qwen/qwen3.5-397b-a17b", "deepinfra")]


def test_the_list_alone_fetches_no_endpoint_and_ends_no_host_offer(db_path, catalog):
    _refresh(db_path, catalog, _router(TRUE_PRICES), sources=BOTH)
    time.sleep(1.1)
    router = _router(TRUE_PRICES)
    [listing] = _refresh(db_path, catalog, router)
    assert listing.status == "ok"
    assert [route.call_count for route in router.routes] == [1, 0, 0, 0, 0]
    assert _count(db_path, "SELECT count(*) FROM prices WHERE valid_to IS NOT NULL") == 0


def _manifest(directory: Path, recorded_at: str, prices: dict[str, tuple[str, str]]) -> Path:
    directory.mkdir(parents=True)
    (directory / "models.json").write_text(json.dumps(models_body(prices)))
    responses = [{"url": LIST_URL, "method": "GET", "status": 200, "body": "models.json"}]
    for index, model_id in enumerate(prices):
        (directory / f"e{index}.json").write_text(json.dumps(one_host(model_id, prices)))
        responses.append(
            {"url": endpoints_url(model_id), "method": "GET", "status": 200, "body": f"e{index}.json"}
        )
    (directory / "manifest.json").write_text(json.dumps({"recorded_at": recorded_at, "responses": responses}))
    return directory


def test_out_of_order_replays_give_the_date_order_history(tmp_path, catalog):
    june = dict(TRUE_PRICES, **{"moonshotai/kimi-k2.6": ("0.000000684", "0.00000342")})
    snapshots = [
        _manifest(tmp_path / "june", "2026-06-08T01:11:59Z", june),
        _manifest(tmp_path / "july", "2026-07-10T00:00:00Z", june),
        _manifest(tmp_path / "august", "2026-08-22T18:35:39Z", TRUE_PRICES),
    ]

    def history(order: list[int], db_path: Path) -> list[tuple]:
        for index in order:
            run_refresh(
                db_path=db_path,
                catalog=catalog,
                source_names=["openrouter"],
                replay_dir=snapshots[index],
                accept_changes=True,
            )
        db = open_database(db_path)
        return [
            tuple(r.values())
            for r in db.query(
                "SELECT o.model_id, o.provider_id, p.valid_from, p.valid_to, p.last_seen, p.input, p.output "
                "FROM prices p JOIN offers o ON o.id = p.offer_id ORDER BY o.model_id, o.provider_id, p.valid_from"
            )
        ]

    in_order = history([0, 1, 2], tmp_path / "a.db")
    assert history([2, 0, 1], tmp_path / "b.db") == in_order
    assert history([1, 2, 0], tmp_path / "c.db") == in_order
    kimi = [r for r in in_order if r[0] == "moonshotai/kimi-k2.6" and r[1] == "openrouter"]
    assert [(r[2], r[5], r[6]) for r in kimi] == [
        ("2026-06-08T01:11:59Z", "0.684", "3.42"),
        ("2026-08-22T18:35:39Z", "0.5415", "2.28"),
    ]


def test_second_writer_with_no_wait_gets_lock_busy(db_path):
    with writer_lock(db_path), pytest.raises(LockBusyError) as caught, writer_lock(db_path, wait=False):
        pass
    assert caught.value.exit_code == 5


def test_second_writer_waits_for_the_first(db_path):
    events: list[str] = []
    waited: list[Path] = []
    holding = threading.Event()

    def first() -> None:
        with writer_lock(db_path):
            holding.set()
            time.sleep(0.3)
            events.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait()
    with writer_lock(db_path, on_wait=waited.append):
        events.append("second in")
    thread.join()
    assert events == ["first done", "second in"]
    assert waited


def test_unchanged_fetch_after_a_failed_one_adds_no_fetch_row(tmp_path, catalog):
    prices = dict(TRUE_PRICES)
    good = _manifest(tmp_path / "good", "2026-08-22T18:35:39Z", prices)
    data = json.loads((good / "manifest.json").read_text())
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in good.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    data["responses"] = [r for r in data["responses"] if "kimi" not in r["url"]]
    data["recorded_at"] = "2026-08-23T00:00:00Z"
    (broken / "manifest.json").write_text(json.dumps(data))
    later = tmp_path / "later"
    later.mkdir()
    for path in good.iterdir():
        (later / path.name).write_bytes(path.read_bytes())
    data = json.loads((good / "manifest.json").read_text())
    db_path = tmp_path / "fetches.db"
    for directory, recorded_at in ((good, None), (broken, None), (later, "2026-08-24T00:00:00Z")):
        if recorded_at:
            data["recorded_at"] = recorded_at
            (directory / "manifest.json").write_text(json.dumps(data))
        run_refresh(db_path=db_path, catalog=catalog, source_names=["openrouter"], replay_dir=directory)
    rows_after_three = _count(db_path, "SELECT count(*) FROM fetches")
    data["recorded_at"] = "2026-08-25T00:00:00Z"
    (later / "manifest.json").write_text(json.dumps(data))
    run_refresh(db_path=db_path, catalog=catalog, source_names=["openrouter"], replay_dir=later)
    assert _count(db_path, "SELECT count(*) FROM fetches") == rows_after_three
