"""History ingest against simonw's git-history, on the same repositories.

Usage:

    .venv/bin/pip install git-history        # the benchmark's own tool; not a dependency
    .venv/bin/python bench/ingest.py [--runs 3] [--gh-commits 100] [--commits 500] [--models 400] [--profile]

Two repositories of OpenRouter's ``/api/v1/models`` body, ``openrouter-models.json``:

1. the real history, ``../shared/samples/history/openrouter-models-history.bundle`` (290
   versions, 2026-06 .. 2026-08), cloned into a temporary directory;
2. a generated one, bench/backfill.py's ``generate_repo``: ``--commits`` commits of a
   ``--models``-model file, 3 prices and the `benchmarks` of a fifth of the models changing
   per commit. git-history is run on its first ``--gh-commits`` commits only (a clone of that
   branch; 0 = all): it spends several minutes on all 500. Ours runs on that same capped
   clone for the side-by-side ratio, and on the whole repository as well.

On each repository, in separate processes, as a person would run them:

    git-history file DB openrouter-models.json --id id --convert 'json.loads(content)["data"]' --silent
    pricewatch backfill openrouter-git REPO --file openrouter-models.json --db DB -q

git-history once, ours ``--runs`` times into fresh databases (the median is reported).
Database sizes are after a WAL checkpoint and VACUUM of each file ("ours" includes the
catalog that every pricewatch database carries; its size alone is shown beside it).

Then the script checks that both recover the same OpenRouter list-price changes. From
git-history's ``item_version`` (each version of an item stores the columns that changed;
``item_changed`` says which) it rebuilds every model id's ``pricing`` over time and keeps
the sequence of (commit time, prompt, completion) per million tokens, a step wherever either
changes. From ours it reads the ``prices`` rows of provider ``openrouter`` (base context,
min_prompt_tokens 0) per offer, collapsed the same way (a row that differs only in cache or
unit prices, or that reopens a delisted offer at the price it had, is not a change of these
two figures). Raw ids are mapped to our offers with the catalog's own resolver (tier from
the ``:free``/``:batch`` suffix, catalog id, dated snapshot -> variant), and every offer's
sequence is compared; differences are listed by category.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from pricewatch.paths import default_catalog_path
from pricewatch.scraper.catalog import load_catalog
from pricewatch.scraper.sources import openrouter
from pricewatch.scraper.store import open_database, sync_catalog

HERE = Path(__file__).resolve().parent
HISTORY = HERE.parents[1] / "shared" / "samples" / "history"
BIN = Path(sys.executable).parent
FILE = "openrouter-models.json"
CONVERT = 'json.loads(content)["data"]'
MILLION = Decimal(1_000_000)


def _load_bench_backfill():
    spec = importlib.util.spec_from_file_location("bench_backfill", HERE / "backfill.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_process(args: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one process run to completion."""
    cpu, started = children_cpu(), time.perf_counter()
    completed = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, children_cpu() - cpu
    if completed.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    return wall, cpu


def vacuumed_size(path: Path) -> int:
    """The file's size after folding in the WAL and a VACUUM (on the file itself)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    return path.stat().st_size


# ----------------------------------------------------------------------------- runs


def run_git_history(repo: Path, db: Path) -> tuple[float, float]:
    exe = shutil.which("git-history", path=str(BIN)) or shutil.which("git-history")
    if exe is None:
        sys.exit("git-history is not installed: .venv/bin/pip install git-history")
    return timed_process(
        [exe, "file", str(db), FILE, "--id", "id", "--convert", CONVERT, "--silent"], cwd=repo
    )


def run_ours(repo: Path, db: Path) -> tuple[float, float]:
    return timed_process(
        [
            str(BIN / "pricewatch"),
            "backfill",
            "openrouter-git",
            str(repo),
            "--file",
            FILE,
            "--db",
            str(db),
            "-q",
        ]
    )


def capped_clone(repo: Path, commits: int, into: Path) -> Path:
    """A clone whose `main` holds only the first ``commits`` commits of ``repo``."""
    shas = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--reverse", "main"], capture_output=True, text=True, check=True
    ).stdout.split()
    subprocess.run(["git", "-C", str(repo), "branch", "-f", "capped", shas[commits - 1]], check=True)
    subprocess.run(["git", "clone", "-q", "-b", "capped", str(repo), str(into)], check=True)
    subprocess.run(["git", "-C", str(into), "branch", "-m", "capped", "main"], check=True)
    return into


# ----------------------------------------------------------------------------- changes


def _per_million(value) -> str | None:
    """An OpenRouter per-token price string as per-million, None for the variable "-1"."""
    if value is None:
        return None
    d = Decimal(str(value))
    if d == -1:
        return None
    return format((d * MILLION).normalize(), "f")


def _dec(text: str | None) -> str | None:
    return None if text is None else format(Decimal(text).normalize(), "f")


def _collapse(steps):
    out = []
    for step in steps:
        if not out or out[-1][1:] != step[1:]:
            out.append(step)
    return out


def git_history_changes(db_path: Path) -> tuple[dict[str, list[tuple]], int]:
    """Raw OpenRouter id -> [(UTC time, prompt/M, completion/M)] at each change; and the version count."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    pricing_col = conn.execute("SELECT id FROM columns WHERE name = 'pricing'").fetchone()[0]
    changed = {
        row[0]
        for row in conn.execute("SELECT item_version FROM item_changed WHERE column = ?", [pricing_col])
    }
    rows = conn.execute(
        "SELECT v._id AS vid, i.id AS raw_id, c.commit_at AS at, v.pricing AS pricing "
        "FROM item_version v JOIN item i ON i._id = v._item JOIN commits c ON c.id = v._commit "
        "ORDER BY v._item, v._version"
    ).fetchall()
    conn.close()
    pricing: dict[str, dict] = {}
    steps: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        raw = row["raw_id"]
        if row["vid"] in changed:
            pricing[raw] = json.loads(row["pricing"]) if row["pricing"] else {}
        p = pricing.get(raw, {})
        at = datetime.fromisoformat(row["at"]).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        steps[raw].append((at, _per_million(p.get("prompt")), _per_million(p.get("completion"))))
    return {raw: _collapse(s) for raw, s in steps.items()}, len(rows)


