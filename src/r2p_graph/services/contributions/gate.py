"""The gate: a contribution is checked against the shapes together with the data it touches.

Validating the whole graph for each contribution costs the size of the graph (26 s at a million
triples). The gate validates instead only what the contribution can change: its focus nodes are

* every node the contribution describes (its subjects), and every IRI it points at through a
  property that makes the IRI a target (a new ``r2p:country`` makes the country a target of
  ``CountryReference``) or that a shape follows backwards (``sh:inversePath``);
* every node of the store whose constraints read one of those subjects, found by walking
  backwards from them along the path steps of the shapes, as far as the shapes look
  (:class:`~r2p_graph.services.contributions.reach.ShapeReach`);
* every node of the store that shares a code which must stay unique (ISO and M49 codes).

Around the focus nodes it reads from the store, by index look-ups, their triples, and of every
node within the shapes' depth the triples the shapes read (types, and the predicates of their
paths; for ``sh:inversePath`` the triples pointing at them), the class hierarchy (for
``sh:class``) and the nodes sharing their codes, adds the contribution, and validates that small
graph with pySHACL. It keeps the results about the focus nodes, and the results of nested shapes
(``sh:node``) about the values they check (the organiser that is not an agent): the same results
as validating the union of the store and the contribution whole
(``tests/services/contributions/test_gate.py`` checks this on every shape test case). The whole
small graph is validated rather than handing pySHACL ``focus_nodes``, which skips the values of
nested shapes that are not themselves focus nodes, and it is as fast here.

A result the store already had before the contribution (say, about a country the contribution
merely links to) is reported but never blamed on the contribution: :attr:`GateReport.blocking`
holds only the violations the contribution brings.

>>> from r2p_graph.store import OxigraphRepository
>>> from rdflib import Graph
>>> repo = OxigraphRepository.in_memory()
>>> data = Graph().parse(data='''
...     @prefix r2p: <https://w3id.org/r2p-graph/ontology#> .
...     <https://w3id.org/r2p-graph/id/person/x> a r2p:Person .''', format="turtle")
>>> report = Gate(repo).check(data)
>>> report.accepted, [r.message[:15] for r in report.blocking]
(False, ['Give a name (rd', 'Say who may see'])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from rdflib import Graph
from rdflib.namespace import RDFS
from rdflib.term import BNode, Literal, Node, URIRef

from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.contributions.reach import ShapeReach
from r2p_graph.services.prepared_queries import PreparedQueryGraph
from r2p_graph.services.validation import (
    Severity,
    ValidationReport,
    ValidationResult,
    read_report,
    shapes_graph,
    shapes_report,
)
from r2p_graph.store.repository import Node as Term
from r2p_graph.store.repository import Quad, Repository

# Values that must stay unique across the graph (a SPARQL constraint compares every pair).
UNIQUE_CODES = (R2P.isoAlpha2, R2P.isoAlpha3, R2P.m49)


@cache
def bundled_reach() -> ShapeReach:
    """The reach of the bundled shapes, worked out once per process."""
    return ShapeReach.of(shapes_graph())


@dataclass(frozen=True, slots=True)
class GateReport:
    """What the gate found about one contribution.

    ``report``: every result about the focus nodes over the union of the store and the
    contribution; ``pre_existing``: those of them the store already had without the
    contribution; ``focus_nodes``; ``context_triples``: the size of the graph validated;
    ``results_graph``: pySHACL's report graph (it may also hold results about nodes read only as
    context, which ``report`` leaves out).
    """

    report: ValidationReport
    pre_existing: frozenset[ValidationResult]
    focus_nodes: frozenset[Node]
    context_triples: int
    results_graph: Graph
    value_nodes: frozenset[Node] = frozenset()
    nested_shapes: frozenset[str] = frozenset()

    def covers(self, result: ValidationResult) -> bool:
        """Whether ``result`` is one the gate reports: about a focus node, or a nested shape's
        result about the value it checked."""
        return _covered(result, self.focus_nodes, self.value_nodes, self.nested_shapes)

    @property
    def blocking(self) -> list[ValidationResult]:
        """The violations the contribution brings: it is refused if there is any."""
        return [r for r in self.report.violations if r not in self.pre_existing]

    @property
    def warnings(self) -> list[ValidationResult]:
        """Warnings: reported to the contributor, never blocking."""
        return [r for r in self.report.results if r.severity is not Severity.VIOLATION]

    @property
    def accepted(self) -> bool:
        """True when nothing blocks the contribution."""
        return not self.blocking


class Gate:
    """Checks contributions against the shapes over the union of ``repo`` and the contribution.

    Reads only (no transaction); the caller that commits afterwards must keep other writers out
    between the check and the commit, as
    :class:`~r2p_graph.services.contributions.service.ContributionService` does.
    """

    def __init__(self, repo: Repository, *, reach: ShapeReach | None = None) -> None:
        self._repo = repo
        self._reach = reach or bundled_reach()
        self._backward = {s.predicate for s in self._reach.steps if s.forward}
        self._forward_inverse = {s.predicate for s in self._reach.steps if not s.forward}

    def check(self, contribution: Graph, *, leaving: Sequence[str] = ()) -> GateReport:
        """Validate ``contribution`` as if it were added to the store, from which the named
        graphs ``leaving`` are taken out at the same time (a replaced contribution)."""
        view = _StoreView(self._repo, contribution, frozenset(URIRef(g) for g in leaving))
        # The nodes whose triples change: those the contribution describes, and those the
        # graphs taken out described.
        subjects: set[Node] = set(contribution.subjects())
        for graph in leaving:
            subjects.update(q[0] for q in self._repo.quads_matching(graph=graph))
        focus: set[Node] = set(subjects)
        # A node pointed at is validated anew only if being pointed at can change its results:
        # it becomes a target (sh:targetObjectsOf) or a shape reads its incoming links.
        pointed = self._reach.target_objects_of | self._reach.inverse
        focus.update(o for _, p, o in contribution if isinstance(o, URIRef) and p in pointed)
        # The values of paths that nested shapes check (an organiser must be an agent): the
        # results of those shapes are about them.
        values: set[Node] = {
            o
            for _, p, o in contribution
            if isinstance(o, URIRef | BNode) and p in self._backward and o not in focus
        }
        focus.update(self._dependents(view, subjects))
        focus.update(self._sharing_codes(view, contribution))
        working = self._neighbourhood(view, focus)
        nested = frozenset(self._reach.nested_only)
        report, results_graph = _validate(working, focus, values, nested)
        pre_existing: frozenset[ValidationResult] = frozenset()
        # Results about nodes the store already mentions may have been there before; a node the
        # store does not know (an unknown country) has no past.
        elsewhere = [
            r for r in report.violations if not _about(r, subjects) and view.known(r.focus)
        ]
        if elsewhere:
            # Were they there before? Validate the same nodes in the store as it is now.
            now = _StoreView(self._repo, Graph(), frozenset())
            before = self._neighbourhood(now, focus - subjects)
            earlier = set(_validate(before, focus - subjects, values, nested)[0].results)
            pre_existing = frozenset(r for r in elsewhere if r in earlier)
        return GateReport(
            report,
            pre_existing,
            frozenset(focus),
            len(working),
            results_graph,
            frozenset(values),
            nested,
        )

    def _dependents(self, view: _StoreView, changed: set[Node]) -> set[Node]:
        """Nodes of the store whose constraints read the triples of ``changed`` nodes."""
        found: set[Node] = set()
        frontier = set(changed)
        for _ in range(self._reach.depth):
            previous: set[Node] = set()
            for node in frontier:
                for s, p, _o in view.pointing_at(node):
                    if p in self._backward:
                        previous.add(s)
                for _s, p, o in view.describe(node):
                    if p in self._forward_inverse and not isinstance(o, Literal):
                        previous.add(o)
            frontier = previous - found - changed
            found |= frontier
        return found

    @staticmethod
    def _sharing_codes(view: _StoreView, contribution: Graph) -> set[Node]:
        sharing: set[Node] = set()
        for predicate in UNIQUE_CODES:
            for _s, _p, value in contribution.triples((None, predicate, None)):
                sharing.update(s for s, _, _ in view.with_value(predicate, value))
        return sharing

    def _neighbourhood(self, view: _StoreView, focus: set[Node]) -> Graph:
        """What validating the focus nodes reads: the class hierarchy, the triples of the focus
        nodes, the triples the shapes read of every node within their depth (blank nodes are
        followed to the end, as their description is what makes them), and the nodes sharing
        a code with a focus node (to check that codes are unique)."""
        working = PreparedQueryGraph()
        for triple in view.with_predicate(RDFS.subClassOf):
            working.add(triple)
        described: set[Node] = set()
        frontier = set(focus)
        distance = 0
        while frontier:
            following: set[Node] = set()
            for node in frontier:
                described.add(node)
                for triple in view.describe(node):
                    _, p, o = triple
                    if distance and p not in self._reach.read and not isinstance(node, BNode):
                        continue
                    working.add(triple)
                    if p in UNIQUE_CODES:
                        for sharing in view.with_value(p, o):  # type: ignore[arg-type]
                            working.add(sharing)
                    if isinstance(o, BNode) or (
                        distance < self._reach.depth and isinstance(o, URIRef)
                    ):
                        following.add(o)
                for predicate in self._reach.inverse:
                    for triple in view.pointing_at(node, predicate):
                        working.add(triple)
                for predicate in self._reach.target_objects_of:
                    # One such triple is enough to make the node a target.
                    for triple in view.pointing_at(node, predicate):
                        working.add(triple)
                        break
            distance += 1
            frontier = {n for n in following if n not in described}
        return working


def _about(result: ValidationResult, subjects: set[Node]) -> bool:
    return any(result.focus == _shown(s) for s in subjects)


def _shown(node: Node) -> str:
    return "_:" + str(node) if isinstance(node, BNode) else str(node)


def _covered(
    result: ValidationResult,
    focus: Iterable[Node],
    values: Iterable[Node],
    nested: frozenset[str],
) -> bool:
    if any(result.focus == _shown(n) for n in focus):
        return True
    return result.shape in nested and any(result.focus == _shown(n) for n in values)


def _validate(
    working: Graph, focus: set[Node], values: set[Node], nested: frozenset[str]
) -> tuple[ValidationReport, Graph]:
    # pySHACL compares values with Python's operators, which fail on an ill-typed literal (a
    # date "2025-13-01"^^xsd:date) in sh:lessThanOrEquals. Written as plain strings, such values
    # still fail their sh:datatype, with the same messages, and compare.
    if any(isinstance(o, Literal) and o.ill_typed for o in working.objects()):
        working = _ill_typed_as_strings(working)
    results_graph = shapes_report(working)
    report = read_report(results_graph, keep=set(focus) | set(values))
    kept = [r for r in report.results if _covered(r, focus, values, nested)]
    return ValidationReport(kept), results_graph


def _ill_typed_as_strings(graph: Graph) -> Graph:
    copy = PreparedQueryGraph()
    for s, p, o in graph:
        plain = Literal(str(o)) if isinstance(o, Literal) and o.ill_typed else o
        copy.add((s, p, plain))
    return copy


def _term(node: Node) -> Term:
    assert isinstance(node, URIRef | Literal | BNode)
    return node


class _StoreView:
    """The union of the store (without the graphs ``leaving``) and the contribution, read by
    pattern; triples that both hold are given once."""

    def __init__(self, repo: Repository, contribution: Graph, leaving: frozenset[URIRef]) -> None:
        self._repo = repo
        self._contribution = contribution
        self._leaving = leaving

    def _union(
        self, stored: Iterator[Quad], added: Iterable[tuple[Node, Node, Node]]
    ) -> Iterator[tuple[Node, Node, Node]]:
        seen: set[tuple[Node, Node, Node]] = set()
        for s, p, o, g in stored:
            if g in self._leaving or (s, p, o) in seen:
                continue
            seen.add((s, p, o))
            yield (s, p, o)
        for triple in added:
            if triple not in seen:
                seen.add(triple)
                yield triple

    def describe(self, node: Node) -> Iterator[tuple[Node, Node, Node]]:
        stored = (
            self._repo.quads_matching(_term(node)) if not isinstance(node, Literal) else iter(())
        )
        return self._union(stored, self._contribution.triples((node, None, None)))

    def pointing_at(
        self, node: Node, predicate: URIRef | None = None
    ) -> Iterator[tuple[Node, Node, Node]]:
        stored = self._repo.quads_matching(None, predicate, _term(node))
        return self._union(stored, self._contribution.triples((None, predicate, node)))

    def with_predicate(self, predicate: URIRef) -> Iterator[tuple[Node, Node, Node]]:
        stored = self._repo.quads_matching(None, predicate, None)
        return self._union(stored, self._contribution.triples((None, predicate, None)))

    def known(self, shown: str) -> bool:
        """Whether the store (not the contribution) mentions the node shown as ``shown``."""
        node: Term = BNode(shown[2:]) if shown.startswith("_:") else URIRef(shown)
        for pattern in ((node, None, None), (None, None, node)):
            for quad in self._repo.quads_matching(*pattern):
                if quad[3] not in self._leaving:
                    return True
        return False

    def with_value(self, predicate: URIRef, value: Node) -> Iterator[tuple[Node, Node, Node]]:
        stored = self._repo.quads_matching(None, predicate, _term(value))
        return self._union(stored, self._contribution.triples((None, predicate, value)))
