"""Domain errors of r2p-graph.

Every error a user can cause is one of these, carrying a message meant for that user and, when
the error is in some input, where in it (source, line, column). The CLI prints them as one line;
the HTTP layer maps them to status codes in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where in some input a problem is: a file or other source name, and 1-based line/column.

    >>> str(Location("data.ttl", 3, 7))
    'data.ttl:3:7'
    >>> str(Location("query", 2))
    'query:2'
    >>> str(Location("upload"))
    'upload'
    """

    source: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.source]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class R2PError(Exception):
    """Base of every error r2p-graph reports to a user rather than crashing on."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class InputError(R2PError):
    """Some input (a file, a query, an argument) cannot be used as it is."""


class MissingInputError(InputError):
    """A named file or resource does not exist."""


class UnknownFormatError(InputError):
    """A format name, media type or file extension that r2p-graph does not read or write."""


class RdfSyntaxError(InputError):
    """An RDF document does not parse."""


class SparqlSyntaxError(InputError):
    """A SPARQL query or update does not parse."""


class QueryEvaluationError(R2PError):
    """A query parsed but could not be evaluated (for instance a SERVICE call failed)."""


class ResultTooLargeError(InputError):
    """A query's answer is larger than the service returns in one response."""


class QueryTimeoutError(R2PError):
    """A query ran past its deadline and was stopped, or no worker was free in time."""


class StoreError(R2PError):
    """The store could not be opened or written (locked, read-only, disk full)."""
