"""Charts drawn at build time as SVG with matplotlib (Agg backend, SVG output).

A chart is described by a plain, picklable spec (``ChartSpec``: title, text alternative,
axis labels, series of ISO times and values), so the build can hand specs to worker
processes and hash them for incremental builds. ``render_svg`` is the only function that
touches matplotlib; it imports it lazily and configures it for speed and determinism:

- text stays text (``svg.fonttype = "none"``): smaller files, readable and searchable;
- a fixed ``svg.hashsalt`` and no date metadata: the same spec gives the same bytes;
- no minor ticks on log axes and a plain ``$0.5`` tick formatter: on a log axis,
  matplotlib's default mathtext tick labels and minor ticks were two thirds of the time
  of a chart (profiled: ~280 ms -> ~60 ms per model chart), and the build draws a
  thousand of them.

Untrusted text (model and provider names) is escaped for matplotlib's mathtext (``$``)
and for XML by the SVG backend; the ``<title>``/``<desc>`` we add are escaped here.
"""

from __future__ import annotations

import contextlib
import html
import io
import math
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

from pricewatch.money import tick
from pricewatch.site.aside import Aside, can_fork
from pricewatch.text import clean_text

__all__ = ["ChartSpec", "PendingCharts", "Series", "render_many", "render_svg", "start_rendering"]

# A chart with values spread wider than this factor gets a log y axis.
LOG_SPAN = 20.0
# Fewer charts than this are drawn in-process: starting workers would cost more.
_POOL_THRESHOLD = 12
_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)


@dataclass(frozen=True)
class Series:
    """One line or set of points: ``x`` ISO times, ``y`` values (None breaks the line)."""

    label: str
    x: tuple[str, ...]
    y: tuple[float | None, ...]
    color: int = 0
    style: str = "step"  # "step" (prices hold until the next change), "line" or "points"
    dashed: bool = False
    hollow: tuple[bool, ...] = ()  # per point: drawn as an open marker (unverified data)
    in_legend: bool = True


@dataclass(frozen=True)
class ChartSpec:
    """What to draw; ``alt`` is the text alternative (the ``<img alt>`` and the SVG ``<desc>``)."""

    title: str
    alt: str
    ylabel: str
    series: tuple[Series, ...]
    xlabel: str = "date (UTC)"
    log: bool | None = None  # None: log when the values span more than LOG_SPAN
    notes: tuple[str, ...] = field(default=())
    width: float = 7.5
    height: float = 3.8
    percent_axis: bool = False

    def as_key(self) -> dict[str, Any]:
        """A JSON-able form for hashing."""
        return {
            "title": self.title,
            "alt": self.alt,
            "ylabel": self.ylabel,
            "xlabel": self.xlabel,
            "log": self.log,
            "notes": list(self.notes),
            "size": [self.width, self.height],
            "percent": self.percent_axis,
            "series": [
                [s.label, list(s.x), list(s.y), s.color, s.style, s.dashed, list(s.hollow), s.in_legend]
                for s in self.series
            ],
        }


def _plain(text: str) -> str:
    """A legend label matplotlib keeps: a leading ``_`` would hide the entry; no control character."""
    text = clean_text(text)
    return (" " + text) if text.startswith("_") else text


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def _configure(matplotlib: Any) -> None:
    matplotlib.use("Agg")
    rc = matplotlib.rcParams
    rc["svg.fonttype"] = "none"
    rc["svg.hashsalt"] = "pricewatch"
    rc["axes.titley"] = 1.0  # a fixed title position skips a costly layout pass
    rc["font.size"] = 9
    rc["axes.spines.top"] = False
    rc["axes.spines.right"] = False
    rc["ytick.minor.visible"] = False
    rc["xtick.minor.visible"] = False


# One figure per size, reused chart after chart: creating the axes and their tick objects
# was half the time of a chart (profiled: ~140 ms -> ~45 ms per model chart).
_CANVASES: dict[tuple[float, float, bool], Any] = {}


