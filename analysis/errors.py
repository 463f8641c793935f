"""Errors the analysis raises; each message is a sentence a user can act on.

PricewatchError (pricewatch.errors)
  AnalysisError
    ImpossibleWorkloadError   a usage profile that cannot happen (also a ValueError)
    MissingPriceError         a price the computation needs is not known (also a LookupError)
    UnknownPeerGroupError     a peer group id that data/peer_groups.toml does not declare
"""

from __future__ import annotations

from pricewatch.errors import EXIT_USAGE, PricewatchError

__all__ = ["AnalysisError", "ImpossibleWorkloadError", "MissingPriceError", "UnknownPeerGroupError"]


class AnalysisError(PricewatchError):
    """Base of the analysis errors; the CLI prints it as one `Error: ...` line."""


class ImpossibleWorkloadError(AnalysisError, ValueError):
    """A workload profile that cannot happen, e.g. more cache reads than input tokens."""

    exit_code = EXIT_USAGE


class MissingPriceError(AnalysisError, LookupError):
    """A price the computation needs is not known (names the model, provider, field and time)."""


class UnknownPeerGroupError(AnalysisError, KeyError):
    """A peer group id that is not declared; lists the known ones."""

    exit_code = EXIT_USAGE

    def __init__(self, group_id: str, known: list[str] | None = None) -> None:
        hint = f" (known: {', '.join(known)})" if known else ""
        super().__init__(f"Unknown peer group: {group_id}{hint}")
        self.group_id = group_id

    def __str__(self) -> str:
        # KeyError's str() would quote the message; read it as a sentence instead.
        return str(self.args[0])
