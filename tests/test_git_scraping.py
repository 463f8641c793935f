"""Publishing by git scraping: the normaliser, `pricewatch rebuild` from a snapshot repo, the workflow."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT
from openrouter_bodies import LIST_URL, TRUE_PRICES, endpoints_url, models_body, one_host

from pricewatch.cli import cli
from pricewatch.errors import NormaliseError
from pricewatch.scraper import normalise as normalise_module
from pricewatch.scraper.normalise import normalise_body, normalise_directory
from pricewatch.scraper.sources import openrouter
from pricewatch.scraper.store import open_database

SNAPSHOT = REPO_ROOT / "data" / "snapshot"
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "scrape.yml"
KIMI_ENDPOINTS = SNAPSHOT / "openrouter-endpoints" / "endpoints" / "moonshotai__kimi-k2.6-20260420.json"
SHELL_OPERATORS = (";", "&&", "||", "|", ">", ">&", "2>", "&")
KIMI_URL = "https://openrouter.ai/api/v1/models/moonshotai/kimi-k2.6-20260420/endpoints"


# ----------------------------------------------------------------------------- normalise


def test_normalising_an_endpoints_body_strips_health_figures_and_keeps_prices():
    body = KIMI_ENDPOINTS.read_bytes()
    clean, stripped = normalise_body(KIMI_URL, body)
    endpoints = json.loads(clean)["data"]["endpoints"]
    assert stripped > 0
    for endpoint in endpoints:
        assert not [
            k for k in endpoint if k == "status" or k.startswith(("uptime_", "latency_", "throughput_"))
        ]
        assert endpoint["pricing"]["prompt"]
    assert openrouter.parse(KIMI_URL, clean).records == openrouter.parse(KIMI_URL, body).records
    assert normalise_body(KIMI_URL, clean) == (clean, 0)  # idempotent


def _recording(root: Path, uptime: float, recorded_at: str) -> Path:
    """A copy of the shipped snapshot's OpenRouter part whose endpoints show this uptime."""
    shutil.copytree(SNAPSHOT, root)
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["recorded_at"] = recorded_at
    for entry in manifest["responses"]:
        entry["headers"]["etag"] = f'W/"{recorded_at}"'
    manifest["responses"].reverse()  # concurrent fetches finish in any order
    (root / "manifest.json").write_text(json.dumps(manifest))
    data = json.loads(KIMI_ENDPOINTS.read_bytes())
    for endpoint in data["data"]["endpoints"]:
        endpoint["uptime_last_30m"] = uptime
    (root / KIMI_ENDPOINTS.relative_to(SNAPSHOT)).write_text(json.dumps(data))
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_recordings_of_the_same_prices_normalise_to_identical_files(tmp_path):
    first = _recording(tmp_path / "a", 99.1, "2026-09-01T10:00:00Z")
    second = _recording(tmp_path / "b", 97.3, "2026-09-01T11:00:00Z")
    assert _files(first) != _files(second)
    normalise_directory(first)
    normalise_directory(second)
    assert _files(first) == _files(second)
    manifest = json.loads((first / "manifest.json").read_text())
    assert "recorded_at" not in manifest
    assert [e["url"] for e in manifest["responses"]] == sorted(e["url"] for e in manifest["responses"])
    assert all("etag" not in e["headers"] for e in manifest["responses"])
    before = _files(first)
    normalise_directory(first)
    assert _files(first) == before


def test_a_retried_fetch_keeps_only_its_final_answer(tmp_path):
    root = tmp_path / "snap"
    root.mkdir()
    (root / "503.txt").write_text("busy")
    (root / "models.json").write_text(json.dumps(models_body(TRUE_PRICES)))
    responses = [
        {"url": LIST_URL, "method": "GET", "status": 503, "headers": {}, "body": "503.txt"},
        {"url": LIST_URL, "method": "GET", "status": 200, "headers": {}, "body": "models.json"},
    ]
    (root / "manifest.json").write_text(json.dumps({"responses": responses}))
    report = normalise_directory(root)
    manifest = json.loads((root / "manifest.json").read_text())
    assert [e["status"] for e in manifest["responses"]] == [200]
    assert report.entries_dropped == 1 and report.files_deleted == ["503.txt"]
    assert not (root / "503.txt").exists()


