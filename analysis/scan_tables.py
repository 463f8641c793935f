"""What a table row of an article says beyond its model and prices (pure).

A row's host: a column headed "Provider", "Host", "Via" or "Platform", or any cell that reads
"via HOST" ("| Kimi K2.5 | $0.45 | $2.25 | via DeepInfra |"), binds that row's prices to HOST,
not to the cheapest host or the maker; a row names at most one host.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pricewatch.analysis.claim_grammar import provider_candidates

__all__ = ["row_provider"]

_PROVIDER_HEADER = re.compile(
    r"(?i)^\s*(?:provider|host|hosted\s+(?:by|on)|via|platform|served\s+by|api|where)\s*$"
)
_VIA_CELL = re.compile(r"(?i)^\s*(?:via|on|at|through|from)\s+(?P<host>\S.*?)\s*$")


def _lookup(phrase: str, resolve_provider: Callable[[str], str | None]) -> str | None:
    for candidate in provider_candidates(phrase):
        found = resolve_provider(candidate)
        if found is not None:
            return found
    return None


def row_provider(
    header: Sequence[str], cells: Sequence[str], resolve_provider: Callable[[str], str | None]
) -> str | None:
    """The host a table row names: its provider column, or a "via HOST" cell; None when it names none.

    Raises ValueError when the row names a host the catalog does not know, or two hosts.
    """
    named: list[str] = []
    for index, cell in enumerate(cells):
        head = header[index] if index < len(header) else ""
        via = _VIA_CELL.match(cell)
        if via is not None:
            phrase = via.group("host")
        elif _PROVIDER_HEADER.match(head) and cell.strip() and "$" not in cell:
            phrase = cell
        else:
            continue
        host = _lookup(phrase, resolve_provider)
        if host is None:
            if via is None or _PROVIDER_HEADER.match(head):
                raise ValueError(
                    f"a table row whose host {phrase.strip()!r} is not a provider in the catalog"
                )
            continue  # "on demand", "from 2025": not a host
        named.append(host)
    hosts = list(dict.fromkeys(named))
    if len(hosts) > 1:
        raise ValueError(f"a table row that names two hosts ({', '.join(hosts)})")
    return hosts[0] if hosts else None
