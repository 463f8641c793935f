"""The built site in a real browser (Debian's chromium, headless, through Playwright's sync API).

Opened from file:// and from a local HTTP server on 127.0.0.1: sort and filter the
comparison table, use the workload calculator and the claim box and compare their results
with the Python code for the same inputs (both validated against docs/claim.schema.json),
follow a link from the overview to a model page, and check that no request left the site.
Screenshots go to each test's tmp_path; the readability screenshots (every main page at
390x844 and 1366x900) go to $PRICEWATCH_SCREENSHOTS when it is set, else to a folder of the
test run's base temporary directory (pytest prints it: "screenshots in ...").
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
from datetime import UTC, datetime
from decimal import Decimal
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT
from site_data import curated_db

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
]

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
NOW_TEXT = "2026-11-25T12:00:00Z"
SCHEMA = REPO_ROOT / "docs" / "claim.schema.json"
# The claim box's parity with Python is tested in the normal suite, in node, on a generated
# corpus (tests/test_claim_box_parity.py); here the page shows what the engine says.
CLAIM_TEXTS = [
    "DeepSeek V3.2 is 10x cheaper than Claude Opus 4.6",
    "1M input and 100K output tokens cost $7.50 on Claude Opus 4.6",
    "150 million tokens per day with 95% cache hits and a 90/10 input/output split costs $4,200 per month on Claude Opus 4.6",
    "prices fell 10x in 2 years",
]


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return curated_db(tmp_path_factory.mktemp("browser-db") / "pricewatch.db")


@pytest.fixture(scope="module")
def site(db, tmp_path_factory) -> Path:
    from pricewatch.site.build import build_site

    out = tmp_path_factory.mktemp("browser-site") / "public"
    build_site(db, out, now=NOW, workers=2)
    return out


@pytest.fixture(scope="module")
def server(site):
    """The built site served from 127.0.0.1 on a free port, under a sub-path (/sub/)."""
    root = site.parent / "served"
    root.mkdir(exist_ok=True)
    if not (root / "sub").exists():
        (root / "sub").symlink_to(site, target_is_directory=True)
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sub/"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def browser(site):
    # After the site: Playwright's sync API runs an event loop, and the refresh that builds
    # the database calls asyncio.run(), which cannot run inside one.
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


class Visit:
    """A page with every request recorded; anything not local is aborted and remembered."""

    def __init__(self, browser, allowed: tuple[str, ...]) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.allowed = allowed
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # Every address the browser asked for exists (the favicon included).
        self.page.on("response", lambda response: response.status >= 400 and self.errors.append(response.url))

    def _route(self, route, request) -> None:
        if request.url.startswith(self.allowed):
            route.continue_()
        else:
            self.outside.append(request.url)
            route.abort()

    def check_local(self) -> None:
        assert self.outside == []
        assert all(url.startswith((*self.allowed, "data:", "about:")) for url in self.requests), self.requests
        assert self.errors == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit_file(browser, site):
    visit = Visit(browser, ("file://",))
    yield visit
    visit.close()


def _schema_validator():
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.exists():
        pytest.skip("docs/claim.schema.json is not there yet")
    return jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))


# ----------------------------------------------------------------------------- navigation, requests


@pytest.mark.parametrize("how", ["file", "http"])
def test_every_page_loads_without_a_request_leaving_the_site(browser, site, server, how, tmp_path):
    base = site.as_uri() + "/" if how == "file" else server
    allowed = ("file://",) if how == "file" else (server.rsplit("/sub/", 1)[0],)
    visit = Visit(browser, allowed)
    try:
        pages = [
            "index.html",
            "compare.html",
            "ratios.html",
            "trends.html",
            "claims.html",
            "changes.html",
            "downloads.html",
            "about.html",
            "api.html",
            "models/moonshotai--kimi-k2.6.html",
        ]
        for name in pages:
            response = visit.page.goto(base + name)
            assert response is None or response.ok, name
            visit.page.wait_for_load_state("load")
            assert visit.page.locator("h1").count() == 1, name
            visit.page.screenshot(path=str(tmp_path / f"{how}-{name.replace('/', '_')}.png"), full_page=False)
        # The chart is an image the page loads from the site itself.
        assert any(url.endswith("moonshotai--kimi-k2.6.svg") for url in visit.requests)
        visit.check_local()
    finally:
        visit.close()


def test_a_program_in_the_browser_reads_a_models_history_from_the_served_api(browser, server, tmp_path):
    """The JSON API as a script on another page would use it: fetch models.json from the
    served site, follow a model's ``history`` address, read a price."""
    visit = Visit(browser, (server.rsplit("/sub/", 1)[0],))
    try:
        response = visit.page.goto(server + "api.html")
        assert response is not None and response.ok
        answer = visit.page.evaluate(
            """async () => {
                const models = await (await fetch("api/v1/models.json")).json();
                const kimi = models.models.find((m) => m.id === "moonshotai/kimi-k2.6");
                const reply = await fetch(kimi.history);
                const history = await reply.json();
                const offer = history.offers.find((o) => o.provider === "openrouter" && o.tier === "standard");
                return {
                    type: reply.headers.get("content-type"),
                    url: reply.url,
                    id: history.model.id,
                    input: offer.periods[offer.periods.length - 1].prices.input,
                };
            }"""
        )
        assert answer["url"].endswith("/sub/api/v1/models/moonshotai--kimi-k2.6.json")
        assert answer["type"].startswith("application/json")
        assert answer["id"] == "moonshotai/kimi-k2.6"
        assert answer["input"] == "0.5415"  # a string: the exact figure, as the page shows it
        visit.page.screenshot(path=str(tmp_path / "api-page.png"), full_page=False)
        visit.check_local()
    finally:
        visit.close()


