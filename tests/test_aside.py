"""site.aside: a computation in a forked child gives what it gives in this process, and leaves no process behind."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from site_data import hostile_db

from pricewatch.site.aside import Aside, can_fork
from pricewatch.site.build import build_site

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


def _alive(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return False


@needs_fork
@pytest.mark.parametrize("fork", [True, False])
def test_the_result_is_what_the_computation_returns_even_beyond_a_pipe_buffer(fork):
    big = {"rows": [[i, str(i) * 10] for i in range(200_000)]}  # megabytes of pickle
    with Aside(lambda: big, fork=fork) as aside:
        assert aside.result() == big
        assert aside.result() is aside.result()  # asked twice, computed once


@needs_fork
def test_the_child_computes_in_another_process():
    with Aside(os.getpid, fork=True) as aside:
        assert aside.result() != os.getpid()


@needs_fork
def test_an_error_in_the_child_is_raised_by_result():
    def fails():
        raise ValueError("no such model")

    with Aside(fails, fork=True) as aside, pytest.raises(ValueError, match="no such model"):
        aside.result()


@needs_fork
def test_a_child_whose_result_is_never_asked_for_is_reaped():
    with Aside(lambda: b"x" * (4 << 20), fork=True) as aside:  # blocks writing until read or closed
        pid = aside._pid
        assert pid is not None
    assert not _alive(pid)


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert not can_fork()
        aside = Aside(os.getpid)  # the default asks can_fork
        assert aside._pid is None and aside.result() == os.getpid()
    finally:
        stop.set()
        worker.join()


@needs_fork
def test_a_site_built_with_the_analysis_aside_equals_one_built_in_one_process(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    db = hostile_db(tmp_path / "pricewatch.db")
    now = datetime(2026, 8, 1, 12, tzinfo=UTC)
    monkeypatch.setattr("pricewatch.site.aside.can_fork", lambda: True)
    build_site(db, tmp_path / "aside", now=now, workers=2)
    build_site(db, tmp_path / "alone", now=now, workers=1)
    for page in ("index.html", "claims.html"):
        assert (tmp_path / "aside" / page).read_bytes() == (tmp_path / "alone" / page).read_bytes(), page


@needs_fork
def test_a_few_charts_are_drawn_in_a_forked_child_as_they_are_drawn_here(monkeypatch):
    from pricewatch.site import charts

    def spec(i: int) -> charts.ChartSpec:
        return charts.ChartSpec(
            title=f"chart {i}",
            alt=f"chart {i}",
            ylabel="USD per million tokens",
            series=(
                charts.Series(
                    label="a", x=("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"), y=(1.0, 0.5 + i)
                ),
            ),
        )

    monkeypatch.setattr(charts, "can_fork", lambda: True)
    items = [(f"c{i}.svg", spec(i)) for i in range(3)]
    pending = charts.start_rendering(items, workers=2)
    try:
        assert pending._aside is not None  # drawn aside, not here
        child = pending._aside._pid
        assert pending.result() == [(path, charts.render_svg(s)) for path, s in items]
    finally:
        pending.close()
    assert child is not None and not _alive(child)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_child_outlives_no_killed_parent(tmp_path):
    # A build killed while its child computes: the kernel ends the child too (Linux).
    import subprocess
    import time

    script = tmp_path / "parent.py"
    marker = tmp_path / "child.pid"
    script.write_text(
        "import os, sys, time\n"
        "from pricewatch.site.aside import Aside\n"
        f"def compute():\n    open({str(marker)!r}, 'w').write(str(os.getpid()))\n    time.sleep(600)\n"
        "aside = Aside(compute, fork=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)])
    try:
        deadline = time.monotonic() + 60
        while not (marker.exists() and marker.read_text()):
            assert time.monotonic() < deadline and parent.poll() is None
            time.sleep(0.05)
        child = int(marker.read_text())
    finally:
        parent.kill()
        parent.wait(30)
    deadline = time.monotonic() + 60
    while os.path.exists(f"/proc/{child}") and "Z" not in _state(child):
        assert time.monotonic() < deadline, "the child outlived its killed parent"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
