"""The store's one time format: UTC ISO 8601 text to the second, ``YYYY-MM-DDTHH:MM:SSZ``.

Times of one format compare as text, which the schema's indexes and views rely on.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["TIME_FORMAT", "format_time", "now_text", "parse_time"]

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def format_time(moment: datetime) -> str:
    """UTC ISO 8601 text with a Z, to the second: the one time format of the store."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware UTC time")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """The inverse of format_time; also accepts a bare date (midnight UTC)."""
    if len(text) == 10:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def now_text() -> str:
    """The current time in the store's format."""
    return format_time(datetime.now(UTC))