def test_a_rewrite_that_would_change_the_prices_is_refused_and_nothing_is_written(tmp_path, monkeypatch):
    root = _recording(tmp_path / "a", 99.0, "2026-09-01T10:00:00Z")
    before = _files(root)

    def lossy(url, body):
        if not url.endswith("/endpoints"):
            return body, 0
        data = json.loads(body)
        data["data"]["endpoints"] = data["data"]["endpoints"][:1]
        return json.dumps(data).encode(), 0

    monkeypatch.setattr(normalise_module, "normalise_body", lossy)
    with pytest.raises(NormaliseError, match="would change what"):
        normalise_directory(root)
    assert _files(root) == before


def test_normalise_command(tmp_path):
    root = _recording(tmp_path / "a", 99.0, "2026-09-01T10:00:00Z")
    result = CliRunner().invoke(cli, ["normalise", str(root)])
    assert result.exit_code == 0, result.output
    assert "volatile fields stripped" in result.output


# ----------------------------------------------------------------------------- rebuild


def _git(repo: Path, *args: str, when: str | None = None) -> str:
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull)
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _write_snapshot(root: Path, prices: dict[str, tuple[str, str]]) -> None:
    """A small replay directory: the models list and one host per model, recorded at a time to ignore."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "models.json").write_text(json.dumps(models_body(prices), indent=2, sort_keys=True))
    responses = [{"url": LIST_URL, "method": "GET", "status": 200, "headers": {}, "body": "models.json"}]
    for model_id in prices:
        name = model_id.replace("/", "__") + ".json"
        (root / name).write_text(json.dumps(one_host(model_id, prices), indent=2, sort_keys=True))
        responses.append(
            {"url": endpoints_url(model_id), "method": "GET", "status": 200, "headers": {}, "body": name}
        )
    manifest = {"recorded_at": "2030-01-01T00:00:00Z", "responses": responses}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2))


@pytest.fixture
def snapshot_repo(tmp_path):
    """Three snapshot commits (Kimi's price cut in the second) and one commit elsewhere."""
    repo = tmp_path / "scraped"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    prices = dict(TRUE_PRICES)
    _write_snapshot(repo / "snapshots" / "latest", prices)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first", when="2026-09-01T10:00:00+00:00")
    prices["moonshotai/kimi-k2.6"] = ("0.0000004", "0.000002")
    _write_snapshot(repo / "snapshots" / "latest", prices)
    _git(repo, "commit", "-q", "-am", "kimi cut", when="2026-09-02T10:00:00+02:00")
    (repo / "README.md").write_text("not a snapshot\n")
    _git(repo, "add", "README.md")
    _git(repo, "commit", "-q", "-m", "readme", when="2026-09-02T12:00:00+00:00")
    models = json.loads((repo / "snapshots" / "latest" / "models.json").read_text())
    models["data"][0]["description"] = "a new description, same prices"
    (repo / "snapshots" / "latest" / "models.json").write_text(json.dumps(models, indent=2, sort_keys=True))
    _git(repo, "commit", "-q", "-am", "third", when="2026-09-03T10:00:00+00:00")
    return repo


def test_rebuild_replays_each_snapshot_commit_at_its_commit_time(snapshot_repo, tmp_path):
    db_path = tmp_path / "rebuilt.db"
    result = CliRunner().invoke(
        cli, ["rebuild", str(snapshot_repo), "--path", "snapshots/latest", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count(" openrouter ok") == 3 and "Replayed 3 snapshots" in result.output
    db = open_database(db_path)
    rows = db.execute(
        "SELECT p.input, p.output, p.valid_from, p.valid_to, p.last_seen, p.origin FROM prices p "
        "JOIN offers o ON o.id = p.offer_id WHERE o.model_id = 'moonshotai/kimi-k2.6' AND o.provider_id = 'openrouter' "
        "ORDER BY p.valid_from"
    ).fetchall()
    assert rows == [
        ("0.5415", "2.28", "2026-09-01T10:00:00Z", "2026-09-02T08:00:00Z", "2026-09-01T10:00:00Z", "replay"),
        ("0.4", "2", "2026-09-02T08:00:00Z", None, "2026-09-03T10:00:00Z", "replay"),
    ]
    runs = db.execute("SELECT started_at IS NOT NULL, status, origin FROM runs").fetchall()
    assert runs == [(1, "ok", "replay")] * 6  # the models list and the endpoints sweep, per snapshot
    fetched = [r[0] for r in db.execute("SELECT DISTINCT fetched_at FROM fetches ORDER BY fetched_at")]
    assert fetched == ["2026-09-01T10:00:00Z", "2026-09-02T08:00:00Z", "2026-09-03T10:00:00Z"]


def test_rebuild_twice_adds_no_price_rows(snapshot_repo, tmp_path):
    db_path = tmp_path / "rebuilt.db"
    args = ["rebuild", str(snapshot_repo), "--db", str(db_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    count = open_database(db_path).execute("SELECT count(*) FROM prices").fetchone()
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert open_database(db_path).execute("SELECT count(*) FROM prices").fetchone() == count


def test_rebuild_of_a_path_no_commit_touches_is_one_line(snapshot_repo, tmp_path):
    result = CliRunner().invoke(
        cli, ["rebuild", str(snapshot_repo), "--path", "nope", "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: no commit in") and "--path" in result.output


def test_rebuild_skips_a_commit_that_deleted_the_snapshot(snapshot_repo, tmp_path):
    _git(snapshot_repo, "rm", "-q", "-r", "snapshots")
    _git(snapshot_repo, "commit", "-q", "-m", "gone", when="2026-09-04T10:00:00+00:00")
    result = CliRunner().invoke(cli, ["rebuild", str(snapshot_repo), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 0, result.output
    assert "Replayed 3 snapshots" in result.output


# ----------------------------------------------------------------------------- the workflow


def _workflow() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(WORKFLOW.read_text())


def _words(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    return list(lexer)


def _pricewatch_commands() -> list[list[str]]:
    """Every `pricewatch ...` command line in the workflow's run steps, split like a shell would."""
    commands = []
    for job in _workflow()["jobs"].values():
        for step in job.get("steps", []):
            script = step.get("run", "").replace("\\\n", " ")
            for line in script.splitlines():
                words = _words(line)
                for i, word in enumerate(words):
                    if word == "pricewatch" and (
                        i == 0 or words[i - 1] in ("then", "if", "&&", "||", "!", ";")
                    ):
                        end = next(
                            (j for j in range(i + 1, len(words)) if words[j] in SHELL_OPERATORS), len(words)
                        )
                        commands.append(words[i:end])
    return commands


def test_workflow_runs_on_a_schedule_and_by_hand_and_publishes_pages():
    workflow = _workflow()
    triggers = workflow.get("on") or workflow.get(True)  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"] and "workflow_dispatch" in triggers
    uses = [s.get("uses", "") for job in workflow["jobs"].values() for s in job["steps"]]
    for action in ("actions/checkout", "actions/setup-python", "actions/upload-artifact"):
        assert any(u.startswith(action + "@") for u in uses), action
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"


def test_workflow_publishes_what_the_publish_command_builds_and_commits_only_the_derived_history():
    text = WORKFLOW.read_text()
    commands = {c[1]: c for c in _pricewatch_commands()}
    # The one command tests/test_publish.py runs against a local server.
    publish = commands["publish"]
    assert publish[publish.index("--history") + 1] == "data/history"
    db = publish[publish.index("--db") + 1]
    out = publish[publish.index("--out") + 1]
    steps = [s for job in _workflow()["jobs"].values() for s in job["steps"]]
    pages = next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))
    assert pages["with"]["path"] == out
    # The private database (raw pages) travels as an artifact only, never into git or the site.
    saved = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert saved["with"]["path"] == db and not db.startswith(out)
    assert "git add data/history" in text and "snapshots/" not in text and "git add --all" not in text
    # Hourly: every source but the endpoints sweep; every 6 hours: the sweep.
    assert "--skip openrouter-endpoints" in text and "--source openrouter-endpoints" in text
    assert "'47 */6 * * *'" in text
    # A judged failure (exit 1) turns the run red after the site and the database are saved.
    verdict = _workflow()["jobs"]["verdict"]
    assert verdict["if"] == "always()" and "exit 1" in verdict["steps"][0]["run"]


@pytest.mark.parametrize("command", _pricewatch_commands() if WORKFLOW.exists() else [], ids=" ".join)
def test_every_pricewatch_command_in_the_workflow_exists_with_its_flags(command):
    name = command[1]
    if name not in cli.commands:
        if name == "build":
            pytest.skip("pricewatch build does not exist yet (the workflow checks for it before calling it)")
        pytest.fail(f"the workflow runs `pricewatch {name}`, which does not exist")
    known = {"--help", *(opt for param in cli.commands[name].params for opt in getattr(param, "opts", []))}
    for word in command[2:]:
        if word.startswith("--"):
            assert word.split("=", 1)[0] in known, f"pricewatch {name} has no {word}"
