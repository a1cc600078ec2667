"""``GET /sparql`` answered without the framework's routing and middleware stack.

Researchers' tools send many small lookups, and for them the layers FastAPI puts around a route
(exception and body-limit middleware, telemetry, the exit stack, router matching, dependency
resolution) cost more than the query. A plain ``GET /sparql`` goes straight to the route's own
function, :func:`r2p_graph.api.routes.sparql.sparql_get`, with the same repository and settings
and the same problem responses for domain errors; every other request, and any ``/sparql``
behind a ``root_path``, passes on to the application unchanged. The route stays declared in
the application, so the OpenAPI description is the same.
"""

from __future__ import annotations

from fastapi import FastAPI, Request

from r2p_graph.api.access_log import ASGIApp, Receive, Scope, Send
from r2p_graph.api.problems import problem
from r2p_graph.api.routes.sparql import sparql_get
from r2p_graph.errors import R2PError


class SparqlFastPath:
    """ASGI middleware that answers ``GET /sparql`` itself (see the module docs)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"] == "/sparql"
            and not scope.get("root_path")
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        state = request.app.state
        try:
            response = await sparql_get(request, state.repository, state.settings)
        except R2PError as error:
            response = problem(error)
        await response(scope, receive, send)


def install(app: FastAPI) -> None:
    """Answer ``GET /sparql`` before routing (install it before the access log, so that the
    access log stays outermost)."""
    app.add_middleware(SparqlFastPath)
