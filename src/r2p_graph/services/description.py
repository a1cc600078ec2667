"""What the graph says about one thing or one vocabulary, for publishing it as linked data.

The dataset as a whole is described in :mod:`r2p_graph.services.void`; the store is streamed as
a compressed dump by :mod:`r2p_graph.services.dumps`.

Everything is read through the :class:`~r2p_graph.store.Repository` interface with small
queries whose values are passed as ``bindings``. A description is an rdflib graph plus display
labels (for properties too, from the ontology where it has them).

>>> from r2p_graph.store import OxigraphRepository
>>> from r2p_graph.ontology.namespaces import local_iri
>>> from r2p_graph.services.bundled import load_bundled
>>> repo = OxigraphRepository.in_memory()
>>> _ = load_bundled(repo)
>>> hungary = describe(repo, local_iri("country", "HU"))
>>> hungary.label
'Hungary'
>>> hungary.labels[R2P.isoAlpha2]
'ISO 3166-1 alpha-2 code'
>>> len(vocabulary_document(repo, VOCABULARIES["quantitative"]).graph) > 50
True
>>> repo.close()
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import BNode

from r2p_graph.errors import MissingInputError
from r2p_graph.ontology.bundle import source_named
from r2p_graph.ontology.namespaces import (
    BASE,
    FRAMEWORK,
    ONTOLOGY_IRI,
    PREFIXES,
    QUANTITATIVE,
    R2P,
    STEPS,
)
from r2p_graph.store import QueryDataset, Repository, SelectResult
from r2p_graph.store.repository import Node

__all__ = [
    "INBOUND_LIMIT",
    "ONTOLOGY",
    "VOCABULARIES",
    "Description",
    "Vocabulary",
    "describe",
    "vocabulary_document",
]

INBOUND_LIMIT: Final = 1000
"""At most this many triples that link to a thing are part of its description."""

_BNODE_DEPTH: Final = 8
"""How deep blank nodes hanging off a description are followed (lists, nested values)."""

_LABEL_PROPERTIES = "VALUES ?labelProperty { rdfs:label skos:prefLabel }"
_PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

_OUTBOUND: Final = (
    _PREFIXES
    + """SELECT ?resource ?p ?o ?labelProperty ?label WHERE {
  { SELECT DISTINCT ?resource ?p ?o WHERE { ?resource ?p ?o } }
  OPTIONAL { """
    + _LABEL_PROPERTIES
    + """ ?o ?labelProperty ?label FILTER(?o != ?resource) }
}"""
)
"""The thing's own triples, with the labels of what they point to."""

_INBOUND: Final = (
    _PREFIXES
    + """SELECT ?resource ?s ?p ?labelProperty ?label WHERE {
  { SELECT DISTINCT ?resource ?s ?p WHERE { ?s ?p ?resource } ORDER BY ?p ?s LIMIT """
    + str(INBOUND_LIMIT + 1)
    + """ }
  OPTIONAL { """
    + _LABEL_PROPERTIES
    + """ ?s ?labelProperty ?label FILTER(?s != ?resource) }
}"""
)
"""The triples that link to the thing (one more than the limit, to tell when it was cut), with
the labels of the things that link."""

_PROPERTY_LABELS: Final = (
    _PREFIXES
    + """SELECT DISTINCT ?resource ?node ?labelProperty ?label WHERE {
  { SELECT DISTINCT ?resource ?node WHERE {
      { ?resource ?node ?o } UNION { ?s ?node ?resource }
  } }
  """
    + _LABEL_PROPERTIES
    + """ ?node ?labelProperty ?label
}"""
)
"""The labels of the properties used in and towards the thing."""

_SOURCES: Final = (
    "SELECT DISTINCT ?resource ?graph WHERE { GRAPH ?graph { ?resource ?p ?o } } ORDER BY ?graph"
)
"""The named graphs that say something about the thing: its sources."""

_BLANK_NODE: Final = "SELECT DISTINCT ?node ?p ?o WHERE { ?node ?p ?o }"
"""The triples of one blank node."""

_GRAPH: Final = "SELECT ?graph ?s ?p ?o WHERE { GRAPH ?graph { ?s ?p ?o } }"
"""Every triple of one named graph."""

_GRAPH_LABELS: Final = (
    _PREFIXES
    + """SELECT DISTINCT ?graph ?node ?labelProperty ?label WHERE {
  { SELECT DISTINCT ?graph ?node WHERE {
      { GRAPH ?graph { ?s ?node ?o } } UNION { GRAPH ?graph { ?s ?p ?node } FILTER(isIRI(?node)) }
  } }
  """
    + _LABEL_PROPERTIES
    + """ ?node ?labelProperty ?label
}"""
)
"""The labels (from any graph) of the properties and values a named graph uses."""

