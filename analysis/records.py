"""Frozen dataclasses with a checked JSON form, for claims, verdicts and reports (pure).

``Record`` is the base of the claim and verdict classes (``analysis.claims``, ``analysis.scan``):
frozen, slotted, keyword-only dataclasses whose ``__post_init__`` converts and checks every
field against its annotation (``Decimal`` from a number or decimal text, ``date`` from ISO
text, a nested record from its dict, a claim from its dict by ``kind``, literals, lists) and
the limits given with ``spec()`` (``ge``, ``gt``, ``le``, ``pattern``, ``min_length``).
Problems raise ``DataError``, a ``ValueError`` listing each problem with its place
("parts.0.price.input: Input should be a valid decimal").

The JSON form (``to_dict``, ``to_json``) has every field, in the order of definition, with
decimals as exact decimal text ("0.39", never "3.9E-1") and dates as ISO text; docs/claim.schema.json
describes it. ``from_dict`` reads it back and refuses unknown and missing fields.

It stays free of pydantic on purpose: `pricewatch check` imports it (docs/benchmarks.md).
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Union, get_args, get_origin

from pricewatch.errors import DataError, Loc

__all__ = ["Record", "kind_of", "record", "spec"]


_T = typing.TypeVar("_T")


def spec(
    *, default: Any = dataclasses.MISSING, factory: Callable[[], Any] | None = None, **limits: Any
) -> Any:
    """A field with limits: ge, gt, le (numbers), pattern (text), min_length (lists).

    ``default`` is keyword-only: type checkers read a field's default from that keyword alone.
    """
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=limits)
    return dataclasses.field(default=default, metadata=limits)


# Written out, not held in a variable (``record = dataclasses.dataclass(...)``): type checkers
# see the constructors of the decorated classes only through a decorated function.
@typing.dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(spec,))
def record(cls: type[_T]) -> type[_T]:
    """The decorator of every record class: a frozen, slotted, keyword-only dataclass."""
    return dataclasses.dataclass(frozen=True, slots=True, kw_only=True)(cls)


class Record:
    """Base of the record classes: conversion and checks on construction, and the JSON form."""

    __slots__ = ()
    if typing.TYPE_CHECKING:
        # What the record decorator adds; declared so dataclasses.fields/replace accept records.
        __dataclass_fields__: typing.ClassVar[dict[str, dataclasses.Field[Any]]]

    def __post_init__(self) -> None:
        errors: list[tuple[Loc, str]] = []
        for name, convert, limits in _plan(type(self)):
            value = getattr(self, name)
            try:
                new = convert(value)
                if limits and new is not None:
                    _check_limits(new, limits)
            except DataError as error:
                errors.extend(((name, *loc), message) for loc, message in error.errors)
                continue
            if new is not value:
                object.__setattr__(self, name, new)
        if errors:
            raise DataError(errors)

    @classmethod
    def from_dict(cls, data: Any) -> Any:
        """The record from its JSON (or TOML) form; DataError naming each problem otherwise."""
        if not isinstance(data, Mapping):
            raise DataError([((), "Input should be a valid dictionary or object")])
        names = _names(cls)
        errors: list[tuple[Loc, str]] = [
            ((key,), "Field required") for key in _required(cls) if key not in data
        ]
        errors.extend(((key,), "Extra inputs are not permitted") for key in data if key not in names)
        if errors:
            raise DataError(errors)
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every field, decimals as exact text, dates as ISO text."""
        return {name: _dump(getattr(self, name)) for name in _names(type(self))}

    def to_json(self, indent: int | None = None) -> str:
        """The JSON form as text (compact, or indented by ``indent``); non-ASCII kept as is."""
        separators = (",", ":") if indent is None else None
        return json.dumps(self.to_dict(), indent=indent, separators=separators, ensure_ascii=False)


