"""Build a replay directory of the first-party pricing pages from the recorded samples.

Usage:

    python bench/make_firstparty_replay.py SAMPLES_DIR OUT_DIR \\
        [--rename-anthropic-heading NEW] [--with-openrouter]

SAMPLES_DIR is ``shared/samples``. OUT_DIR (a temporary directory, never inside the
repository) receives ``manifest.json`` and a copy of each body, served at the source's
default URL (``start_urls(DEFAULT_BASE_URL)`` of each module, so the two never drift):

- every registered first-party source (the registry decides, not a list here): the newest
  recording of its page named in RECORDINGS, or, for a source without one there yet, the
  embedded snapshot's bodies for it (data/snapshot/<source>/, at the URLs its manifest gives);
- mistral: ``index.ts`` at the index URL and every model file beside it (the links
  ``parse(index.ts)`` returns resolve to that folder);
- a source with several start pages (moonshot: one per Kimi model family): the recording
  named for each start URL, in ``Recording.pages``.

xai has no recording (only a description of its page): it is served from the snapshot.

Each response carries its own ``recorded_at``: the date the folder's PROVENANCE.md gives
for that recording (see RECORDINGS). Where PROVENANCE gives only a month (OpenAI's
"2026-08"), the first of the month is used and the constant says so.

``--rename-anthropic-heading "Model prices"`` renames the ``## Model pricing`` heading of
the Anthropic page: the layout-drift demonstration (that source must then fail with
"the page layout may have changed" and leave its stored prices alone).
``--with-openrouter`` also writes the OpenRouter replay (bench/make_openrouter_replay.py,
from SAMPLES_DIR/openrouter) into OUT_DIR and merges its responses into the manifest,
so one replay serves every registered source. Only the endpoints bodies that were really
recorded are kept: that builder also writes, for every other model, an endpoints body
made from OpenRouter's list price and labelled with the maker, which a crosscheck would
take for the maker's own endpoint. Their URLs answer 404 here (the OpenRouter run is then
"partial"), and a crosscheck falls back to the list price, named as such.

Standard library plus the project (for the registry and the sources' URLs).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pricewatch.paths import shipped_data_dir
from pricewatch.scraper.sources import all_sources, get_source

__all__ = ["ANTHROPIC_HEADING", "RECORDINGS", "Recording", "build_replay", "first_party_sources", "main"]

# The heading the Anthropic parser keys on (scraper/sources/anthropic.py MODEL_PRICING_HEADING).
ANTHROPIC_HEADING = "Model pricing"
MARKDOWN = "text/markdown; charset=utf-8"
HTML = "text/html; charset=utf-8"
# raw.githubusercontent.com serves every file as text/plain.
PLAIN = "text/plain; charset=utf-8"
# openrouter/PROVENANCE.md: the endpoints bodies were fetched at 2026-05-18T21:38Z (the
# models list at 2026-08-22), so with --with-openrouter they are observed then.
ENDPOINTS_RECORDED_AT = "2026-05-18T21:38:38Z"


@dataclass(frozen=True)
class Recording:
    """The newest recording of one source's page, and when its content was current."""

    source: str
    path: str  # relative to SAMPLES_DIR; for mistral, the folder of model files
    recorded_at: str
    content_type: str
    # For a source with several start pages: the file under ``path`` served at each start
    # URL, in start_urls() order (moonshot's per-model pages).
    pages: tuple[str, ...] = ()


RECORDINGS = (
    # anthropic/PROVENANCE.md: zrrbite/llm-price-watch's fixture of the page, whose data/anthropic.json
    # with the same rows says "fetched": "2026-09-12T06:34:51Z".
    Recording("anthropic", "anthropic/pricing_2026-09.md", "2026-09-12T06:34:51Z", MARKDOWN),
    # openai/PROVENANCE.md: "2026-08", content after 2026-07-30 (no day given: the 1st).
    Recording("openai", "openai/pricing_2026-08.md", "2026-08-01T00:00:00Z", MARKDOWN),
    # google/PROVENANCE.md: the 2026-08 export (yamenzak/OneApp's fixture); its Gemini 3.7 Flash cell
    # was seen fetched on 2026-08-18 (anuran-roy/unified-llm-pricing), the day used here.
    Recording("google", "google/pricing_2026-08.md", "2026-08-18T00:00:00Z", MARKDOWN),
    # deepseek/PROVENANCE.md: the trimmed live HTML, dated 2026-09-13 in its first line.
    Recording("deepseek", "deepseek/hermenics-2026-09-13_pricing.trimmed.html", "2026-09-13T00:00:00Z", HTML),
    # mistral/PROVENANCE.md: platform-docs-public HEAD 222f4ba9 (2026-08-21).
    Recording("mistral", "mistral/platform-docs-public/models", "2026-08-21T00:00:00Z", PLAIN),
    # kimi/PROVENANCE.md: xzgw/llm-pricing-index @d399813f, the per-model pages fetched 2026-08-18.
    Recording(
        "moonshot",
        "kimi",
        "2026-08-18T00:00:00Z",
        MARKDOWN,
        pages=tuple(
            f"{page}_2026-08-18.md"
            for page in ("chat-k3", "chat-k27-code", "chat-k26", "chat-k25", "chat-v1")
        ),
    ),
    # minimax/PROVENANCE.md: xzgw/llm-pricing-index @d399813f, the "## LLM" section fetched 2026-08-18.
    Recording("minimax", "minimax/pricing-paygo_2026-08-18.llm-section.md", "2026-08-18T00:00:00Z", MARKDOWN),
)


