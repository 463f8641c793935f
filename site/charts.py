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
import textwrap
import threading
import time
import warnings
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

from pricewatch.money import tick
from pricewatch.site.aside import Aside, can_fork
from pricewatch.text import clean_text

__all__ = [
    "ChartSpec",
    "PendingCharts",
    "Series",
    "narrow_path",
    "render_many",
    "render_svg",
    "start_rendering",
    "variants",
]

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
    """One line or set of points: ``x`` ISO times, ``y`` values (None breaks the line).

    ``marker`` (a matplotlib marker: "o", "s", "^", ...) is drawn at every stored point, so
    two lines never differ by colour alone; ``linestyle`` overrides ``dashed`` ("-", "--",
    ":", "-.").
    """

    label: str
    x: tuple[str, ...]
    y: tuple[float | None, ...]
    color: int = 0
    style: str = "step"  # "step" (prices hold until the next change), "line" or "points"
    dashed: bool = False
    hollow: tuple[bool, ...] = ()  # per point: drawn as an open marker (unverified data)
    in_legend: bool = True
    marker: str = ""
    linestyle: str = ""


@dataclass(frozen=True)
class ChartSpec:
    """What to draw; ``alt`` is the text alternative (the ``<img alt>`` and the SVG ``<desc>``).

    ``narrow``: drawn for a phone (about 360 CSS px wide, where every text is >= 11 px);
    otherwise for a desktop column (about 720 px). Each chart is drawn both ways
    (``variants``) and the page picks one with ``<picture>`` by the screen's width.
    """

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
    narrow: bool = False

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
            "narrow": self.narrow,
            "series": [
                [
                    s.label,
                    list(s.x),
                    list(s.y),
                    s.color,
                    s.style,
                    s.dashed,
                    list(s.hollow),
                    s.in_legend,
                    s.marker,
                    s.linestyle,
                ]
                for s in self.series
            ],
        }


@dataclass(frozen=True)
class MarketPoint:
    """One model on the market chart: its capability score and 3:1 blended price (USD/Mtok).

    ``host_price``: for an open-weight model whose reference is its maker's (retail) price,
    the cheapest host's price, drawn hollow and linked to the retail point by a line.
    """

    label: str
    score: float
    price: float
    open_weights: bool
    host_price: float | None = None
    labelled: bool = False  # named beside its point (the frontier)


@dataclass(frozen=True)
class MarketSpec:
    """The market in one picture: every current model's price (log) against its score.

    ``groups``: (title, indexes into ``points``) of each peer group, outlined by a box.
    """

    title: str
    alt: str
    xlabel: str
    ylabel: str
    points: tuple[MarketPoint, ...]
    groups: tuple[tuple[str, tuple[int, ...]], ...] = ()
    notes: tuple[str, ...] = ()
    narrow: bool = False

    def as_key(self) -> dict[str, Any]:
        """A JSON-able form for hashing."""
        return {"market": asdict(self)}


#: A chart's phone drawing sits beside the desktop one: ``x.svg`` -> ``x.narrow.svg``.
NARROW_SUFFIX = ".narrow.svg"
#: Markers cycled over a chart's lines: shape tells them apart where colour cannot.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


def narrow_path(path: str) -> str:
    """Where the phone drawing of the chart at ``path`` goes."""
    return path[: -len(".svg")] + NARROW_SUFFIX if path.endswith(".svg") else path + NARROW_SUFFIX


AnySpec = ChartSpec | MarketSpec


def variants(path: str, spec: AnySpec) -> list[tuple[str, AnySpec]]:
    """The chart's two drawings: for a desktop column at ``path``, for a phone beside it."""
    return [(path, spec), (narrow_path(path), replace(spec, narrow=True))]


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


@dataclass(frozen=True)
class _Layout:
    """Sizes (inches, points) of one drawing. Text sizes are points of the SVG: a phone shows the
    narrow drawing at ~366 CSS px for its 270 pt, 1.36 px a point, so 8.5 pt is 11.5 px."""

    width: float
    title_pt: float
    text_pt: float
    legend_pt: float
    note_pt: float
    title_chars: int
    note_chars: int
    legend_chars: int
    plot_height: float
    left: float
    max_xticks: int


