"""No process left behind: chart workers end with their build, normally or killed mid-chart.

(`pricewatch datasette` stopping with its port is in test_datasette.py; the suite's own
end-of-run check that nothing it started still runs is in conftest.py.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import processes
import pytest
from site_data import replay_db

from pricewatch.site.charts import ChartSpec, Series, render_many, render_svg

pytestmark = pytest.mark.skipif(not processes.AVAILABLE, reason="needs /proc (Linux)")

GATED_CLI = Path(__file__).parent / "gated_charts_cli.py"
WORKERS = 2


@pytest.fixture(scope="module")
def replayed(tmp_path_factory) -> Path:
    """The shipped snapshot replayed: enough models for the build to draw charts in workers."""
    return replay_db(tmp_path_factory.mktemp("replayed") / "pricewatch.db")


def test_a_running_child_is_a_survivor_until_it_ends():
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        assert child.pid in processes.descendants(os.getpid())
        assert child.pid in processes.survivors(os.getpid(), grace=0)
        assert "sys.stdin.read()" in processes.command_line(child.pid)
    finally:
        child.stdin.close()  # end of file: it exits
        child.wait(30)
    assert not processes.running(child.pid)
    assert child.pid not in processes.survivors(os.getpid(), grace=0)


def _spec(i: int) -> ChartSpec:
    return ChartSpec(
        title=f"chart {i}",
        alt=f"chart {i}",
        ylabel="USD per million tokens",
        series=(Series(label="a", x=("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"), y=(1.0, 0.5 + i)),),
    )


def test_charts_drawn_in_workers_equal_those_drawn_here_and_the_workers_end():
    items = [(f"c{i}.svg", _spec(i)) for i in range(12)]  # a pool starts from 12 charts
    before = processes.descendants(os.getpid())
    assert render_many(items, workers=WORKERS) == [(path, render_svg(spec)) for path, spec in items]
    # The workers were joined: nothing new runs but multiprocessing's forkserver and
    # resource tracker, which end with this process.
    assert processes.survivors(os.getpid(), ignore=before, grace=0) == []


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_build_killed_while_drawing_charts_leaves_no_worker(replayed, tmp_path, sig):
    gate = tmp_path / "gate"
    gate.mkdir()
    log = tmp_path / "build.log"
    command = [sys.executable, str(GATED_CLI), "build", "--db", str(replayed)]
    command += ["--out", str(tmp_path / "public"), "--workers", str(WORKERS)]
    with log.open("w") as output:
        build = subprocess.Popen(
            command, env=dict(os.environ, CHART_GATE=str(gate)), stdout=output, stderr=subprocess.STDOUT
        )
    started: list[int] = []
    try:
        # A bounded wait on a condition: every worker holds a chart (or the build ended).
        deadline = time.monotonic() + 120
        while len(list(gate.iterdir())) < WORKERS:
            assert build.poll() is None, f"the build ended before its workers drew: {log.read_text()}"
            assert time.monotonic() < deadline, (
                f"no {WORKERS} chart workers after 2 minutes: {log.read_text()}"
            )
            time.sleep(0.05)
        workers = {int(p.name.removeprefix("worker-")) for p in gate.iterdir()}
        started = processes.descendants(build.pid)  # the workers and multiprocessing's helpers
        assert workers <= set(started), (workers, started)

        build.send_signal(sig)
        code = build.wait(60)
        survivors = processes.wait_until_gone(started, timeout=60)
        assert survivors == [], [processes.command_line(pid) for pid in survivors]
        assert code != 0
        assert not (tmp_path / "public").exists()  # and no half-built site was swapped in
    finally:
        if build.poll() is None:
            build.kill()
            build.wait(30)
        for pid in started:  # only if the test failed: do not leave them to the next tests
            if processes.running(pid):
                os.kill(pid, signal.SIGKILL)
