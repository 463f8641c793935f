"""Shared helpers for the deepseek, mistral, moonshot and minimax sources: bodies, tables, amounts.

Pure functions only. Markdown goes through markdown-it-py (CommonMark plus GFM tables), so a
table is found by its heading and header row, never by a regex over the raw text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pricewatch.errors import SourceLayoutError
from pricewatch.money import decimal_from_text

__all__ = [
    "MarkdownCell",
    "MarkdownTable",
    "decode_body",
    "looks_like_html",
    "markdown_tables",
    "parse_amount",
]

_MARKDOWN = MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class MarkdownCell:
    """One table cell: its text (``<br>`` becomes a newline) and the text of its bold runs."""

    text: str
    strong: tuple[str, ...] = ()


@dataclass(frozen=True)
class MarkdownTable:
    """A GFM table with the text of the nearest heading above it ("" when that heading is empty)."""

    heading: str | None
    header: tuple[str, ...]
    rows: tuple[tuple[MarkdownCell, ...], ...]


def decode_body(body: bytes, url: str) -> str:
    """The body as text; a body that is not UTF-8 is a layout change, not a parse to attempt."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceLayoutError("the body is not UTF-8 text", url=url) from None


def looks_like_html(text: str) -> bool:
    """True when a body is an HTML document rather than markdown (doctype or <html> first)."""
    start = text.lstrip()[:200].lower()
    return start.startswith(("<!doctype html", "<html", "<?xml")) or "<head" in start


def _is_break(token: Token) -> bool:
    if token.type in ("softbreak", "hardbreak"):
        return True
    return token.type == "html_inline" and token.content.lower().startswith("<br")


def _cell(inline: Token) -> MarkdownCell:
    parts: list[str] = []
    strong: list[str] = []
    in_strong: list[str] | None = None
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
            if in_strong is not None:
                in_strong.append(child.content)
        elif _is_break(child):
            parts.append("\n")
        elif child.type == "strong_open":
            in_strong = []
        elif child.type == "strong_close" and in_strong is not None:
            strong.append("".join(in_strong).strip())
            in_strong = None
    text = "\n".join(line.strip() for line in "".join(parts).split("\n")).strip()
    return MarkdownCell(text=text, strong=tuple(strong))


def markdown_tables(text: str) -> list[MarkdownTable]:
    """Every table of a markdown document, in order, each with the heading it sits under."""
    tokens = _MARKDOWN.parse(text)
    tables: list[MarkdownTable] = []
    heading: str | None = None
    header: list[str] = []
    rows: list[tuple[MarkdownCell, ...]] = []
    row: list[MarkdownCell] = []
    in_heading = False
    in_table = False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
            heading = ""
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and in_heading:
            heading = token.content.strip()
        elif token.type == "table_open":
            in_table, header, rows = True, [], []
        elif token.type == "table_close":
            in_table = False
            tables.append(MarkdownTable(heading=heading, header=tuple(header), rows=tuple(rows)))
        elif in_table and token.type == "tr_open":
            row = []
        elif in_table and token.type == "inline":
            row.append(_cell(token))
        elif in_table and token.type == "tr_close":
            if not header:
                header = [" ".join(cell.text.split()) for cell in row]
            else:
                rows.append(tuple(row))
    return tables


def parse_amount(text: str, *, symbols: tuple[str, ...] = ("$",)) -> Decimal:
    """A non-negative Decimal from a price cell such as "$0.28" or "￥4.00"; ValueError otherwise.

    Exactly one of ``symbols`` must lead the number (a cell in another currency or unit is
    an error, never a guess); thousands separators are allowed.
    """
    value = text.strip()
    for symbol in symbols:
        if value.startswith(symbol):
            value = value[len(symbol) :].strip()
            break
    else:
        raise ValueError(f"expected a price starting with {' or '.join(symbols)}: {text!r}")
    amount = decimal_from_text(value)
    if amount < 0:
        raise ValueError(f"negative price: {text!r}")
    return amount
