"""A small synthetic store for the catalogue tests, with its inferences materialised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib.term import Literal, URIRef

from r2p_graph.ontology.bundle import SourceKind, sources_of_kind
from r2p_graph.services.catalogue import Catalogue
from r2p_graph.services.inference import Materialiser, OntologyRules
from r2p_graph.services.reasoning import ontology_graph
from r2p_graph.store import OxigraphRepository, RdfFormat, Repository, SelectResult

FIXTURE = Path(__file__).with_name("fixture.ttl")
FIXTURE_GRAPH = "https://w3id.org/r2p-graph/graph/fixture"
SHORT = {
    "https://w3id.org/r2p-graph/id/fixture/": "ex:",
    "https://w3id.org/r2p-graph/id/country/": "c:",
    "https://w3id.org/r2p-graph/vocab/steps/": "step:",
    "https://w3id.org/r2p-graph/vocab/framework/": "fa:",
    "https://w3id.org/r2p-graph/ontology#": "r2p:",
}

Row = tuple[object, ...]
RunQuery = Callable[..., list[Row]]


def short(value: object) -> object:
    """An IRI as ``prefix:name``, a literal as its Python value, unbound as ``None``."""
    if isinstance(value, URIRef):
        for namespace, prefix in SHORT.items():
            if value.startswith(namespace):
                return prefix + value[len(namespace) :]
        return str(value)
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, str) and "; " in python:  # GROUP_CONCAT: order is not defined
            return "; ".join(sorted(python.split("; ")))
        return str(python) if isinstance(python, Literal) else python
    return value


@pytest.fixture(scope="package")
def fixture_repo() -> Iterator[Repository]:
    """The ontology, the vocabularies and ``fixture.ttl``, with inferences materialised."""
    with OxigraphRepository.in_memory() as repo:
        for source in sources_of_kind(SourceKind.ONTOLOGY, SourceKind.VOCABULARY):
            repo.load(source.path, RdfFormat.TURTLE, graph=source.graph)
        repo.load(FIXTURE, RdfFormat.TURTLE, graph=FIXTURE_GRAPH)
        Materialiser(OntologyRules.from_graph(ontology_graph())).refresh(repo)
        yield repo


@pytest.fixture(scope="package")
def catalogue() -> Catalogue:
    return Catalogue.bundled()


@pytest.fixture(scope="package")
def run(fixture_repo: Repository, catalogue: Catalogue) -> RunQuery:
    """Run a catalogue query on the fixture with text parameters; rows of short values."""

    def run_query(name: str, **params: str) -> list[Row]:
        text = catalogue.get(name).bind(
            {key: [value] for key, value in params.items()}, today=dt.date(2026, 6, 30)
        )
        result = fixture_repo.query(text)
        assert isinstance(result, SelectResult)
        return [tuple(short(v) for v in row) for row in result.rows()]

    return run_query
