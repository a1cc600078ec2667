"""Domain errors as HTTP responses, in one place (RFC 9457 problem details).

A client always gets a status that says whose fault it was and a body that says what and where:
``{"title": ..., "status": 400, "detail": "expected DISTINCT", "line": 1, "column": 16}``.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from r2p_graph.api.auth import ForbiddenError, UnauthorizedError
from r2p_graph.errors import (
    InputError,
    MissingInputError,
    QueryEvaluationError,
    QueryTimeoutError,
    R2PError,
    StoreError,
    UnknownFormatError,
)
from r2p_graph.services.inference import InconsistentDataError

PROBLEM_JSON = "application/problem+json"


class NotAcceptableError(R2PError):
    """Nothing the client accepts can be produced (406)."""


class UnsupportedMediaTypeError(R2PError):
    """The request body comes in a media type the endpoint does not read (415)."""


class BodyTooLargeError(R2PError):
    """The request body is larger than the configured limit (413)."""


class NotFoundError(R2PError):
    """The resource asked for does not exist (404)."""


_STATUS: tuple[tuple[type[R2PError], int, str], ...] = (
    (UnauthorizedError, 401, "Unauthorized"),
    (ForbiddenError, 403, "Forbidden"),
    (NotAcceptableError, 406, "Not Acceptable"),
    (UnsupportedMediaTypeError, 415, "Unsupported Media Type"),
    (UnknownFormatError, 400, "Unknown format"),
    (BodyTooLargeError, 413, "Content Too Large"),
    (NotFoundError, 404, "Not Found"),
    (InconsistentDataError, 409, "Conflict with the ontology"),
    (MissingInputError, 404, "Not Found"),
    (InputError, 400, "Bad Request"),
    (QueryEvaluationError, 400, "Query could not be evaluated"),
    (QueryTimeoutError, 503, "Query stopped"),
    (StoreError, 503, "Store unavailable"),
    (R2PError, 500, "Internal error"),
)


def status_of(error: R2PError) -> tuple[int, str]:
    """The HTTP status and title for a domain error."""
    for kind, status, title in _STATUS:
        if isinstance(error, kind):
            return status, title
    return 500, "Internal error"


def problem(error: R2PError) -> JSONResponse:
    """The problem-details response for ``error``."""
    status, title = status_of(error)
    body: dict[str, object] = {"title": title, "status": status, "detail": error.message}
    if error.location is not None:
        body["source"] = error.location.source
        if error.location.line is not None:
            body["line"] = error.location.line
        if error.location.column is not None:
            body["column"] = error.location.column
    headers = {"WWW-Authenticate": 'Bearer realm="r2p-graph"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install(app: FastAPI) -> None:
    """Map every domain error raised by a route to its problem response."""

    async def handle(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, R2PError)
        return problem(error)

    app.add_exception_handler(R2PError, handle)