CLASS_LABELS: Final = (
    _PREFIXES
    + """SELECT DISTINCT ?node ?labelProperty ?label WHERE {
  { SELECT DISTINCT ?node WHERE { ?s a ?node } }
  """
    + _LABEL_PROPERTIES
    + """ ?node ?labelProperty ?label
}"""
)
"""The labels of the classes that have instances."""

# Characters an IRI cannot hold (RFC 3987): no such IRI can be in the store.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
_PREFERRED_LANGUAGES = ("en", None)


@dataclass(frozen=True, slots=True)
class Description:
    """What the graph says about one resource.

    ``graph`` holds the resource's own triples (from all named graphs), the labels of what it
    links to, and the triples that link to it (at most :data:`INBOUND_LIMIT`;
    ``inbound_complete`` says whether that was all). ``labels`` names, for display, the nodes
    of the graph and the properties it uses, one label each (English preferred). ``sources``
    are the named graphs that hold the resource's own triples (a bundled source, a loaded
    file, a contribution's graph)."""

    resource: URIRef
    graph: Graph
    labels: Mapping[Node, str] = field(default_factory=dict)
    inbound_complete: bool = True
    sources: tuple[str, ...] = ()

    @property
    def label(self) -> str | None:
        """The display label of the resource itself, if it has one."""
        return self.labels.get(self.resource)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """A vocabulary (or the ontology) published as one document: its IRI, the IRI prefix of its
    terms, and the bundled source it is loaded from.

    Its document is the named graph of the bundled ``source`` it comes from, without the
    descriptions of other vocabularies kept in the same graph (``excluded``)."""

    name: str
    iri: str
    namespace: str
    source: str
    excluded: tuple[str, ...] = ()

    @property
    def graph(self) -> str:
        """The named graph the vocabulary is kept in."""
        return source_named(self.source).graph


ONTOLOGY: Final = Vocabulary("ontology", ONTOLOGY_IRI, str(R2P), "ontology")
"""The r2p-graph ontology, at ``https://w3id.org/r2p-graph/ontology``."""

VOCABULARIES: Final[Mapping[str, Vocabulary]] = {
    "framework": Vocabulary(
        "framework",
        BASE + "vocab/framework",
        str(FRAMEWORK),
        "indicators",
        (BASE + "vocab/quantitative",),
    ),
    "quantitative": Vocabulary(
        "quantitative",
        BASE + "vocab/quantitative",
        str(QUANTITATIVE),
        "indicators",
        (BASE + "vocab/framework",),
    ),
    "steps": Vocabulary("steps", BASE + "vocab/steps", str(STEPS), "steps"),
}
"""The vocabularies under ``https://w3id.org/r2p-graph/vocab/``, by name."""


def describe(repo: Repository, iri: str, *, dataset: QueryDataset | None = None) -> Description:
    """The description of ``iri`` (see :func:`_describe`), read from one copy of the data,
    over ``dataset`` (default: every graph; a reader's readable graphs, see
    :mod:`r2p_graph.services.visibility`)."""
    with repo.consistent_reads():
        return _describe(repo, iri, dataset)


def _describe(repo: Repository, iri: str, dataset: QueryDataset | None = None) -> Description:
    """The description of ``iri``: its triples, the labels of what it links to and what links
    to it. ``MissingInputError`` when the store has no triple with ``iri`` as subject or
    object."""
    if not iri or _NOT_IN_IRI.search(iri):
        raise MissingInputError(f"<{iri}> is not an IRI the graph can hold")
    resource = URIRef(iri)
    graph = Graph()
    candidates: list[tuple[Node, Literal]] = []
    for _, p, o, label_property, label in select_rows(
        repo, _OUTBOUND, dataset=dataset, resource=resource
    ):
        if p is None or o is None:
            continue
        graph.add((resource, p, o))
        if label_property is not None and isinstance(label, Literal):
            graph.add((o, label_property, label))
            candidates.append((o, label))
    linking: set[tuple[Node, Node]] = set()
    inbound_complete = True
    for _, s, p, label_property, label in select_rows(
        repo, _INBOUND, dataset=dataset, resource=resource
    ):
        if s is None or p is None:
            continue
        if (s, p) not in linking:
            if len(linking) == INBOUND_LIMIT:
                inbound_complete = False
                continue
            linking.add((s, p))
        graph.add((s, p, resource))
        if label_property is not None and isinstance(label, Literal):
            graph.add((s, label_property, label))
            candidates.append((s, label))
    if not len(graph):
        raise MissingInputError(f"the graph says nothing about <{iri}>")
    _add_blank_nodes(repo, graph, dataset)
    for _, node, _, label in select_rows(
        repo, _PROPERTY_LABELS, dataset=dataset, resource=resource
    ):
        if node is not None and isinstance(label, Literal):
            candidates.append((node, label))
    candidates.extend(_own_labels(graph, resource))
    sources = tuple(
        str(g) for _, g in select_rows(repo, _SOURCES, resource=resource) if g is not None
    )
    return Description(resource, graph, choose_labels(candidates), inbound_complete, sources)