def our_changes(db_path: Path) -> dict[tuple, list[tuple]]:
    """(model, tier, variant) -> [(valid_from, input, output)] at each change, provider openrouter."""
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT o.model_id, o.tier, o.variant, p.valid_from, p.input, p.output FROM prices p "
        "JOIN offers o ON o.id = p.offer_id WHERE o.provider_id = 'openrouter' AND o.min_prompt_tokens = 0 "
        "ORDER BY o.id, p.valid_from, p.id"
    ).fetchall()
    conn.close()
    steps: dict[tuple, list[tuple]] = defaultdict(list)
    for model, tier, variant, at, inp, out in rows:
        steps[(model, tier, variant)].append((at, _dec(inp), _dec(out)))
    return {key: _collapse(s) for key, s in steps.items()}


def offer_key(catalog, raw_id: str) -> tuple[str, str, str]:
    """Our offer for a raw OpenRouter id, resolved as the backfill resolves it."""
    name, tier = openrouter._split_tier(raw_id)
    model = catalog.resolve_model(name) or name
    snapshot = catalog.resolve_snapshot(name)
    return (model, tier, snapshot[1] if snapshot else "")


def compare(gh_db: Path, ours_db: Path, catalog) -> dict:
    theirs, versions = git_history_changes(gh_db)
    ours = our_changes(ours_db)
    by_key: dict[tuple, list[str]] = defaultdict(list)
    for raw in theirs:
        by_key[offer_key(catalog, raw)].append(raw)
    result = {
        "git-history item versions": versions,
        "ids (git-history)": len(theirs),
        "offers (ours)": len(ours),
        "changes (git-history)": sum(len(s) for s in theirs.values()),
        "changes (ours)": sum(len(s) for s in ours.values()),
        "offers identical": 0,
        "differences": defaultdict(list),
    }
    diffs = result["differences"]
    for key, raws in sorted(by_key.items()):
        mine = ours.get(key)
        if len(raws) > 1:
            # Several OpenRouter ids resolve to one of our offers (the catalog calls them one
            # model): the backfill keeps the first listed in each version.
            same = [raw for raw in sorted(raws) if theirs[raw] == mine]
            detail = "; ".join(f"{raw} {theirs[raw]}" for raw in sorted(raws))
            if same:
                category = "several OpenRouter ids on one offer: ours equals one id's changes"
                detail = f"ours = {', '.join(same)}; " + detail
            else:
                category = "several OpenRouter ids on one offer: ours equals no single id"
            diffs[category].append(f"{key}: {detail}; ours {mine}")
            continue
        seq = theirs[raws[0]]
        if mine is None:
            diffs["id with no offer of ours"].append(f"{raws[0]} -> {key}: {seq}")
            continue
        if mine == seq:
            result["offers identical"] += 1
            continue
        # Classify: the same prices at the same times except where ours lacks a stretch.
        gh_set, our_set = set(seq), set(mine)
        missing, extra = sorted(gh_set - our_set), sorted(our_set - gh_set)
        diffs["sequences differ"].append(f"{raws[0]} -> {key}: git-history only {missing}; ours only {extra}")
    for key in sorted(set(ours) - set(by_key)):
        diffs["offer of ours with no id"].append(f"{key}: {ours[key]}")
    result["differences"] = dict(diffs)
    return result


# ----------------------------------------------------------------------------- main


