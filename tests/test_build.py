"""The static site build: pages, escaping, safe file names, atomic swap, incremental rebuilds, feeds."""

from __future__ import annotations

import hashlib
import json
import re
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from site_data import TRAVERSAL_ID, XSS_ID, hostile_db, observe, replay_db

from pricewatch.cli import cli
from pricewatch.errors import BuildError
from pricewatch.money import money
from pricewatch.site.build import MANIFEST_NAME, build_site
from pricewatch.site.model import assign_slugs, slugify

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return hostile_db(tmp_path_factory.mktemp("hostile") / "pricewatch.db")


@pytest.fixture(scope="module")
def _replayed(tmp_path_factory) -> Path:
    return replay_db(tmp_path_factory.mktemp("replayed") / "pricewatch.db")


@pytest.fixture
def replayed(_replayed, tmp_path) -> Path:
    """A private copy of the replayed snapshot (replaying it once per module saves seconds)."""
    import sqlite3

    copy = tmp_path / "replayed.db"
    with sqlite3.connect(_replayed) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


@pytest.fixture(scope="module")
def built(hostile, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    build_site(hostile, out, now=NOW, workers=1)
    return out


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


# ----------------------------------------------------------------------------- pages


def test_every_page_is_built(built):
    for page in (
        "index.html",
        "compare.html",
        "ratios.html",
        "trends.html",
        "claims.html",
        "changes.html",
        "downloads.html",
    ):
        assert (built / page).is_file(), page
    assert (built / "models" / "moonshotai--kimi-k2.6.html").is_file()
    assert (built / "models" / "moonshotai--kimi-k2.6.svg").is_file()
    assert (built / "feeds" / "changes.atom").is_file()
    assert (built / "feeds" / "models" / "moonshotai--kimi-k2.6.atom").is_file()
    assert (built / "static" / "site.css").is_file()
    assert (built / MANIFEST_NAME).is_file()


def test_comparison_table_lists_every_priced_model_with_prices_and_links(built):
    html = (built / "compare.html").read_text()
    assert '<table class="sortable wide" id="compare" data-url-state>' in html
    assert html.count('<th scope="row"') >= 7
    # Prices first (model, then blended, input, output), then context, release and last confirmation.
    headers = re.findall(
        r'<th scope="col"[^>]*>([^<]+)</th>', html.split('id="compare"')[1].split("</thead>")[0]
    )
    assert headers[:4] == ["Model", "Blended 3:1", "Input", "Output"]
    assert {"Context", "Released", "Last confirmed"} <= set(headers)
    assert 'href="models/moonshotai--kimi-k2.6.html"' in html
    # Exact values stay in data attributes; display is rounded: (3 x 0.95 + 4) / 4 = 1.7125 -> $1.71.
    assert 'data-value="1.7125" title="exact: 1.7125">$1.71</td>' in html
    assert 'data-weights="open"' in html and 'data-weights="closed"' in html


def test_model_page_shows_hosts_quantization_history_and_feed_link(built):
    html = (built / "models" / "moonshotai--kimi-k2.6.html").read_text()
    assert "DeepInfra" in html and "fp4" in html and "int4" in html
    assert '<source media="(max-width: 40rem)" srcset="moonshotai--kimi-k2.6.narrow.svg">' in html
    assert '<img src="moonshotai--kimi-k2.6.svg" alt="Step chart of Kimi K2.6' in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="../feeds/models/moonshotai--kimi-k2.6.atom"' in html
    assert 'href="../static/site.css"' in html


def test_overview_shows_freshness_and_links_every_figure(built):
    html = (built / "index.html").read_text()
    assert "Freshness of every source" in html
    from pricewatch.scraper.sources import SOURCE_NAMES

    for source in SOURCE_NAMES:
        assert f'href="downloads.html#source-{source}">{source}</a>' in html
    assert 'href="ratios.html' in html and 'href="changes.html"' in html
    assert 'href="models/' in html  # latest changes link to model pages


def test_a_database_of_embedded_data_only_says_so(replayed, tmp_path):
    db = replayed
    build_site(db, tmp_path / "out", now=NOW, workers=1)
    from pricewatch.scraper.store.reader import open_reader

    newest = open_reader(db).embedded_data_date()
    html = (tmp_path / "out" / "index.html").read_text()
    assert f"Not refreshed yet: embedded data as of {newest}." in html
    # The snapshot's Google page announces Gemini 3.7 Flash's 2027 prices: shown as scheduled.
    page = (tmp_path / "out" / "models" / "google--gemini-3.7-flash.html").read_text()
    assert 'scheduled from <time datetime="2027-01-01T00:00:00Z">2027-01-01</time>' in page


def test_a_stale_source_gets_a_visible_warning(replayed, tmp_path):
    db = replayed
    observe(
        db,
        [
            {
                "model": "moonshotai/kimi-k2.6",
                "provider": "deepinfra",
                "at": "2026-09-01T00:00:00Z",
                "input": "0.7",
                "output": "3.4",
            }
        ],
        source="openrouter",
    )
    import sqlite3

    with sqlite3.connect(db) as conn:  # every run finished two months before the build
        conn.execute(
            "UPDATE runs SET started_at = '2026-09-01T00:00:00Z', finished_at = '2026-09-01T00:01:00Z', "
            "observed_at = '2026-09-01T00:00:00Z'"
        )
    build_site(db, tmp_path / "out", now=NOW, workers=1)
    html = (tmp_path / "out" / "index.html").read_text()
    assert re.search(
        r'<tr class="warn">\s*<th scope="row"><a href="downloads.html#source-openrouter">openrouter', html
    )
    assert "⚠" in html


def test_pages_link_only_relatively_and_request_nothing_elsewhere(built):
    for path in _html_files(built):
        html = path.read_text()
        for tag, _attr, url in re.findall(r"<(\w+)[^>]*?\s(href|src)=\"([^\"]*)\"", html):
            assert not url.startswith("/"), (path.name, url)
            if url.startswith(("http://", "https://", "//")):
                # Links to sources are fine; nothing the browser would fetch by itself.
                assert tag == "a", (path.name, tag, url)
    for asset in (built / "static").iterdir():
        text = asset.read_text()
        assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text, asset.name
        assert "@import" not in text and "fetch(" not in text and "XMLHttpRequest" not in text


def test_tables_have_headers_and_charts_have_text_alternatives(built):
    html = (built / "models" / "moonshotai--kimi-k2.6.html").read_text()
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    svg = (built / "models" / "moonshotai--kimi-k2.6.svg").read_text()
    assert '<title id="chart-title">Kimi K2.6: price history</title>' in svg
    assert '<desc id="chart-desc">Step chart of Kimi K2.6' in svg
    assert "USD per million tokens" in svg and "date (UTC)" in svg
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


# ----------------------------------------------------------------------------- untrusted text


def test_a_model_named_like_a_script_renders_as_text(built):
    for path in _html_files(built):
        html = path.read_text()
        assert "<script>alert(1)" not in html, path
        assert "<img src=x" not in html, path
    compare = (built / "compare.html").read_text()
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in compare
    # Embedded JSON is escaped for <script>: no "</script>" can close the data block early.
    claims = (built / "claims.html").read_text()
    data = re.search(
        r'<script type="application/json" id="pricewatch-data">(.*?)</script>', claims, re.S
    ).group(1)
    assert "</" not in data and "\\u003c/script\\u003e" in data
    assert json.loads(data)["models"]
    svg = next((built / "models").glob("evil--*.svg")).read_text()
    assert "<script" not in svg and "&lt;/script&gt;" in svg
    feed = next((built / "feeds" / "models").glob("evil--*.atom")).read_text()
    assert "<script>" not in feed


def test_model_ids_cannot_write_outside_the_output_directory(built, tmp_path):
    inside = {p.resolve() for p in built.rglob("*")}
    assert all(built.resolve() in p.parents for p in inside)
    assert not (built.parent.parent / "etc").exists()
    slug = slugify(TRAVERSAL_ID)
    assert slug == "etc--passwd"
    assert (built / "models" / f"{slug}.html").is_file()
    assert "Traversal Model" in (built / "models" / f"{slug}.html").read_text()


@pytest.mark.parametrize(
    ("model_id", "slug"),
    [
        ("anthropic/claude-opus-4.6", "anthropic--claude-opus-4.6"),
        ("../../etc/passwd", "etc--passwd"),
        ("..", "model"),
        ("/abs/path", "abs--path"),
        ("a\\..\\b", "a-.-b"),
        ("Qwen: Qwen3 235B (free)", "qwen-qwen3-235b-free"),
        (XSS_ID, "evil--img-src-x-onerror-alert-2"),
    ],
)
def test_slugs_are_safe_file_names(model_id, slug):
    assert slugify(model_id) == slug
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", slugify(model_id))


def test_colliding_slugs_get_a_hash_and_do_not_depend_on_order():
    ids = ["a/b", "A/B", "a--b"]
    first = assign_slugs(ids)
    assert assign_slugs(reversed(ids)) == first
    assert len(set(first.values())) == 3


# ----------------------------------------------------------------------------- atomic, incremental


def test_a_failed_build_leaves_the_previous_site_unchanged(hostile, tmp_path, monkeypatch):
    out = tmp_path / "public"
    build_site(hostile, out, now=NOW, workers=1)
    before = _tree_digest(out)
    broken = tmp_path / "site"
    import shutil

    from pricewatch.paths import shipped_site_dir

    shutil.copytree(shipped_site_dir(), broken)
    (broken / "templates" / "compare.html").write_text(
        "{% extends 'base.html' %}{% block content %}{{ nope.nope }}{% endblock %}"
    )
    monkeypatch.setattr("pricewatch.paths.shipped_site_dir", lambda: broken)
    with pytest.raises(BuildError, match=r"the site was not built .*is unchanged"):
        build_site(hostile, out, now=NOW, workers=1)
    assert _tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".public.build-")) == []


