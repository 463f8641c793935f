"""The error tree of pricewatch.

Every error here is meant to be read by a user: the CLI prints ``Error: <str(exc)>`` as
one line and exits with the error's ``exit_code``. Library code raises these and never
imports click.

    PricewatchError
      SourceError            .source is set by the refresh loop
        FetchError           wraps httpx.HTTPError; keeps url and status
          UnsafeURLError     a link or redirect off the source's own host (never fetched)
          DeadlineError      a request or a whole source ran past its overall deadline
        SourceLayoutError    the body no longer looks as parse() expects
        RecordInvalid        pydantic said no; carries the rendered errors
      PriceCellError         a table cell that should hold a price and does not (also a ValueError)
      UnknownSourceError
      UnknownModelError
      StoreError
        QueryError           SQL that SQLite rejected (or that tried to write, or ran past --timeout)
        NoDatabaseError      a command that reads a database was pointed at a path where none is
        ForeignDatabaseError an SQLite file that is not a pricewatch database (refused, never migrated)
        DamagedDatabaseError PRAGMA quick_check found damage; nothing is written or published
      UnknownValueError      a filter value (provider, tier...) that matches nothing known; suggests close ones
      MachineError           the machine said no: a port in use, a permission, a full disk (one line)
      LockBusyError          another writer holds the lock and we were told not to wait
      ReplayError            a replay manifest we cannot use
        NormaliseError       normalising would change what a body says
      ClaimError             a claim we cannot parse or check
        UnparseableClaimError  a sentence in none of the forms `check` reads
        ClaimTooLongError    a claim or article over the size `check`/`scan` read (refused, not read)
      BuildError             the site could not be built (the previous one is left as it was)
        SectionUnavailable   one section of the site cannot be shown yet; the page says why
      ConfigError            a configuration file or option we cannot use (schedule.toml, --source)
      RefreshCancelledError  a refresh stopped on request (the scheduler got SIGTERM); its run is abandoned
      DataFileError          a shipped or user data file with problems, each naming its line
        CuratedDataError     data/curated_prices.csv
        FxDataError          data/fx_rates.csv
        ScoreDataError       the catalog's capability scores and model versions
        UsageLogError        a usage log `reprice` cannot read as a whole
      DataError              a record's data with problems, each with its place (also a ValueError)
      GitError               a repository or path that git cannot read as asked
      BackfillError          a backfill that cannot start
      AnalysisError
        ImpossibleWorkloadError   a usage profile that cannot happen (also a ValueError)
        MissingPriceError         a price the computation needs is not known (also a LookupError)
          NoPriceThenError        no price of the model at that time; names the nearest dates known
          NotSoldByMakerError     no maker sells the model (then); names the hosts that do
        UnknownPeerGroupError     a peer group id that data/peer_groups.toml does not declare

This module is the only place an error class of pricewatch is defined (a test checks it), as
httpx keeps its whole tree in ``httpx/_exceptions.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "EXIT_BUSY",
    "EXIT_CANNOT_CHECK",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_OTHER",
    "EXIT_USAGE",
    "LAYOUT_CHANGED",
    "AnalysisError",
    "BackfillError",
    "BuildError",
    "ClaimError",
    "ClaimTooLongError",
    "ConfigError",
    "CuratedDataError",
    "DamagedDatabaseError",
    "DataError",
    "DataFileError",
    "DeadlineError",
    "ExpressionError",
    "FetchError",
    "ForeignDatabaseError",
    "FxDataError",
    "GitError",
    "ImpossibleWorkloadError",
    "LockBusyError",
    "MachineError",
    "MissingPriceError",
    "NoDatabaseError",
    "NormaliseError",
    "PriceCellError",
    "PricewatchError",
    "QueryError",
    "RecordInvalid",
    "RefreshCancelledError",
    "ReplayError",
    "ScoreDataError",
    "SectionUnavailable",
    "ShippedHistoryError",
    "SourceError",
    "SourceLayoutError",
    "StoreError",
    "UnknownModelError",
    "UnknownPeerGroupError",
    "UnknownSourceError",
    "UnknownValueError",
    "UnparseableClaimError",
    "UnsafeURLError",
]

# One exit-code table for every command (README and each --help).
EXIT_OK = 0  # ok; a claim that holds
EXIT_FAILED = 1  # a refresh partial or failed; a claim off or stale; a status check failed
EXIT_USAGE = 2  # usage error, or input that cannot be parsed
EXIT_CANNOT_CHECK = 3  # a claim that cannot be checked
EXIT_OTHER = 4  # any other error
EXIT_BUSY = 5  # the writer lock is busy and --no-wait was given


class PricewatchError(Exception):
    """Base of every error pricewatch raises on purpose; its text is shown to the user."""

    exit_code = EXIT_OTHER


class SourceError(PricewatchError):
    """A source could not deliver prices; ``source`` names it once the refresh loop knows."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        if self.source and not self.message.startswith(f"{self.source}:"):
            return f"{self.source}: {self.message}"
        return self.message