def test_a_link_on_the_overview_leads_to_a_model_page(visit_file, site, tmp_path):
    page = visit_file.page
    page.goto(site.as_uri() + "/index.html")
    link = page.locator("#h-changes ~ .table-wrap a[href^='models/']").first
    name = link.inner_text()
    link.click()
    page.wait_for_load_state("load")
    assert "/models/" in page.url
    assert page.locator("h1").inner_text() == name
    assert page.locator("figure.chart img").get_attribute("alt").startswith("Step chart of")
    page.screenshot(path=str(tmp_path / "model-page.png"), full_page=True)
    visit_file.check_local()


def test_phone_width_keeps_the_comparison_table_readable(browser, site, tmp_path):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(site.as_uri() + "/compare.html")
        # The page itself does not scroll sideways: the wide table scrolls in its own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
        page.screenshot(path=str(tmp_path / "compare-phone.png"))
    finally:
        context.close()


# ----------------------------------------------------------------------------- without JavaScript

NO_SCRIPT_PAGES = [
    "index.html",
    "compare.html",
    "market.html",
    "ratios.html",
    "trends.html",
    "claims.html",
    "changes.html",
    "downloads.html",
    "about.html",
    "404.html",
    "models/moonshotai--kimi-k2.6.html",
]
# Every control a visitor could try to use, and the boxes a script fills in.
CONTROLS = "input, select, textarea, button, form, output, #calc-result, #claim-result"