_WIDE = _Layout(7.5, 10.5, 9.0, 8.5, 8.0, 80, 125, 44, 2.6, 0.62, 7)
_NARROW = _Layout(3.75, 10.0, 9.0, 9.0, 8.5, 40, 56, 40, 2.2, 0.55, 4)


def _wrap(text: str, width: int) -> list[str]:
    """``text`` (a title, a unit, a note: scraped names in it) without control characters, in lines of ``width``."""
    return textwrap.wrap(clean_text(text), width=width, break_long_words=True) or [""]


def _line_height(points: float, lines: int) -> float:
    """Inches taken by ``lines`` lines of text of ``points`` size."""
    return lines * points * 1.3 / 72


# One figure per size, reused chart after chart: creating the axes and their tick objects
# was half the time of a chart (profiled: ~140 ms -> ~45 ms per model chart).
_CANVASES: dict[tuple[float, float], Any] = {}


def _canvas(figure_class: Any, width: float, height: float) -> tuple[Any, Any]:
    """A cleared figure and axes of this size, made once per process."""
    key = (width, height)
    if key not in _CANVASES:
        fig = figure_class(figsize=(width, height))
        _CANVASES[key] = (fig, fig.add_axes((0.1, 0.2, 0.85, 0.6)))
    fig, ax = _CANVASES[key]
    for artist in [*ax.lines, *ax.collections, *fig.texts, *ax.texts]:
        artist.remove()
    for legend in list(fig.legends):
        legend.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.set_yscale("linear")
    ax.set_xscale("linear")
    ax.set_autoscale_on(True)
    return fig, ax


