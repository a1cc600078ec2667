"""Checking RDF data against r2p-graph's SHACL shapes.

Data is validated together with its context (the ontology, the vocabularies, the countries and
the bundled actors), so that ``sh:class`` sees subclasses and references to existing things
resolve; but only with the part of the context it touches (the class hierarchy, the descriptions
of the things it refers to), so the cost follows the size of the data, not of the context.
pySHACL's ``focus_nodes`` option is not used: it also skips the values inside nested shapes
(``sh:or``, qualified shapes) that are not among the focus nodes.

A report *conforms* when it has no violation; warnings are reported but do not block.

>>> data = b'''@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .
... <https://w3id.org/r2p-graph/id/person/x> a r2p:Person ; r2p:visibility r2p:public .'''
>>> report = validate_data(data, RdfFormat.TURTLE)
>>> report.conforms, [r.message for r in report.violations]
(False, ['Give a name (rdfs:label) so people can find it, e.g. "Budapest Centre"@en.'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from pathlib import Path

import pyshacl
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import BNode, Node, URIRef

from r2p_graph.ontology.bundle import SHAPES_FILE, BundledSource, SourceKind, sources_of_kind
from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.context import GraphContext, ValidationContext
from r2p_graph.services.prepared_queries import prepared_view
from r2p_graph.store import read_triples
from r2p_graph.store.formats import RdfFormat
from r2p_graph.store.repository import GraphResult, Repository

_ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
# Taken whole from the context: the class hierarchy (for sh:class) and the country codes (which
# must stay unique across all countries).
_ALWAYS_FROM_CONTEXT = (RDFS.subClassOf, R2P.isoAlpha2, R2P.isoAlpha3, R2P.m49)


class Severity(Enum):
    """How serious a validation result is; only violations block."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """One thing a shape found wrong with one node."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: Severity
    shape: str

    def __str__(self) -> str:
        where = self.focus if self.path is None else f"{self.focus} {self.path}"
        value = "" if self.value is None else f" (value: {self.value})"
        return f"{self.severity.value}: {where}{value}: {self.message}"


@dataclass(slots=True)
class ValidationReport:
    """All results of one validation, most serious first."""

    results: list[ValidationResult] = field(default_factory=list)

    @property
    def violations(self) -> list[ValidationResult]:
        """The results that block the data."""
        return [r for r in self.results if r.severity is Severity.VIOLATION]

    @property
    def warnings(self) -> list[ValidationResult]:
        """The results that are reported but do not block."""
        return [r for r in self.results if r.severity is Severity.WARNING]

    @property
    def conforms(self) -> bool:
        """True when there is no violation."""
        return not self.violations


def repository_graph(repo: Repository) -> Graph:
    """All triples of a repository (graph names dropped) as an rdflib graph."""
    graph = Graph()
    result = repo.query(_ALL_TRIPLES)
    assert isinstance(result, GraphResult)
    for triple in result.triples():
        graph.add(triple)
    return graph


def parse_rdf(source: Path | bytes, fmt: RdfFormat, *, source_name: str | None = None) -> Graph:
    """Parse one RDF document into an rdflib graph.

    ``RdfSyntaxError`` with line and column when it is malformed; ``MissingInputError`` when
    the file does not exist."""
    graph = Graph()
    for triple in read_triples(source, fmt, source_name=source_name or "input"):
        graph.add(triple)
    return graph


@cache
def _shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def shapes_graph() -> Graph:
    """The bundled SHACL shapes, parsed once per process (do not change the graph)."""
    return _shapes()


def shapes_report(data: Graph) -> Graph:
    """pySHACL's results graph for ``data`` against the bundled shapes (SHACL-SPARQL on,
    warnings allowed), every result about any node of ``data``.

    Each SPARQL-based constraint is parsed once per process, not once per focus node
    (:mod:`~r2p_graph.services.prepared_queries`): that parsing made validating a whole graph
    about ten times slower. ``data`` is read where it is, not copied, and not changed.

    >>> from rdflib.namespace import SH
    >>> data = Graph().parse(data='''@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .
    ... <https://w3id.org/r2p-graph/id/person/x> a r2p:Person .''', format="turtle")
    >>> len(set(shapes_report(data).subjects(RDF.type, SH.ValidationResult)))
    2
    """
    _, results_graph, _ = pyshacl.validate(
        prepared_view(data),
        shacl_graph=_shapes(),
        advanced=True,
        allow_warnings=True,
        inplace=True,
    )
    assert isinstance(results_graph, Graph)
    return results_graph


