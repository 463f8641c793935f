"""How much of real articles `pricewatch scan` finds and gets right (issue 15, "What it must show").

Usage:

    .venv/bin/python bench/claims_articles.py ../shared/articles --as-of 2026-12-05
    .venv/bin/python bench/claims_articles.py DIR --truth OTHER.toml [--db FILE] [--json]

The ground truth (default tests/data/article_claims.toml; format in its header) lists, per
article file of DIR, every claim that prices or arithmetic can test, with its expected verdict.
Each article is scanned (`pricewatch scan --json`, in process) on the database --db (default
data/pricewatch.db; built from the shipped history with `demo --no-site` into a temporary
directory when it is missing) and each claim of the truth is looked up among the results:

- found: the sentence (line + key phrase) gave a result of the claim's kind, not a skip;
- right: found, with the expected verdict, bound to the models and hosts the truth names
  (when it names them) and, for an `off` claim, with the expected direction.

It prints found % and right % (among found) per article and overall, one line per claim
(expected vs got, and why a miss was missed), then results of `scan` the truth does not list.
tests/test_article_claims.py asserts the issue's thresholds (90% found, 95% right) with it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TRUTH = REPO / "tests" / "data" / "article_claims.toml"
DEFAULT_DB = REPO / "data" / "pricewatch.db"
VERDICTS = ("holds", "off", "stale", "cannot_check")
KINDS = ("price", "ratio", "arithmetic", "trend", "workload", "request_cost", "cost_per_user")
#: Result kinds that answer a truth kind (a cost per user may come back as any of these).
ANSWERS = {
    "cost_per_user": {"cost_per_user", "workload", "request_cost", "unverifiable"},
    "workload": {"workload", "request_cost"},
    "request_cost": {"request_cost", "workload"},
}
MAX_PHRASE_WORDS = 8
FOUND_THRESHOLD, RIGHT_THRESHOLD = 90.0, 95.0


# ----------------------------------------------------------------------------- the truth


@dataclass(frozen=True)
class TruthClaim:
    """One claim an article makes that prices or arithmetic can test."""

    file: str
    line: int
    phrase: str
    kind: str
    verdict: str
    reason: str
    models: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    parts: int = 1
    direction: str | None = None


@dataclass(frozen=True)
class Skip:
    """A claim-like sentence judged not testable (not scored; listed so the choice is visible)."""

    file: str
    line: int
    phrase: str
    reason: str


@dataclass(frozen=True)
class Truth:
    as_of: str
    claims: tuple[TruthClaim, ...]
    skips: tuple[Skip, ...]

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys(c.file for c in (*self.claims, *self.skips)))


def load_truth(path: Path) -> Truth:
    """Read a ground-truth TOML file; a malformed entry is a ValueError naming it."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    claims: list[TruthClaim] = []
    skips: list[Skip] = []
    for article in data.get("article", []):
        name = article["file"]
        for entry in article.get("claim", []):
            claim = TruthClaim(
                file=name,
                line=int(entry["line"]),
                phrase=entry["phrase"],
                kind=entry["kind"],
                verdict=entry["verdict"],
                reason=entry["reason"],
                models=tuple(entry.get("models", ())),
                providers=tuple(entry.get("providers", ())),
                parts=int(entry.get("parts", 1)),
                direction=entry.get("direction"),
            )
            problems = _problems(claim)
            if problems:
                raise ValueError(
                    f"{path.name}: {name} line {claim.line} {claim.phrase!r}: {'; '.join(problems)}"
                )
            claims.append(claim)
        for entry in article.get("skip", []):
            skips.append(Skip(name, int(entry["line"]), entry["phrase"], entry["reason"]))
    return Truth(as_of=str(data.get("as_of", "")), claims=tuple(claims), skips=tuple(skips))


