"""The static site: Jinja templates + SVG charts + Atom feeds + downloads -> files in a directory.

``build_site(db_path, out_dir)`` is the one entry point (the CLI's ``pricewatch build``
and the scheduler after a refresh that changed prices both call it). It

1. reads the store (read-only) and the catalog once (``pricewatch.site.model``);
2. asks the analysis for ratios, trends and claims (``pricewatch.site.sections``); a piece
   that is missing or fails makes its page say "not available yet" and the build goes on;
3. renders every page, chart and feed into a temporary directory beside ``out_dir``, and
   swaps it in: the old directory is renamed aside, the new one renamed in, the old one
   deleted. A build that fails at any point leaves the previous ``out_dir`` as it was.

Builds are incremental: ``out_dir/.pricewatch-build.json`` records, for every file, a hash of
its inputs (its data, the templates, static files and this code). A file whose hash did not
change is hard-linked (or copied) from the previous build instead of rendered again, so a
refresh that changed a few prices re-renders only the pages, charts and feeds of the models
concerned plus the site-wide pages. Charts, the slow part, are drawn in worker processes.

Safety: autoescape is on (scraped names are untrusted), JSON embedded in a page goes
through Jinja's ``tojson`` (which escapes ``<``, ``>``, ``&`` and ``'``), every output path is
checked to stay inside the output directory, and an existing ``out_dir`` is replaced only
when it is a previous pricewatch build (it holds the manifest) or empty.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pricewatch.errors import BuildError, DamagedDatabaseError
from pricewatch.fields import PRICE_FIELDS
from pricewatch.money import money
from pricewatch.text import clean_text

if TYPE_CHECKING:
    from pricewatch.scraper.store.reader import StoreReader

__all__ = ["MANIFEST_NAME", "BuildReport", "build_site"]

MANIFEST_NAME = ".pricewatch-build.json"
#: Bumped when the build's output format changes in a way the input hashes do not see.
BUILD_FORMAT = 1
#: Newest changes on the overview, the changes page, the site feed and each model's feed.
OVERVIEW_CHANGES = 15
CHANGES_PAGE = 300
SITE_FEED_ENTRIES = 100
MODEL_FEED_ENTRIES = 50

NAV = (
    ("index.html", "Overview"),
    ("compare.html", "Compare"),
    ("market.html", "Market"),
    ("ratios.html", "Ratios"),
    ("trends.html", "Trends"),
    ("claims.html", "Claims"),
    ("changes.html", "Changes"),
    ("downloads.html", "Downloads"),
    ("about.html", "About"),
)
#: The project's home: source code and issue tracker (a placeholder until it is published).
PROJECT_URL = "https://github.com/pricewatch/pricewatch"
#: The public price histories the shipped history derives from (README, "Public price histories").
PUBLIC_HISTORIES = (
    ("meni432/ModelGraveyard", "OpenRouter's models list every ~6 hours", "MIT, stated in its README"),
    ("imphillip/mddb", "sweeps of OpenRouter's per-host endpoints", "AGPL-3.0-or-later (its repository)"),
    ("pydantic/genai-prices", "about 35 providers' prices, curated by hand", "MIT"),
    (
        "RoCry/llm-api-price",
        "a copy of LiteLLM's price map, committed on change",
        "not stated (the file is LiteLLM's, MIT)",
    ),
    ("BerriAI/litellm", "LiteLLM's price map", "MIT"),
    ("thevibeworks/claude-code-docs", "the Markdown export of Anthropic's pricing page", "MIT"),
    ("anomalyco/models.dev", "every provider's models and prices", "MIT"),
)


@dataclass
class BuildReport:
    """What a build did: files written and reused, charts drawn, sections not available, time taken."""

    out_dir: Path
    files: int = 0
    rendered: int = 0
    reused: int = 0
    charts_rendered: int = 0
    charts_cpu_seconds: float = 0.0
    models: int = 0
    seconds: float = 0.0
    unavailable: dict[str, str] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A short summary for people."""
        lines = [
            f"Built {self.out_dir} in {self.seconds:.1f}s: {self.files} files "
            f"({self.rendered} rendered, {self.reused} unchanged), {self.models} model pages, "
            f"{self.charts_rendered} charts drawn"
        ]
        for section, reason in sorted(self.unavailable.items()):
            lines.append(f"  not available yet: {section}: {reason}")
        return lines


