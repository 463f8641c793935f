"""A small reader for JavaScript/TypeScript literals: the data in docs sources that are code.

Used by mistral (model files: ``export default { ... }``) and moonshot (an MDX page's
``<DocTable columns={[...]} rows={[...]} />`` component call). It reads the subset these
files use: object and array literals, single/double/back-quoted strings without ``${}``,
numbers, true/false/null/undefined, comments, trailing commas, and JSX fragments
``<>{"$"}0.30</>`` (read as their text, "$0.30"). Anything else in value position (arrow
functions, identifiers, calls) is skipped up to the next ``,`` at the same depth and read as
``OPAQUE``; a price that is ``OPAQUE`` is the caller's row error, never a number.

Pure: text in, values out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pricewatch.money import decimal_from_text

__all__ = ["OPAQUE", "Reader", "Token", "read_component_props", "read_default_export", "tokenize"]


class _Opaque:
    """A value the reader skipped (a function, an identifier, a template with ${})."""

    def __repr__(self) -> str:
        return "OPAQUE"


OPAQUE = _Opaque()


@dataclass(frozen=True)
class Token:
    kind: str  # "str", "num", "name", "punct"
    value: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """Tokens of the subset read here; strings are unescaped, comments dropped."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif ch in "'\"`":
            j, out = i + 1, []
            while j < n and text[j] != ch:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                    out.append({"n": "\n", "t": "\t"}.get(text[j], text[j]))
                else:
                    out.append(text[j])
                j += 1
            value = "".join(out)
            # A template with a substitution is not a literal value.
            kind = "opaque" if ch == "`" and "${" in value else "str"
            tokens.append(Token(kind, value, i))
            i = j + 1
        elif ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            j = i
            while j < n and (
                text[j].isalnum() or text[j] in "._" or (text[j] in "+-" and text[j - 1] in "eE")
            ):
                j += 1
            tokens.append(Token("num", text[i:j].replace("_", ""), i))
            i = j
        elif ch.isalpha() or ch in "_$":
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_$"):
                j += 1
            tokens.append(Token("name", text[i:j], i))
            i = j
        else:
            if text.startswith("=>", i) or text.startswith("...", i):
                width = 2 if text.startswith("=>", i) else 3
            else:
                width = 1
            tokens.append(Token("punct", text[i : i + width], i))
            i += width
    return tokens


_CLOSERS = {"{": "}", "[": "]", "(": ")"}
_KEYWORDS: dict[str, Any] = {"true": True, "false": False, "null": None, "undefined": None}
# Punctuation that is plain text inside a JSX fragment ("1,000.50", "50%").
_TEXT_PUNCT = frozenset({",", ".", "%", ":", "-", "+"})