def vocabulary_document(
    repo: Repository, vocabulary: Vocabulary, *, dataset: QueryDataset | None = None
) -> Description:
    """The document of ``vocabulary`` (see :func:`_vocabulary_document`), read from one copy,
    over ``dataset`` (default: every graph)."""
    with repo.consistent_reads():
        return _vocabulary_document(repo, vocabulary, dataset)


def _vocabulary_document(
    repo: Repository, vocabulary: Vocabulary, dataset: QueryDataset | None = None
) -> Description:
    """The document of ``vocabulary``: its named graph (less other vocabularies' terms) and the
    labels of the properties and values it uses. ``MissingInputError`` when it is not loaded."""
    graph_iri = URIRef(vocabulary.graph)
    graph = Graph()
    for name, uri in PREFIXES.items():
        graph.bind(name, uri)
    for _, s, p, o in select_rows(repo, _GRAPH, dataset=dataset, graph=graph_iri):
        if s is None or p is None or o is None:
            continue
        if isinstance(s, URIRef) and str(s).startswith(vocabulary.excluded):
            continue
        graph.add((s, p, o))
    if not len(graph):
        raise MissingInputError(f"the vocabulary <{vocabulary.iri}> is not loaded")
    candidates: list[tuple[Node, Literal]] = []
    for label_property in (RDFS.label, SKOS.prefLabel):
        for labelled, label_value in graph.subject_objects(label_property):
            if isinstance(labelled, URIRef | BNode) and isinstance(label_value, Literal):
                candidates.append((labelled, label_value))
    for _, node, _, label in select_rows(repo, _GRAPH_LABELS, dataset=dataset, graph=graph_iri):
        if node is not None and isinstance(label, Literal):
            candidates.append((node, label))
    return Description(URIRef(vocabulary.iri), graph, choose_labels(candidates))


def select_rows(
    repo: Repository, query: str, *, dataset: QueryDataset | None = None, **bindings: Node
) -> Iterator[tuple[Node | None, ...]]:
    """The rows of a SELECT ``query`` over ``dataset`` with variables bound to ``bindings``."""
    result = repo.query(query, dataset=dataset, bindings=bindings)
    assert isinstance(result, SelectResult)
    return result.rows()


def _add_blank_nodes(repo: Repository, graph: Graph, dataset: QueryDataset | None) -> None:
    """Add the triples of the blank nodes the graph reaches, a few levels deep."""
    seen: set[BNode] = set()
    for _ in range(_BNODE_DEPTH):
        frontier = {o for o in graph.objects() if isinstance(o, BNode) and o not in seen}
        if not frontier:
            return
        for node in frontier:
            seen.add(node)
            for _, p, o in select_rows(repo, _BLANK_NODE, dataset=dataset, node=node):
                if p is not None and o is not None:
                    graph.add((node, p, o))


def _own_labels(graph: Graph, resource: URIRef) -> Iterable[tuple[Node, Literal]]:
    for p in (RDFS.label, SKOS.prefLabel):
        for o in graph.objects(resource, p):
            if isinstance(o, Literal):
                yield resource, o


def choose_labels(candidates: Iterable[tuple[Node, Literal]]) -> dict[Node, str]:
    """One label per node: English first, then one without a language, then any (the
    alphabetically first of equals, so that the choice is stable)."""

    def rank(label: Literal) -> tuple[int, str]:
        language = label.language.lower() if label.language else None
        base = language.split("-")[0] if language else None
        order = _PREFERRED_LANGUAGES.index(base) if base in _PREFERRED_LANGUAGES else 2
        return order, str(label)

    best: dict[Node, Literal] = {}
    for node, label in candidates:
        if not isinstance(label, Literal):
            continue
        if node not in best or rank(label) < rank(best[node]):
            best[node] = label
    return {node: str(label) for node, label in best.items()}