# ----------------------------------------------------------------------------- display filters


def tokens(value: Any) -> str:
    """A token count with thousands separators."""
    return f"{int(value):,}" if value is not None else ""


def show_datetime(text: str | None) -> str:
    """``2026-08-22T18:35:39Z`` -> ``2026-08-22 18:35 UTC``."""
    if not text:
        return ""
    return f"{text[:10]} {text[11:16]} UTC" if len(text) >= 16 else text


def anchor(text: str) -> str:
    """An id-safe fragment."""
    from pricewatch.site.model import slugify

    return slugify(text)


# ----------------------------------------------------------------------------- output tree


_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")


def _hash(*parts: Any) -> str:
    digest = hashlib.sha256()
    for part in parts:
        # Most keys are strings (fingerprints, names): no JSON round for those.
        text = (
            part
            if isinstance(part, str)
            else json.dumps(part, sort_keys=True, default=str, separators=(",", ":"))
        )
        digest.update(text.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


class _Tree:
    """The new output directory: safe paths, reuse of unchanged files, the manifest."""

    def __init__(self, root: Path, previous: Path | None, old_hashes: dict[str, str], salt: str) -> None:
        self.root = root
        self.previous = previous
        self.old_hashes = old_hashes
        self.salt = salt
        self.hashes: dict[str, str] = {}
        self.rendered = 0
        self.reused = 0
        self._made: set[Path] = set()

    def path(self, relative: str) -> Path:
        """The file for ``relative``; refuses anything that could land outside the tree.

        Checked on the text (no resolve() per file: a build writes thousands): only
        ``[A-Za-z0-9._-]`` path segments, none empty, "." or "..", and no leading slash.
        Model ids only ever reach a path through ``slugify``, which already keeps to that.
        """
        parts = relative.split("/")
        if any(part in ("", ".", "..") or not _SAFE_SEGMENT.fullmatch(part) for part in parts):
            raise BuildError(f"refusing to write {relative!r}: not a safe path inside the output directory")
        target = self.root.joinpath(*parts)
        parent = target.parent
        if parent not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        return target

    def needs(self, relative: str, *key: Any) -> bool:
        """True when ``relative`` must be rendered; False when the previous build's file was reused."""
        digest = _hash(self.salt, relative, *key)
        self.hashes[relative] = digest
        if self.previous is None or self.old_hashes.get(relative) != digest:
            return True
        old = self.previous / relative
        if not old.is_file():
            return True
        target = self.path(relative)
        try:
            os.link(old, target)
        except OSError:
            shutil.copy2(old, target)
        self.reused += 1
        return False

    def forget(self, relative: str) -> None:
        """``relative`` turned out to have nothing to write (e.g. a model with nothing to chart)."""
        self.hashes.pop(relative, None)

    def always(self, relative: str) -> None:
        """``relative`` is rendered on every build (its inputs include the build time)."""
        self.hashes[relative] = ""

    def write(self, relative: str, content: str | bytes) -> None:
        """Write a rendered file (text as UTF-8)."""
        target = self.path(relative)
        if isinstance(content, str):
            # No control character leaves in a page, chart, CSV or JSON file (pricewatch/text.py).
            content = clean_text(content).encode("utf-8")
        target.write_bytes(content)
        self.hashes.setdefault(relative, "")
        self.rendered += 1

    def copy(self, source: Path, relative: str) -> None:
        """Copy a file into the tree (downloads, static assets)."""
        shutil.copyfile(source, self.path(relative))
        self.hashes.setdefault(relative, "")
        self.rendered += 1

    def write_manifest(self, built_at: str) -> None:
        manifest = {"format": BUILD_FORMAT, "built_at": built_at, "files": dict(sorted(self.hashes.items()))}
        (self.root / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def _read_manifest(out_dir: Path) -> dict[str, str]:
    try:
        manifest = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("format") != BUILD_FORMAT:
        return {}
    files = manifest.get("files")
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _check_replaceable(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise BuildError(f"{out_dir} exists and is not a directory; choose another --out")
    if (out_dir / MANIFEST_NAME).exists() or not any(out_dir.iterdir()):
        return
    raise BuildError(
        f"refusing to replace {out_dir}: it is not a pricewatch build (no {MANIFEST_NAME}); "
        "remove it or choose another --out"
    )


def _swap(new: Path, out_dir: Path) -> None:
    """Put ``new`` where ``out_dir`` is: rename the old one aside, rename the new one in, delete the old."""
    aside = None
    if out_dir.exists():
        aside = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        aside.rmdir()
        out_dir.rename(aside)
    try:
        new.rename(out_dir)
    except OSError:
        if aside is not None:
            aside.rename(out_dir)  # put the previous site back
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def _recover_swap(out_dir: Path) -> None:
    """Finish what a kill between ``_swap``'s two renames left: the previous site set aside and
    no ``out_dir``. It is put back before anything else runs, so a build that then fails
    leaves it as it was; set-aside copies of a site that is in place are deleted."""
    asides = sorted(
        out_dir.parent.glob(f".{out_dir.name}.old-*"), key=lambda path: (path.stat().st_mtime, path.name)
    )
    if asides and not out_dir.exists():
        asides.pop().rename(out_dir)
    for leftover in asides:
        shutil.rmtree(leftover, ignore_errors=True)


def _salt(site_dir: Path, base_url: str | None) -> str:
    """A hash of everything besides the data that shapes the output: templates, static files, code."""
    digest = hashlib.sha256(f"{BUILD_FORMAT}|{base_url}".encode())
    code_dir = Path(__file__).resolve().parent
    files = sorted((site_dir / "templates").rglob("*")) + sorted((site_dir / "static").rglob("*"))
    files += sorted(code_dir.glob("*.py"))
    # The change log's rules shape the feeds and the changes page.
    from pricewatch.analysis import changes

    files.append(Path(changes.__file__))
    for path in files:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    try:
        import matplotlib

        digest.update(matplotlib.__version__.encode())
    except ImportError:  # pragma: no cover - a dependency
        pass
    return digest.hexdigest()


# ----------------------------------------------------------------------------- templates


_ENVIRONMENTS: dict[Path, Any] = {}


def _environment(templates: Path):
    """The Jinja environment for a templates folder, kept for the next build in this process.

    Jinja recompiles a template when its file changed (auto_reload), so a long-running
    scheduler does not recompile the same templates after every refresh.
    """
    if templates not in _ENVIRONMENTS:
        _ENVIRONMENTS[templates] = _new_environment(templates)
    return _ENVIRONMENTS[templates]


def _new_environment(templates: Path):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    from pricewatch.site.words import origin_label, plain

    def visitor_words(value: Any) -> Any:
        # Every printed text in visitor words (score ids named, no repository paths); markup
        # made on purpose (JSON embedded for the scripts, which needs the ids) is left alone.
        return plain(value) if isinstance(value, str) and not isinstance(value, Markup) else value

    env = Environment(
        finalize=visitor_words,
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        money=money,
        tokens=tokens,
        datetime=show_datetime,
        date=lambda text: (text or "")[:10],
        anchor=anchor,
        origin=origin_label,
    )
    env.globals["nav"] = NAV
    env.globals["project_url"] = PROJECT_URL
    return env


def _root(relative: str) -> str:
    depth = relative.count("/")
    return "../" * depth


# ----------------------------------------------------------------------------- the build


def build_site(
    db_path: Path | str,
    out_dir: Path | str,
    *,
    catalog: Any = None,
    now: datetime | None = None,
    base_url: str | None = None,
    workers: int | None = None,
    incremental: bool = True,
    curated_window_days: int | None = None,
) -> BuildReport:
    """Render the site from the database at ``db_path`` into ``out_dir`` (replaced atomically).

    ``catalog`` defaults to the shipped data/catalog.toml; ``now`` (UTC) to the current time:
    it is the "as of" of current prices, ratios and freshness. ``base_url`` makes feed links
    absolute. ``workers`` processes draw the charts (default: every CPU). ``incremental=False``
    renders every file even when its inputs did not change. ``curated_window_days`` is the
    command line's curated window (default: the one stored with the database). Raises
    ``BuildError`` (the previous site left as it was) when anything fails.
    """
    started = time.perf_counter()
    db_path = Path(db_path)
    out_dir = Path(out_dir).absolute()
    now = (now or datetime.now(UTC)).astimezone(UTC)
    if catalog is None:
        from pricewatch.paths import default_catalog_path
        from pricewatch.scraper.catalog import load_catalog

        catalog = load_catalog(default_catalog_path())
    from pricewatch.scraper.store.files import require_database

    require_database(db_path)  # NoDatabaseError: a build never creates one
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)

    from filelock import FileLock

    lock = FileLock(str(out_dir.parent / f".{out_dir.name}.build.lock"))
    with lock:
        return _build_locked(
            db_path, out_dir, catalog, now, base_url, workers, incremental, started, curated_window_days
        )


def _build_locked(
    db_path: Path,
    out_dir: Path,
    catalog: Any,
    now: datetime,
    base_url: str | None,
    workers: int | None,
    incremental: bool,
    started: float,
    curated_window_days: int | None = None,
) -> BuildReport:
    from pricewatch.paths import shipped_site_dir
    from pricewatch.scraper.store.reader import open_reader
    from pricewatch.site.model import load_site_data

    site_dir = shipped_site_dir()
    report = BuildReport(out_dir=out_dir)
    # Trees left by a build that was killed half-way (we hold the lock: none is in use).
    _recover_swap(out_dir)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.build-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    reader = open_reader(db_path)
    reader.snapshot()  # one state for every page and the download, whatever a refresh commits meanwhile
    try:
        problems = reader.quick_check()  # nothing is published from a damaged file
        if problems:
            raise DamagedDatabaseError(db_path, problems)
        data = load_site_data(reader, catalog, now, window_days=curated_window_days)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
        try:
            previous = out_dir if incremental and out_dir.is_dir() else None
            tree = _Tree(
                tmp, previous, _read_manifest(out_dir) if previous else {}, _salt(site_dir, base_url)
            )
            _render_everything(tree, data, reader, site_dir, report, base_url, workers)
            tree.write_manifest(data.built_text)
            _make_readable(tmp)
            report.rendered, report.reused = tree.rendered, tree.reused
            report.files = len(tree.hashes)
            _swap(tmp, out_dir)
        except BaseException as error:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(error, BuildError | KeyboardInterrupt | SystemExit):
                raise
            raise BuildError(
                f"the site was not built ({type(error).__name__}: {error}); {out_dir} is unchanged"
            ) from error
    finally:
        reader.close()
    report.seconds = time.perf_counter() - started
    return report


def _render_everything(
    tree: _Tree,
    data: Any,
    reader: StoreReader,
    site_dir: Path,
    report: BuildReport,
    base_url: str | None,
    workers: int | None,
) -> None:
    from pricewatch.site import api_json
    from pricewatch.site.aside import Aside, can_fork

    # The claims page's analysis runs in a forked child while this process does the rest
    # (site.aside: only where forking is safe and more than one process may work; elsewhere
    # it runs when the page needs it).
    fork = can_fork() and (workers is None or workers > 1)
    store = api_json.read_store(data, reader)  # the child reads no database
    with Aside(lambda: _aside_work(data, store), fork=fork) as aside:
        _render_with(tree, data, reader, site_dir, report, base_url, workers, aside)


#: The analysis sections computed aside (site.aside): only the claims page and the home page
#: read them, and those are rendered last.
ASIDE_SECTIONS = ("claims", "tools")


def _aside_work(data: Any, store: Any) -> dict[str, Any]:
    """What the forked child computes: the claims page's sections and the JSON API's model documents."""
    from pricewatch.site import api_json
    from pricewatch.site import sections as site_sections

    return {
        "sections": site_sections.analysis_sections(data, ASIDE_SECTIONS),
        "api": api_json.model_documents(data, store),
    }


def _render_with(
    tree: _Tree,
    data: Any,
    reader: StoreReader,
    site_dir: Path,
    report: BuildReport,
    base_url: str | None,
    workers: int | None,
    aside: Any,
) -> None:
    from pricewatch.site import charts
    from pricewatch.site import sections as site_sections
    from pricewatch.site.model import model_fingerprint

    env = _environment(site_dir / "templates")
    for source in sorted((site_dir / "static").rglob("*")):
        if source.is_file():
            tree.copy(source, "static/" + source.relative_to(site_dir / "static").as_posix())

    model_ids = sorted(data.slugs, key=lambda m: (data.model_name(m).lower(), m))
    report.models = len(model_ids)

    # Each model's page, chart and feed are keyed by a fingerprint of the model's own data;
    # their contexts are built only when one of them must be rendered again.
    chart_jobs: list[tuple[str, Any]] = []
    model_contexts: dict[str, dict[str, Any]] = {}
    fingerprints: dict[str, str] = {}
    chart_day = data.now_text[:10]  # charts run to the start of the build's day
    for model_id in model_ids:
        slug = data.slugs[model_id]
        fingerprint = fingerprints[model_id] = model_fingerprint(model_id, data)
        page_path, chart_path = f"models/{slug}.html", f"models/{slug}.svg"
        need_page = tree.needs(page_path, "model.html", fingerprint)
        # Each chart is drawn twice: for a desktop column and for a phone (charts.variants).
        chart_paths = [chart_path, charts.narrow_path(chart_path)]
        need_chart = [p for p in chart_paths if tree.needs(p, "chart", fingerprint, chart_day)]
        if not (need_page or need_chart):
            continue
        context, spec = site_sections.model_page(model_id, data)
        if need_page:
            model_contexts[model_id] = context
        if spec is None:
            for path in chart_paths:
                tree.forget(path)
        else:
            chart_jobs.extend(job for job in charts.variants(chart_path, spec) if job[0] in need_chart)
    sections = site_sections.analysis_sections(
        data, [name for name in site_sections.SECTION_NAMES if name not in ASIDE_SECTIONS]
    )
    for section in sections.values():
        for path, spec in section.get("charts", []):
            chart_jobs.extend(
                job for job in charts.variants(path, spec) if tree.needs(job[0], job[1].as_key())
            )
    # Charts go to worker processes while the pages render here.
    cpu = workers if workers is not None else (os.cpu_count() or 1)
    pending = charts.start_rendering(chart_jobs, workers=cpu)
    try:
        _render_pages(
            tree,
            data,
            reader,
            env,
            sections,
            aside,
            model_ids,
            model_contexts,
            fingerprints,
            report,
            base_url,
        )
        for relative, svg in pending.result():
            tree.write(relative, svg)
            report.charts_rendered += 1
        report.charts_cpu_seconds = pending.cpu_seconds
    finally:
        pending.close()
    for name, section in sections.items():
        if not section.get("available"):
            detail = section.get("detail")
            report.unavailable[name] = section.get("reason", "") + (f" [{detail}]" if detail else "")


def _render_pages(
    tree: _Tree,
    data: Any,
    reader: StoreReader,
    env: Any,
    sections: dict[str, Any],
    aside: Any,
    model_ids: list[str],
    model_contexts: dict[str, dict[str, Any]],
    fingerprints: dict[str, str],
    report: BuildReport,
    base_url: str | None,
) -> None:
    from pricewatch.site import api_json
    from pricewatch.site.model import change_dict, change_log, model_page_as_of, model_summaries

    changes = change_log(data.points)
    change_dicts = [change_dict(c, data) for c in changes[: max(CHANGES_PAGE, SITE_FEED_ENTRIES)]]

    def render(relative: str, template: str, context: dict[str, Any]) -> None:
        report.pages.append(relative)
        # Every page says what its "current" means: the data's newest observation.
        full = {
            "root": _root(relative),
            "page": relative,
            "as_of": data.now_text,
            "canonical": canonical_url(base_url, relative),
            **context,
        }
        tree.write(relative, env.get_template(template).render(**full))

    def site_page(relative: str, template: str, context: dict[str, Any]) -> None:
        # Site-wide pages show the build time: rendered on every build.
        tree.always(relative)
        render(relative, template, {"built_at": data.built_text, **context})

    page_as_of = model_page_as_of(data)
    for model_id in model_ids:
        relative = f"models/{data.slugs[model_id]}.html"
        if model_id in model_contexts:
            render(relative, "model.html", {**model_contexts[model_id], "as_of": page_as_of})
        else:
            report.pages.append(relative)

    summaries = model_summaries(data)
    # Current prices only: a model whose prices all ended (retired, no longer listed) or are
    # past their confirmation window is listed apart, never among current prices.
    site_page(
        "compare.html",
        "compare.html",
        {
            "rows": [r for r in summaries if r["reference"] is not None],
            "no_current": [r for r in summaries if r["reference"] is None],
            # Models without a page (site.model.paged_models): in the downloads only.
            "unpaged": len(data.by_model) - len(model_ids),
        },
    )
    site_page(
        "changes.html", "changes.html", {"changes": change_dicts[:CHANGES_PAGE], "total": f"{len(changes):,}"}
    )
    site_page("market.html", "market.html", {"market": sections["market"]})
    site_page("ratios.html", "ratios.html", {"ratios": sections["ratios"]})
    site_page("trends.html", "trends.html", {"trends": sections["trends"]})
    site_page(
        "about.html",
        "about.html",
        {"histories": PUBLIC_HISTORIES, "statistic": sections["ratios"].get("statistic") or "median"},
    )

    _feeds(tree, data, changes, change_dicts, fingerprints, base_url)
    site_page("api.html", "api.html", api_json.page_context(data, base_url))
    files = _downloads(tree, reader, data, changes)
    site_page("downloads.html", "downloads.html", {"files": files, "sources": data.sources})
    # What was computed aside, last: the child had the most time. The static JSON API
    # (api/v1/, site/api_json.py) and the pages that read the claims sections.
    later = aside.result()
    api_json.publish(tree, data, later["api"], change_dicts[:CHANGES_PAGE], len(changes))
    sections.update(later["sections"])
    site_page(
        "index.html",
        "index.html",
        {
            "counts": {
                "models": len(model_ids),
                "providers": len({p.provider for p in data.points}),
                "periods": f"{len(data.points):,}",
            },
            "freshness": _freshness(data),
            "ratios": sections["ratios"],
            "trends": sections["trends"],
            "claims": sections["claims"],
            "market": sections["market"],
            "changes": change_dicts[:OVERVIEW_CHANGES],
        },
    )
    site_page("claims.html", "claims.html", {"claims": sections["claims"], "tools": sections["tools"]})
    sitemap_pages = list(report.pages)
    # Served for any missing address: with the site's URL its links are absolute, so they
    # work at any depth; without it they are relative to the site's top folder.
    site_page("404.html", "404.html", {"root": _base(base_url) or "", "canonical": None, "as_of": None})
    tree.write("sitemap.xml", sitemap(base_url, sitemap_pages))
    tree.write("robots.txt", robots(base_url))


def _base(base_url: str | None) -> str | None:
    """``base_url`` with exactly one trailing slash, or None."""
    return (base_url.rstrip("/") + "/") if base_url else None


def canonical_url(base_url: str | None, relative: str) -> str | None:
    """A page's public address when the site's URL is known (the overview is the site's root)."""
    base = _base(base_url)
    if base is None:
        return None
    return base if relative == "index.html" else base + relative


def sitemap(base_url: str | None, pages: Iterable[str]) -> str:
    """``sitemap.xml``: every page; absolute addresses when ``base_url`` is given, else relative ones."""
    from xml.sax.saxutils import escape

    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    if base_url is None:
        lines.append(
            "<!-- Relative addresses: give the build the site URL (base-url option) for the absolute ones search engines need. -->"
        )
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for relative in sorted(set(pages), key=lambda p: (p != "index.html", p.count("/"), p)):
        lines.append(f"<url><loc>{escape(canonical_url(base_url, relative) or relative)}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(base_url: str | None) -> str:
    """``robots.txt``: everything may be crawled; the sitemap's address when the site's URL is known."""
    text = "User-agent: *\nAllow: /\n"
    base = _base(base_url)
    return text + (f"\nSitemap: {base}sitemap.xml\n" if base else "")


def _make_readable(root: Path) -> None:
    """Folders 0755 and files 0644 (the build folder starts 0700): a web server running as
    another user can read the site."""
    root.chmod(0o755)
    for folder, folders, files in os.walk(root):
        for name in folders:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def _freshness(data: Any) -> dict[str, Any]:
    """Per source: its status row plus a warning when stale or failing; the embedded-data banner."""
    # ``source_status`` says what is wrong: a failing last run, no ok run, staleness against
    # the source's schedule (data/schedule.toml), never refreshed.
    rows = [{**row, "warning": row.get("problem") or ""} for row in data.sources]
    banner = None
    if not data.refreshed_live:
        banner = (
            f"Not refreshed yet: embedded data as of {data.embedded_date}."
            if data.embedded_date
            else "Not refreshed yet: no prices stored."
        )
        banner += " Prices come from the data shipped with pricewatch, not a live refresh."
    return {"sources": rows, "banner": banner}


def _feeds(
    tree: _Tree,
    data: Any,
    changes: list[Any],
    change_dicts: list[dict[str, Any]],
    fingerprints: dict[str, str],
    base_url: str | None,
) -> None:
    from pricewatch.site.feeds import atom_feed
    from pricewatch.site.model import change_dict

    base = _base(base_url)

    def href(relative: str, depth: int) -> str:
        return (base + relative) if base else ("../" * depth) + relative

    site_changes = change_dicts[:SITE_FEED_ENTRIES]
    if tree.needs("feeds/changes.atom", site_changes):
        tree.write(
            "feeds/changes.atom",
            atom_feed(
                feed_id="changes",
                title="pricewatch: LLM API price changes",
                subtitle="Every stored price change of every model and provider, newest first.",
                self_href=href("feeds/changes.atom", 1),
                page_href=href("changes.html", 1),
                changes=site_changes,
                model_href=lambda c: href(f"models/{c['slug']}.html", 1),
            ),
        )
    wanted = {}
    for model_id, slug in data.slugs.items():
        relative = f"feeds/models/{slug}.atom"
        if tree.needs(relative, "feed", fingerprints[model_id]):
            wanted[model_id] = relative
    if not wanted:
        return
    by_model: dict[str, list[Any]] = {model_id: [] for model_id in wanted}
    for change in changes:  # newest first
        bucket = by_model.get(change.model)
        if bucket is not None and len(bucket) < MODEL_FEED_ENTRIES:
            bucket.append(change)
    for model_id, relative in wanted.items():
        slug = data.slugs[model_id]
        tree.write(
            relative,
            atom_feed(
                feed_id=f"model/{model_id}",
                title=f"pricewatch: {data.model_name(model_id)} price changes",
                subtitle=f"Price changes of {data.model_name(model_id)} ({model_id}) at every provider.",
                self_href=href(relative, 2),
                page_href=href(f"models/{slug}.html", 2),
                changes=[change_dict(c, data) for c in by_model[model_id]],
                model_href=lambda c: href(f"models/{c['slug']}.html", 2),
            ),
        )


# ----------------------------------------------------------------------------- downloads

_CURRENT_COLUMNS = (
    "model",
    "model_name",
    "provider",
    "provider_name",
    "tier",
    "min_prompt_tokens",
    "variant",
    "quantization",
    *PRICE_FIELDS,
    "variable",
    "currency",
    "origin",
    "valid_from",
    "last_seen",
)


_CHANGE_COLUMNS = (
    "model",
    "provider",
    "tier",
    "min_prompt_tokens",
    "variant",
    "changed_at",
    *(f"{age}_{name}" for name in PRICE_FIELDS for age in ("old", "new")),
    "old_currency",
    "new_currency",
    "origin",
    "kind",
    "changed_fields",
)


def _price_change_rows(changes: Iterable[Any]) -> list[dict[str, Any]]:
    """The rows of the ``price_changes`` view (without its internal ids), newest first.

    Built from the events already computed for the pages (``change_log``, the same rules
    as the view): a change, a new offer or an ended offer; prices as exact text.
    """
    rows = []
    for change in changes:
        p = change.point
        before = change.old
        after = change.new
        row = {
            "model": p.model,
            "provider": p.provider,
            "tier": p.tier,
            "min_prompt_tokens": p.min_prompt_tokens,
            "variant": p.variant,
            "changed_at": change.at,
            "old_currency": (change.previous or p).currency if change.kind != "new" else None,
            "new_currency": p.currency if change.kind != "ended" else None,
            "origin": p.origin,
            "kind": change.kind,
            "changed_fields": ",".join(change.changed),
        }
        for name in PRICE_FIELDS:
            row[f"old_{name}"] = before.get(name)
            row[f"new_{name}"] = after.get(name)
        rows.append(row)
    return rows


def _csv(rows: Iterable[dict[str, Any]], columns: Iterable[str]) -> str:
    import csv
    import io

    from pricewatch.cells import csv_cell

    columns = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])  # a name cannot be a formula
    return buffer.getvalue()


def _size(path: Path) -> str:
    size: float = path.stat().st_size
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""  # pragma: no cover


def rows_json(document: dict[str, Any], rows_key: str) -> str:
    """``document`` as JSON text with each of its ``rows_key`` rows on a line of its own.

    As readable as an indented dump for a table of thousands of rows, and many times
    faster: ``json.dumps`` encodes in C only without ``indent``.
    """
    head = {key: value for key, value in document.items() if key != rows_key}
    rows = ",\n".join(json.dumps(row, ensure_ascii=False) for row in document[rows_key])
    # The other keys indented as usual, without the closing "\n}"; then the rows.
    opening = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ",\n" if head else "{\n"
    return f"{opening} {json.dumps(rows_key)}: [\n{rows}\n ]\n}}\n"


def _downloads(tree: _Tree, reader: StoreReader, data: Any, changes: list[Any]) -> list[dict[str, str]]:
    """The database copy, current prices (CSV, JSON) and price changes (CSV); rewritten every build."""
    # The published copy leaves the providers' pages out (raw_responses and their archives):
    # prices, offers, runs and where each was read stay.
    reader.public_copy_to(tree.path("downloads/pricewatch.db"))
    tree.hashes.setdefault("downloads/pricewatch.db", "")
    tree.rendered += 1

    current = [
        {
            **row,
            "model_name": data.model_name(row["model"]),
            "provider_name": data.provider_name(row["provider"]),
        }
        # The site's own "as of" and window, so the files list what its pages call current.
        for row in reader.current_price_rows(data.now_text, data.window_days or None)
    ]
    tree.write("downloads/current-prices.csv", _csv(current, _CURRENT_COLUMNS))
    document = {
        "generated_at": data.built_text,
        "unit": "USD per million tokens unless `currency` says otherwise; prices are exact decimal text",
        "columns": list(_CURRENT_COLUMNS),
        "prices": [{c: row.get(c) for c in _CURRENT_COLUMNS} for row in current],
    }
    tree.write("downloads/current-prices.json", rows_json(document, "prices"))

    tree.write("downloads/price-changes.csv", _csv(_price_change_rows(changes), _CHANGE_COLUMNS))

    about = {
        "downloads/pricewatch.db": "the SQLite database: every price period, offer, run, fetch (URL, time, hash) and source name; the providers' pages themselves are left out",
        "downloads/current-prices.csv": "one row per offer with its prices in force now (the current_prices view)",
        "downloads/current-prices.json": "the same as JSON, with the column list and the unit",
        "downloads/price-changes.csv": "one row per event (kind: a price change, a new offer, an ended offer), old and new value of every field (the price_changes view)",
    }
    return [{"path": path, "about": text, "size": _size(tree.path(path))} for path, text in about.items()]