class Reader:
    """A cursor over tokens that reads one literal value at a time."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def is_punct(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "punct" and token.value == value

    def expect(self, value: str) -> None:
        if not self.is_punct(value):
            token = self.peek()
            raise ValueError(f"expected {value!r} at {token.pos if token else 'end'}")
        self.i += 1

    def skip_expression(self) -> None:
        """Skip tokens up to the next , } ] or ) at depth 0."""
        depth: list[str] = []
        while (token := self.peek()) is not None:
            if token.kind == "punct":
                if token.value in _CLOSERS:
                    depth.append(_CLOSERS[token.value])
                elif depth and token.value == depth[-1]:
                    depth.pop()
                elif not depth and token.value in ",}])":
                    return
            self.i += 1
        raise ValueError("unexpected end of input")

    def value(self) -> Any:
        token = self.peek()
        if token is None:
            raise ValueError("unexpected end of input")
        start = self.i
        result: Any = OPAQUE
        if token.kind == "punct" and token.value == "{":
            result = self.object()
        elif token.kind == "punct" and token.value == "[":
            result = self.array()
        elif token.kind == "str":
            self.i += 1
            result = token.value
        elif token.kind == "num":
            self.i += 1
            result = decimal_from_text(token.value)
        elif token.kind == "punct" and token.value == "-":
            following = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
            if following is not None and following.kind == "num":
                self.i += 2
                result = -decimal_from_text(following.value)
        elif token.kind == "name" and token.value in _KEYWORDS:
            self.i += 1
            result = _KEYWORDS[token.value]
        elif token.kind == "punct" and token.value == "<" and self.next_is(">"):
            result = self.fragment()
        if self.i == start:
            self.skip_expression()  # not a literal: a function, an identifier, a call
            return OPAQUE
        following = self.peek()
        if following is None or self.is_punct(",") or self.at_close():
            return result
        # A literal followed by more: `x as const` is still x, `a + b` is not a.
        self.skip_expression()
        return result if following.kind == "name" and following.value in ("as", "satisfies") else OPAQUE

    def fragment(self) -> Any:
        """A JSX fragment ``<>{"$"}0.30</>`` as its text ("$0.30"); OPAQUE when it holds markup."""
        self.expect("<")
        self.expect(">")
        pieces: list[str] = []
        bare = False  # the last piece was JSX text (a word or number), not a string expression
        opaque = False
        while (token := self.peek()) is not None:
            if token.kind == "punct" and token.value == "<" and self.next_is("/", ">"):
                self.i += 3
                return OPAQUE if opaque else "".join(pieces)
            if token.kind == "str":
                pieces.append(token.value)
                bare = False
            elif token.kind in ("num", "name"):
                pieces.append((" " if bare else "") + token.value)
                bare = True
            elif token.kind == "punct" and token.value in _TEXT_PUNCT:
                pieces.append(token.value)
                bare = False
            elif not (token.kind == "punct" and token.value in "{}"):
                opaque = True  # an element or an expression that is not a string
            self.i += 1
        raise ValueError("unterminated JSX fragment")

    def at_close(self) -> bool:
        return self.is_punct("}") or self.is_punct("]") or self.is_punct(")")

    def object(self) -> dict[str, Any]:
        self.expect("{")
        result: dict[str, Any] = {}
        while not self.is_punct("}"):
            key = self.peek()
            if key is None:
                raise ValueError("unterminated object")
            if key.kind in ("name", "str", "num") and self.next_is(":"):
                self.i += 2
                result[key.value] = self.value()
            else:
                self.skip_expression()  # spread, shorthand or method: not data we read
            if not self.is_punct("}"):
                self.expect(",")
        self.expect("}")
        return result

    def array(self) -> list[Any]:
        self.expect("[")
        result: list[Any] = []
        while not self.is_punct("]"):
            result.append(self.value())
            if not self.is_punct("]"):
                self.expect(",")
        self.expect("]")
        return result

    def next_is(self, *values: str) -> bool:
        """True when the tokens after the current one are the punctuation ``values``, in order."""
        for offset, value in enumerate(values, start=1):
            token = self.tokens[self.i + offset] if self.i + offset < len(self.tokens) else None
            if token is None or token.kind != "punct" or token.value != value:
                return False
        return True


def read_default_export(text: str) -> dict[str, Any]:
    """The object literal after ``export default`` as dicts, lists, str, Decimal, bool, None.

    Raises ValueError when there is no such object or it is not well formed.
    """
    tokens = tokenize(text)
    for index in range(len(tokens) - 2):
        a, b, c = tokens[index : index + 3]
        if (a.value, b.value, c.value) == ("export", "default", "{") and a.kind == b.kind == "name":
            reader = Reader(tokens)
            reader.i = index + 2
            return reader.object()
    raise ValueError("no `export default { ... }` object")


def read_component_props(text: str, component: str) -> list[dict[str, Any]]:
    """The props of every ``<Component ... />`` call that starts a line of ``text``, in order.

    ``<DocTable columns={[...]} rows={[...]} />`` gives ``{"columns": [...], "rows": [...]}``;
    a prop written as a string (``title="x"``) is that string. The component's definition
    (``export const DocTable = ...``) is code, not a call, and is never read. Raises
    ValueError when a call is not well formed (a prop without a value, no closing ``/>``).
    """
    calls = []
    for match in re.finditer(rf"^[ \t]*<{re.escape(component)}\b", text, re.MULTILINE):
        reader = Reader(tokenize(text[match.end() :]))
        props: dict[str, Any] = {}
        while True:
            token = reader.peek()
            if token is None:
                raise ValueError(f"<{component}> at {match.start()} has no closing />")
            if token.kind == "punct" and token.value == "/" and reader.next_is(">"):
                break
            if token.kind != "name" or not reader.next_is("="):
                raise ValueError(f"<{component}>: expected a prop at {match.end() + token.pos}")
            reader.i += 2
            value = reader.peek()
            if value is not None and value.kind == "str":
                reader.i += 1
                props[token.value] = value.value
            else:
                reader.expect("{")
                props[token.value] = reader.value()
                reader.expect("}")
        calls.append(props)
    return calls