def _dump(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return [_dump(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# ----------------------------------------------------------------------------- per-class plans

_PLANS: dict[type, list[tuple[str, Callable[[Any], Any], Mapping[str, Any]]]] = {}
_NAMES: dict[type, tuple[str, ...]] = {}
_REQUIRED: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _required(cls: type) -> tuple[str, ...]:
    required = _REQUIRED.get(cls)
    if required is None:
        required = _REQUIRED[cls] = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        )
    return required


def _plan(cls: type) -> list[tuple[str, Callable[[Any], Any], Mapping[str, Any]]]:
    """How to convert and check each field of ``cls``, worked out from its annotations once."""
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls, globalns=vars(sys.modules[cls.__module__]))
        plan = [(f.name, _converter(hints[f.name]), f.metadata) for f in dataclasses.fields(cls)]
        _PLANS[cls] = plan
    return plan


def _check_limits(value: Any, limits: Mapping[str, Any]) -> None:
    if "ge" in limits and not value >= limits["ge"]:
        raise DataError([((), f"Input should be greater than or equal to {limits['ge']}")])
    if "gt" in limits and not value > limits["gt"]:
        raise DataError([((), f"Input should be greater than {limits['gt']}")])
    if "le" in limits and not value <= limits["le"]:
        raise DataError([((), f"Input should be less than or equal to {limits['le']}")])
    if "pattern" in limits and not re.search(limits["pattern"], value):
        raise DataError([((), f"String should match pattern '{limits['pattern']}'")])
    if "min_length" in limits and len(value) < limits["min_length"]:
        raise DataError(
            [
                (
                    (),
                    f"List should have at least {limits['min_length']} item after validation, not {len(value)}",
                )
            ]
        )


# ----------------------------------------------------------------------------- converters


def _fail(message: str) -> DataError:
    return DataError([((), message)])


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise _fail("Decimal input should be an integer, float, string or Decimal object")
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise _fail("Input should be a valid decimal") from None
    else:
        raise _fail("Decimal input should be an integer, float, string or Decimal object")
    if not result.is_finite():
        raise _fail("Input should be a finite number")
    return result


def _to_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise _fail("Input should be a valid integer")


def _to_float(value: Any) -> float:
    if isinstance(value, float):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise _fail("Input should be a valid number")


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _fail("Input should be a valid string")


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _fail("Input should be a valid boolean")


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise _fail("Input should be a valid date")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _fail("Input should be a valid date in the format YYYY-MM-DD") from None
    raise _fail("Input should be a valid date")


def _identity(value: Any) -> Any:
    return value


_SCALARS: dict[Any, Callable[[Any], Any]] = {
    Decimal: _to_decimal,
    int: _to_int,
    float: _to_float,
    str: _to_str,
    bool: _to_bool,
    date: _to_date,
    Any: _identity,
}


def _converter(tp: Any) -> Callable[[Any], Any]:
    if tp in _SCALARS:
        return _SCALARS[tp]
    origin = get_origin(tp)
    if origin is Literal:
        return _literal(get_args(tp))
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        rest = tuple(a for a in args if a is not type(None))
        inner = _converter(rest[0]) if len(rest) == 1 else _tagged(rest)
        if len(rest) == len(args):
            return inner

        def optional(value: Any) -> Any:
            return None if value is None else inner(value)

        return optional
    if origin is list:
        (item_type,) = get_args(tp)
        return _list(_converter(item_type))
    if isinstance(tp, type) and issubclass(tp, Record):
        return _nested(tp)
    raise TypeError(f"no converter for {tp!r}")  # pragma: no cover - a programming error


def _literal(allowed: tuple[Any, ...]) -> Callable[[Any], Any]:
    names = [repr(a) for a in allowed]
    expected = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

    def convert(value: Any) -> Any:
        if isinstance(value, str) and value in allowed:
            return value
        raise _fail(f"Input should be {expected}")

    return convert


def _list(item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise _fail("Input should be a valid list")
        out: list[Any] = []
        errors: list[tuple[Loc, str]] = []
        changed = not isinstance(value, list)
        for index, element in enumerate(value):
            try:
                new = item(element)
            except DataError as error:
                errors.extend(((index, *loc), message) for loc, message in error.errors)
                continue
            changed = changed or new is not element
            out.append(new)
        if errors:
            raise DataError(errors)
        if isinstance(value, list) and not changed:
            return value
        return out

    return convert


def _nested(cls: type[Record]) -> Callable[[Any], Any]:
    coerce = getattr(cls, "coerce_input", None)

    def convert(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if coerce is not None:
            value = coerce(value)
        return cls.from_dict(value)

    return convert


def kind_of(cls: type[Record]) -> str:
    """The tag of a record class in a tagged union: the default of its ``kind`` field."""
    kind = next(f.default for f in dataclasses.fields(cls) if f.name == "kind")
    if not isinstance(kind, str):  # pragma: no cover - a programming error
        raise TypeError(f"{cls.__name__}.kind needs a text default, not {kind!r}")
    return kind


def _tagged(classes: tuple[Any, ...]) -> Callable[[Any], Any]:
    """A union of records told apart by their ``kind`` (the default of that field)."""
    tags: dict[str, type[Record]] = {}
    for cls in classes:
        if not (isinstance(cls, type) and issubclass(cls, Record)):  # pragma: no cover - a programming error
            raise TypeError(f"a union of records only, not {cls!r}")
        tags[kind_of(cls)] = cls
    expected = ", ".join(repr(t) for t in tags)

    def convert(value: Any) -> Any:
        if isinstance(value, classes):
            return value
        if not isinstance(value, Mapping):
            raise _fail("Input should be a valid dictionary or object")
        if "kind" not in value:
            raise _fail("Unable to extract tag using discriminator 'kind'")
        kind = value["kind"]
        cls = tags.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise _fail(
                f"Input tag {kind!r} found using 'kind' does not match any of the expected tags: {expected}"
            )
        try:
            return cls.from_dict(value)
        except DataError as error:
            raise error.at(kind) from None

    return convert
