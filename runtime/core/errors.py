"""Every error the runtime raises on purpose, grouped by pipeline phase.

Each error carries the Make error type it maps to (``make_type``) and the exit
code the CLI returns for it, so the CLI, the exporter and the tests agree on
one meaning. Messages are safe to show a user: they never contain a secret.

    ConnectorError                 base; exit code 1
    ├── DefinitionError            the YAML definitions are unusable; .issues holds all of them
    │   └── ExportError            sound for the runtime, but not translatable to Make
    ├── NotExportableError         one template has no IML form (collected into ExportError)
    ├── InputError                 user parameters don't fit a module (Make DataError); exit 2
    ├── RenderError                a template failed at run time
    ├── ApiError                   the API answered with an error; .status
    ├── TransportError             no usable answer (refused, timed out, dropped)
    │   └── OutcomeUnknownError    a write was sent but no answer came: never retried
    ├── PaginationError            a page was served twice, or the page cap was hit
    ├── MappingError               the response lacks what the module declares
    └── StateError                 trigger state unreadable or not writable
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where in the definition files something is: file, optional line, JSON path."""

    file: str
    json_path: str = "$"
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.json_path}"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in the definitions: location, what is wrong, a hint."""

    location: SourceLocation
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.location.file, self.location.line or 0, self.location.json_path, self.message)


def suggest(word: str, choices: Iterable[str], prefix: str = "") -> str | None:
    """A "did you mean" hint for a misspelled name, or None when nothing is close."""
    import difflib  # only when there is a problem to explain: not on every start

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return f"did you mean '{prefix}{close[0]}'?" if close else None


class ConnectorError(Exception):
    """Base of every error the runtime raises on purpose."""

    make_type = "RuntimeError"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DefinitionError(ConnectorError):
    """The connector's YAML files are unusable; carries every issue found."""

    make_type = "DefinitionError"

    def __init__(self, issues: list[Issue], heading: str | None = None) -> None:
        self.issues = sorted(issues, key=Issue.sort_key)
        count = len(self.issues)
        summary = "\n".join(str(issue) for issue in self.issues)
        heading = heading or f"{count} problem{'s' if count != 1 else ''} in the definitions"
        super().__init__(f"{heading}:\n{summary}")


class ExportError(DefinitionError):
    """Some templates have no IML form; ``issues`` names every one."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues, f"{len(issues)} problem(s) exporting to Make")


class NotExportableError(ConnectorError):
    """A template uses a construct that has no Make IML form; the exporter collects these."""


class InputError(ConnectorError):
    """The parameters a user gave do not fit the module's input schema."""

    make_type = "DataError"
    exit_code = 2


class RenderError(ConnectorError):
    """A template could not be rendered with the values at hand."""


class ApiError(ConnectorError):
    """Clientary answered with an error status."""

    def __init__(self, message: str, *, status: int, make_type: str) -> None:
        super().__init__(message)
        self.status = status
        self.make_type = make_type


class TransportError(ConnectorError):
    """No usable answer came back: connection refused, timed out, or cut off."""

    make_type = "ConnectionError"


class OutcomeUnknownError(TransportError):
    """A write reached the network but no answer came: it may or may not have happened."""


class PaginationError(ConnectorError):
    """Paging went wrong: a page was served twice, or the page cap was reached."""


class MappingError(ConnectorError):
    """The response does not have the shape the module declares."""


class StateError(ConnectorError):
    """Trigger state could not be read or written."""
