"""The gate: a contribution is checked against the shapes together with the data it touches.

Validating the whole graph for each contribution costs the size of the graph (26 s at a million
triples). The gate validates instead only what the contribution can change: its focus nodes are

* every node the contribution describes (its subjects) and every IRI it points at (a new
  ``r2p:country`` makes the country a target of ``CountryReference``);
* every node of the store whose constraints read one of those subjects, found by walking
  backwards from them along the path steps of the shapes, as far as the shapes look
  (:class:`~r2p_graph.services.contributions.reach.ShapeReach`);
* every node of the store that shares a code which must stay unique (ISO and M49 codes).

Around the focus nodes it reads from the store, by index look-ups, the triples of every node within
the shapes' depth (and, for ``sh:inversePath``, the triples pointing at them), the class hierarchy
(for ``sh:class``) and the unique codes, adds the contribution, and validates that small graph with
pySHACL, keeping the results about the focus nodes: the same results as validating the union of the
store and the contribution whole (``tests/services/contributions/test_gate.py`` checks this on
every shape test case). The whole small graph is validated rather than handing pySHACL
``focus_nodes``, which skips the values of nested shapes that are not themselves focus nodes.

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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import pyshacl
from rdflib import Graph
from rdflib.namespace import RDFS
from rdflib.term import BNode, Literal, Node, URIRef

from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.contributions.reach import ShapeReach
from r2p_graph.services.validation import (
    Severity,
    ValidationReport,
    ValidationResult,
    read_report,
    shapes_graph,
)
from r2p_graph.store.repository import Node as Term
from r2p_graph.store.repository import Quad, Repository

# Values that must stay unique across the graph (a SPARQL constraint compares every pair).
UNIQUE_CODES = (R2P.isoAlpha2, R2P.isoAlpha3, R2P.m49)
_TAKEN_WHOLE = (RDFS.subClassOf, *UNIQUE_CODES)


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
    between the check and the commit (:class:`~r2p_graph.services.contributions.ledger` does).
    """

    def __init__(self, repo: Repository, *, reach: ShapeReach | None = None) -> None:
        self._repo = repo
        self._reach = reach or bundled_reach()
        self._backward = {s.predicate for s in self._reach.steps if s.forward}
        self._forward_inverse = {s.predicate for s in self._reach.steps if not s.forward}

    def check(self, contribution: Graph, *, leaving: Iterable[str] = ()) -> GateReport:
        """Validate ``contribution`` as if it were added to the store, from which the named
        graphs ``leaving`` are taken out at the same time (a replaced contribution)."""
        view = _StoreView(self._repo, contribution, frozenset(URIRef(g) for g in leaving))
        subjects = set(contribution.subjects())
        focus: set[Node] = set(subjects)
        focus.update(o for o in contribution.objects() if isinstance(o, URIRef))
        focus.update(self._dependents(view, subjects))
        focus.update(self._sharing_codes(view, contribution))
        working = Graph()
        for predicate in _TAKEN_WHOLE:
            for triple in view.with_predicate(predicate):
                working.add(triple)
        self._add_neighbourhood(view, working, focus)
        report, results_graph = _validate(working, focus)
        pre_existing: frozenset[ValidationResult] = frozenset()
        elsewhere = [r for r in report.violations if not _about(r, subjects)]
        if elsewhere:
            # Were they there before? Validate the same nodes in the store as it is now.
            now = _StoreView(self._repo, Graph(), frozenset())
            before = Graph()
            for predicate in _TAKEN_WHOLE:
                for triple in now.with_predicate(predicate):
                    before.add(triple)
            self._add_neighbourhood(now, before, focus - subjects)
            earlier = set(_validate(before, focus - subjects)[0].results)
            pre_existing = frozenset(r for r in elsewhere if r in earlier)
        return GateReport(report, pre_existing, frozenset(focus), len(working), results_graph)

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

    def _add_neighbourhood(self, view: _StoreView, working: Graph, focus: set[Node]) -> None:
        """The triples of every node within the shapes' depth of the focus nodes; blank nodes
        are followed to the end, as their description is what makes them."""
        described: set[Node] = set()
        frontier = set(focus)
        distance = 0
        while frontier:
            following: set[Node] = set()
            for node in frontier:
                described.add(node)
                for triple in view.describe(node):
                    working.add(triple)
                    _, _, o = triple
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


def _about(result: ValidationResult, subjects: set[Node]) -> bool:
    return any(result.focus == _shown(s) for s in subjects)


def _shown(node: Node) -> str:
    return "_:" + str(node) if isinstance(node, BNode) else str(node)


def _validate(working: Graph, focus: set[Node]) -> tuple[ValidationReport, Graph]:
    _, results_graph, _ = pyshacl.validate(
        working, shacl_graph=shapes_graph(), advanced=True, allow_warnings=True, inplace=True
    )
    assert isinstance(results_graph, Graph)
    return read_report(results_graph, keep=set(focus)), results_graph


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

    def with_value(self, predicate: URIRef, value: Node) -> Iterator[tuple[Node, Node, Node]]:
        stored = self._repo.quads_matching(None, predicate, _term(value))
        return self._union(stored, self._contribution.triples((None, predicate, value)))