def _problems(claim: TruthClaim) -> list[str]:
    problems = []
    if claim.kind not in KINDS:
        problems.append(f"kind {claim.kind!r} is not one of {', '.join(KINDS)}")
    if claim.verdict not in VERDICTS:
        problems.append(f"verdict {claim.verdict!r} is not one of {', '.join(VERDICTS)}")
    if len(claim.phrase.split()) > MAX_PHRASE_WORDS:
        problems.append(f"phrase longer than {MAX_PHRASE_WORDS} words")
    if claim.direction not in (None, "overstated", "understated"):
        problems.append(f"direction {claim.direction!r}")
    if claim.line < 1 or claim.parts < 1 or not claim.reason.strip():
        problems.append("line and parts start at 1; a reason is needed")
    return problems


def norm(text: str) -> str:
    """Text as compared: NFKC, lower case, one space between words."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def phrase_on_line(article_text: str, line: int, phrase: str) -> bool:
    """Whether the key phrase is on that line of the article (the truth file's own check)."""
    lines = article_text.splitlines()
    return 0 < line <= len(lines) and norm(phrase) in norm(lines[line - 1])


# ----------------------------------------------------------------------------- the comparison


@dataclass
class Outcome:
    """How `scan` did on one truth claim."""

    claim: TruthClaim
    status: str  # right | wrong verdict | wrong binding | wrong words | missed
    got: str  # the verdict (or verdicts) it gave, or "-" when missed
    detail: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.status != "missed"

    @property
    def right(self) -> bool:
        return self.status == "right"


def _models(claim: dict[str, Any]) -> set[str]:
    found = {claim.get("model"), claim.get("reference_model")}
    found |= {side.get("model") for side in (claim.get("a"), claim.get("b")) if isinstance(side, dict)}
    found |= {m for m in (claim.get("a"), claim.get("b")) if isinstance(m, str)}  # capability claims
    return {m for m in found if m}


def _providers(result: dict[str, Any]) -> set[str]:
    """The hosts of the prices the verdict rests on (else the ones the reader bound)."""
    used = {p.get("provider") for p in result.get("prices") or []}
    claim = result.get("claim", {})
    bound = {claim.get("provider")} | {
        side.get("provider") for side in (claim.get("a"), claim.get("b")) if isinstance(side, dict)
    }
    return {p for p in (used or bound) if p}


def _direction(result: dict[str, Any]) -> str | None:
    if result.get("direction"):
        return str(result["direction"])
    for comparison in result.get("comparisons") or []:
        if comparison.get("decisive") and not comparison.get("holds"):
            return comparison.get("direction")
    return None


def _kind_answers(truth_kind: str, result_kind: str) -> bool:
    return result_kind in ANSWERS.get(truth_kind, {truth_kind})


def _bound_right(claim: TruthClaim, result: dict[str, Any]) -> bool:
    models = _models(result.get("claim", {}))
    if claim.models and not (models and models <= set(claim.models)):
        return False
    providers = _providers(result)
    return not (claim.providers and providers and not set(claim.providers) & providers)


def _combined(verdicts: Sequence[str]) -> str:
    """Parts of one claim: holds only when every part holds, else the first part that does not."""
    return next((v for v in verdicts if v != "holds"), "holds")


def _describe(result: dict[str, Any]) -> str:
    claim = result.get("claim", {})
    hosts = ",".join(sorted(_providers(result))) or "-"
    models = ",".join(sorted(_models(claim))) or "-"
    return f"{result.get('kind')} {models} @ {hosts}: {result.get('summary', '')}".strip()


def compare_article(claims: Sequence[TruthClaim], report: dict[str, Any]) -> tuple[list[Outcome], list[str]]:
    """Match each truth claim of one article with `scan`'s results; also list unmatched results."""
    units = report.get("claims", [])
    used: set[tuple[int, int]] = set()
    outcomes = []
    for claim in claims:
        on_line = [(i, u) for i, u in enumerate(units) if u.get("line") == claim.line]
        named = [(i, u) for i, u in on_line if norm(claim.phrase) in norm(u.get("quote", ""))]
        candidates = [
            ((i, j), r)
            for i, u in (named or on_line)
            for j, r in enumerate(u.get("results", []))
            if (i, j) not in used and _kind_answers(claim.kind, r.get("kind", ""))
        ]
        if not candidates:
            outcomes.append(Outcome(claim, "missed", "-", _why_missed(claim, report, named)))
            continue
        bound = [c for c in candidates if _bound_right(claim, c[1])]
        pool = bound or candidates
        pool.sort(key=lambda c: c[1].get("verdict") != claim.verdict)  # a right one first
        chosen = pool[: claim.parts] if bound else pool[:1]
        used.update(key for key, _ in chosen)
        results = [r for _, r in chosen]
        got = _combined([r.get("verdict", "?") for r in results])
        if not bound and claim.models:
            status, detail = "wrong binding", "; ".join(_describe(r) for r in results)
        elif got != claim.verdict:
            status, detail = "wrong verdict", "; ".join(_describe(r) for r in results)
        elif claim.verdict == "off" and claim.direction and _direction(results[0]) != claim.direction:
            status, detail = "wrong words", f"direction {_direction(results[0])}, expected {claim.direction}"
        elif len(results) < claim.parts:
            status, detail = "wrong verdict", f"{len(results)} of {claim.parts} parts found"
        else:
            status, detail = "right", ""
        outcomes.append(Outcome(claim, status, got, detail, results))
    extra = [
        f"line {u.get('line')}: {r.get('verdict')} {_describe(r)}"
        for i, u in enumerate(units)
        for j, r in enumerate(u.get("results", []))
        if (i, j) not in used
    ]
    return outcomes, extra


def _why_missed(claim: TruthClaim, report: dict[str, Any], named: Iterable[tuple[int, dict]]) -> str:
    for skipped in report.get("unparsed", []):
        if skipped.get("line") == claim.line and norm(claim.phrase) in norm(skipped.get("quote", "")):
            return f"skipped: {skipped.get('reason')}"
    kinds = sorted({r.get("kind", "?") for _, u in named for r in u.get("results", [])})
    if kinds:  # the sentence gave results, none of this claim's kind (or all taken by others)
        return f"read, but only as {', '.join(kinds)}"
    return "not flagged"


@dataclass(frozen=True)
class Score:
    claims: int
    found: int
    right: int

    @property
    def found_pct(self) -> float:
        return 100.0 * self.found / self.claims if self.claims else 100.0

    @property
    def right_pct(self) -> float:
        return 100.0 * self.right / self.found if self.found else 100.0

    def __str__(self) -> str:
        return (
            f"found {self.found}/{self.claims} ({self.found_pct:.0f}%), "
            f"right {self.right}/{self.found} ({self.right_pct:.0f}% of found)"
        )


def score(outcomes: Sequence[Outcome]) -> Score:
    return Score(len(outcomes), sum(o.found for o in outcomes), sum(o.right for o in outcomes))


# ----------------------------------------------------------------------------- running scan


def scan_json(article: Path, as_of: str, db: Path) -> dict[str, Any]:
    """`pricewatch scan ARTICLE --json` run in this process (the exit code says the verdict)."""
    from click.testing import CliRunner

    from pricewatch.cli import cli

    result = CliRunner().invoke(cli, ["scan", str(article), "--json", "--as-of", as_of, "--db", str(db)])
    if result.exit_code not in (0, 1, 3) or not result.stdout.strip().startswith("{"):
        raise RuntimeError(f"scan {article.name} failed (exit {result.exit_code}): {result.output[-2000:]}")
    return json.loads(result.stdout)


def build_demo_db(directory: Path) -> Path:
    """A database from the shipped history (what `make demo` loads), without the site."""
    from click.testing import CliRunner

    from pricewatch.cli import cli

    db = directory / "pricewatch.db"
    result = CliRunner().invoke(cli, ["demo", "--no-site", "--db", str(db)])
    if result.exit_code != 0:
        raise RuntimeError(f"demo --no-site failed: {result.output[-2000:]}")
    return db


def run(directory: Path, truth: Truth, as_of: str, db: Path) -> dict[str, tuple[list[Outcome], list[str]]]:
    """Every article of the truth that DIR holds: its outcomes and the results the truth lacks."""
    compared = {}
    for name in truth.files:
        path = directory / name
        if not path.is_file():
            continue
        report = scan_json(path, as_of, db)
        compared[name] = compare_article([c for c in truth.claims if c.file == name], report)
    return compared


# ----------------------------------------------------------------------------- the report


def render(compared: dict[str, tuple[list[Outcome], list[str]]], truth: Truth) -> str:
    lines = []
    every: list[Outcome] = []
    for name, (outcomes, extra) in compared.items():
        every += outcomes
        lines += [f"## {name}: {score(outcomes)}", ""]
        lines.append(f"{'line':>4}  {'kind':<13} {'expected':<12} {'got':<12} {'status':<13} phrase")
        for o in outcomes:
            c = o.claim
            lines.append(f"{c.line:>4}  {c.kind:<13} {c.verdict:<12} {o.got:<12} {o.status:<13} {c.phrase}")
            if not o.right:
                lines.append(f"{'':>6}why expected: {c.reason}")
                if o.detail:
                    lines.append(f"{'':>6}got: {o.detail}")
        if extra:
            lines += ["", "  results the truth does not list:"] + [f"    {e}" for e in extra]
        skipped = [s for s in truth.skips if s.file == name]
        if skipped:
            lines += [
                "",
                f"  judged not testable: {len(skipped)} (lines {', '.join(str(s.line) for s in skipped)})",
            ]
        lines.append("")
    total = score(every)
    lines.append(f"ALL: {total}  (thresholds: {FOUND_THRESHOLD:.0f}% found, {RIGHT_THRESHOLD:.0f}% right)")
    by_status: dict[str, int] = {}
    for o in every:
        by_status[o.status] = by_status.get(o.status, 0) + 1
    lines.append("by status: " + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())))
    return "\n".join(lines)


