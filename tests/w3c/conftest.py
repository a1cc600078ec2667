"""An r2p-graph server of its own for the W3C suites: started with ``--empty``, emptied per test.

The suites expect a store that holds nothing but what each test puts there, so this is not the
server of ``tests/api`` (which holds the bundled data). It is started, and its tokens made, like the
others (``tests/servers.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.servers import create_token, running_server

ROLES = ("reader", "contributor")
"""The roles the suites send tokens of (writes need ``contributor``)."""

_EVERYTHING = "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


@dataclass(frozen=True)
class EmptyServer:
    """A running ``r2p-graph serve --empty`` and a bearer token per role."""

    base: str
    tokens: dict[str, str]

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    @property
    def graph_store(self) -> str:
        return self.base + "/graph-store"

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def drop_all(self) -> None:
        """Empty the store with ``DROP ALL`` and check that it holds nothing any more."""
        headers = {"Content-Type": "application/sparql-update", **self.bearer("contributor")}
        dropped = httpx.post(self.sparql, content=b"DROP ALL", headers=headers, timeout=30)
        if dropped.status_code != 204:
            pytest.fail(f"DROP ALL before the test: {dropped.status_code} {dropped.text[:300]}")
        check = httpx.get(
            self.sparql,
            params={"query": _EVERYTHING},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        if check.status_code != 200 or check.json().get("boolean") is not False:
            pytest.fail(f"the store is not empty after DROP ALL: {check.text[:300]}")


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmptyServer]:
    """A fresh ``r2p-graph serve`` with an empty store for one test module, stopped after it."""
    data_dir = tmp_path_factory.mktemp("w3c") / "store"
    tokens = {role: create_token(data_dir, f"w3c-{role}", role) for role in ROLES}
    with running_server(data_dir, {"R2P_EMPTY": "true"}) as base:
        yield EmptyServer(base, tokens)


@pytest.fixture
def w3c_server(empty_server: EmptyServer) -> EmptyServer:
    """The module's empty server, emptied again before each test."""
    empty_server.drop_all()
    return empty_server