def test_without_javascript_no_empty_control_shows(browser, site, tmp_path):
    """Controls that need the script stay hidden; tables and the registry's verdicts stay readable."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        for name in NO_SCRIPT_PAGES:
            page.goto(site.as_uri() + "/" + name)
            visible = page.eval_on_selector_all(
                CONTROLS,
                "els => els.filter(e => e.getClientRects().length > 0)"
                ".map(e => e.tagName + '#' + e.id + '.' + e.className)",
            )
            assert visible == [], (name, visible)
            page.screenshot(path=str(tmp_path / f"nojs-{name.replace('/', '_')}.png"))
        page.goto(site.as_uri() + "/compare.html")
        assert page.locator("#compare tbody tr").first.is_visible()
        page.goto(site.as_uri() + "/claims.html")
        assert page.locator("#h-registry ~ article .verdict").first.is_visible()
        # What to do instead is said where each control would be (chromium's emulated
        # "JavaScript off" does not render <noscript>, so the text is checked in the page).
        html = page.content()
        assert "The calculator needs JavaScript" in html and "The claim box needs JavaScript" in html
    finally:
        context.close()


# ----------------------------------------------------------------------------- comparison table


def _column_values(page, index: int) -> list[str]:
    return page.eval_on_selector_all(
        "#compare tbody tr:not([hidden])",
        f"rows => rows.map(r => r.cells[{index}].getAttribute('data-value'))",
    )


def test_sorting_the_comparison_table_by_output_price(visit_file, site, tmp_path):
    page = visit_file.page
    page.goto(site.as_uri() + "/compare.html")
    headers = page.locator("#compare thead th")
    output_index = [headers.nth(i).inner_text().strip(" ↕▲▼") for i in range(headers.count())].index("Output")
    page.get_by_role("button", name="Sort by Output").click()
    values = [v for v in _column_values(page, output_index)]
    known = [Decimal(v) for v in values if v]
    assert known == sorted(known) and len(known) > 20
    assert all(v == "" for v in values[len(known) :])  # unknown prices last
    assert headers.nth(output_index).get_attribute("aria-sort") == "ascending"
    page.get_by_role("button", name="Sort by Output").click()
    known_desc = [Decimal(v) for v in _column_values(page, output_index) if v]
    assert known_desc == sorted(known_desc, reverse=True)
    page.screenshot(path=str(tmp_path / "compare-sorted.png"))
    visit_file.check_local()


def test_filtering_the_comparison_table_by_open_weights(visit_file, site, tmp_path):
    page = visit_file.page
    page.goto(site.as_uri() + "/compare.html")
    total = page.locator("#compare tbody tr").count()
    open_rows = page.locator("#compare tbody tr[data-weights='open']").count()
    assert 0 < open_rows < total
    page.select_option("#compare-filters select[name=weights]", "open")
    visible = page.locator("#compare tbody tr:not([hidden])")
    assert visible.count() == open_rows
    assert set(
        page.eval_on_selector_all(
            "#compare tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.weights)"
        )
    ) == {"open"}
    assert page.locator("#compare-filters output").inner_text() == f"{open_rows} of {total} models"
    page.fill("#compare-filters input[name=q]", "kimi")
    assert 0 < visible.count() <= open_rows
    page.screenshot(path=str(tmp_path / "compare-filtered.png"))
    visit_file.check_local()


# ----------------------------------------------------------------------------- calculator


def _python_monthly(db: Path, model: str, provider: str, **profile) -> Decimal:
    from pricewatch.analysis.workloads import WorkloadProfile, workload_cost, workload_prices_at
    from pricewatch.inputs import load_price_points
    from pricewatch.scraper.store.reader import open_reader

    points = load_price_points(open_reader(db))
    prices = workload_prices_at(points, model, provider, NOW_TEXT)
    return workload_cost(WorkloadProfile(**profile), prices).monthly_cost_usd


def test_the_calculator_gives_the_python_numbers(visit_file, site, db, tmp_path):
    page = visit_file.page
    page.goto(site.as_uri() + "/claims.html#calculator")
    page.wait_for_selector("#calc-result[data-monthly]")
    # A measured price: a curated one past its confirmation window is not in the menu.
    page.select_option("#calc-model", "anthropic/claude-opus-4.8")
    page.select_option("#calc-provider", "anthropic")
    page.fill("#calc-tokens", "150M")
    page.fill("#calc-input-share", "90")
    page.fill("#calc-cache-hit", "80")
    page.fill("#calc-cache-write", "5")
    page.check("input[name=reading][value=input]")
    result = page.locator("#calc-result")
    profile = dict(tokens_per_day=150_000_000, input_share="0.9", cache_hit="0.8", cache_write_share="0.05")
    expected_input = _python_monthly(
        db, "anthropic/claude-opus-4.8", "anthropic", cache_reading="input", **profile
    )
    expected_all = _python_monthly(
        db, "anthropic/claude-opus-4.8", "anthropic", cache_reading="all", **profile
    )
    assert Decimal(result.get_attribute("data-monthly")) == expected_input
    assert Decimal(result.get_attribute("data-other-monthly")) == expected_all
    assert f"${expected_input:,.2f}" in result.inner_text()
    # Under the "all" reading, 95% of all tokens cannot be cache reads when only 90% are input.
    page.fill("#calc-cache-hit", "95")
    page.check("input[name=reading][value=all]")
    assert "cannot be cache reads when only 90% are input" in result.inner_text()
    assert Decimal(result.get_attribute("data-other-monthly")) == _python_monthly(
        db,
        "anthropic/claude-opus-4.8",
        "anthropic",
        cache_reading="input",
        **{**profile, "cache_hit": "0.95"},
    )
    page.select_option("#calc-model", "moonshotai/kimi-k2.6")
    providers = page.eval_on_selector_all("#calc-provider option", "options => options.map(o => o.value)")
    page.select_option("#calc-provider", providers[-1])
    page.check("input[name=reading][value=input]")
    assert Decimal(result.get_attribute("data-monthly")) == _python_monthly(
        db, "moonshotai/kimi-k2.6", providers[-1], cache_reading="input", **{**profile, "cache_hit": "0.95"}
    )
    result.screenshot(path=str(tmp_path / "calculator.png"))
    visit_file.check_local()


# ----------------------------------------------------------------------------- claim box


def _same_verdict(py: dict, js: dict) -> None:
    assert js["verdict"] == py["verdict"]
    for key in ("kind", "summary", "held_from", "held_until", "direction", "missing", "steps", "assumptions"):
        assert js[key] == py[key], key
    assert (js["factor"] is None) == (py["factor"] is None)
    if py["factor"] is not None:
        assert Decimal(js["factor"]) == Decimal(py["factor"])
    assert [Decimal(c["actual"]) for c in js["comparisons"]] == [
        Decimal(c["actual"]) for c in py["comparisons"]
    ]
    assert [(p["provider"], p["valid_from"]) for p in js["prices"]] == [
        (p["provider"], p["valid_from"]) for p in py["prices"]
    ]


@pytest.mark.parametrize("text", CLAIM_TEXTS)
def test_the_claim_box_gives_the_cli_verdict(visit_file, site, db, text, tmp_path):
    from pricewatch.cli import cli

    validator = _schema_validator()
    # The page checks as of the site's "as of": the data's newest observation.
    from pricewatch.scraper.store.reader import open_reader

    as_of = open_reader(db).newest_observation()
    assert as_of is not None
    result = CliRunner().invoke(cli, ["check", text, "--json", "--as-of", as_of, "--db", str(db)])
    assert result.exit_code in (0, 1, 3), result.output
    cli_report = json.loads(result.output)
    page = visit_file.page
    page.goto(site.as_uri() + "/claims.html#claimbox")
    page.fill("#claim-text", text)
    page.click("#claim-check")
    page.wait_for_selector("#claim-result[data-verdict]")
    js_report = page.evaluate("window.pricewatchLastCheck")
    validator.validate(cli_report)
    validator.validate(js_report)
    assert js_report["text"] == cli_report["text"] and js_report["at"] == cli_report["at"]
    assert js_report["verdict"] == cli_report["verdict"]
    assert page.locator("#claim-result").get_attribute("data-verdict") == cli_report["verdict"]
    for py, js in zip(cli_report["results"], js_report["results"], strict=True):
        _same_verdict(py, js)
    if text == CLAIM_TEXTS[0]:
        page.locator("#claimbox").screenshot(path=str(tmp_path / "claim-box.png"))
    visit_file.check_local()


def test_the_claim_box_says_where_quoted_figures_held_and_judges_as_of_the_day_made(visit_file, site, db):
    """An off host's price: where and when the figures held (held_elsewhere), and with a made-on
    day the verdict then beside it: the JSON of `check TEXT --made-on DAY --json`, whole."""
    from pricewatch.cli import cli
    from pricewatch.scraper.store.reader import open_reader

    text, day = "DeepSeek V3.2 costs $0.28/$0.42 per million tokens on Together", "2026-03-01"
    as_of = open_reader(db).newest_observation()
    assert as_of is not None
    args = ["check", text, "--json", "--as-of", as_of, "--made-on", day, "--db", str(db)]
    cli_report = json.loads(CliRunner().invoke(cli, args).output)
    page = visit_file.page
    page.goto(site.as_uri() + "/claims.html#claimbox")
    page.fill("#claim-text", text)
    page.fill("#claim-made-on", day)
    page.click("#claim-check")
    page.wait_for_selector("#claim-result[data-verdict]")
    js_report = page.evaluate("window.pricewatchLastCheck")
    _schema_validator().validate(js_report)
    assert js_report == cli_report
    assert cli_report["results"][0]["held_elsewhere"] and cli_report["then"] is not None
    shown = page.locator("#claim-result").inner_text()
    assert "$0.28/$0.42 was deepseek's price from 2025-12-01" in shown
    assert f"As of the day it was made ({day})" in shown
    visit_file.check_local()


def test_the_claim_box_explains_what_it_cannot_read(visit_file, site):
    page = visit_file.page
    page.goto(site.as_uri() + "/claims.html#claimbox")
    page.fill("#claim-text", "Claude Opus 4.66 costs $5/$25 per million tokens")
    page.click("#claim-check")
    page.wait_for_selector("#claim-result[data-verdict=error]")
    assert (
        "Unknown model: Claude Opus 4.66; did you mean anthropic/claude-opus-4.6"
        in page.locator("#claim-result").inner_text()
    )
    page.fill("#claim-text", "the moon is made of cheese")
    page.click("#claim-check")
    assert "the forms understood are" in page.locator("#claim-result").inner_text()
    visit_file.check_local()


def test_the_site_works_from_a_copied_sub_directory(browser, site, tmp_path):
    """Relative links only: the same files work wherever they are put."""
    copy = tmp_path / "deep" / "mirror" / "prices"
    shutil.copytree(site, copy)
    visit = Visit(browser, ("file://",))
    try:
        visit.page.goto(copy.as_uri() + "/models/moonshotai--kimi-k2.6.html")
        visit.page.click("text=All models")
        assert visit.page.url == (copy / "compare.html").as_uri()
        visit.check_local()
    finally:
        visit.close()


# ----------------------------------------------------------------------------- readable at 390 and 1366 px

WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}
READABLE_PAGES = [
    "index.html",
    "compare.html",
    "models/moonshotai--kimi-k2.6.html",
    "ratios.html",
    "trends.html",
    "claims.html",
    "market.html",
]


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """Where the readability screenshots go: $PRICEWATCH_SCREENSHOTS, else the run's temp folder."""
    configured = os.environ.get("PRICEWATCH_SCREENSHOTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_no_page_scrolls_sideways_and_screenshots(browser, site, screenshots, width):
    """The page body never scrolls sideways (wide tables scroll in their own box)."""
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    try:
        page = context.new_page()
        for name in READABLE_PAGES:
            page.goto(site.as_uri() + "/" + name)
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.scrollWidth") <= w, name
            assert page.evaluate("document.body.scrollWidth") <= w, name
            # Lazy charts below the fold load before the full-page picture is taken.
            page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
            page.wait_for_function("Array.from(document.images).every(i => i.complete)")
            page.screenshot(path=str(screenshots / f"{w}-{name.replace('/', '_')}.png"), full_page=True)
    finally:
        context.close()


def _svg_text_sizes(svg_text: str) -> tuple[float, list[float]]:
    """(the drawing's width in its own units, every text's font size in those units)."""
    view_box = re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg_text)
    assert view_box, "a chart without a viewBox"
    sizes = [float(x) for x in re.findall(r"font-size: ?([\d.]+)px", svg_text)]
    return float(view_box.group(1)), sizes