def _legend_columns(labels: list[str], layout: _Layout) -> int:
    longest = max((len(label) for label in labels), default=0)
    # Characters on one row of the drawing's width; each entry also takes its line sample.
    capacity = layout.width * 72 / (layout.legend_pt * 0.6)
    per_row = max(1, int(capacity // (longest + 8)))
    return max(1, min(per_row, 3 if layout is _WIDE else 2, len(labels)))


@dataclass
class _Frame:
    """A figure laid out top to bottom: title (wrapped to the width), the y axis's unit, the
    plot, the x axis, the legend (below the plot, in as many columns as fit), the notes."""

    fig: Any
    ax: Any
    layout: _Layout
    height: float
    title_lines: list[str]
    unit_lines: list[str]
    labels: list[str]
    columns: int
    legend_h: float
    notes_h: float
    note_lines: list[str]


def _frame(
    figure_class: Any,
    layout: _Layout,
    title: str,
    unit: str,
    labels: list[str],
    notes: tuple[str, ...],
    plot_height: float,
    legend_chars: int | None = None,
) -> _Frame:
    title_lines = _wrap(title, layout.title_chars)
    unit_lines = _wrap(unit, int(layout.title_chars * 1.1))
    width = legend_chars or layout.legend_chars
    labels = [textwrap.shorten(_plain(label), width, placeholder="…") for label in labels]
    columns = _legend_columns(labels, layout)
    rows = math.ceil(len(labels) / columns) if labels else 0
    note_lines = [line for note in notes for line in _wrap(note, layout.note_chars)]
    head = (
        0.08
        + _line_height(layout.title_pt, len(title_lines))
        + _line_height(layout.text_pt, len(unit_lines))
        + 0.1
    )
    axis = 0.5
    legend_h = (_line_height(layout.legend_pt * 1.15, rows) + 0.08) if rows else 0.0
    notes_h = (_line_height(layout.note_pt, len(note_lines)) + 0.06) if note_lines else 0.0
    height = round(head + plot_height + axis + legend_h + notes_h + 0.06, 2)
    fig, ax = _canvas(figure_class, layout.width, height)
    right = 0.18
    ax.set_position(
        (
            layout.left / layout.width,
            (axis + legend_h + notes_h + 0.06) / height,
            (layout.width - layout.left - right) / layout.width,
            plot_height / height,
        )
    )
    ax.tick_params(labelsize=layout.text_pt)
    ax.set_title("")
    ax.set_ylabel("")
    return _Frame(
        fig, ax, layout, height, title_lines, unit_lines, labels, columns, legend_h, notes_h, note_lines
    )


def _finish(frame: _Frame, handles: list[Any], spec: AnySpec) -> str:
    """Title, unit, legend and notes around the plot; the SVG text."""
    fig, layout, height = frame.fig, frame.layout, frame.height
    left = 0.06 / layout.width
    y = 1 - 0.08 / height
    # parse_math=False everywhere: a "$" in a scraped name must not start mathtext.
    for line in frame.title_lines:
        y -= _line_height(layout.title_pt, 1) / height
        fig.text(left, y, line, fontsize=layout.title_pt, fontweight="bold", parse_math=False)
    for line in frame.unit_lines:
        y -= _line_height(layout.text_pt, 1) / height
        fig.text(left, y, line, fontsize=layout.text_pt, color="#444444", parse_math=False)
    if handles:
        legend = fig.legend(
            handles,
            frame.labels,
            loc="upper left",
            bbox_to_anchor=(left, (frame.legend_h + frame.notes_h + 0.06) / height),
            ncol=frame.columns,
            fontsize=layout.legend_pt,
            frameon=False,
            borderaxespad=0.0,
            handlelength=2.4,
            columnspacing=1.2,
        )
        for text in legend.get_texts():
            text.set_parse_math(False)
    line_h = _line_height(layout.note_pt, 1) / height
    y = (frame.notes_h + 0.02) / height
    for line in frame.note_lines:
        y -= line_h
        fig.text(left, y + line_h * 0.2, line, fontsize=layout.note_pt, color="#444444", parse_math=False)
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # A span of a few days on a phone's four ticks: matplotlib picks an interval itself and says so.
        warnings.filterwarnings("ignore", message="AutoDateLocator was unable", category=UserWarning)
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _with_title(buffer.getvalue(), spec)


def _log_axis(axis: Any, narrow: bool) -> None:
    from matplotlib.ticker import LogLocator, NullLocator

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=6 if narrow else 8))
    axis.set_minor_locator(NullLocator())


def _in_visitor_words(spec: AnySpec) -> AnySpec:
    """Titles, axis names and notes as the pages word them (score ids named, no repository
    path); series labels (model and host names) stay as they are."""
    from pricewatch.site.words import plain

    return replace(
        spec,
        title=plain(spec.title),
        alt=plain(spec.alt),
        xlabel=plain(spec.xlabel),
        ylabel=plain(spec.ylabel),
        notes=tuple(plain(n) for n in spec.notes),
    )


