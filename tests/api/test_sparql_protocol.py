"""``/sparql`` as the SPARQL 1.1 Protocol defines it, against a real server."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from tests.api.conftest import Tokens

COUNTRIES = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/r2p-graph/ontology#Country> }"
G = "https://w3id.org/r2p-graph/graph/countries"


def count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_query_by_get(server: str) -> None:
    response = httpx.get(server + "/sparql", params={"query": COUNTRIES})
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert count(response) == 249


def test_query_by_form_post(server: str) -> None:
    assert count(httpx.post(server + "/sparql", data={"query": COUNTRIES})) == 249


def test_query_by_direct_post(server: str) -> None:
    response = httpx.post(
        server + "/sparql",
        content=COUNTRIES,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert count(response) == 249


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.2, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_formats_by_accept(server: str, accept: str, media_type: str) -> None:
    response = httpx.get(
        server + "/sparql", params={"query": COUNTRIES}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"] == "Accept"
    assert "249" in response.text


def test_format_parameter(server: str) -> None:
    response = httpx.get(server + "/sparql", params={"query": COUNTRIES, "format": "csv"})
    assert list(csv.reader(io.StringIO(response.text))) == [["n"], ["249"]]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-quads", "application/n-quads"),
        ("application/trig", "application/trig"),
    ],
)
def test_construct_formats(server: str, accept: str, media_type: str) -> None:
    query = "CONSTRUCT WHERE { <https://w3id.org/r2p-graph/id/country/HU> ?p ?o }"
    response = httpx.get(server + "/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "HUN" in response.text


def test_nothing_acceptable_is_406(server: str) -> None:
    response = httpx.get(
        server + "/sparql", params={"query": COUNTRIES}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json()["detail"]


def test_syntax_error_is_400_with_position(server: str) -> None:
    response = httpx.get(server + "/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"})
    assert response.status_code == 400
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert (problem["line"], problem["status"]) == (2, 400)


@pytest.mark.parametrize(
    "request_args",
    [
        {"params": {"query": [COUNTRIES, COUNTRIES]}},
        {"data": {"query": COUNTRIES, "update": "CLEAR ALL"}},
        {"data": {"nothing": "here"}},
        {"params": {"update": "CLEAR ALL"}},
    ],
    ids=["two-queries", "query-and-update", "empty-form", "update-by-get"],
)
def test_malformed_requests_are_400(server: str, request_args: dict[str, object]) -> None:
    method = "GET" if "params" in request_args else "POST"
    response = httpx.request(method, server + "/sparql", **request_args)  # type: ignore[arg-type]
    assert response.status_code == 400, response.text


def test_unsupported_content_type_is_415(server: str) -> None:
    response = httpx.post(server + "/sparql", content="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_body_over_the_limit_is_413(server: str) -> None:
    response = httpx.post(
        server + "/sparql",
        content=b"#" * (2 << 20),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413


def test_dataset_parameters_override_the_query(server: str) -> None:
    query = (
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/r2p-graph/graph/ontology> "
        "WHERE { ?c a <https://w3id.org/r2p-graph/ontology#Country> }"
    )
    assert count(httpx.get(server + "/sparql", params={"query": query})) == 0
    with_dataset = httpx.get(server + "/sparql", params={"query": query, "default-graph-uri": G})
    assert count(with_dataset) == 249
    named = httpx.get(
        server + "/sparql",
        params={
            "query": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": G,
        },
    )
    assert count(named) == 1


def test_service_description(server: str) -> None:
    response = httpx.get(server + "/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "sd:Service" in response.text
    assert f"{server}/sparql" in response.text


def test_updates_by_form_and_direct_post(server: str, tokens: Tokens) -> None:
    graph = "https://w3id.org/r2p-graph/graph/protocol-test"
    auth = tokens.header("contributor")
    form = httpx.post(
        server + "/sparql",
        data={"update": f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/a> <http://e/p> 1 }} }}"},
        headers=auth,
    )
    assert form.status_code == 204, form.text
    direct = httpx.post(
        server + "/sparql",
        content=f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/b> <http://e/p> 2 }} }}",
        headers={"Content-Type": "application/sparql-update", **auth},
    )
    assert direct.status_code == 204, direct.text
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    assert count(httpx.get(server + "/sparql", params={"query": query})) == 2
    bad = httpx.post(
        server + "/sparql", data={"update": "INSERT DATA { <http://e/a> }"}, headers=auth
    )
    assert bad.status_code == 400
    assert count(httpx.get(server + "/sparql", params={"query": query})) == 2


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer not-a-token"}, 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        ("reader", 403),
        ("curator", 204),
    ],
    ids=["no-token", "unknown-token", "basic-auth", "reader-role", "curator-role"],
)
def test_updates_need_a_contributor_token(
    server: str, tokens: Tokens, headers: dict[str, str] | str, status: int
) -> None:
    graph = "https://w3id.org/r2p-graph/graph/auth-test"
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/a> <http://e/p> 1 }} }}"
    sent = tokens.header(headers) if isinstance(headers, str) else headers
    response = httpx.post(server + "/sparql", data={"update": update}, headers=sent)
    assert response.status_code == status, response.text
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://10.0.0.1/sparql> { ?s ?p ?o } }",
    ],
)
def test_federated_queries_are_refused(server: str, query: str) -> None:
    response = httpx.get(server + "/sparql", params={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.json()["detail"]


def test_update_dataset_parameters(server: str, tokens: Tokens) -> None:
    auth = tokens.header("contributor")
    source = "https://w3id.org/r2p-graph/graph/using-source"
    target = "https://w3id.org/r2p-graph/graph/using-target"
    seed = f"INSERT DATA {{ GRAPH <{source}> {{ <http://e/a> <http://e/p> 'from source' }} }}"
    assert httpx.post(server + "/sparql", data={"update": seed}, headers=auth).status_code == 204
    copy = f"INSERT {{ GRAPH <{target}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}"
    response = httpx.post(
        server + "/sparql", data={"update": copy, "using-graph-uri": source}, headers=auth
    )
    assert response.status_code == 204, response.text
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}"
    assert count(httpx.get(server + "/sparql", params={"query": query})) == 1
    conflict = httpx.post(
        server + "/sparql",
        data={
            "update": f"WITH <{source}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
            "using-graph-uri": source,
        },
        headers=auth,
    )
    assert conflict.status_code == 400
    assert count(httpx.get(server + "/sparql", params={"query": query})) == 1