@pytest.mark.parametrize(
    "name", ["models/moonshotai--kimi-k2.6.html", "ratios.html", "trends.html", "market.html", "index.html"]
)
def test_chart_text_is_at_least_11px_on_a_phone(browser, site, name):
    """At 390 px the phone drawing is shown, and its smallest text renders at >= 11 CSS px.

    A chart is an <img> of an SVG: the browser scales the drawing to the image's width, so a
    text's rendered size is its font size times (rendered width / the drawing's own width).
    """
    w, h = WIDTHS["phone"]
    context = browser.new_context(viewport={"width": w, "height": h})
    try:
        page = context.new_page()
        page.goto(site.as_uri() + "/" + name)
        page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
        page.wait_for_function(
            "Array.from(document.querySelectorAll('figure.chart img')).every(i => i.complete)"
        )
        charts = page.eval_on_selector_all(
            "figure.chart img", "imgs => imgs.map(i => [i.currentSrc, i.getBoundingClientRect().width])"
        )
        assert charts, name
        for source, shown_width in charts:
            assert source.endswith(".narrow.svg"), source
            svg = Path(source.removeprefix("file://")).read_text(encoding="utf-8")
            own_width, sizes = _svg_text_sizes(svg)
            smallest = min(sizes) * shown_width / own_width
            assert smallest >= 11, (source, smallest)
            assert shown_width <= w
    finally:
        context.close()


