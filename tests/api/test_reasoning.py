"""Reasoning over HTTP, on real servers: SPARQL updates and Graph Store writes that would make the
data inconsistent are refused (409, the individual and the classes named, nothing written); what
an update implies is visible to the next query and goes with a DELETE; a server started on a store
whose inferred graphs are missing or stale derives them before answering."""

from __future__ import annotations

from pathlib import Path

import httpx

from r2p_graph.services.bundled import load_bundled
from r2p_graph.store import OxigraphRepository, RdfFormat
from tests.api.conftest import Tokens
from tests.servers import running_server

ORG = "http://www.w3.org/ns/org#"
R2P = "https://w3id.org/r2p-graph/ontology#"
EX = "http://example.org/synthetic/reasoning/"
GRAPH = "https://w3id.org/r2p-graph/graph/reasoning-test"
PREFIXES = f"PREFIX org: <{ORG}> PREFIX r2p: <{R2P}> PREFIX ex: <{EX}>\n"
UPDATE = {"Content-Type": "application/sparql-update"}


def ask(server: str, pattern: str) -> bool:
    response = httpx.get(
        server + "/sparql",
        params={"query": PREFIXES + f"ASK {{ {pattern} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def post_update(server: str, tokens: Tokens, text: str) -> httpx.Response:
    headers = {**UPDATE, **tokens.header("curator")}
    return httpx.post(server + "/sparql", content=PREFIXES + text, headers=headers, timeout=60)


def graph_dump(server: str) -> str:
    response = httpx.get(server + "/graph-store", params={"graph": GRAPH})
    return response.text if response.status_code == 200 else ""


def test_an_update_is_reasoned_over_and_its_withdrawal_too(server: str, tokens: Tokens) -> None:
    inserted = post_update(
        server,
        tokens,
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ ex:unit org:subOrganizationOf ex:office . "
        "ex:office org:subOrganizationOf ex:agency . ex:unit a r2p:GovernmentBody } }",
    )
    assert inserted.status_code == 204, inserted.text
    assert ask(server, "ex:unit org:transitiveSubOrganizationOf ex:agency")
    assert ask(server, "ex:unit a r2p:Organization")
    deleted = post_update(
        server, tokens, f"DELETE WHERE {{ GRAPH <{GRAPH}> {{ ex:office ?p ?o }} }}"
    )
    assert deleted.status_code == 204, deleted.text
    assert not ask(server, "ex:unit org:transitiveSubOrganizationOf ex:agency")
    assert ask(server, "ex:unit org:transitiveSubOrganizationOf ex:office")


def test_an_inconsistent_update_is_refused_with_an_explanation(server: str, tokens: Tokens) -> None:
    assert post_update(
        server, tokens, f"INSERT DATA {{ GRAPH <{GRAPH}> {{ ex:ana a r2p:Person }} }}"
    ).status_code == 204  # fmt: skip
    before = graph_dump(server)
    refused = post_update(
        server,
        tokens,
        f"INSERT {{ GRAPH <{GRAPH}> {{ ?x r2p:operatingLevel r2p:national ; a ex:Thing }} }} "
        f"WHERE {{ GRAPH <{GRAPH}> {{ ?x a r2p:Person }} }}",
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    detail = refused.json()["detail"]
    assert f"<{EX}ana>" in detail
    assert f"<{R2P}Organization>" in detail and f"<{R2P}Person>" in detail
    assert "disjoint" in detail and "nothing was written" in detail
    assert graph_dump(server) == before
    assert not ask(server, "ex:ana a ex:Thing")


def test_a_graph_store_write_making_data_inconsistent_is_refused(
    server: str, tokens: Tokens
) -> None:
    target = {"graph": "https://w3id.org/r2p-graph/graph/reasoning-gsp"}
    headers = {"Content-Type": "text/turtle", **tokens.header("contributor")}
    body = f"<{EX}deal> a <{R2P}Treaty> , <{R2P}MemorandumOfUnderstanding> ."
    for method in ("PUT", "POST"):
        refused = httpx.request(
            method, server + "/graph-store", params=target, content=body, headers=headers
        )
        assert refused.status_code == 409, refused.text
        assert "Treaty" in refused.json()["detail"]
    assert httpx.get(server + "/graph-store", params=target).status_code == 404


def test_a_server_derives_missing_inferred_graphs_before_answering(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    with OxigraphRepository.open(data_dir) as store:  # loaded without reasoning
        load_bundled(store)
        store.load(
            f"<{EX}a> <{ORG}subOrganizationOf> <{EX}b> . <{EX}b> <{ORG}subOrganizationOf> <{EX}c> ."
            .encode(),
            RdfFormat.TURTLE,
            graph=GRAPH,
        )  # fmt: skip
    log = tmp_path / "server.log"
    with running_server(data_dir) as base:
        assert ask(base, "ex:a org:transitiveSubOrganizationOf ex:c")
    started = log.read_text()
    assert "no fingerprint recorded; deriving them again" in started
    assert "inferred graphs derived in" in started
    # Restarted on the same store: the inferred graphs are current, nothing is derived.
    with running_server(data_dir) as base:
        assert ask(base, "ex:a org:transitiveSubOrganizationOf ex:c")
    restarted = log.read_text()
    assert "inferred graphs: current" in restarted
    assert "deriving them again" not in restarted
    # Data added by other means makes them stale: derived again at the next start.
    with OxigraphRepository.open(data_dir) as store:
        store.load(
            f"<{EX}c> <{ORG}subOrganizationOf> <{EX}d> .".encode(), RdfFormat.TURTLE, graph=GRAPH
        )
    with running_server(data_dir) as base:
        assert ask(base, "ex:a org:transitiveSubOrganizationOf ex:d")
    assert "inferred graphs: stale; deriving them again" in log.read_text()