def _canvas(figure_class: Any, width: float, height: float, legend: bool) -> tuple[Any, Any]:
    """A cleared figure and axes of this size, made once per process."""
    key = (width, height, legend)
    if key not in _CANVASES:
        fig = figure_class(figsize=(width, height))
        right = 0.70 if legend else 0.97
        _CANVASES[key] = (fig, fig.add_axes((0.11, 0.15, right - 0.11, 0.74)))
    fig, ax = _CANVASES[key]
    for artist in [*ax.lines, *ax.collections, *fig.texts]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.set_yscale("linear")
    ax.set_autoscale_on(True)
    return fig, ax


def render_svg(spec: ChartSpec) -> str:
    """The chart as an SVG document (text), with ``<title>`` and ``<desc>`` for screen readers."""
    import matplotlib

    _configure(matplotlib)
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator, PercentFormatter

    legend_needed = any(s.in_legend for s in spec.series)
    fig, ax = _canvas(Figure, spec.width, spec.height, legend_needed)
    values = [v for s in spec.series for v in s.y if v is not None and v > 0 and math.isfinite(v)]
    log = spec.log
    if log is None:
        log = bool(values) and max(values) / min(values) > LOG_SPAN
    for series in spec.series:
        color = _PALETTE[series.color % len(_PALETTE)]
        xs = [_parse_time(x) for x in series.x]
        ys = [math.nan if (v is None or (log and v <= 0)) else v for v in series.y]
        label = _plain(series.label) if series.in_legend else "_nolegend_"
        linestyle = "--" if series.dashed else "-"
        if series.style == "points":
            ax.plot(xs, ys, linestyle="none", marker="o", markersize=4, color=color, label=label)
        elif series.style == "line":
            ax.plot(xs, ys, linestyle=linestyle, linewidth=1.6, color=color, label=label)
        else:
            ax.step(xs, ys, where="post", linestyle=linestyle, linewidth=1.6, color=color, label=label)
        hollow = [(x, y) for x, y, h in zip(xs, ys, series.hollow, strict=False) if h and not math.isnan(y)]
        if hollow:
            ax.plot(
                [h[0] for h in hollow],
                [h[1] for h in hollow],
                linestyle="none",
                marker="o",
                markersize=5,
                markerfacecolor="white",
                markeredgecolor=color,
                label="_nolegend_",
            )
    ax.relim()
    ax.autoscale_view()
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=8))
        ax.yaxis.set_minor_locator(NullLocator())
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
        if values:
            ax.set_ylim(bottom=0)
    if spec.percent_axis:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    elif spec.ylabel.startswith("USD"):
        ax.yaxis.set_major_formatter(FuncFormatter(tick))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}"))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d" if _span_days(spec) < 120 else "%Y-%m"))
    ax.xaxis.set_minor_locator(NullLocator())
    # parse_math=False: a "$" in a scraped name must not start mathtext.
    ax.set_title(clean_text(spec.title), fontsize=10, loc="left", parse_math=False)
    ax.set_ylabel(spec.ylabel + (" (log scale)" if log else ""), parse_math=False)
    ax.set_xlabel(spec.xlabel, parse_math=False)
    ax.grid(True, which="major", axis="y", color="#dddddd", linewidth=0.6)
    if legend_needed:
        legend = ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        for text in legend.get_texts():
            text.set_parse_math(False)
    if spec.notes:
        fig.text(
            0.01, 0.01, clean_text(" · ".join(spec.notes)), fontsize=7, color="#555555", parse_math=False
        )
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _with_title(buffer.getvalue(), spec)


def _span_days(spec: ChartSpec) -> float:
    times = [_parse_time(x) for s in spec.series for x in s.x]
    if not times:
        return 0.0
    return (max(times) - min(times)).total_seconds() / 86400


def _with_title(svg: str, spec: ChartSpec) -> str:
    """Insert ``<title>`` and ``<desc>`` as the first children of the root ``<svg>`` element."""
    start = svg.find("<svg")
    end = svg.find(">", start)
    head = svg[:end]
    if "role=" not in head:
        head += ' role="img" aria-labelledby="chart-title chart-desc"'
    accessible = (
        f'\n <title id="chart-title">{html.escape(spec.title)}</title>'
        f'\n <desc id="chart-desc">{html.escape(spec.alt)}</desc>'
    )
    return head + ">" + accessible + svg[end + 1 :]


