"""The date an article states for itself, and the dates of the periods claims name (pure).

``article_date(text)`` reads a dateline near the top of an article: a line (or the start of
one) that is a date, optionally after "Published", "Updated", "Posted", "Date", "Last
updated" or a byline ("By Jane Doe · March 2, 2026"). A date merely mentioned inside a claim
("prices fell 10x since March 2, 2024") is never the article's date: a dateline is a line of
its own, or a lead word followed by the date, and only the first ``DATELINE_LINES`` non-empty
lines are read. "Updated" wins over "Published" (the text was last stated then).

``period_bound(words, side)`` turns the words of a period ("early 2024", "March 2025",
"2023") into a day: the start or the end of what they name.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = ["DATELINE_LINES", "ArticleDate", "article_date", "parse_day", "period_bound"]

#: How many non-empty lines from the top a dateline may be on.
DATELINE_LINES = 6

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY_TEXT = (
    rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}})"
)
_LEAD = r"(?P<lead>last\s+updated|updated|published|posted|date|dated|written)\s*(?:on\s+)?:?\s*"
_BYLINE = r"by\s+[^|·•\n,]{1,60}?\s*[|·•,-]\s*"
_DATELINE = re.compile(
    rf"(?i)^\s*[*_]*(?:{_LEAD}|{_BYLINE})?(?:{_DAY_TEXT})[*_]*\s*(?P<rest>.*)$",
)


@dataclass(frozen=True)
class ArticleDate:
    """An article's date, and where it was read (for the report)."""

    day: date
    line: int  # 1-based
    words: str  # the dateline as written


def _month(word: str) -> int:
    word = word.lower().rstrip(".")
    for name, number in _MONTHS.items():
        if name.startswith(word[:3]):
            return number
    raise ValueError(word)


def _day_of(found: re.Match[str]) -> date | None:
    try:
        if found.group("iso"):
            return date.fromisoformat(found.group("iso"))
        if found.group("m1"):
            return date(int(found.group("y1")), _month(found.group("m1")), int(found.group("d1")))
        return date(int(found.group("y2")), _month(found.group("m2")), int(found.group("d2")))
    except ValueError:
        return None


def parse_day(text: str) -> date | None:
    """A day written "2026-03-02", "March 2, 2026", "Mar 2 2026" or "2 March 2026"; None otherwise."""
    found = re.fullmatch(rf"(?i)\s*(?:{_DAY_TEXT})\s*", text)
    return _day_of(found) if found else None


def article_date(text: str) -> ArticleDate | None:
    """The date an article states in a dateline near its top ("Updated" before "Published"); None when none."""
    seen = 0
    found: list[tuple[bool, ArticleDate]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen += 1
        if seen > DATELINE_LINES:
            break
        match = _DATELINE.match(line)
        if match is None:
            continue
        rest = match.group("rest")
        # A dateline is the date and little else: a date opening a sentence of a claim is not one.
        if not match.group("lead") and len(rest.split()) > 4:
            continue
        if match.group("lead") and len(rest.split()) > 8:
            continue
        day = _day_of(match)
        if day is None:
            continue
        is_update = bool(match.group("lead")) and "updated" in match.group("lead").lower()
        found.append((is_update, ArticleDate(day=day, line=number, words=line.strip().strip("*_"))))
    if not found:
        return None
    updated = [d for u, d in found if u]
    return updated[0] if updated else found[0][1]


#: The day "early", "mid" and "late" in a year stand for (on either side of a period): one day
#: each, so "early 2024 to early 2026" is two years (the registry's convention, issue 6).
_PART_DAYS = {"early": (2, 1), "mid": (7, 1), "late": (11, 1)}
_PERIOD = re.compile(
    rf"(?i)^\s*(?:(?P<part>early|mid|late)[- ]\s*|(?P<month>{_MONTH})\s+)?(?P<year>(?:19|20)\d\d)\s*$"
)


def period_bound(words: str, side: Literal["start", "end"]) -> date | None:
    """The first (``side`` "start") or last day of the period some words name; None if not a period.

    "2023" runs 2023-01-01 to 2023-12-31 and "March 2025" is that month; "early 2024",
    "mid 2024" and "late 2024" are one day each (February 1, July 1, November 1) on either
    side. A full day ("2026-02-01", "March 2, 2026") is itself. A caller clamps an end
    after the article's date (or the check's) to that date.
    """
    day = parse_day(words)
    if day is not None:
        return day
    found = _PERIOD.match(words)
    if found is None:
        return None
    year = int(found.group("year"))
    if found.group("month"):
        month = _month(found.group("month"))
        return date(year, month, 1 if side == "start" else monthrange(year, month)[1])
    part = (found.group("part") or "").lower()
    if part:
        return date(year, *_PART_DAYS[part])
    return date(year, 1, 1) if side == "start" else date(year, 12, 31)
