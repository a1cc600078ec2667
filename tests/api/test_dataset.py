"""The dataset as a whole on a real server: its VoID/DCAT description and its streamed dumps;
and the dump stream itself, bounded and cancellable."""

from __future__ import annotations

import gzip
import os
import threading
import time
from collections.abc import Sequence
from typing import BinaryIO, cast

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from r2p_graph.services.bundled import load_bundled
from r2p_graph.services.dumps import compressed_dump
from r2p_graph.store import OxigraphRepository, RdfFormat, Repository

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
IANA = "https://www.iana.org/assignments/media-types/"
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
ODBL = URIRef("https://opendatacommons.org/licenses/odbl/1-0/")
COUNTRIES = URIRef("https://w3id.org/r2p-graph/graph/countries")
RDFLIB_NAMES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def void(server: str, accept: str | None = None) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(server + "/.well-known/void", headers=headers, timeout=30)


def parse(response: httpx.Response) -> Graph:
    assert response.status_code == 200, response.text
    media_type = response.headers["content-type"].split(";")[0]
    return Graph().parse(data=response.text, format=RDFLIB_NAMES[media_type])


def select(server: str, query: str) -> list[dict[str, str]]:
    response = httpx.get(server + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def the_dataset(graph: Graph) -> URIRef:
    (dataset,) = set(graph.subjects(RDF.type, DCAT.Dataset)) & set(
        graph.subjects(RDF.type, VOID.Dataset)
    ) - set(graph.objects(None, VOID.subset))
    assert isinstance(dataset, URIRef)
    return dataset


def number(graph: Graph, subject: object, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)  # type: ignore[arg-type]
    assert isinstance(value, Literal), (subject, predicate)
    return int(value)


# -- VoID -----------------------------------------------------------------------------------


def test_void_is_turtle_by_default_and_says_what_the_dataset_is(server: str) -> None:
    response = void(server)
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    graph = parse(response)
    dataset = the_dataset(graph)
    assert graph.value(dataset, DCTERMS.title) == Literal("r2p-graph", lang="en")
    assert "genocide" in str(graph.value(dataset, DCTERMS.description))
    assert graph.value(dataset, DCTERMS.license) == CC_BY
    assert "ODbL" in str(graph.value(dataset, DCTERMS.rights))
    assert graph.value(COUNTRIES, DCTERMS.license) == ODBL
    assert graph.value(dataset, VOID.uriSpace) == Literal("https://w3id.org/r2p-graph/id/")
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(server + "/sparql")
    dumps = set(graph.objects(dataset, VOID.dataDump))
    assert dumps == {
        URIRef(server + "/dump?format=nquads"),
        URIRef(server + "/dump?format=turtle"),
    }
    media_types = set()
    for distribution in graph.objects(dataset, DCAT.distribution):
        assert graph.value(distribution, DCAT.downloadURL) in dumps
        assert graph.value(distribution, DCAT.compressFormat) == URIRef(IANA + "application/gzip")
        media_types.add(graph.value(distribution, DCAT.mediaType))
    assert media_types == {URIRef(IANA + "application/n-quads"), URIRef(IANA + "text/turtle")}


def test_void_numbers_are_the_store_statistics(server: str) -> None:
    graph = parse(void(server))
    dataset = the_dataset(graph)
    per_graph = {
        row["g"]: int(row["n"])
        for row in select(
            server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
    }
    subsets = {
        str(subset): number(graph, subset, VOID.triples)
        for subset in graph.objects(dataset, VOID.subset)
    }
    assert subsets == per_graph
    assert "https://w3id.org/r2p-graph/graph/prevention-field" in subsets
    total = number(graph, dataset, VOID.triples)
    assert total >= sum(per_graph.values())
    assert total == quads_in_dump(server)

    per_class = {
        row["c"]: int(row["n"])
        for row in select(
            server,
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c",
        )
    }
    partitions = {
        str(graph.value(partition, VOID["class"])): number(graph, partition, VOID.entities)
        for partition in graph.objects(dataset, VOID.classPartition)
    }
    assert partitions == per_class
    assert partitions["https://w3id.org/r2p-graph/ontology#Country"] == 249


@pytest.mark.parametrize(
    "accept", ["application/ld+json", "application/n-triples", "application/rdf+xml"]
)
def test_void_in_every_rdf_format(server: str, accept: str) -> None:
    assert isomorphic(parse(void(server, accept)), parse(void(server)))


def test_void_page_and_negotiation(server: str) -> None:
    page = void(server, "text/html,*/*;q=0.8")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>r2p-graph</h1>" in page.text
    assert f'href="{server}/sparql"' in page.text
    assert f'href="{server}/dump?format=nquads"' in page.text
    assert "Country or territory" in page.text  # a class partition, shown in place
    assert void(server, "image/png").status_code == 406
    head = httpx.head(server + "/.well-known/void")
    assert head.status_code == 200 and head.content == b""


# -- dumps ----------------------------------------------------------------------------------


def download(server: str, **params: str) -> tuple[httpx.Response, bytes, int]:
    """The response, the gunzipped body and how many pieces it came in."""
    with httpx.stream("GET", server + "/dump", params=params, timeout=60) as response:
        assert response.status_code == 200, response.read()
        pieces = list(response.iter_raw())
    return response, gzip.decompress(b"".join(pieces)), len(pieces)


def quads_in_dump(server: str) -> int:
    _, body, _ = download(server)
    return sum(1 for _ in ox.parse(body, ox.RdfFormat.N_QUADS))


def test_nquads_dump_round_trips(server: str) -> None:
    response, body, pieces = download(server)
    assert response.headers["content-type"] == "application/gzip"
    assert response.headers["content-disposition"] == 'attachment; filename="r2p-graph.nq.gz"'
    assert "content-encoding" not in response.headers
    # Streamed: no length known in advance, sent in several chunks.
    assert "content-length" not in response.headers
    assert response.headers["transfer-encoding"] == "chunked"
    assert pieces >= 2
    quads = list(ox.parse(body, ox.RdfFormat.N_QUADS))
    named = select(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert sum(1 for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)) == int(
        named[0]["n"]
    )
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert str(COUNTRIES) in graphs


def test_turtle_dump_is_the_union_of_the_graphs(server: str) -> None:
    response, body, _ = download(server, format="turtle")
    assert response.headers["content-disposition"] == 'attachment; filename="r2p-graph.ttl.gz"'
    graph = Graph().parse(data=body, format="turtle")
    distinct = select(
        server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    )
    assert len(graph) == int(distinct[0]["n"])


def test_dump_format_must_be_offered(server: str) -> None:
    response = httpx.get(server + "/dump", params={"format": "rdfxml"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


# -- the stream, without a server -----------------------------------------------------------


def test_compressed_dump_comes_in_chunks_that_gunzip_to_the_store() -> None:
    with OxigraphRepository.in_memory() as repo:
        load_bundled(repo)
        chunks = list(compressed_dump(repo, RdfFormat.N_QUADS, chunk_bytes=8192))
        assert len(chunks) > 5
        assert all(len(chunk) <= 8192 for chunk in chunks)
        body = gzip.decompress(b"".join(chunks))
        assert sum(1 for _ in ox.parse(body, ox.RdfFormat.N_QUADS)) == repo.count()


class Endless:
    """A store whose dump is 1 GB of incompressible bytes, counting what it has written."""

    def __init__(self) -> None:
        self.written = 0
        self.stopped = threading.Event()

    def dump(
        self,
        out: BinaryIO,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        graphs: Sequence[str | None] | None = None,
    ) -> None:
        try:
            while self.written < 1 << 30:
                block = os.urandom(8192)
                out.write(block)
                self.written += len(block)
        finally:
            self.stopped.set()


def test_compressed_dump_holds_only_a_few_chunks_and_stops_when_closed() -> None:
    store = Endless()
    stream = compressed_dump(cast(Repository, store), RdfFormat.N_QUADS, chunk_bytes=1 << 14)
    first = next(stream)
    assert first[:2] == b"\x1f\x8b"  # a gzip stream
    time.sleep(0.5)
    # The writer waits for the reader: what it wrote is a few chunks, not the whole dump.
    assert store.written < 1 << 20
    stream.close()
    assert store.stopped.wait(5)
    assert store.written < 1 << 20
