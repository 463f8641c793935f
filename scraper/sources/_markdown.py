"""Shared helpers for sources whose pages are Markdown with pipe tables.

Pure: text in, values out. Tables are found by the heading they sit under (the nearest
preceding heading), never by the first row that happens to name a model, because the
pricing pages we read repeat ``Model`` columns in unrelated tables (tool token counts,
worked examples).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pricewatch.errors import PriceCellError
from pricewatch.money import decimal_from_text

__all__ = [
    "Table",
    "cell_key",
    "decode_body",
    "header_key",
    "is_not_a_price",
    "iter_tables",
    "merge_group_header",
    "missing_columns",
    "parse_price_cell",
    "strip_footnote_marks",
]

# Cells that say "no price here" rather than giving one; compared after cell_key().
_NOT_A_PRICE = frozenset(
    {"", "-", "–", "—", "n/a", "na", "not available", "not offered", "none", "unavailable", "coming soon"}
)
# Cells that say the price is zero.
_FREE = frozenset({"free", "free of charge"})

# "$5 / MTok", "$0.50", "\$3 / MTok" (after Markdown unescaping), "$1,000.00 per 1M tokens".
_PRICE_RE = re.compile(
    r"""^(?P<sign>-)?\s*(?:US)?\$\s*(?P<sign2>-)?\s*(?P<amount>[0-9][0-9,]*(?:\.[0-9]+)?)
        \s*(?:(?:/|per)\s*(?P<unit>.+?))?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
# Units that mean "per million tokens" (compared after cell_key()).
_PER_MTOK_UNITS = frozenset({"mtok", "1m tokens", "1m", "m tokens", "million tokens", "1,000,000 tokens"})

# Footnote marks a page glues to a cell or a column title: a Pandoc-style superscript
# ("^*^", "^**^" after unescaping, "^1^") and trailing asterisks or daggers. A
# ``<sup>N</sup>`` never reaches the text (``_inline_text`` drops what a <sup> holds).
_SUPERSCRIPT_RE = re.compile(r"\^[^^\s]{1,6}\^")
_TRAILING_MARKS_RE = re.compile(r"[*†‡]+$")
# A footnote number glued to a price's unit: "$0.25 / MTok1" (Anthropic, 2026-09).
_UNIT_FOOTNOTE_RE = re.compile(r"(?i)(?<=mtok)\d{1,2}$|(?<=tokens)\d{1,2}$")

_FRONT_MATTER_RE = re.compile(r"\A---\r?\n.*?\r?\n---\r?\n", re.DOTALL)

_md = MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class Table:
    """One pipe table and where it sits on the page."""

    # Heading path, outermost first: ("Model pricing",) or ("Gemini 2.5 Flash", "Batch").
    headings: tuple[str, ...]
    levels: tuple[int, ...]  # the level of each heading in ``headings`` (2 for "##")
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    preceding_text: str  # the last paragraph between the nearest heading and the table, or ""
    line: int  # 1-based line of the table's header row

    @property
    def heading(self) -> str:
        """The nearest preceding heading's text ("" before the first heading)."""
        return self.headings[-1] if self.headings else ""


def decode_body(body: bytes | str) -> str:
    """The body as text (UTF-8; undecodable bytes become U+FFFD rather than failing)."""
    if isinstance(body, str):
        return body
    return body.decode("utf-8", errors="replace")


def cell_key(text: str) -> str:
    """A cell or heading text folded for comparison: case-folded, whitespace collapsed."""
    return " ".join(text.split()).casefold()


def header_key(text: str) -> str:
    """A column title or heading folded for matching: ``cell_key`` of it without footnote
    marks, with "&" read as "and" ("Cache Hits & Refreshes" = "Cache hits and refreshes").

    Case, spacing and footnote marks are presentation; any other change of wording is a
    renamed column, which the parsers report instead of guessing.
    """
    text = strip_footnote_marks(text).replace("&", " and ")
    return cell_key(text)


def strip_footnote_marks(text: str) -> str:
    """``text`` without footnote marks (``^*^``, ``^1^``, trailing ``*``/``†``): kept nowhere as a price."""
    text = _SUPERSCRIPT_RE.sub("", text)
    return _TRAILING_MARKS_RE.sub("", text.strip()).strip()


def missing_columns(header: tuple[str, ...], required: Iterable[str]) -> list[str]:
    """The ``required`` column titles that ``header`` lacks (compared by ``header_key``)."""
    present = {header_key(cell) for cell in header}
    return [title for title in required if header_key(title) not in present]