class FetchError(SourceError):
    """A request failed after its retries (network error, HTTP status, body too large)."""

    def __init__(
        self, message: str, *, url: str, status: int | None = None, source: str | None = None
    ) -> None:
        super().__init__(message, source=source)
        self.url = url
        self.status = status


class UnsafeURLError(FetchError):
    """A follow-up link or a redirect that leaves the source's own host, is not https, or names
    a private or loopback address: refused before any request is sent (no SSRF)."""


class DeadlineError(FetchError):
    """A request (or a whole source) ran past its overall deadline: a server trickling bytes
    (slow-loris) cannot hold a refresh; the per-read timeout alone never fires there."""


# How every layout-drift message ends (SourceLayoutError, and a run that found no prices).
LAYOUT_CHANGED = "the page layout may have changed"


class SourceLayoutError(SourceError):
    """The body no longer looks as the parser expects: the page layout may have changed."""

    def __init__(self, message: str, *, url: str | None = None, source: str | None = None) -> None:
        super().__init__(message, source=source)
        self.url = url

    def __str__(self) -> str:
        text = super().__str__()
        if self.url and self.url not in text:
            text = f"{text} at {self.url}"
        return f"{text}; {LAYOUT_CHANGED}"


class RecordInvalid(SourceError):
    """A parsed record failed validation; ``errors`` holds one ``loc: msg`` per problem."""

    def __init__(self, errors: list[str], *, source: str | None = None) -> None:
        super().__init__("invalid record: " + "; ".join(errors), source=source)
        self.errors = errors


class UnknownSourceError(PricewatchError):
    """A source name that is not registered."""

    exit_code = EXIT_USAGE

    def __init__(self, name: str, known: list[str] | None = None) -> None:
        hint = f" (known: {', '.join(known)})" if known else ""
        super().__init__(f"Unknown source: {name}{hint}")
        self.name = name


class UnknownModelError(PricewatchError):
    """A model name the catalog does not know; carries close matches for 'did you mean'."""

    exit_code = EXIT_USAGE

    def __init__(self, name: str, suggestions: list[str] | None = None) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown model: {name}{hint}")
        self.name = name
        self.suggestions = suggestions or []


class StoreError(PricewatchError):
    """The database could not be read or written as asked."""


class NoDatabaseError(StoreError):
    """A command that reads an existing database was given a path where there is none (none is created)."""

    exit_code = EXIT_USAGE

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"no database at {path}; run `pricewatch demo` or `refresh` first")
        self.path = str(path)


class ForeignDatabaseError(StoreError):
    """An SQLite file with tables but none of pricewatch's: refused, never migrated."""

    exit_code = EXIT_USAGE

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            f"{path} is an SQLite database but not a pricewatch one (none of its tables); "
            "nothing was changed: pass --db with a pricewatch database or a new path"
        )
        self.path = str(path)


class DamagedDatabaseError(StoreError):
    """``PRAGMA quick_check`` found damage: nothing is written to it or published from it."""

    def __init__(self, path: Path | str, problems: Sequence[str]) -> None:
        first = problems[0] if problems else "unknown damage"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"the database at {path} is damaged (quick_check: {first}{more}); nothing was written or "
            "published: restore it from a snapshot (`pricewatch rebuild`) or a copy"
        )
        self.path = str(path)
        self.problems = list(problems)


class UnknownValueError(PricewatchError):
    """A filter value (provider, tier, ...) that matches nothing known; names close ones, else the known ones."""

    exit_code = EXIT_USAGE

    def __init__(self, what: str, value: str, suggestions: Sequence[str], known: Sequence[str] = ()) -> None:
        if suggestions:
            hint = f"; did you mean {', '.join(suggestions)}?"
        elif known:
            shown = ", ".join(list(known)[:12])
            hint = f" (known: {shown}{', ...' if len(known) > 12 else ''})"
        else:
            hint = ""
        super().__init__(f"Unknown {what}: {value}{hint}")
        self.what = what
        self.value = value
        self.suggestions = list(suggestions)


class MachineError(PricewatchError):
    """The machine refused: a port in use, a permission, a full disk. One line; nothing half-written is kept."""


class LockBusyError(PricewatchError):
    """Another command holds the writer lock and --no-wait was given."""

    exit_code = EXIT_BUSY

    def __init__(self, lock_path: str) -> None:
        super().__init__(f"another pricewatch command is writing (lock {lock_path} is held)")
        self.lock_path = lock_path


class ReplayError(PricewatchError):
    """A replay directory or manifest that cannot be used."""

    exit_code = EXIT_USAGE


