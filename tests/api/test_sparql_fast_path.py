"""``GET /sparql`` answered before routing gives exactly what the routed request gives.

The same requests are sent twice to one application: as they come (answered by the fast path)
and behind a ``root_path`` (which the fast path leaves to FastAPI's routing), and every
response must agree in status, media type, ``Vary`` and body.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from r2p_graph.api.app import create_app
from r2p_graph.settings import Settings
from r2p_graph.store import OxigraphRepository

HU = "https://w3id.org/r2p-graph/id/country/HU"
REQUESTS = [
    ({"query": f"SELECT ?p WHERE {{ <{HU}> ?p ?o }} ORDER BY ?p LIMIT 3"}, "application/json"),
    ({"query": f"ASK {{ <{HU}> ?p ?o }}"}, "text/csv"),
    ({"query": f"CONSTRUCT WHERE {{ <{HU}> ?p ?o }}"}, "text/turtle"),
    ({"query": "SELECT * WHERE { ?s ?p }"}, "application/sparql-results+json"),
    ({"query": "ASK {}"}, "image/png"),
    ({"query": "ASK {}", "format": "tsv"}, "*/*"),
    ({"query": "ASK {} ", "update": "CLEAR ALL"}, "*/*"),
    ({"query": "ASK { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"}, "*/*"),
    ({}, "text/turtle"),
]
Response = tuple[int, str, str, bytes]


@pytest.fixture(scope="module")
def app_with_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    repo = OxigraphRepository.in_memory()
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("fast")), empty=False)
    app = create_app(settings, repository=repo)

    async def start() -> None:
        async with app.router.lifespan_context(app):
            await asyncio.sleep(0)

    asyncio.run(start())  # loads the bundled data into the in-memory store
    yield app
    repo.close()


def call(app: object, params: dict[str, str], accept: str, root_path: str) -> Response:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "root_path": root_path,
        "path": root_path + "/sparql",
        "raw_path": (root_path + "/sparql").encode(),
        "query_string": urlencode(params).encode(),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", accept.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    messages: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    start = messages[0]
    headers = {k.decode(): v.decode() for k, v in start["headers"]}  # type: ignore[attr-defined]
    body = b"".join(m.get("body", b"") for m in messages[1:])  # type: ignore[misc]
    return int(start["status"]), headers.get("content-type", ""), headers.get("vary", ""), body  # type: ignore[call-overload]


@pytest.mark.parametrize(("params", "accept"), REQUESTS)
def test_fast_path_answers_as_the_routed_request_does(
    app_with_data: object, params: dict[str, str], accept: str
) -> None:
    fast = call(app_with_data, params, accept, root_path="")
    routed = call(app_with_data, params, accept, root_path="/r2p")
    assert fast[:3] == routed[:3]
    if fast[1].startswith("text/turtle") and not params:
        # The service description names its own endpoint URL, which has the root path.
        endpoint = b"<http://127.0.0.1:8000/sparql>"
        assert endpoint in fast[3]
        assert fast[3].replace(endpoint, b"<http://127.0.0.1:8000/r2p/sparql>") == routed[3]
    else:
        assert fast[3] == routed[3]
    if fast[0] >= 400:
        assert json.loads(fast[3])["detail"]
