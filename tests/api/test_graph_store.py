"""``/graph-store``: the Graph Store HTTP Protocol (indirect identification), on a real server."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph

from tests.api.conftest import Tokens

TTL = {"Content-Type": "text/turtle"}
DATA = "<http://e/a> <http://e/p> 'one' , 'two' ."
MORE = "<http://e/b> <http://e/p> 'three' ."


def gs(server: str) -> str:
    return server + "/graph-store"


def triples(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return len(Graph().parse(data=response.text, format="turtle"))


def test_put_get_post_delete_a_named_graph(server: str, tokens: Tokens) -> None:
    graph = {"graph": "https://w3id.org/r2p-graph/graph/gsp-life"}
    auth = {**TTL, **tokens.header("contributor")}
    created = httpx.put(gs(server), params=graph, content=DATA, headers=auth)
    assert created.status_code == 201
    assert triples(httpx.get(gs(server), params=graph, headers={"Accept": "text/turtle"})) == 2
    replaced = httpx.put(gs(server), params=graph, content=MORE, headers=auth)
    assert replaced.status_code == 204
    assert triples(httpx.get(gs(server), params=graph)) == 1
    merged = httpx.post(gs(server), params=graph, content=DATA, headers=auth)
    assert merged.status_code == 200
    assert triples(httpx.get(gs(server), params=graph)) == 3
    head = httpx.head(gs(server), params=graph)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0
    assert httpx.delete(gs(server), params=graph, headers=auth).status_code == 200
    assert httpx.get(gs(server), params=graph).status_code == 404
    assert httpx.delete(gs(server), params=graph, headers=auth).status_code == 404


def test_post_to_the_bare_url_creates_a_graph(server: str, tokens: Tokens) -> None:
    response = httpx.post(gs(server), content=DATA, headers={**TTL, **tokens.header("curator")})
    assert response.status_code == 201
    location = response.headers["location"]
    assert location.startswith(gs(server) + "?graph=")
    assert triples(httpx.get(location)) == 2


def test_default_graph(server: str, tokens: Tokens) -> None:
    auth = {**TTL, **tokens.header("contributor")}
    assert httpx.put(
        gs(server), params={"default": ""}, content=DATA, headers=auth
    ).status_code in (
        201,
        204,
    )
    assert triples(httpx.get(gs(server), params={"default": ""})) == 2
    assert httpx.delete(gs(server), params={"default": ""}, headers=auth).status_code == 200
    assert triples(httpx.get(gs(server), params={"default": ""})) == 0


@pytest.mark.parametrize(
    ("accept", "parse_as"),
    [
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_get_negotiates(server: str, accept: str, parse_as: str) -> None:
    params = {"graph": "https://w3id.org/r2p-graph/graph/steps"}
    response = httpx.get(gs(server), params=params, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    assert len(Graph().parse(data=response.text, format=parse_as)) > 100


def test_bad_requests(server: str, tokens: Tokens) -> None:
    auth = tokens.header("contributor")
    graph = {"graph": "https://w3id.org/r2p-graph/graph/gsp-bad"}
    assert httpx.get(gs(server)).status_code == 400
    both = {"graph": "https://w3id.org/r2p-graph/graph/x", "default": ""}
    assert httpx.get(gs(server), params=both).status_code == 400
    bad_body = httpx.put(gs(server), params=graph, content="<a> <b> .", headers={**TTL, **auth})
    assert bad_body.status_code == 400
    assert bad_body.json()["line"] == 1
    assert httpx.get(gs(server), params=graph).status_code == 404  # nothing half-written
    odd_type = httpx.put(
        gs(server), params=graph, content="x", headers={"Content-Type": "text/plain", **auth}
    )
    assert odd_type.status_code == 415
    quads = httpx.put(
        gs(server),
        params=graph,
        content="",
        headers={"Content-Type": "application/n-quads", **auth},
    )
    assert quads.status_code == 415
    no_format = httpx.get(
        gs(server),
        params={"graph": "https://w3id.org/r2p-graph/graph/steps"},
        headers={"Accept": "image/png"},
    )
    assert no_format.status_code == 406


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_writes_need_a_contributor(server: str, tokens: Tokens, method: str) -> None:
    graph = {"graph": "https://w3id.org/r2p-graph/graph/gsp-auth"}
    anonymous = httpx.request(method, gs(server), params=graph, content=DATA, headers=TTL)
    assert anonymous.status_code == 401
    reader = httpx.request(
        method, gs(server), params=graph, content=DATA, headers={**TTL, **tokens.header("reader")}
    )
    assert reader.status_code == 403


def test_an_empty_graph_exists_after_put(server: str, tokens: Tokens) -> None:
    graph = {"graph": "https://w3id.org/r2p-graph/graph/gsp-empty"}
    auth = {**TTL, **tokens.header("contributor")}
    assert httpx.put(gs(server), params=graph, content="", headers=auth).status_code == 201
    assert triples(httpx.get(gs(server), params=graph)) == 0
    assert httpx.delete(gs(server), params=graph, headers=auth).status_code == 200
    assert httpx.get(gs(server), params=graph).status_code == 404


def test_multipart_post_is_all_or_nothing(server: str, tokens: Tokens) -> None:
    graph = {"graph": "https://w3id.org/r2p-graph/graph/gsp-multipart"}
    auth = tokens.header("contributor")
    good = "<http://e/a> <http://e/p> 1 ."
    bad = "<http://e/a> <http://e/p> ."
    files = {
        "one": ("one.ttl", good, "text/turtle"),
        "two": ("two.ttl", bad, "text/turtle"),
    }
    refused = httpx.post(gs(server), params=graph, files=files, headers=auth)
    assert refused.status_code == 400
    assert "two.ttl" in refused.json()["source"]
    assert httpx.get(gs(server), params=graph).status_code == 404
    files["two"] = ("two.nt", '<http://e/b> <http://e/p> "2" .', "application/n-triples")
    created = httpx.post(gs(server), params=graph, files=files, headers=auth)
    assert created.status_code == 201
    assert triples(httpx.get(gs(server), params=graph)) == 2
    odd = {"x": ("x.bin", "zzz", "application/octet-stream")}
    assert httpx.post(gs(server), params=graph, files=odd, headers=auth).status_code == 415
