"""Reading the project's CSV data files (curated prices, corrections) into validated rows.

One reader so every file reports the same way: a header with missing or unknown columns is
one error, every other problem names its line, and all of them are collected before the
caller raises.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from pricewatch.errors import DataFileError
from pricewatch.scraper.records import render_validation_error

__all__ = ["read_validated_rows"]

RowT = TypeVar("RowT", bound=BaseModel)


def read_validated_rows(
    path: Path, columns: Sequence[str], row_type: type[RowT], error_type: type[DataFileError]
) -> tuple[list[RowT], list[str]]:
    """Every row of ``path`` validated as ``row_type`` (given its ``line``), and the problems found.

    Raises ``error_type`` at once when the file cannot be read or its header is wrong.
    """
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise error_type(path, [f"cannot read the file ({error.strerror})"]) from None
    problems: list[str] = []
    rows: list[RowT] = []
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        if missing or extra:
            detail = "; ".join(
                part
                for part in (
                    f"missing column(s) {', '.join(missing)}" if missing else "",
                    f"unknown column(s) {', '.join(extra)}" if extra else "",
                )
                if part
            )
            raise error_type(path, [f"line 1: {detail}"])
        start = 2
        for raw in reader:
            line = start
            start = reader.line_num + 1
            if None in raw or any(value is None for value in raw.values()):
                problems.append(f"line {line}: expected {len(columns)} fields")
                continue
            try:
                rows.append(row_type.model_validate({"line": line, **raw}))
            except ValidationError as error:
                problems.extend(f"line {line}: {message}" for message in render_validation_error(error))
    return rows, problems