def measure(label: str, repo: Path, work: Path, runs: int, gh_repo: Path | None, catalog) -> dict:
    slug = repo.name
    row: dict = {"repository": label}
    commits = int(
        subprocess.run(
            ["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True, text=True
        ).stdout
    )
    row["commits"] = commits
    walls, cpus = [], []
    ours_db = None
    for n in range(runs):
        db = work / f"ours-{slug}-{n}.db"
        wall, cpu = run_ours(repo, db)
        walls.append(wall)
        cpus.append(cpu)
        ours_db = db
        print(f"  {label}: ours run {n + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    row["ours wall (s), median"] = statistics.median(walls)
    row["ours CPU (s), median"] = statistics.median(cpus)
    assert ours_db is not None
    row["ours DB (MB)"] = vacuumed_size(ours_db) / 1e6
    if gh_repo is not None:
        gh_db = work / f"gh-{slug}.db"
        wall, cpu = run_git_history(gh_repo, gh_db)
        print(f"  {label}: git-history: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
        row["git-history wall (s)"] = wall
        row["git-history CPU (s)"] = cpu
        row["git-history DB (MB)"] = vacuumed_size(gh_db) / 1e6
        row["gh_db"] = gh_db
    row["ours_db"] = ours_db
    return row


def fmt(value) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of ours per repository (median)")
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--models", type=int, default=400)
    parser.add_argument(
        "--gh-commits", type=int, default=100, help="git-history on the first N generated commits (0: all)"
    )
    parser.add_argument("--keep", type=Path, help="keep the repositories and databases here")
    parser.add_argument(
        "--profile", action="store_true", help="profile our backfill of the real bundle (pyinstrument)"
    )
    args = parser.parse_args()
    catalog = load_catalog(default_catalog_path())
    bench_backfill = _load_bench_backfill()
    work = args.keep or Path(tempfile.mkdtemp(prefix="pricewatch-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; work in {work}", flush=True)

    baseline = work / "catalog-only.db"
    db = open_database(baseline)
    sync_catalog(db, catalog)
    db.conn.close()
    catalog_mb = vacuumed_size(baseline) / 1e6

    rows, checks = [], []
    real = bench_backfill.clone(HISTORY / "openrouter-models-history.bundle", work / "real")
    rows.append(measure("real OpenRouter history", real, work, args.runs, real, catalog))
    generated = bench_backfill.generate_repo(work / "generated", args.commits, args.models, 3)
    gh_commits = args.gh_commits if 0 < args.gh_commits < args.commits else args.commits
    if gh_commits < args.commits:
        capped = capped_clone(generated, gh_commits, work / "generated-capped")
        rows.append(
            measure(
                f"generated, first {gh_commits} commits x {args.models} models",
                capped,
                work,
                args.runs,
                capped,
                catalog,
            )
        )
        rows.append(
            measure(
                f"generated, all {args.commits} commits (ours only)",
                generated,
                work,
                args.runs,
                None,
                catalog,
            )
        )
    else:
        rows.append(
            measure(
                f"generated {args.commits} commits x {args.models} models",
                generated,
                work,
                args.runs,
                generated,
                catalog,
            )
        )

    print()
    columns = [
        "repository",
        "commits",
        "git-history wall (s)",
        "ours wall (s), median",
        "wall ratio",
        "git-history CPU (s)",
        "ours CPU (s), median",
        "git-history DB (MB)",
        "ours DB (MB)",
        "DB ratio",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        if "gh_db" in row:
            row["wall ratio"] = f"{row['git-history wall (s)'] / row['ours wall (s), median']:.1f}x"
            row["DB ratio"] = f"{row['git-history DB (MB)'] / row['ours DB (MB)']:.1f}x"
        print("| " + " | ".join(fmt(row.get(c, "-")) for c in columns) + " |")
    print(f"\n(ours DB includes the synced catalog: {catalog_mb:.2f} MB on its own)")

    for row in rows:
        if "gh_db" not in row:
            continue
        result = compare(row["gh_db"], row["ours_db"], catalog)
        checks.append(result)
        print(f"\nprice changes, {row['repository']}:")
        for key, value in result.items():
            if key != "differences":
                print(f"  {key}: {value}")
        if not result["differences"]:
            print("  differences: none")
        for category, items in result["differences"].items():
            print(f"  {category}: {len(items)}")
            for item in items[:8]:
                print(f"    {item}")
            if len(items) > 8:
                print(f"    ... and {len(items) - 8} more")

    if args.profile:
        from pyinstrument import Profiler

        from pricewatch.scraper.backfill import backfill, openrouter_target

        db = open_database(work / "profile.db")
        sync_catalog(db, catalog)
        with Profiler() as profiler:
            backfill(db, catalog, real, FILE, openrouter_target())
        profiler.print(show_all=False)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
