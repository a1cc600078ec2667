"""The bundled data: complete, and valid against the shapes."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from r2p_graph.ontology.bundle import BUNDLED_SOURCES, SourceKind, source_named, sources_of_kind
from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.validation import validate_graph

CONTEXT_KINDS = (SourceKind.ONTOLOGY, SourceKind.VOCABULARY, SourceKind.DATA)


@pytest.fixture(scope="module")
def countries() -> Graph:
    return Graph().parse(source_named("countries").path, format="turtle")


@pytest.mark.parametrize("source", sources_of_kind(*CONTEXT_KINDS), ids=lambda s: s.name)
def test_bundled_file_validates(source: object) -> None:
    graph = Graph().parse(source.path, format="turtle")  # type: ignore[attr-defined]
    report = validate_graph(graph)
    assert report.violations == [], "\n".join(map(str, report.violations))


def test_every_bundled_file_is_in_its_own_graph() -> None:
    graphs = [s.graph for s in BUNDLED_SOURCES]
    assert len(set(graphs)) == len(graphs)
    assert all(s.path.is_file() for s in BUNDLED_SOURCES)


def test_all_iso_3166_countries_are_there(countries: Graph) -> None:
    assert len(set(countries.subjects(RDF.type, R2P.Country))) == 249


@pytest.mark.parametrize(
    ("code", "alpha3", "m49", "wikidata"),
    [("HU", "HUN", "348", "Q28"), ("RW", "RWA", "646", "Q1037"), ("FR", "FRA", "250", "Q142")],
)
def test_country_facts(countries: Graph, code: str, alpha3: str, m49: str, wikidata: str) -> None:
    country = URIRef(f"https://w3id.org/r2p-graph/id/country/{code}")
    assert countries.value(country, R2P.isoAlpha3) == Literal(alpha3)
    assert countries.value(country, R2P.m49) == Literal(m49)
    assert (
        country,
        SKOS.exactMatch,
        URIRef(f"http://www.wikidata.org/entity/{wikidata}"),
    ) in countries
    assert countries.value(country, R2P.region) is not None
