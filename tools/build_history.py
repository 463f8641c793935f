"""Build data/history: the real price history that `pricewatch demo` loads.

Usage (`make history` runs it with SAMPLES=../shared/samples):

    python tools/build_history.py SAMPLES_DIR [--out data/history] [--work DIR]

SAMPLES_DIR holds the recordings (``<source>/...``, see its README.md) and
``history/*.bundle``: git bundles of public repositories where a price file was committed
over time. The tool

0. loads the curated prices (data/curated_prices.csv, without the corrections: `demo` loads
   those, so the history shows each as a correction) into a new database, as a user's
   database begins;
1. clones every bundle of ``BACKFILLS`` into a work folder (``--work``, default a
   temporary one) and runs the documented ``pricewatch backfill KIND CLONE`` on each, into
   a new database;
2. replays the dated recordings of ``OLDER_RECORDINGS`` one by one, then the newest
   recording of every source (bench/make_firstparty_replay.py, OpenRouter's models list
   and endpoints included), with ``pricewatch refresh --replay``;
3. runs ``pricewatch export-history`` into ``--out``, citing each clone by the public
   repository it copies.

Everything goes through the commands a user runs, in the order a user's database grows
(the curated history, then the measured), so the shipped history is what those commands
make of the real histories. SUMMARY.json records the sha256 of the curated file it was
built with (a test fails when data/curated_prices.csv changed since: re-run `make
history`). Re-run it too when newer histories or recordings appear (add them below).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Backfill:
    """One real git history: its bundle, the backfill that reads it, the repository it copies."""

    bundle: str
    kind: tuple[str, ...]  # `pricewatch backfill` arguments before the clone
    public: str  # what the citations name
    options: tuple[str, ...] = ()  # after the clone


BACKFILLS = (
    Backfill(
        "anthropic-pricing-history.bundle",
        ("page", "anthropic"),
        "https://github.com/thevibeworks/claude-code-docs (content/en/about-claude/pricing.md)",
        ("--file", "pricing.md"),
    ),
    Backfill(
        "openrouter-models-history.bundle",
        ("openrouter-git",),
        "https://github.com/meni432/ModelGraveyard (data/raw/openrouter-models.json)",
    ),
    Backfill(
        "openrouter-endpoints-history.bundle",
        ("openrouter-endpoints",),
        "https://github.com/imphillip/mddb (data/openrouter-endpoints.json, sources/raw/openrouter-endpoints.raw.json)",
    ),
    Backfill(
        "genai-prices-data-history.bundle",
        ("genai-prices",),
        "https://github.com/pydantic/genai-prices (prices/data.json, prices/new_data/v2/data.json)",
    ),
    Backfill(
        "models-dev-data-history.bundle",
        ("models-dev",),
        "https://github.com/anomalyco/models.dev (dev, providers/**/*.toml)",
    ),
    Backfill(
        "litellm-prices-history.bundle",
        ("litellm",),
        "https://github.com/RoCry/llm-api-price (a copy of BerriAI/litellm's model_prices_and_context_window.json)",
    ),
)


@dataclass(frozen=True)
class OlderRecording:
    """A dated recording older than the newest one, replayed at its URL on its date (PROVENANCE.md)."""

    source: str
    path: str  # under SAMPLES_DIR
    recorded_at: str
    content_type: str = "text/markdown; charset=utf-8"


OLDER_RECORDINGS = (
    # google/PROVENANCE.md: Google's markdown export of 2025-11-21.
    OlderRecording("google", "google/pricing_2025-11-21.md", "2025-11-21T00:00:00Z"),
    # anthropic/PROVENANCE.md: the page on 2026-03-28 (the bundle has it too; replaying it is harmless).
    OlderRecording("anthropic", "anthropic/pricing_2026-03-28.md", "2026-03-28T00:00:00Z"),
)


def _run(args: list[str], log: list[str], *, ok_codes: tuple[int, ...] = (0, 1)) -> str:
    started = time.monotonic()
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    took = time.monotonic() - started
    tail = (result.stdout.strip().splitlines() or [""])[-1]
    log.append(f"{' '.join(args[2:5])}: exit {result.returncode} in {took:.1f}s; {tail}")
    print(log[-1], flush=True)
    if result.returncode not in ok_codes:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return result.stdout


def _pricewatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "pricewatch.cli", *args]


def _older_replay(samples: Path, recording: OlderRecording, out: Path) -> Path:
    from pricewatch.scraper.sources import get_source

    module = get_source(recording.source)
    [url] = module.start_urls(module.DEFAULT_BASE_URL)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    body = Path(recording.path).name
    shutil.copy(samples / recording.path, out / body)
    manifest = {
        "recorded_at": recording.recorded_at,
        "responses": [
            {
                "url": url,
                "method": "GET",
                "status": 200,
                "headers": {"content-type": recording.content_type},
                "body": body,
                "recorded_at": recording.recorded_at,
            }
        ],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return out


def build(samples: Path, out: Path, work: Path) -> list[str]:
    """Build the database from the real histories in ``samples`` and export it to ``out``."""
    sys.path.insert(0, str(ROOT / "bench"))
    from make_firstparty_replay import build_replay  # the newest recordings, as the benches use

    log: list[str] = []
    db = work / "history.db"
    for stale in work.glob("history.db*"):
        stale.unlink()
    curated = ROOT / "data" / "curated_prices.csv"
    no_corrections = work / "no-corrections.csv"
    header = (ROOT / "data" / "corrections.csv").read_text(encoding="utf-8").splitlines()[0]
    no_corrections.write_text(header + "\n", encoding="utf-8")
    _run(
        _pricewatch(
            "load-curated", "--db", str(db), "--file", str(curated), "--corrections", str(no_corrections)
        ),
        log,
    )
    repositories = []
    for item in BACKFILLS:
        clone = work / item.bundle.removesuffix(".bundle")
        bundle = samples / "history" / item.bundle
        if not clone.exists():
            subprocess.run(["git", "clone", "-q", str(bundle), str(clone)], check=True)
        _run(_pricewatch("backfill", *item.kind, str(clone), *item.options, "--db", str(db)), log)
        # The backfill records the clone's origin (the bundle's path) as the repository.
        repositories += ["--repository", f"{bundle}={item.public}"]
    for recording in OLDER_RECORDINGS:
        replay = _older_replay(
            samples, recording, work / f"replay-{recording.source}-{recording.recorded_at[:10]}"
        )
        _run(
            _pricewatch(
                "refresh", "--quiet", "--db", str(db), "--replay", str(replay), "--source", recording.source
            ),
            log,
        )
    newest = work / "replay-newest"
    shutil.rmtree(newest, ignore_errors=True)
    build_replay(samples, newest, with_openrouter=True)
    # The per-host endpoint sweeps come from their own history (above); the newest replay
    # has only 7 of ~350 endpoints bodies, which would make a sweep "partial" for nothing.
    from pricewatch.scraper.sources import SOURCE_NAMES

    sources = [arg for name in SOURCE_NAMES if name != "openrouter-endpoints" for arg in ("--source", name)]
    _run(_pricewatch("refresh", "--quiet", "--db", str(db), "--replay", str(newest), *sources), log)
    _run(_pricewatch("export-history", "--db", str(db), "--out", str(out), *repositories), log, ok_codes=(0,))
    summary_path = out / "SUMMARY.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["built_from"] = {
        "curated_prices.csv sha256": hashlib.sha256(curated.read_bytes()).hexdigest(),
        "histories": [f"{item.bundle}: {item.public}" for item in BACKFILLS],
        "recordings": [f"{r.path} ({r.recorded_at})" for r in OLDER_RECORDINGS]
        + ["the newest recording of every source (bench/make_firstparty_replay.py --with-openrouter)"],
    }
    summary_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("samples", type=Path, help="the recordings folder (shared/samples)")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "history")
    parser.add_argument("--work", type=Path, default=None, help="keep clones and the database here")
    args = parser.parse_args(argv)
    if not (args.samples / "history").is_dir():
        parser.error(f"{args.samples}: no history/ folder of bundles")
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        build(args.samples.resolve(), args.out, args.work)
        return 0
    with tempfile.TemporaryDirectory(prefix="pricewatch-history-") as work:
        build(args.samples.resolve(), args.out, Path(work))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