def as_json(compared: dict[str, tuple[list[Outcome], list[str]]]) -> str:
    out = {}
    for name, (outcomes, extra) in compared.items():
        out[name] = {
            "score": vars(score(outcomes)),
            "claims": [
                {
                    "line": o.claim.line,
                    "phrase": o.claim.phrase,
                    "kind": o.claim.kind,
                    "expected": o.claim.verdict,
                    "got": o.got,
                    "status": o.status,
                    "detail": o.detail,
                }
                for o in outcomes
            ],
            "extra": extra,
        }
    return json.dumps(out, indent=2, ensure_ascii=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path, help="folder of the articles (e.g. ../shared/articles)")
    parser.add_argument("--truth", type=Path, default=DEFAULT_TRUTH, help="ground truth TOML")
    parser.add_argument("--as-of", dest="as_of", help="check time (default: the truth's as_of)")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="database (default data/pricewatch.db)")
    parser.add_argument("--json", action="store_true", help="JSON instead of the table")
    args = parser.parse_args(argv)
    truth = load_truth(args.truth)
    as_of = args.as_of or truth.as_of
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db if args.db.exists() else build_demo_db(Path(scratch))
        compared = run(args.directory, truth, as_of, db)
    if not compared:
        print(f"none of the truth's articles is in {args.directory}", file=sys.stderr)
        return 2
    print(as_json(compared) if args.json else render(compared, truth))
    total = score([o for outcomes, _ in compared.values() for o in outcomes])
    return 0 if total.found_pct >= FOUND_THRESHOLD and total.right_pct >= RIGHT_THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