def _response(url: str, body: str, recording: Recording) -> dict[str, Any]:
    return {
        "url": url,
        "method": "GET",
        "status": 200,
        "headers": {"content-type": recording.content_type},
        "body": body,
        "recorded_at": recording.recorded_at,
    }


def _copy(source: Path, out: Path, relative: str, replace: tuple[str, str] | None = None) -> str:
    target = out / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    if replace is not None:
        old, new = (part.encode("utf-8") for part in replace)
        if data.count(old) != 1:
            raise ValueError(f"{source}: expected exactly one {replace[0]!r}")
        data = data.replace(old, new)
    target.write_bytes(data)
    return relative


def first_party_sources() -> list[str]:
    """The registered first-party sources, in refresh order."""
    return [module.NAME for module in all_sources() if module.KIND == "first-party"]


def _from_snapshot(snapshot: Path, source: str, out: Path) -> list[dict[str, Any]]:
    """The snapshot's responses for ``source`` (its bodies under ``<source>/``), copied into OUT."""
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    responses = []
    for entry in manifest["responses"]:
        if entry["body"].startswith(f"{source}/"):
            _copy(snapshot / entry["body"], out, entry["body"])
            responses.append({**entry, "recorded_at": entry.get("recorded_at", manifest["recorded_at"])})
    if not responses:
        raise ValueError(f"{source}: no recording in RECORDINGS and no body under {snapshot / source}")
    return responses


def build_replay(
    samples: Path,
    out: Path,
    rename_anthropic_heading: str | None = None,
    with_openrouter: bool = False,
    snapshot: Path | None = None,
) -> Path:
    """Write OUT/manifest.json and its bodies from SAMPLES; returns the manifest's path.

    ``snapshot`` is the replay directory that serves the sources RECORDINGS lacks (default:
    the embedded one in data/snapshot).
    """
    samples, out = Path(samples), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    responses: list[dict[str, Any]] = []
    recordings = {recording.source: recording for recording in RECORDINGS}
    for source in first_party_sources():
        recording = recordings.get(source)
        if recording is None:
            responses.extend(_from_snapshot(snapshot or shipped_data_dir() / "snapshot", source, out))
            continue
        module = get_source(recording.source)
        urls = module.start_urls(module.DEFAULT_BASE_URL)
        path = samples / recording.path
        if recording.pages:
            if len(recording.pages) != len(urls):
                raise ValueError(
                    f"{recording.source}: {len(recording.pages)} recordings for {len(urls)} start URLs"
                )
            for page_url, name in zip(urls, recording.pages, strict=True):
                relative = _copy(path / name, out, f"{recording.source}/{name}")
                responses.append(_response(page_url, relative, recording))
            continue
        [url] = urls
        if recording.source == "mistral":
            # index.ts at its URL; the model files it links to sit in the same folder.
            folder_url = url.rsplit("/", 1)[0] + "/"
            for model_file in sorted(path.glob("*.ts")):
                relative = _copy(model_file, out, f"mistral/{model_file.name}")
                responses.append(_response(folder_url + model_file.name, relative, recording))
            continue
        replace = None
        if recording.source == "anthropic" and rename_anthropic_heading is not None:
            replace = (f"## {ANTHROPIC_HEADING}\n", f"## {rename_anthropic_heading}\n")
        relative = _copy(path, out, f"{recording.source}/{path.name}", replace)
        responses.append(_response(url, relative, recording))
    manifest: dict[str, Any] = {"responses": responses}
    if with_openrouter:
        manifest = _merge_openrouter(samples / "openrouter", out, responses)
    target = out / "manifest.json"
    target.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return target


def _merge_openrouter(samples: Path, out: Path, responses: list[dict[str, Any]]) -> dict[str, Any]:
    """Write the OpenRouter replay into OUT and return one manifest holding both."""
    script = Path(__file__).with_name("make_openrouter_replay.py")
    spec = importlib.util.spec_from_file_location("make_openrouter_replay", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    openrouter_manifest = json.loads(module.build_replay(samples, out).read_text(encoding="utf-8"))
    recorded_at = openrouter_manifest["recorded_at"]
    # The endpoints URLs whose bodies were recorded (the builder names them by details path).
    by_id = {m["id"]: m for m in json.loads((samples / "models.json").read_bytes())["data"]}
    recorded_urls = {module.LIST_URL}
    for path in (samples / "endpoints").glob("*.json"):
        model = by_id.get(json.loads(path.read_bytes())["data"]["id"])
        if model is not None:
            recorded_urls.add(module.BASE_URL + module._details_path(model))
    merged = [
        {**entry, "recorded_at": recorded_at if entry["url"] == module.LIST_URL else ENDPOINTS_RECORDED_AT}
        for entry in openrouter_manifest["responses"]
        if entry["url"] in recorded_urls
    ]
    return {"recorded_at": recorded_at, "responses": merged + responses}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("samples", type=Path, help="the shared samples folder")
    parser.add_argument("out", type=Path, help="replay folder to write (outside the repository)")
    parser.add_argument(
        "--rename-anthropic-heading",
        metavar="NEW",
        help=f"rename the Anthropic page's '## {ANTHROPIC_HEADING}' heading (layout drift)",
    )
    parser.add_argument(
        "--with-openrouter",
        action="store_true",
        help="also include the OpenRouter replay of SAMPLES/openrouter",
    )
    args = parser.parse_args(argv)
    try:
        manifest = build_replay(args.samples, args.out, args.rename_anthropic_heading, args.with_openrouter)
    except (OSError, ValueError, KeyError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    count = len(json.loads(manifest.read_text(encoding="utf-8"))["responses"])
    print(f"{manifest}: {count} responses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