def _render_one(item: tuple[str, ChartSpec]) -> tuple[str, str, float]:
    """(path, svg, CPU seconds it took), in whichever process draws it."""
    path, spec = item
    started = time.process_time()
    svg = render_svg(spec)
    return path, svg, time.process_time() - started


def render_many(items: list[tuple[str, ChartSpec]], *, workers: int = 1) -> list[tuple[str, str]]:
    """Render ``(path, spec)`` pairs; with ``workers`` > 1, in that many processes."""
    pending = start_rendering(items, workers=workers)
    try:
        return pending.result()
    finally:
        pending.close()


def _start_worker(lifeline: Connection) -> None:
    """Pool initializer: the worker ends with the process that started the pool.

    ``lifeline`` is the read end of a pipe whose only write end that process holds. However
    it ends (returns, raises, SIGTERM, SIGKILL) the pipe reports end of file, and this
    thread ends the worker at once, mid-chart if need be. (A ProcessPoolExecutor's workers
    outlive a SIGKILLed parent by themselves: they wait on a queue whose write end they
    hold too.) Ctrl-C is left to the parent, which stops the pool itself.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv_bytes()  # nothing is ever sent: this ends at end of file
        os._exit(1)

    threading.Thread(target=watch, name="pricewatch-lifeline", daemon=True).start()


class PendingCharts:
    """Charts being drawn: ``result()`` waits for ``(path, svg)`` pairs; ``close()`` stops the workers."""

    def __init__(self, items: list[tuple[str, ChartSpec]], workers: int) -> None:
        self._items = items
        self.cpu_seconds = 0.0
        self._pool = None
        self._results = None
        self._lifeline: Connection | None = None  # the write end of the workers' lifeline
        self._drawn = False
        self._aside: Aside[list[tuple[str, str, float]]] | None = None
        if workers > 1 and 0 < len(items) < _POOL_THRESHOLD and can_fork():
            # A few charts (a rebuild after a refresh): one forked child draws them, so
            # importing matplotlib and drawing overlap the pages rendered meanwhile.
            self._aside = Aside(lambda: [_render_one(item) for item in items], fork=True)
        elif workers > 1 and len(items) >= _POOL_THRESHOLD:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # forkserver: workers start from a clean process, so a caller with threads (the
            # scheduler) is safe; each worker imports matplotlib once and draws many charts.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            # Started clean (forkserver, spawn), the workers get only the read end.
            lifeline_read, self._lifeline = context.Pipe(duplex=False)
            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(lifeline_read,)
            )
            chunk = max(1, min(16, len(items) // (workers * 8)))
            self._results = self._pool.map(_render_one, items, chunksize=chunk)

    def result(self) -> list[tuple[str, str]]:
        """Every ``(path, svg)``, in the order given; ``cpu_seconds`` then holds their drawing time."""
        if self._aside is not None:
            drawn = self._aside.result()
        elif self._results is None:
            drawn = [_render_one(item) for item in self._items]
        else:
            drawn = list(self._results)
        self._drawn = True
        self.cpu_seconds = sum(seconds for _, _, seconds in drawn)
        return [(path, svg) for path, svg, _ in drawn]

    def close(self) -> None:
        """Stop the worker processes: after ``result()`` once they are idle; before it (the
        build failed or was interrupted) at once, dropping the charts being drawn."""
        if self._aside is not None:
            self._aside.close()
        if self._pool is None or self._lifeline is None:
            return
        if not self._drawn:
            self._lifeline.close()  # end of file: every worker exits now
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._lifeline.close()
        self._pool = None


def start_rendering(items: list[tuple[str, ChartSpec]], *, workers: int = 1) -> PendingCharts:
    """Start drawing ``(path, spec)`` pairs in ``workers`` processes while the caller goes on.

    Below a dozen charts (or with one worker) they are drawn in this process when
    ``result()`` is called: starting workers would cost more than it saves.
    """
    return PendingCharts(items, workers)
