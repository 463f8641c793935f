"""`pricewatch` whose chart workers stop at their first chart and wait (tests/test_processes.py).

    CHART_GATE=DIR python tests/gated_charts_cli.py build --db ... --out ... --workers 2

Each chart worker, given its first chart, creates DIR/worker-PID and then waits for ever
instead of drawing. The test so knows that the build is rendering charts in those
processes, and kills the build then: the workers must end with it.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any


def gated_render(item: Any) -> Any:
    """Runs in a chart worker: say so, then never draw."""
    (Path(os.environ["CHART_GATE"]) / f"worker-{os.getpid()}").touch()
    threading.Event().wait()


def main() -> None:
    from pricewatch.site import charts

    # The pool maps the module's `_render_one`, looked up when the charts start; a worker
    # finds this function by its name in this script (multiprocessing imports it there).
    assert callable(charts._render_one), "pricewatch.site.charts._render_one moved: update this gate"
    vars(charts)["_render_one"] = gated_render

    from pricewatch.cli import cli

    cli.main(sys.argv[1:], prog_name="pricewatch")


if __name__ == "__main__":
    main()
