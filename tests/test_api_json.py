"""The static JSON API (site/api_json.py): api/v1/ on the built site.

Every built document is validated against its published JSON Schema (draft 2020-12); the
prices are the command line's, to the character (`pricewatch query` and `pricewatch history`
on the same database); hostile names stay inert; each model's history has its page's file
name; a rebuild rewrites a model's history only when its bytes change; a backfilled period
cites its repository and commit (on the shipped history).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT
from site_data import TRAVERSAL_ID, XSS_ID, XSS_NAME, hostile_db, observe

from pricewatch.cli import cli
from pricewatch.fields import PRICE_FIELDS

jsonschema = pytest.importorskip("jsonschema")

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SCHEMAS = REPO_ROOT / "site" / "schemas" / "v1"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """The replayed snapshot, hostile names and the curated history."""
    path = hostile_db(tmp_path_factory.mktemp("api-db") / "pricewatch.db")
    result = CliRunner().invoke(cli, ["load-curated", "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def site(db, tmp_path_factory) -> Path:
    from pricewatch.site.build import build_site

    out = tmp_path_factory.mktemp("api-site") / "public"
    build_site(db, out, now=NOW, workers=1)
    return out


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="ascii"))


def _validator(name: str):
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _query(db: Path, sql: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["query", sql, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# ----------------------------------------------------------------------------- schemas


def test_every_built_document_is_valid_against_its_schema(site):
    api = site / "api" / "v1"
    validators = {name: _validator(name) for name in ("models", "model", "changes")}
    documents = [(api / "models.json", "models"), (api / "changes.json", "changes")]
    documents += [(path, "model") for path in sorted((api / "models").glob("*.json"))]
    assert len(documents) > 50
    errors = []
    for path, name in documents:
        document = _load(path)
        assert document["schema"].endswith(f"schema/{name}.json")
        errors += [
            f"{path.name}: {list(e.absolute_path)}: {e.message}"
            for e in validators[name].iter_errors(document)
        ]
    assert errors == []
    # The schemas are published beside the documents, as shipped.
    for name in ("models", "model", "changes"):
        assert (api / "schema" / f"{name}.json").read_bytes() == (SCHEMAS / f"{name}.json").read_bytes()


def test_the_schemas_name_every_price_field():
    for name in ("models", "model", "changes"):
        schema = json.loads((SCHEMAS / f"{name}.json").read_text())
        assert schema["$defs"]["prices"]["propertyNames"]["enum"] == list(PRICE_FIELDS)


def test_one_history_per_model_under_its_pages_file_name(site):
    api = site / "api" / "v1"
    models = _load(api / "models.json")["models"]
    histories = {m["history"] for m in models}
    assert histories == {p.relative_to(site).as_posix() for p in (api / "models").glob("*.json")}
    assert len(histories) == len(models)
    pages = [m for m in models if m["page"]]
    assert pages and all((site / m["page"]).is_file() for m in pages)
    # A model with a page: the same file name for the page and the history.
    for m in pages:
        assert Path(m["page"]).stem == Path(m["history"]).stem
    kimi = next(m for m in models if m["id"] == "moonshotai/kimi-k2.6")
    assert kimi["page"] == "models/moonshotai--kimi-k2.6.html"
    assert kimi["history"] == "api/v1/models/moonshotai--kimi-k2.6.json"
    history = _load(site / kimi["history"])
    assert history["model"]["id"] == "moonshotai/kimi-k2.6"
    assert all(offer["periods"] for offer in history["offers"])


# ----------------------------------------------------------------------------- the CLI's numbers


def test_current_prices_are_the_clis_to_the_character(site, db):
    models = {m["id"]: m for m in _load(site / "api" / "v1" / "models.json")["models"]}
    texts = ", ".join(f"{f}_text AS {f}" for f in PRICE_FIELDS)
    rows = _query(
        db,
        f"SELECT model, provider, tier, min_prompt_tokens, variant, currency, valid_from, {texts} "
        "FROM current_prices WHERE model IN ('anthropic/claude-opus-4.6', 'moonshotai/kimi-k2.6', "
        "'deepseek/deepseek-v3.2', 'openai/gpt-4o')",
    )
    assert len(rows) >= 8
    for row in rows:
        offer = next(
            o
            for o in models[row["model"]]["offers"]
            if (o["provider"], o["tier"], o["min_prompt_tokens"], o["variant"])
            == (row["provider"], row["tier"], row["min_prompt_tokens"], row["variant"])
        )
        assert offer["status"] == "current"
        assert offer["valid_from"] == row["valid_from"] and offer["currency"] == row["currency"]
        assert offer["prices"] == {f: row[f] for f in PRICE_FIELDS if row[f] is not None}, row
    # Strings, never floats: the real figures of the snapshot, exactly.
    kimi = next(o for o in models["moonshotai/kimi-k2.6"]["offers"] if o["provider"] == "openrouter")
    assert kimi["prices"]["input"] == "0.5415"
    # Every offer in force is there, with the open_prices rule's status.
    statuses = _query(db, "SELECT status, count(*) AS n FROM open_prices GROUP BY status")
    counted: dict[str, int] = {}
    for m in models.values():
        for o in m["offers"]:
            counted[o["status"]] = counted.get(o["status"], 0) + 1
    assert counted == {r["status"]: r["n"] for r in statuses}


def test_a_history_is_the_clis_history_to_the_character(site, db):
    history = _load(site / "api" / "v1" / "models" / "anthropic--claude-opus-4.6.json")
    result = CliRunner().invoke(
        cli, ["history", "anthropic/claude-opus-4.6", "--db", str(db), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    cli_rows = json.loads(result.output)
    assert len(cli_rows) >= 2
    ours = {
        (o["provider"], o["tier"], o["min_prompt_tokens"], o["variant"], p["valid_from"]): p
        for o in history["offers"]
        for p in o["periods"]
    }
    for row in cli_rows:
        period = ours[
            (row["provider"], row["tier"], row["min_prompt_tokens"], row["variant"], row["valid_from"])
        ]
        assert period["valid_to"] == row["valid_to"]
        assert period["prices"] == {f: row[f] for f in PRICE_FIELDS if row[f] is not None}
        assert period["origin"]["kind"] == row["origin"]
        assert period["currency"] == row["currency"]
    assert len(ours) == len(cli_rows)
    anthropic = next(o for o in history["offers"] if o["provider"] == "anthropic" and o["tier"] == "standard")
    assert anthropic["periods"][0]["prices"]["input"] == "5"
    assert anthropic["periods"][0]["prices"]["output"] == "25"


# ----------------------------------------------------------------------------- untrusted text


def test_hostile_names_stay_inert_and_ids_get_safe_file_names(site):
    api = site / "api" / "v1"
    for path in [api / "models.json", api / "changes.json", *(api / "models").glob("*.json")]:
        raw = path.read_bytes()
        assert b"<" not in raw and b">" not in raw and b"&" not in raw, path
        raw.decode("ascii")
    models = {m["id"]: m for m in _load(api / "models.json")["models"]}
    assert models[XSS_ID]["name"] == XSS_NAME  # the text is kept, as JSON
    for model_id in (XSS_ID, TRAVERSAL_ID):
        history = site / models[model_id]["history"]
        assert history.parent == api / "models" and history.is_file()
        assert _load(history)["model"]["id"] == model_id


# ----------------------------------------------------------------------------- rebuilds


def test_a_rebuild_rewrites_only_the_histories_whose_bytes_changed(db, tmp_path):
    import sqlite3

    from pricewatch.site.build import build_site

    copy = tmp_path / "pricewatch.db"
    source, target = sqlite3.connect(db), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    out = tmp_path / "public"
    build_site(copy, out, now=NOW, workers=1)
    api = out / "api" / "v1" / "models"
    before = {p.name: (p.stat().st_ino, p.read_bytes()) for p in api.glob("*.json")}
    observe(
        copy,
        [
            {
                "model": "moonshotai/kimi-k2.6",
                "provider": "deepinfra",
                "at": "2026-09-01T00:00:00Z",
                "input": "0.6",
                "output": "3",
            }
        ],
    )
    build_site(copy, out, now=NOW, workers=1)
    after = {p.name: (p.stat().st_ino, p.read_bytes()) for p in api.glob("*.json")}
    assert set(after) == set(before)
    changed = {name for name in after if after[name][1] != before[name][1]}
    assert changed == {"moonshotai--kimi-k2.6.json"}
    # An unchanged history is the previous build's file (hard-linked), not written again.
    unchanged = [name for name in after if name not in changed]
    assert all(after[name][0] == before[name][0] for name in unchanged)
    periods = [
        p
        for o in json.loads(after["moonshotai--kimi-k2.6.json"][1])["offers"]
        if o["provider"] == "deepinfra"
        for p in o["periods"]
    ]
    assert any(p["valid_from"] == "2026-09-01T00:00:00Z" and p["prices"]["input"] == "0.6" for p in periods)


# ----------------------------------------------------------------------------- the page


def test_the_api_page_documents_the_endpoints_and_is_linked(site):
    page = (site / "api.html").read_text()
    for text in ("api/v1/models.json", "api/v1/changes.json", "api/v1/schema/model.json", "curl ", "v2"):
        assert text in page
    assert "keeps its id" in page and "alias" in page
    assert 'href="api.html"' in (site / "about.html").read_text()
    assert 'href="../api.html"' in (site / "models" / "moonshotai--kimi-k2.6.html").read_text()


# ----------------------------------------------------------------------------- citations


def test_a_backfilled_period_cites_its_repository_and_commit(tmp_path):
    """On the shipped history: Anthropic's pricing page read from a git copy of its Markdown."""
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog
    from pricewatch.scraper.store.reader import open_reader
    from pricewatch.site import api_json
    from pricewatch.site.model import load_site_data

    path = tmp_path / "pricewatch.db"
    result = CliRunner().invoke(cli, ["load-history", "--db", str(path)])
    assert result.exit_code == 0, result.output
    reader = open_reader(path)
    try:
        citations = api_json._citation_index(reader.period_citations())
        data = load_site_data(reader, load_catalog(default_catalog_path()), NOW)
        names = api_json.file_names(data)
        document = api_json.history_document("anthropic/claude-opus-4.1", data, names, citations)
    finally:
        reader.close()
    origins = [p["origin"] for o in document["offers"] for p in o["periods"] if o["provider"] == "anthropic"]
    cited = [o for o in origins if o.get("commit")]
    assert cited, origins
    assert any(
        o["source"] == "backfill:page:anthropic" and "thevibeworks/claude-code-docs" in o["repository"]
        for o in cited
    )
    assert all(len(o["commit"]) == 40 for o in cited)
    _validator("model").validate(json.loads(api_json.encode(document)))
