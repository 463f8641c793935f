"""One identity per host on the real recordings: no model page lists one host twice at one price.

The database is built as a user would: every first-party recording and OpenRouter's list
and endpoints (bench/make_firstparty_replay.py --with-openrouter, endpoints of 2026-05-18),
OpenRouter's 2026-05-31 endpoints sweep of the same models, then the curated history.
Skipped when ../shared/samples is absent, as the contract tests are.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT, SAMPLES

from pricewatch.cli import cli
from pricewatch.fields import PRICE_FIELDS

pytestmark = pytest.mark.skipif(
    not (SAMPLES / "openrouter" / "endpoints_2026-05-31").is_dir(), reason="no shared samples"
)

# openrouter/PROVENANCE.md: the second sweep's fetch time.
SECOND_SWEEP_AT = "2026-05-31T10:39:59Z"
NOW = datetime(2026, 9, 30, tzinfo=UTC)


def _builder():
    spec = importlib.util.spec_from_file_location(
        "make_firstparty_replay", REPO_ROOT / "bench" / "make_firstparty_replay.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _second_sweep(first: Path, out: Path) -> Path:
    """A replay of the 2026-05-31 endpoints bodies at the URLs the first replay served them."""
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    later = {
        json.loads(path.read_bytes())["data"]["id"]: path
        for path in (SAMPLES / "openrouter" / "endpoints_2026-05-31").glob("*.json")
    }
    out.mkdir(parents=True)
    responses = []
    for entry in manifest["responses"]:
        if not entry["url"].endswith("/endpoints") or not entry.get("body"):
            continue
        model = json.loads((first / entry["body"]).read_bytes())["data"]["id"]
        if model in later:
            body = f"{len(responses)}.json"
            (out / body).write_bytes(later[model].read_bytes())
            responses.append({**entry, "body": body, "recorded_at": SECOND_SWEEP_AT})
    (out / "manifest.json").write_text(json.dumps({"responses": responses}), encoding="utf-8")
    return out


def _invoke(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output  # OpenRouter's unrecorded endpoints answer 404


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("identity")
    first = _builder().build_replay(SAMPLES, root / "replay", with_openrouter=True).parent
    second = _second_sweep(first, root / "sweep-2026-05-31")
    db = root / "pw.db"
    _invoke("refresh", "--db", str(db), "--replay", str(first), "-q")
    _invoke("refresh", "--db", str(db), "--replay", str(second), "-q", "--source", "openrouter")
    _invoke("load-curated", "--db", str(db))
    return db


def _product_variants(catalog) -> set[str]:
    """Variant parts that name a product (a snapshot or another API name, a mode, a currency)."""
    from pricewatch.scraper.sources import anthropic, mistral

    names = {s.rsplit("/", 1)[-1] for m in catalog.models.values() for s in m.snapshots}
    return names | {anthropic.FAST_VARIANT, mistral.EUR_VARIANT, mistral.TRANSCRIPTION_VARIANT}


def _current_rows(db_path: Path, catalog) -> dict[str, list[dict]]:
    """Per model page: the rows of its current-prices table."""
    from pricewatch.scraper.store.reader import open_reader
    from pricewatch.site.model import load_site_data
    from pricewatch.site.sections import model_page

    data = load_site_data(open_reader(db_path), catalog, NOW)
    return {model_id: model_page(model_id, data)[0]["current"] for model_id in data.by_model}


def _host_rows(db_path: Path, catalog) -> dict[str, Counter]:
    """Per model page: how often each (host, tier, threshold, price) is listed, whatever the
    product (a dated snapshot sold beside the plain model at one price is one row)."""
    products = _product_variants(catalog)
    return {
        model_id: Counter(
            (
                row["provider"],
                row["tier"],
                row["min_prompt_tokens"],
                tuple(part for part in row["variant"].split("|") if part not in products),
                row["currency"],
                *(row[name] for name in PRICE_FIELDS),
            )
            for row in rows
        )
        for model_id, rows in _current_rows(db_path, catalog).items()
    }


def test_no_model_page_lists_one_host_twice_at_one_price(db_path, catalog) -> None:
    pages = _host_rows(db_path, catalog)
    assert len(pages) > 100
    twice = {model: [key for key, n in rows.items() if n > 1] for model, rows in pages.items()}
    assert {model: keys for model, keys in twice.items() if keys} == {}


def test_a_snapshot_sold_beside_the_plain_model_at_one_price_is_noted_on_its_row(db_path, catalog) -> None:
    from pricewatch.scraper.store.reader import open_reader

    noted = {
        (model_id, row["provider"], also)
        for model_id, rows in _current_rows(db_path, catalog).items()
        for row in rows
        for also in row["also_as"]
    }
    assert len(noted) >= 5, sorted(noted)
    assert ("openai/gpt-4o", "openrouter", "gpt-4o-2024-11-20") in noted
    # The store keeps them distinct offers (distinct API products).
    reader = open_reader(db_path)
    try:
        variants = {
            p.variant
            for p in reader.current_prices()
            if (p.model, p.provider) == ("openai/gpt-4o", "openrouter")
        }
    finally:
        reader.close()
    assert {"", "gpt-4o-2024-11-20"} <= variants


def test_the_recorded_duplicates_are_one_offer_each(db_path, catalog) -> None:
    pages = _host_rows(db_path, catalog)
    # anthropic and anthropic/2, two Bedrock regions, two Vertex regions: one row each.
    opus = Counter(key[0] for key in pages["anthropic/claude-opus-4.7"] if key[1:3] == ("standard", 0))
    assert opus["anthropic"] == opus["amazon-bedrock"] == opus["google"] == 1
    # Kimi K2.6: curated and measured DeepInfra, Fireworks, Moonshot are one host each.
    kimi = Counter(key[0] for key in pages["moonshotai/kimi-k2.6"] if key[1:3] == ("standard", 0))
    assert kimi["deepinfra"] == kimi["fireworks"] == kimi["moonshotai"] == 1
    # Two prices at one host stay two offers (SambaNova's turbo and bf16; Google's two us-south1).
    llama = pages["meta-llama/llama-3.3-70b-instruct"]
    sambanova = [key for key in llama if key[:3] == ("sambanova", "standard", 0)]
    assert len(sambanova) == 2
    google = [key for key in pages["qwen/qwen3-235b-a22b-2507"] if key[:3] == ("google", "standard", 0)]
    assert len(google) == 2