class ClaimError(PricewatchError):
    """A claim we cannot parse or check."""

    exit_code = EXIT_USAGE


class RefusedClaimError(ClaimError):
    """A sentence read as a claim and refused with the reason: no price can make it true (a
    negative price, a fall of 100% a year) or its figures say nothing (a period of 0 years)."""


class BuildError(PricewatchError):
    """The site could not be built; the message says why, and the previous site is left as it was."""


class SectionUnavailable(BuildError):
    """A section of the site cannot be shown yet; the message says why (e.g. its data file is not there)."""


class PriceCellError(PricewatchError, ValueError):
    """A cell that should hold a price but holds something we cannot read as one."""


class ConfigError(PricewatchError):
    """A configuration file or option that cannot be used; the message names the file and the entry."""

    exit_code = EXIT_USAGE


class RefreshCancelledError(PricewatchError):
    """A refresh stopped on request before it finished; its run is recorded as abandoned."""

    exit_code = EXIT_FAILED

    def __init__(
        self, message: str = "the refresh was stopped before it finished; its run is abandoned"
    ) -> None:
        super().__init__(message)


class QueryError(StoreError):
    """SQL that SQLite rejected (or that tried to write)."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(f"query failed: {message}")


class NormaliseError(ReplayError):
    """Normalising would have changed what a body says; nothing was written."""


class UnparseableClaimError(ClaimError):
    """A sentence in none of the forms ``check`` understands; the message lists them."""

    def __init__(self, text: str, forms: Sequence[str], why: str = "") -> None:
        listed = "\n".join(f"  {form}" for form in forms)
        because = f" ({why})" if why else ""
        super().__init__(f"cannot read a claim in {text!r}{because}; the forms understood are:\n{listed}")
        self.text = text
        self.why = why


class ExpressionError(ClaimError, ValueError):
    """An arithmetic expression that is not numbers and + - * / with brackets (analysis/calculator.py)."""


class ClaimTooLongError(ClaimError):
    """Text longer than ``check`` or ``scan`` reads: refused at once, never matched (no regex blow-up)."""

    def __init__(self, what: str, size: int, limit: int) -> None:
        super().__init__(f"{what} is {size:,} characters long; the limit is {limit:,}: not read")
        self.size = size
        self.limit = limit


class DataFileError(PricewatchError):
    """A data file that cannot be loaded as it is: each problem names its line (ten shown)."""

    exit_code = EXIT_USAGE

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        shown = "; ".join(problems[:10])
        more = f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
        super().__init__(f"{path}: {shown}{more}")
        self.problems = list(problems)


class CuratedDataError(DataFileError):
    """The curated prices file cannot be loaded as it is."""


class FxDataError(DataFileError):
    """The reference rates file cannot be loaded as it is."""


class ScoreDataError(DataFileError):
    """The catalog's capability scores cannot be used: a score uncited, or keyed to a version it does not know."""


Loc = tuple[str | int, ...]


class DataError(PricewatchError, ValueError):
    """One or more problems with the data of a record, each with its place (field names, indexes)."""

    exit_code = EXIT_USAGE

    def __init__(self, errors: list[tuple[Loc, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{_place(loc)}: {message}" for loc, message in errors))

    def at(self, *loc: str | int) -> DataError:
        """The same problems, placed under ``loc``."""
        return DataError([((*loc, *inner), message) for inner, message in self.errors])


def _place(loc: Loc) -> str:
    return ".".join(str(part) for part in loc) or "value"


class GitError(PricewatchError):
    """A repository or path that git cannot read as asked."""

    exit_code = EXIT_USAGE


class BackfillError(PricewatchError):
    """A backfill that cannot start: no such file in the repository, an unknown source..."""

    exit_code = EXIT_USAGE


class ShippedHistoryError(PricewatchError):
    """A shipped history (data/history) that cannot be loaded as it is, or not into this database."""

    exit_code = EXIT_USAGE


class AnalysisError(PricewatchError):
    """Base of the analysis errors; each message is a sentence a user can act on."""


class ImpossibleWorkloadError(AnalysisError, ValueError):
    """A workload profile that cannot happen, e.g. more cache reads than input tokens."""

    exit_code = EXIT_USAGE


class MissingPriceError(AnalysisError, LookupError):
    """A price the computation needs is not known (names the model, provider, field and time)."""


class NoPriceThenError(MissingPriceError):
    """No price of a model in force at the time asked; ``nearest`` are the dates known around it."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, nearest: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.nearest = list(nearest)


class NotSoldByMakerError(MissingPriceError):
    """A model its maker does not sell (then): ``hosts`` are the providers that do; name one."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hosts: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.hosts = list(hosts)


class UsageLogError(DataFileError):
    """A usage log `reprice` cannot read as a whole (an unknown format, no header, no timestamp column)."""


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
