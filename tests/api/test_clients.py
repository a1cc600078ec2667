"""The clients researchers already use get correct answers: SPARQLWrapper and rdflib's stores."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from tests.api.conftest import Tokens

HU = "https://w3id.org/r2p-graph/id/country/HU"


def test_sparqlwrapper_select_ask_construct_describe(server: str) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setReturnFormat(JSON)
    client.setQuery(
        f"SELECT ?code WHERE {{ <{HU}> <https://w3id.org/r2p-graph/ontology#isoAlpha3> ?code }}"
    )
    bindings = client.query().convert()["results"]["bindings"]  # type: ignore[index,call-overload]
    assert [b["code"]["value"] for b in bindings] == ["HUN"]
    client.setQuery(f"ASK {{ <{HU}> ?p ?o }}")
    assert client.query().convert()["boolean"] is True  # type: ignore[index,call-overload]
    client.setReturnFormat(TURTLE)
    for query in (f"CONSTRUCT WHERE {{ <{HU}> ?p ?o }}", f"DESCRIBE <{HU}>"):
        client.setQuery(query)
        graph = Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
        assert (URIRef(HU), None, None) in graph


def test_rdflib_sparqlstore_and_updatestore(server: str, tokens: Tokens) -> None:
    store = SPARQLStore(server + "/sparql")
    rows = list(store.query(f"SELECT ?p WHERE {{ <{HU}> ?p ?o }} LIMIT 3"))
    assert len(rows) == 3
    updates = SPARQLUpdateStore(
        server + "/sparql", server + "/sparql", headers=tokens.header("contributor")
    )
    graph = "https://w3id.org/r2p-graph/graph/client-test"
    updates.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/x> <http://e/p> 'y' }} }}")
    answer = list(updates.query(f"ASK {{ GRAPH <{graph}> {{ <http://e/x> ?p 'y' }} }}"))
    assert answer == [True]
