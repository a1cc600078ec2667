"""Federated queries between two real servers on 127.0.0.1: only allow-listed endpoints are
called, and visibility holds on both sides. All data here is synthetic."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from r2p_graph.services.visibility import Visibility, visibility_quads
from r2p_graph.store import OxigraphRepository
from tests.servers import create_token, running_server

GRAPHS = "https://w3id.org/r2p-graph/graph/"
THING = "https://w3id.org/r2p-graph/id/organization/synthetic-"


def _store(data_dir: Path, name: str) -> None:
    """Public and restricted values named after the server, in graphs of their own."""
    public, hidden = URIRef(GRAPHS + f"{name}-public"), GRAPHS + f"contribution/{name}-hidden"
    with OxigraphRepository.open(data_dir) as repo:
        repo.add([(URIRef(THING + name), RDFS.label, Literal(f"{name}-public-value"), public)])
        repo.add(
            [
                (URIRef(THING + name), RDFS.label, Literal(f"{name}-hidden-value"), URIRef(hidden)),
                *visibility_quads(hidden, Visibility.RESTRICTED),
            ]
        )


@dataclass(frozen=True)
class Pair:
    local: str
    remote: str
    curator: str


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """``remote`` (federation off) and ``local`` (allowed to call ``remote`` only, once by its
    address and once by the name ``localhost``)."""
    remote_dir = tmp_path_factory.mktemp("remote") / "store"
    local_dir = tmp_path_factory.mktemp("local") / "store"
    _store(remote_dir, "remote")
    _store(local_dir, "local")
    curator = create_token(local_dir, "synthetic-curator", "curator")
    with running_server(remote_dir) as remote:
        port = remote.rsplit(":", 1)[1]
        allowed = [f"{remote}/sparql", f"http://localhost:{port}/sparql"]
        settings = {"R2P_SERVICE_ENDPOINTS": json.dumps(allowed)}
        with running_server(local_dir, settings) as local:
            yield Pair(local, remote, curator)


def _ask(pair: Pair, query: str, token: str | None = None) -> httpx.Response:
    headers = {"Accept": "application/sparql-results+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.get(pair.local + "/sparql", params={"query": query}, headers=headers, timeout=60)


def _values(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return {cell["value"] for row in rows for cell in row.values()}


def test_an_allow_listed_endpoint_answers(pair: Pair) -> None:
    query = f"SELECT ?label {{ SERVICE <{pair.remote}/sparql> {{ ?s <{RDFS.label}> ?label }} }}"
    assert _values(_ask(pair, query)) == {"remote-public-value"}


def test_an_endpoint_not_on_the_list_is_refused(pair: Pair) -> None:
    for endpoint in (f"{pair.local}/sparql", f"{pair.remote}/other", "http://127.0.0.1:9/sparql"):
        answer = _ask(pair, f"SELECT * {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}")
        assert answer.status_code == 400
        assert f"SERVICE <{endpoint}> is not an endpoint this server may call" in answer.text


def test_an_allow_listed_name_resolving_to_loopback_is_refused(pair: Pair) -> None:
    port = pair.remote.rsplit(":", 1)[1]
    answer = _ask(pair, f"SELECT * {{ SERVICE <http://localhost:{port}/sparql> {{ ?s ?p ?o }} }}")
    assert answer.status_code == 400
    assert "resolves to the internal address" in answer.json()["detail"]


def test_a_variable_endpoint_is_refused(pair: Pair) -> None:
    query = f"SELECT * {{ VALUES ?e {{ <{pair.remote}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}"
    answer = _ask(pair, query)
    assert answer.status_code == 400 and "variable endpoint" in answer.text


def test_the_remote_restricted_data_is_not_read_even_by_a_local_curator(pair: Pair) -> None:
    query = f"SELECT ?o {{ SERVICE <{pair.remote}/sparql> {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
    values = _values(_ask(pair, query, pair.curator))
    assert "remote-public-value" in values
    assert "remote-hidden-value" not in values


def test_local_restricted_data_stays_hidden_in_federated_queries(pair: Pair) -> None:
    query = (
        "SELECT ?o { { GRAPH ?g { ?s ?p ?o } } UNION "
        f"{{ SERVICE <{pair.remote}/sparql> {{ ?s ?p ?o }} }} }}"
    )
    anonymous = _values(_ask(pair, query))
    assert {"local-public-value", "remote-public-value"} <= anonymous
    assert not {v for v in anonymous if "hidden" in v}
    curator = _values(_ask(pair, query, pair.curator))
    assert "local-hidden-value" in curator
    assert "remote-hidden-value" not in curator


def test_the_service_description_says_federation_is_on_only_where_it_is(pair: Pair) -> None:
    feature = b"BasicFederatedQuery"
    described = httpx.get(pair.local + "/sparql", headers={"Accept": "text/turtle"})
    assert described.status_code == 200 and feature in described.content
    remote = httpx.get(pair.remote + "/sparql", headers={"Accept": "text/turtle"})
    assert remote.status_code == 200 and feature not in remote.content