def _inline_text(token: Token) -> str:
    """Plain text of an inline token: link text kept, code spans kept, <br> as a space.

    What a ``<sup>`` holds is a footnote mark ("$0.25 / MTok<sup>1</sup>") and is dropped.
    """
    parts: list[str] = []
    in_sup = False
    for child in token.children or []:
        if child.type == "html_inline" and child.content.strip().lower().startswith("<sup"):
            in_sup = True
            continue
        if child.type == "html_inline" and child.content.strip().lower().startswith("</sup"):
            in_sup = False
            parts.append(" ")
            continue
        if in_sup:
            continue
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline":
            # <br />, <hr /> and the like separate words; other inline HTML adds no text.
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return " ".join("".join(parts).split())


def iter_tables(markdown: str) -> Iterator[Table]:
    """Every pipe table in ``markdown`` with its heading path, header cells and body rows."""
    text = _FRONT_MATTER_RE.sub("", markdown, count=1)
    tokens = _md.parse(text)
    # Heading stack as (level, text); a new heading pops every heading of its level or deeper.
    stack: list[tuple[int, str]] = []
    preceding = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            level = int(token.tag[1:])
            title = _inline_text(tokens[i + 1])
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            preceding = ""
            i += 3
            continue
        if token.type == "paragraph_open":
            preceding = _inline_text(tokens[i + 1])
            i += 3
            continue
        if token.type == "table_open":
            header: list[str] = []
            rows: list[tuple[str, ...]] = []
            current: list[str] = []
            in_head = False
            line = (token.map[0] + 1) if token.map else 0
            j = i + 1
            while tokens[j].type != "table_close":
                kind = tokens[j].type
                if kind == "thead_open":
                    in_head = True
                elif kind == "thead_close":
                    in_head = False
                elif kind == "tr_open":
                    current = []
                elif kind == "inline":
                    current.append(_inline_text(tokens[j]))
                elif kind == "tr_close":
                    if in_head:
                        header = current
                    else:
                        rows.append(tuple(current))
                j += 1
            yield Table(
                headings=tuple(title for _, title in stack),
                levels=tuple(level for level, _ in stack),
                header=tuple(header),
                rows=tuple(rows),
                preceding_text=preceding,
                line=line,
            )
            preceding = ""
            i = j + 1
            continue
        i += 1


def merge_group_header(table: Table, first_column: str) -> Table:
    """Fold a two-row header into one when the real header is the first body row.

    HTML-to-Markdown converters flatten ``<th colspan>`` groups into a first row like
    ``| | Short context | | | Long context | | |`` followed by ``| Model | Input | ...``.
    The group label is carried right over empty cells and prefixed: "Short context Input".
    Tables that do not look like that are returned unchanged.
    """
    if not table.rows or cell_key(table.rows[0][0]) != cell_key(first_column):
        return table
    if table.header and table.header[0].strip():
        return table
    groups: list[str] = []
    label = ""
    for cell in table.header:
        label = cell.strip() or label
        groups.append(label)
    merged = tuple(
        f"{groups[index]} {cell}".strip() if index < len(groups) and index > 0 else cell
        for index, cell in enumerate(table.rows[0])
    )
    return Table(
        headings=table.headings,
        levels=table.levels,
        header=merged,
        rows=table.rows[1:],
        preceding_text=table.preceding_text,
        line=table.line,
    )


def is_not_a_price(cell: str) -> bool:
    """True for cells such as "-", "N/A" or "Not available": no price is offered."""
    return cell_key(cell) in _NOT_A_PRICE


def parse_price_cell(cell: str) -> Decimal | None:
    """A "$5 / MTok"-style cell as USD per million tokens; None when it says there is no price.

    "Free" is zero. Footnote marks are dropped first ("$0.25 / MTok1", "$2.00^*^"). Anything
    else that is not a non-negative amount per million tokens raises PriceCellError, so a
    layout change shows up as a row error, never as a zero.
    """
    cell = _UNIT_FOOTNOTE_RE.sub("", strip_footnote_marks(cell))
    key = cell_key(cell)
    if key in _NOT_A_PRICE:
        return None
    if key in _FREE:
        return Decimal(0)
    match = _PRICE_RE.match(" ".join(cell.split()))
    if match is None:
        raise PriceCellError(f"not a price: {cell!r}")
    unit = match.group("unit")
    if unit is not None and cell_key(unit) not in _PER_MTOK_UNITS:
        raise PriceCellError(f"unexpected unit {unit.strip()!r} in {cell!r} (expected per million tokens)")
    if match.group("sign") or match.group("sign2"):
        raise PriceCellError(f"negative price: {cell!r}")
    try:
        return decimal_from_text(match.group("amount"))
    except ValueError as error:
        raise PriceCellError(f"not a price: {cell!r} ({error})") from None