def read_report(results_graph: Graph, *, keep: set[Node]) -> ValidationReport:
    """The results of a pySHACL results graph whose focus node is in ``keep``."""
    return _read_report(results_graph, keep=keep)


def context_sources() -> tuple[BundledSource, ...]:
    """The bundled sources that data is validated together with."""
    return sources_of_kind(SourceKind.ONTOLOGY, SourceKind.VOCABULARY, SourceKind.DATA)


@cache
def bundled_context() -> GraphContext:
    """The bundled ontology, vocabularies, countries and actors, parsed once per process."""
    graph = Graph()
    for source in context_sources():
        graph.parse(source.path, format="turtle")
    return GraphContext(graph)


def validate_graph(data: Graph, *, context: ValidationContext | None = None) -> ValidationReport:
    """Validate the nodes of ``data`` against the shapes, in the light of ``context``.

    ``context`` is what the data may refer to (by default the bundled ontology, vocabularies,
    countries and actors). Only the part of it the data touches is used: the class hierarchy,
    the description of every IRI the data mentions, and the codes of all countries (which must
    stay unique). Results are kept for the data's own nodes and for IRIs it refers to that the
    context does not describe (e.g. an unknown country). Nothing is written anywhere.
    """
    working, unknown = neighbourhood(data, bundled_context() if context is None else context)
    return _read_report(shapes_report(working), keep=set(data.subjects()) | unknown)


def neighbourhood(data: Graph, context: ValidationContext) -> tuple[Graph, set[URIRef]]:
    """``data`` plus what validating it needs from ``context`` (see :func:`validate_graph`),
    and the IRIs the data mentions that the context does not describe."""
    working = Graph()
    for predicate in _ALWAYS_FROM_CONTEXT:
        for triple in context.with_predicate(predicate):
            working.add(triple)
    unknown = set()
    for node in _mentioned_iris(data):
        described = False
        for triple in context.describe(node):
            working.add(triple)
            described = True
        if not described:
            unknown.add(node)
    working += data
    return working, unknown


def validate_data(
    source: Path | bytes, fmt: RdfFormat, *, source_name: str | None = None
) -> ValidationReport:
    """Parse one document and validate it (see :func:`validate_graph`)."""
    return validate_graph(parse_rdf(source, fmt, source_name=source_name))


def _mentioned_iris(data: Graph) -> set[URIRef]:
    """The IRIs ``data`` describes or points at (predicates aside)."""
    nodes: set[URIRef] = {s for s in data.subjects() if isinstance(s, URIRef)}
    nodes.update(o for o in data.objects() if isinstance(o, URIRef))
    return nodes


_SEVERITIES = {str(SH[s.value]): s for s in Severity}


def _read_report(results_graph: Graph, *, keep: set[Node]) -> ValidationReport:
    results = []
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        focus = results_graph.value(result, SH.focusNode)
        if focus not in keep:
            continue
        path = results_graph.value(result, SH.resultPath)
        value = results_graph.value(result, SH.value)
        message = results_graph.value(result, SH.resultMessage)
        severity = results_graph.value(result, SH.resultSeverity)
        shape = results_graph.value(result, SH.sourceShape)
        results.append(
            ValidationResult(
                focus=_show(focus) or "",
                path=_show(path),
                value=_show(value),
                message=str(message) if message is not None else "does not conform",
                severity=_SEVERITIES.get(str(severity), Severity.VIOLATION),
                shape=_show(shape) or "",
            )
        )
    order = list(Severity)
    results.sort(key=lambda r: (order.index(r.severity), r.focus, r.path or "", r.message))
    return ValidationReport(results)


def _show(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return "_:" + str(node)
    return str(node)