def test_the_build_refuses_to_replace_a_directory_it_did_not_make(hostile, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(BuildError, match="not a pricewatch build"):
        build_site(hostile, out, now=NOW, workers=1)
    assert (out / "notes.txt").read_text() == "keep me"


def test_an_unchanged_rebuild_renders_only_the_site_wide_pages(hostile, tmp_path):
    out = tmp_path / "public"
    first = build_site(hostile, out, now=NOW, workers=1)
    again = build_site(hostile, out, now=NOW, workers=1)
    assert again.charts_rendered == 0
    assert again.reused > first.models * 2
    model_pages = {p.relative_to(out).as_posix() for p in (out / "models").glob("*.html")}
    manifest = json.loads((out / MANIFEST_NAME).read_text())["files"]
    assert model_pages <= set(manifest)


def test_a_changed_price_re_renders_only_that_models_files(replayed, tmp_path):
    db = replayed
    out = tmp_path / "public"
    build_site(db, out, now=NOW, workers=1)
    before = _tree_digest(out)
    observe(
        db,
        [
            {
                "model": "moonshotai/kimi-k2.6",
                "provider": "deepinfra",
                # Not after the newest observation (DeepSeek's, 2026-09-13): the site's "as of"
                # stays, so only this model's files change. A newer observation moves the
                # "as of" said on every page, and every page is rendered again.
                "at": "2026-09-01T00:00:00Z",
                "input": "0.6",
                "output": "3",
            }
        ],
    )
    report = build_site(db, out, now=NOW, workers=1)
    after = _tree_digest(out)
    changed = {path for path in after if before.get(path) != after[path]}
    assert "models/moonshotai--kimi-k2.6.html" in changed
    assert "models/moonshotai--kimi-k2.6.svg" in changed
    assert "feeds/models/moonshotai--kimi-k2.6.atom" in changed
    assert "models/deepseek--deepseek-v3.2.html" not in changed
    assert "models/deepseek--deepseek-v3.2.svg" not in changed
    # The model's chart, and the ratio chart of the peer group Kimi K2.6 belongs to (mid-2026:
    # its closed side, Gemini 3.1 Pro Preview, has a Google price in the snapshot).
    assert "charts/ratio-mid-2026.svg" in changed
    assert report.charts_rendered == 4  # each drawn for a desktop column and for a phone


# ----------------------------------------------------------------------------- sections degrade


def test_a_missing_analysis_module_makes_its_page_say_not_available_yet(hostile, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pricewatch.analysis.ratios", None)  # import fails
    monkeypatch.setitem(sys.modules, "pricewatch.analysis.trends", None)
    report = build_site(hostile, tmp_path / "out", now=NOW, workers=1)
    assert "ratios" in report.unavailable and "trends" in report.unavailable
    ratios = (tmp_path / "out" / "ratios.html").read_text()
    assert "Not available yet." in ratios
    assert "Not available yet." in (tmp_path / "out" / "index.html").read_text()


def test_an_analysis_that_raises_does_not_stop_the_build(hostile, tmp_path, monkeypatch):
    import pricewatch.site.sections as sections

    def boom(data):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(sections, "_trends", boom)
    report = build_site(hostile, tmp_path / "out", now=NOW, workers=1)
    assert "RuntimeError: kaboom" in report.unavailable["trends"]
    # The pages say what is missing, never the exception's text.
    for page in ("trends.html", "index.html"):
        text = (tmp_path / "out" / page).read_text()
        assert "could not be computed on this data" in text
        assert "kaboom" not in text and "RuntimeError" not in text


# ----------------------------------------------------------------------------- feeds, downloads


def test_feeds_are_atom_with_stable_entries(built):
    root = ET.parse(built / "feeds" / "changes.atom").getroot()
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text.startswith("tag:")
    entries = root.findall(f"{ATOM}entry")
    assert entries and all(e.find(f"{ATOM}updated") is not None for e in entries)
    titles = [e.find(f"{ATOM}title").text for e in entries]
    # The one stored change is an entry; a replay's first look at every offer is not news.
    assert any("input $3 -> $2 (-33.3%)" in t for t in titles), titles
    assert not any("new offer" in t for t in titles), titles
    model_feed = ET.parse(built / "feeds" / "models" / "moonshotai--kimi-k2.6.atom").getroot()
    links = [link.get("href") for link in model_feed.iter(f"{ATOM}link")]
    assert "../../models/moonshotai--kimi-k2.6.html" in links
    # The feed's time is its newest change, not the build time: unchanged models keep their bytes.
    assert not model_feed.find(f"{ATOM}updated").text.startswith("2026-11-25")


def test_downloads_hold_the_database_and_current_prices(built):
    import csv
    import sqlite3

    downloads = built / "downloads"
    with sqlite3.connect(downloads / "pricewatch.db") as conn:
        assert conn.execute("SELECT count(*) FROM prices").fetchone()[0] > 10
        # The providers' pages stay in the private database: the download has none.
        assert conn.execute("SELECT count(*) FROM raw_responses").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM fetches").fetchone()[0] > 0
    rows = list(csv.DictReader((downloads / "current-prices.csv").open()))
    kimi = [r for r in rows if r["model"] == "moonshotai/kimi-k2.6" and r["provider"] == "openrouter"]
    assert kimi and kimi[0]["input"] == "0.5415" and kimi[0]["model_name"] == "Kimi K2.6"
    document = json.loads((downloads / "current-prices.json").read_text())
    assert document["prices"] and "unit" in document
    changes = (downloads / "price-changes.csv").read_text().splitlines()
    assert changes[0].startswith("model,provider,tier")
    page = (built / "downloads.html").read_text()
    for name in ("pricewatch.db", "current-prices.csv", "current-prices.json", "price-changes.csv"):
        assert f'href="downloads/{name}"' in page
    assert "Terms of use" in page


# ----------------------------------------------------------------------------- display, CLI


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("5", "$5.00"),
        ("0.5415", "$0.5415"),
        ("0.9499999999999999", "$0.95"),
        ("0.0912", "$0.0912"),
        ("1234.5", "$1,234.50"),
        ("0", "$0"),
        (None, "—"),
        ("0.1", "$0.10"),
    ],
)
def test_money_rounds_only_for_display(value, text):
    assert money(value) == text