def render_svg(spec: AnySpec) -> str:
    """The chart as an SVG document (text), with ``<title>`` and ``<desc>`` for screen readers."""
    import matplotlib

    _configure(matplotlib)
    spec = _in_visitor_words(spec)
    if isinstance(spec, MarketSpec):
        return _render_market(spec)
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator, PercentFormatter

    layout = _NARROW if spec.narrow else _WIDE
    values = [v for s in spec.series for v in s.y if v is not None and v > 0 and math.isfinite(v)]
    log = spec.log
    if log is None:
        log = bool(values) and max(values) / min(values) > LOG_SPAN
    frame = _frame(
        Figure,
        layout,
        spec.title,
        spec.ylabel + (" (log scale)" if log else ""),
        [s.label for s in spec.series if s.in_legend],
        spec.notes,
        layout.plot_height,
    )
    ax = frame.ax
    handles = []
    for series in spec.series:
        color = _PALETTE[series.color % len(_PALETTE)]
        xs = [_parse_time(x) for x in series.x]
        ys = [math.nan if (v is None or (log and v <= 0)) else v for v in series.y]
        linestyle = series.linestyle or ("--" if series.dashed else "-")
        marker = series.marker or None
        if series.style == "points":
            drawn = ax.plot(
                xs, ys, linestyle="none", marker=series.marker or "o", markersize=4.5, color=color
            )
        elif series.style == "line":
            drawn = ax.plot(
                xs, ys, linestyle=linestyle, linewidth=1.6, color=color, marker=marker, markersize=4
            )
        else:
            drawn = ax.step(
                xs,
                ys,
                where="post",
                linestyle=linestyle,
                linewidth=1.6,
                color=color,
                marker=marker,
                markersize=4,
            )
        if series.in_legend:
            handles.append(drawn[0])
        hollow = [(x, y) for x, y, h in zip(xs, ys, series.hollow, strict=False) if h and not math.isnan(y)]
        if hollow:
            ax.plot(
                [h[0] for h in hollow],
                [h[1] for h in hollow],
                linestyle="none",
                marker="o",
                markersize=5.5,
                markerfacecolor="white",
                markeredgecolor=color,
            )
    ax.relim()
    ax.autoscale_view()
    if log:
        ax.set_yscale("log")
        _log_axis(ax.yaxis, spec.narrow)
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5 if spec.narrow else 6))
        if values:
            ax.set_ylim(bottom=0)
    if spec.percent_axis:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    elif spec.ylabel.startswith("USD"):
        ax.yaxis.set_major_formatter(FuncFormatter(tick))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}"))
    locator = mdates.AutoDateLocator(minticks=2 if spec.narrow else 3, maxticks=layout.max_xticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d" if _span_days(spec) < 120 else "%Y-%m"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel(spec.xlabel, parse_math=False, fontsize=layout.text_pt)
    ax.grid(True, which="major", axis="y", color="#dddddd", linewidth=0.6)
    return _finish(frame, handles, spec)


#: The market chart's marks: closed models blue squares, open-weight models green circles
#: (shape and colour both), the cheapest host of an open model a hollow circle.
_CLOSED = ("#1f4e9c", "s")
_OPEN = ("#1d7a35", "o")
_GROUP_STYLES: tuple[Any, ...] = ("--", ":", "-.", (0, (6, 2, 1, 2, 1, 2)))


def _render_market(spec: MarketSpec) -> str:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    layout = _NARROW if spec.narrow else _WIDE
    legend = [
        (Line2D([], [], linestyle="none", marker=_CLOSED[1], color=_CLOSED[0], markersize=6), "closed model"),
        (
            Line2D([], [], linestyle="none", marker=_OPEN[1], color=_OPEN[0], markersize=6),
            "open-weight model (its maker's retail price)",
        ),
        (
            Line2D(
                [],
                [],
                linestyle="-",
                linewidth=0.8,
                marker=_OPEN[1],
                color=_OPEN[0],
                markerfacecolor="white",
                markersize=6,
            ),
            "the same at its cheapest host (hollow, linked)",
        ),
    ]
    for number, (title, members) in enumerate(spec.groups, start=1):
        if members:  # a group none of whose members is drawn has no box
            style = _GROUP_STYLES[(number - 1) % len(_GROUP_STYLES)]
            line = Line2D([], [], linestyle=style, color="#555555", linewidth=1.2)
            legend.append((line, f"box {number}: {title}"))
    frame = _frame(
        Figure,
        layout,
        spec.title,
        spec.ylabel + " (log scale)",
        [label for _, label in legend],
        # A phone's drawing names no point: the table names the frontier.
        tuple(n for n in spec.notes if not (spec.narrow and n.startswith("named points"))),
        layout.plot_height * 1.45,
        legend_chars=48 if spec.narrow else 100,
    )
    ax = frame.ax
    size = 4.5 if spec.narrow else 5.5
    scores = [p.score for p in spec.points]
    high_score = (min(scores) + 0.75 * (max(scores) - min(scores))) if scores else None
    for point in spec.points:
        color, marker = _OPEN if point.open_weights else _CLOSED
        if point.host_price is not None and point.host_price > 0:
            ax.plot([point.score, point.score], [point.price, point.host_price], color=color, linewidth=0.8)
            ax.plot(
                [point.score],
                [point.host_price],
                linestyle="none",
                marker=marker,
                markersize=size,
                markerfacecolor="white",
                markeredgecolor=color,
            )
        ax.plot(
            [point.score],
            [point.price],
            linestyle="none",
            marker=marker,
            markersize=size,
            color=color,
            alpha=0.85,
        )
        if point.labelled and not spec.narrow:
            # Names of points in the right quarter go to their left, inside the plot.
            right_side = bool(high_score is not None and point.score > high_score)
            ax.annotate(
                _plain(point.label),  # a scraped name: no control character, no mathtext
                (point.score, point.price),
                xytext=(-5 if right_side else 5, -3),
                ha="right" if right_side else "left",
                textcoords="offset points",
                fontsize=layout.note_pt,
                color="#222222",
                annotation_clip=False,
                parse_math=False,
            )
    ax.set_yscale("log")
    _log_axis(ax.yaxis, spec.narrow)
    ax.yaxis.set_major_formatter(FuncFormatter(tick))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5 if spec.narrow else 8))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}"))
    boxes = []
    for number, (_title, members) in enumerate(spec.groups, start=1):
        xs = [spec.points[i].score for i in members]
        ys = [y for i in members for y in (spec.points[i].price, spec.points[i].host_price) if y]
        if xs and ys:
            boxes.append((number, min(xs) - 5.0, max(xs) + 5.0, min(ys) / 1.3, max(ys) * 1.3))
    every_x = [p.score for p in spec.points] + [v for b in boxes for v in b[1:3]]
    every_y = [v for p in spec.points for v in (p.price, p.host_price) if v] + [
        v for b in boxes for v in b[3:]
    ]
    if every_x and every_y:
        span = max(every_x) - min(every_x) or 10.0
        ax.set_xlim(min(every_x) - span * 0.05, max(every_x) + span * 0.05)
        ax.set_ylim(min(every_y) / 1.25, max(every_y) * 1.6)
    for number, x0, x1, y0, y1 in boxes:
        style = _GROUP_STYLES[(number - 1) % len(_GROUP_STYLES)]
        ax.add_patch(
            Rectangle(
                (x0, y0), x1 - x0, y1 - y0, fill=False, linestyle=style, edgecolor="#555555", linewidth=1.2
            )
        )
        ax.annotate(
            str(number),
            (x0, y1),
            xytext=(2, 2),
            textcoords="offset points",
            fontsize=layout.text_pt,
            fontweight="bold",
            color="#333333",
            annotation_clip=False,
        )
    ax.set_xlabel(spec.xlabel, parse_math=False, fontsize=layout.text_pt)
    ax.grid(True, which="major", axis="both", color="#e4e4e4", linewidth=0.6)
    return _finish(frame, [h for h, _ in legend], spec)


def _span_days(spec: ChartSpec) -> float:
    times = [_parse_time(x) for s in spec.series for x in s.x]
    if not times:
        return 0.0
    return (max(times) - min(times)).total_seconds() / 86400


def _with_title(svg: str, spec: AnySpec) -> str:
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


def _render_one(item: tuple[str, AnySpec]) -> tuple[str, str, float]:
    """(path, svg, CPU seconds it took), in whichever process draws it."""
    path, spec = item
    started = time.process_time()
    svg = render_svg(spec)
    return path, svg, time.process_time() - started


def render_many(items: list[tuple[str, AnySpec]], *, workers: int = 1) -> list[tuple[str, str]]:
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

    def __init__(self, items: list[tuple[str, AnySpec]], workers: int) -> None:
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


def start_rendering(items: list[tuple[str, AnySpec]], *, workers: int = 1) -> PendingCharts:
    """Start drawing ``(path, spec)`` pairs in ``workers`` processes while the caller goes on.

    Below a dozen charts (or with one worker) they are drawn in this process when
    ``result()`` is called: starting workers would cost more than it saves.
    """
    return PendingCharts(items, workers)
