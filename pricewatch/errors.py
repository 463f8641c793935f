"""The error tree of pricewatch.

Every error here is meant to be read by a user: the CLI prints ``Error: <str(exc)>`` as
one line and exits with the error's ``exit_code``. Library code raises these and never
imports click.

    PricewatchError
      SourceError            .source is set by the refresh loop
        FetchError           wraps httpx.HTTPError; keeps url and status
        SourceLayoutError    the body no longer looks as parse() expects
        RecordInvalid        pydantic said no; carries the rendered errors
      UnknownSourceError
      UnknownModelError
      StoreError
      LockBusyError          another writer holds the lock and we were told not to wait
      ReplayError            a replay manifest we cannot use
      ClaimError             a claim we cannot parse or check
      BuildError             the site could not be built (the previous one is left as it was)
      ConfigError            a configuration file or option we cannot use (schedule.toml, --source)
      RefreshCancelledError  a refresh stopped on request (the scheduler got SIGTERM); its run is abandoned
"""

from __future__ import annotations

__all__ = [
    "EXIT_BUSY",
    "EXIT_CANNOT_CHECK",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_OTHER",
    "EXIT_USAGE",
    "BuildError",
    "ClaimError",
    "ConfigError",
    "FetchError",
    "LockBusyError",
    "PricewatchError",
    "RecordInvalid",
    "RefreshCancelledError",
    "ReplayError",
    "SourceError",
    "SourceLayoutError",
    "StoreError",
    "UnknownModelError",
    "UnknownSourceError",
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


class SourceLayoutError(SourceError):
    """The body no longer looks as the parser expects: the page layout may have changed."""

    def __init__(self, message: str, *, url: str | None = None, source: str | None = None) -> None:
        super().__init__(message, source=source)
        self.url = url

    def __str__(self) -> str:
        text = super().__str__()
        if self.url and self.url not in text:
            text = f"{text} at {self.url}"
        return f"{text}; the page layout may have changed"


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


class BuildError(PricewatchError):
    """The site could not be built; the message says why, and the previous site is left as it was."""


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