def test_desktop_charts_keep_text_readable(browser, site):
    """At 1366 px the desktop drawing is shown, its text no smaller than 11 px either."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.goto(site.as_uri() + "/market.html")
        page.wait_for_function(
            "Array.from(document.querySelectorAll('figure.chart img')).every(i => i.complete)"
        )
        source, shown_width = page.eval_on_selector(
            "figure.chart img", "i => [i.currentSrc, i.getBoundingClientRect().width]"
        )
        assert not source.endswith(".narrow.svg")
        own_width, sizes = _svg_text_sizes(Path(source.removeprefix("file://")).read_text(encoding="utf-8"))
        assert min(sizes) * shown_width / own_width >= 11
    finally:
        context.close()


def test_price_columns_show_without_scrolling_at_1366(browser, site):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.goto(site.as_uri() + "/compare.html")
        boxes = page.evaluate(
            """() => {
              const wrap = document.querySelector('#compare').closest('.table-wrap').getBoundingClientRect();
              const heads = Array.from(document.querySelectorAll('#compare thead th'));
              return {wrap: [wrap.left, wrap.right], heads: heads.map(t => {
                const r = t.getBoundingClientRect(); return [t.textContent.trim(), r.left, r.right]; })};
            }"""
        )
        left, right = boxes["wrap"]
        shown = {text.strip(" ↕▲▼"): (a, b) for text, a, b in boxes["heads"]}
        for column in ("Model", "Blended 3:1", "Input", "Output", "Cache read", "Cheapest host (blended)"):
            a, b = shown[column]
            assert left <= a and b <= right <= 1366, (column, a, b, right)
        # The comparison table gains context window, release date and last confirmed.
        assert {"Context", "Released", "Last confirmed"} <= set(shown)
        # Its header stays in view while the rows scroll (in the table's own box, 85% of the screen high).
        tops = page.evaluate(
            """() => {
              const wrap = document.querySelector('#compare').closest('.table-wrap');
              wrap.scrollTop = 800;
              return [wrap.scrollTop, wrap.getBoundingClientRect().top,
                      document.querySelector('#compare thead th').getBoundingClientRect().top];
            }"""
        )
        scrolled, wrap_top, header_top = tops
        assert scrolled > 0 and abs(header_top - wrap_top) <= 2, tops
    finally:
        context.close()


def test_phone_shows_model_and_price_first(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(site.as_uri() + "/compare.html")
        row = page.locator("#compare tbody tr").first
        model = row.locator("th").bounding_box()
        price = row.locator("td").first.bounding_box()
        assert model is not None and price is not None
        assert price["x"] + price["width"] <= 390  # the first price is on screen beside the model
        assert page.locator("#compare thead th").nth(1).inner_text().strip(" ↕▲▼") == "Blended 3:1"
    finally:
        context.close()


def test_sort_and_filter_state_survive_a_reload(visit_file, site):
    page = visit_file.page
    page.goto(site.as_uri() + "/compare.html")
    page.get_by_role("button", name="Sort by Output").click()
    page.get_by_role("button", name="Sort by Output").click()
    page.select_option("#compare-filters select[name=weights]", "open")
    page.fill("#compare-filters input[name=q]", "kimi")
    before = page.eval_on_selector_all(
        "#compare tbody tr:not([hidden]) th", "cells => cells.map(c => c.getAttribute('data-value'))"
    )
    assert before
    assert "sort=output" in page.url and "dir=descending" in page.url
    assert "weights=open" in page.url and "q=kimi" in page.url
    page.reload()
    page.wait_for_load_state("load")
    assert page.input_value("#compare-filters input[name=q]") == "kimi"
    assert page.input_value("#compare-filters select[name=weights]") == "open"
    output = page.locator("#compare thead th", has_text="Output").first
    assert output.get_attribute("aria-sort") == "descending"
    after = page.eval_on_selector_all(
        "#compare tbody tr:not([hidden]) th", "cells => cells.map(c => c.getAttribute('data-value'))"
    )
    assert after == before
    # A plain anchor is no state: the table stays as built.
    page.goto("about:blank")
    page.goto(site.as_uri() + "/compare.html#no-current")
    assert (
        page.locator("#compare tbody tr:not([hidden])").count() == page.locator("#compare tbody tr").count()
    )
    visit_file.check_local()


def test_the_claim_box_comes_first_and_the_calculator_flags_a_substituted_price(visit_file, site, db):
    from pricewatch.analysis.workloads import WorkloadProfile, workload_cost, workload_prices_at
    from pricewatch.inputs import load_price_points
    from pricewatch.scraper.store.reader import open_reader

    page = visit_file.page
    page.goto(site.as_uri() + "/claims.html")
    headings = page.eval_on_selector_all("main h2", "hs => hs.map(h => h.id)")
    assert headings[0] == "h-claimbox"
    assert page.locator("#claim-text").bounding_box()["y"] < 900  # in the first screen at 1280x900
    page.wait_for_selector("#calc-result[data-monthly]")
    page.select_option("#calc-model", "moonshotai/kimi-k2.6")
    providers = page.eval_on_selector_all("#calc-provider option", "options => options.map(o => o.value)")
    points = load_price_points(open_reader(db))
    profile = WorkloadProfile(
        tokens_per_day=150_000_000, input_share="0.9", cache_hit="0.5", cache_write_share="0.05"
    )
    flagged = []
    for provider in providers:
        cost = workload_cost(profile, workload_prices_at(points, "moonshotai/kimi-k2.6", provider, NOW_TEXT))
        if cost.flags:
            flagged.append((provider, cost))
    assert flagged, "no host of Kimi K2.6 lacks a price the calculator must substitute"
    provider, cost = flagged[0]
    page.select_option("#calc-provider", provider)
    page.fill("#calc-tokens", "150M")
    page.fill("#calc-input-share", "90")
    page.fill("#calc-cache-hit", "50")
    page.fill("#calc-cache-write", "5")
    page.check("input[name=reading][value=input]")
    result = page.locator("#calc-result")
    assert Decimal(result.get_attribute("data-monthly")) == cost.monthly_cost_usd
    flags = page.locator("#calc-flags")
    assert flags.is_visible()
    assert "Substituted price" in flags.inner_text()
    for flag in cost.flags:
        assert flag in flags.inner_text()
    visit_file.check_local()