def test_build_and_serve_commands(hostile, tmp_path):
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", "--db", str(hostile), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Built" in result.output and "pricewatch serve" in result.output
    assert (out / "index.html").is_file()
    missing = CliRunner().invoke(cli, ["serve", "--dir", str(tmp_path / "nothing")])
    assert missing.exit_code == 4
    assert missing.output.startswith("Error: no site in")


def test_build_without_a_database_is_one_line_error(tmp_path):
    result = CliRunner().invoke(
        cli, ["build", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2  # no database is a usage error
    assert result.output.startswith("Error: no database at")


def test_charts_are_deterministic_whatever_was_drawn_before():
    from pricewatch.site.charts import ChartSpec, Series, render_svg

    a = ChartSpec(
        title="A $5 model",
        alt="a",
        ylabel="USD per million tokens",
        series=(Series("x", ("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"), (5.0, 4.0)),),
    )
    b = ChartSpec(
        title="B",
        alt="b",
        ylabel="USD per million tokens",
        series=(Series("y", ("2025-01-01T00:00:00Z", "2026-06-01T00:00:00Z"), (0.01, 40.0), dashed=True),),
        log=True,
    )
    first = render_svg(a)
    render_svg(b)
    assert render_svg(a) == first
    assert "A $5 model" in first  # a dollar sign stays text, not mathtext


@pytest.mark.parametrize(
    "relative", ["../x.html", "models/../../x", "/etc/passwd", "models//x", "a\\b", "./x"]
)
def test_the_output_tree_refuses_unsafe_paths(tmp_path, relative):
    from pricewatch.site.build import _Tree

    tree = _Tree(tmp_path / "new", None, {}, "salt")
    with pytest.raises(BuildError, match="not a safe path"):
        tree.write(relative, "x")


def test_a_model_page_lists_one_row_per_host_tier_and_price():
    from pricewatch.fields import PRICE_FIELDS
    from pricewatch.site.sections import one_row_per_price

    def row(variant, provider="openai", output="10", tier="standard"):
        prices = dict.fromkeys(PRICE_FIELDS)
        prices.update(input="2.5", output=output)
        return {"provider": provider, "tier": tier, "min_prompt_tokens": 0, "currency": "USD",
                "variable": False, "variant": variant, **prices}  # fmt: skip

    rows = one_row_per_price(
        [
            row("gpt-4o-2024-11-20"),
            row("gpt-4o-2024-08-06"),
            row(""),
            row("gpt-4o-2024-05-13", output="15"),
            row("", provider="azure"),
            row("", tier="batch"),
        ]
    )
    assert [(r["provider"], r["tier"], r["variant"], r["also_as"]) for r in rows] == [
        ("openai", "standard", "", ["gpt-4o-2024-08-06", "gpt-4o-2024-11-20"]),
        ("openai", "standard", "gpt-4o-2024-05-13", []),  # another price: its own row
        ("azure", "standard", "", []),
        ("openai", "batch", "", []),
    ]


# ----------------------------------------------------------------------------- publishable

BASE_URL = "https://prices.example.org/llm"


@pytest.fixture(scope="module")
def published(hostile, tmp_path_factory) -> Path:
    """The site built with its public URL (``--base-url``), under a strict umask."""
    import os

    out = tmp_path_factory.mktemp("published") / "public"
    old = os.umask(0o077)
    try:
        build_site(hostile, out, now=NOW, workers=1, base_url=BASE_URL)
    finally:
        os.umask(old)
    return out


def test_built_files_and_folders_are_world_readable(built, published):
    for root in (built, published):
        assert root.stat().st_mode & 0o777 == 0o755
        for path in root.rglob("*"):
            mode = path.stat().st_mode & 0o777
            assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_every_page_links_the_favicon_and_has_card_tags(built):
    assert (built / "static" / "favicon.svg").read_text().startswith("<svg")
    ET.fromstring((built / "static" / "favicon.svg").read_text())
    pages = _html_files(built)
    assert len(pages) > 20
    for path in pages:
        html = path.read_text()
        depth = len(path.relative_to(built).parts) - 1
        assert f'<link rel="icon" href="{"../" * depth}static/favicon.svg" type="image/svg+xml">' in html, (
            path
        )
        for tag in ("og:title", "og:description", "og:type", "og:site_name"):
            assert re.search(rf'<meta property="{tag}" content="[^"]+">', html), (path, tag)
        for tag in ("twitter:card", "twitter:title", "twitter:description"):
            assert re.search(rf'<meta name="{tag}" content="[^"]+">', html), (path, tag)
        # No canonical address without the site's URL.
        assert 'rel="canonical"' not in html and "og:url" not in html
    model = (built / "models" / "moonshotai--kimi-k2.6.html").read_text()
    assert '<meta property="og:title" content="Kimi K2.6 prices">' in model


def test_404_sitemap_and_robots_without_a_base_url(built):
    assert "Page not found" in (built / "404.html").read_text()
    robots = (built / "robots.txt").read_text()
    assert robots.startswith("User-agent: *\nAllow: /\n") and "Sitemap" not in robots
    urls = [loc.text for loc in ET.parse(built / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert urls[0] == "index.html"
    assert "models/moonshotai--kimi-k2.6.html" in urls and "404.html" not in urls
    on_disk = {p.relative_to(built).as_posix() for p in _html_files(built)} - {"404.html"}
    assert set(urls) == on_disk


def test_canonical_urls_sitemap_and_robots_with_a_base_url(published):
    base = BASE_URL + "/"
    index = (published / "index.html").read_text()
    assert f'<link rel="canonical" href="{base}">' in index
    assert f'<meta property="og:url" content="{base}">' in index
    model = (published / "models" / "moonshotai--kimi-k2.6.html").read_text()
    assert f'<link rel="canonical" href="{base}models/moonshotai--kimi-k2.6.html">' in model
    urls = [loc.text for loc in ET.parse(published / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert urls[0] == base and f"{base}compare.html" in urls
    assert all(url.startswith(base) for url in urls)
    assert (published / "robots.txt").read_text().endswith(f"\nSitemap: {base}sitemap.xml\n")
    # The 404 page is served at any depth: its links are absolute.
    missing = (published / "404.html").read_text()
    assert f'href="{base}static/site.css"' in missing and f'href="{base}compare.html"' in missing
    assert 'rel="canonical"' not in missing


# ----------------------------------------------------------------------------- about


def test_the_about_page_states_sources_definitions_and_how_to_report(built):
    from pricewatch.site.build import PROJECT_URL

    about = (built / "about.html").read_text()
    for words in (
        "Where the numbers come from",
        "Curated history",
        "pydantic/genai-prices",
        "AGPL-3.0-or-later",
        "Blended price",
        "(3 × input + output) / 4",
        "Open-weight market",
        "Peer groups",
        "95% interval",
        "±15%",
        "How often the data is refreshed",
        "Known limits",
        "Report a wrong price",
        "MIT licence",
    ):
        assert words in about, words
    assert f'<a href="{PROJECT_URL}/issues/new">' in about and f'<a href="{PROJECT_URL}">' in about
    for path in _html_files(built):
        html = path.read_text()
        depth = len(path.relative_to(built).parts) - 1
        if path.name != "404.html":
            assert f'<a href="{"../" * depth}about.html"' in html, path
        assert f'<a href="{PROJECT_URL}">source code</a>' in html, path


@pytest.mark.parametrize(
    "document",
    [
        {
            "generated_at": "2026-01-01T00:00:00Z",
            "columns": ["a", "b"],
            "prices": [{"a": "1", "b": None}, {"a": "é<", "b": "2"}],
        },
        {"generated_at": "x", "prices": []},
        {"prices": [{"a": 1}]},
    ],
)
def test_a_rows_document_is_the_json_of_the_document_with_a_row_per_line(document):
    from pricewatch.site.build import rows_json

    text = rows_json(document, "prices")
    assert json.loads(text) == document
    assert text.endswith("}\n")
    assert sum(line.startswith("{") and line.rstrip(",").endswith("}") for line in text.splitlines()) >= len(
        document["prices"]
    )
