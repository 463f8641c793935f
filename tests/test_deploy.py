"""Run anywhere: the Dockerfile and the systemd unit + timer, tested where they can be.

No docker daemon runs the tests (CI builds the image when it has one: .ci/run), so the
Dockerfile's settings are read and its entry point's command is run here, with its
environment, against a local server on 127.0.0.1. The systemd unit's ExecStart is run the
same way, and `systemd-analyze verify` checks both unit files where it exists.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT
from openrouter_bodies import TRUE_PRICES
from openrouter_server import OpenRouterServer

from pricewatch.cli import cli

DOCKERFILE = REPO_ROOT / "Dockerfile"
UNITS = REPO_ROOT / "deploy" / "systemd"
STATE = "/var/lib/pricewatch"


def _dockerfile() -> dict[str, list[str]]:
    """Instruction -> its arguments (one entry per occurrence), line continuations joined."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, rest = line.partition(" ")
            found.setdefault(instruction.upper(), []).append(rest.strip())
    return found


def _docker_env(found: dict[str, list[str]]) -> dict[str, str]:
    env = {}
    for entry in found.get("ENV", []):
        for pair in shlex.split(entry):
            name, _, value = pair.partition("=")
            env[name] = value
    return env


def _unit(name: str) -> dict[str, list[str]]:
    """``Section.Key`` -> values of a systemd unit file (keys may repeat)."""
    values: dict[str, list[str]] = {}
    section = ""
    for line in (UNITS / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        values.setdefault(f"{section}.{key}", []).append(value)
    return values


def _runs(db: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT source, status FROM runs ORDER BY id").fetchall()


def _run_here(args: list[str], env: dict[str, str], tmp_path: Path, monkeypatch) -> None:
    """Run a deployment's pricewatch command with its environment, STATE moved under tmp_path."""
    state = str(tmp_path / "state")
    for name, value in env.items():
        if name.startswith("PRICEWATCH_") or name == "XDG_CACHE_HOME":
            monkeypatch.setenv(name, value.replace(STATE, state))
    args = [a.replace(STATE, state) for a in args]
    monkeypatch.setitem(sys.modules, "pricewatch.site.build", None)  # the site build has its own tests
    with OpenRouterServer(TRUE_PRICES) as server:
        monkeypatch.setenv("PRICEWATCH_OPENROUTER_BASE_URL", server.url)
        # Only OpenRouter (served locally) is due here; the other sources would go to the network.
        result = CliRunner().invoke(cli, [*args, "--source", "openrouter=1h"])
    assert result.exit_code == 0, result.output
    assert "source=openrouter status=ok" in result.output
    assert _runs(Path(state) / "pricewatch.db") == [("openrouter", "ok")]


# ----------------------------------------------------------------------------- Docker


def test_the_dockerfile_is_slim_not_root_and_keeps_the_database_on_a_volume():
    found = _dockerfile()
    assert found["FROM"][0].startswith("python:3.") and found["FROM"][0].endswith("-slim")
    user = found["USER"][-1]
    assert user not in ("root", "0")
    assert any(f"--create-home --home-dir {STATE} {user}" in run for run in found["RUN"])
    assert json.loads(found["VOLUME"][0]) == [STATE]
    env = _docker_env(found)
    assert Path(env["PRICEWATCH_DB"]).parent == Path(STATE)
    assert json.loads(found["ENTRYPOINT"][0]) == ["pricewatch"]
    assert json.loads(found["CMD"][0])[0] == "schedule"


def test_the_containers_entry_point_command_runs(tmp_path, monkeypatch):
    found = _dockerfile()
    command = json.loads(found["ENTRYPOINT"][0]) + json.loads(found["CMD"][0])
    assert command[:2] == ["pricewatch", "schedule"]
    # `schedule` runs until stopped; --once is the same work, once.
    _run_here([*command[1:], "--once"], _docker_env(found), tmp_path, monkeypatch)


# ----------------------------------------------------------------------------- systemd


def test_the_systemd_unit_runs_schedule_once_as_a_user_on_a_timer():
    service, timer = _unit("pricewatch.service"), _unit("pricewatch.timer")
    assert service["Service.Type"] == ["oneshot"]
    assert service["Service.User"][0] not in ("root", "0")
    assert shlex.split(service["Service.ExecStart"][0])[1:3] == ["schedule", "--once"]
    assert STATE in service["Service.ReadWritePaths"]
    assert timer["Timer.OnCalendar"] and timer["Timer.Persistent"] == ["true"]
    assert timer["Install.WantedBy"] == ["timers.target"]


def test_the_systemd_units_command_runs(tmp_path, monkeypatch):
    service = _unit("pricewatch.service")
    env = dict(value.split("=", 1) for value in service["Service.Environment"])
    command = shlex.split(service["Service.ExecStart"][0])
    assert Path(command[0]).name == "pricewatch"
    _run_here(command[1:], env, tmp_path, monkeypatch)


def test_systemd_analyze_verifies_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    pricewatch = Path(sys.executable).with_name("pricewatch")
    for name in ("pricewatch.service", "pricewatch.timer"):
        text = (UNITS / name).read_text()
        # The installed path of the README's layout does not exist here: point at this venv's.
        (tmp_path / name).write_text(text.replace("/srv/pricewatch/.venv/bin/pricewatch", str(pricewatch)))
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / "pricewatch.service"), str(tmp_path / "pricewatch.timer")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # no unknown key, no bad value


# ----------------------------------------------------------------------------- cron


def _cron_lines() -> list[str]:
    """The README's crontab lines (operations section): the command after the five time fields."""
    readme = (REPO_ROOT / "README.md").read_text()
    lines = [
        line.strip() for line in readme.splitlines() if line.strip().startswith(("*/10 * * * *", "7 * * * *"))
    ]
    return [line.split(None, 5)[5] for line in lines]


@pytest.mark.parametrize("code", [0, 1, 4])
def test_the_readme_cron_lines_keep_the_exit_code(tmp_path, code):
    # /srv/pricewatch with a stand-in pricewatch that exits with ``code``: cron mails what a
    # job prints, so a failure must print, with its code; success prints nothing.
    root = tmp_path / "srv"
    (root / ".venv" / "bin").mkdir(parents=True)
    stub = root / ".venv" / "bin" / "pricewatch"
    stub.write_text(f"#!/bin/sh\necho 'source=openrouter status=failed'\nexit {code}\n")
    stub.chmod(0o755)
    commands = _cron_lines()
    assert len(commands) == 2 and "schedule --once" in commands[0] and "status --check" in commands[1]
    for command in commands:
        # cron runs the line with /bin/sh; % would be special there.
        assert "%" not in command
        run = subprocess.run(
            ["/bin/sh", "-c", command.replace("/srv/pricewatch", str(root))],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if code == 0:
            assert run.stdout == "", run.stdout
        else:
            assert run.stdout.strip(), f"a failure ({code}) printed nothing for cron to mail: {command}"
            if "schedule --once" in command:
                assert f"failed with exit {code}" in run.stdout
            else:
                assert "status=failed" in run.stdout
