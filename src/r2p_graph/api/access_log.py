"""Structured access logs: one JSON object per request on the ``r2p_graph.access`` logger.

>>> record = access_record("GET", "/sparql", 200, 0.0123, client="127.0.0.1", size=512)
>>> sorted(record)
['bytes', 'client', 'method', 'ms', 'path', 'status']
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

log = logging.getLogger("r2p_graph.access")


def access_record(
    method: str,
    path: str,
    status: int,
    seconds: float,
    *,
    client: str | None,
    size: int | None,
) -> dict[str, object]:
    """The fields logged for one request (the query string is left out: it may be long)."""
    return {
        "method": method,
        "path": path,
        "status": status,
        "ms": round(seconds * 1000, 2),
        "client": client,
        "bytes": size,
    }


def install(app: FastAPI) -> None:
    """Log every request as one JSON line when it has been answered."""

    @app.middleware("http")
    async def record(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        length = response.headers.get("content-length")
        entry = access_record(
            request.method,
            request.url.path,
            response.status_code,
            time.perf_counter() - started,
            client=request.client.host if request.client else None,
            size=int(length) if length and length.isdigit() else None,
        )
        log.info(json.dumps(entry))
        return response
