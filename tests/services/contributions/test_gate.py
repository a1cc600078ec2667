"""The gate finds what validating the whole union of store and contribution finds.

Every shape test case (``tests/shapes/cases``) is a contribution to a store holding the bundled
ontology and vocabularies and the countries the cases mention (all 250 countries would make each
validation of the whole union take seconds). Every case that describes a node other nodes point
at is used a second time, split: that node is contributed to a store that already holds the rest
of the case, so that the gate must find, in the store, the nodes whose constraints depend on it.
Each time the gate's results must be exactly the results of pySHACL over the whole union that are
about the gate's focus nodes, and every result the union has that the store alone had not must be
among them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.term import BNode, Node, URIRef

from r2p_graph.ontology.bundle import source_named
from r2p_graph.services.contributions.gate import Gate
from r2p_graph.services.contributions.reach import ShapeReach, UnboundedPathError
from r2p_graph.services.contributions.rebuild import dump_bytes
from r2p_graph.services.validation import (
    ValidationResult,
    read_report,
    shapes_report,
)
from r2p_graph.store import OxigraphRepository, RdfFormat
from tests.shapes.test_shapes import CASE_FILES

COUNTRY = "https://w3id.org/r2p-graph/id/country/"
_CONTEXT = ("ontology", "indicators", "steps")


def _mentioned_countries(graphs: list[Graph]) -> set[URIRef]:
    found: set[URIRef] = set()
    for graph in graphs:
        for s, _, o in graph:
            found.update(t for t in (s, o) if isinstance(t, URIRef) and str(t).startswith(COUNTRY))
    return found


@cache
def _context() -> dict[str, Graph]:
    graphs = {name: Graph().parse(source_named(name).path) for name in _CONTEXT}
    cases = [Graph().parse(path) for path in CASE_FILES]
    wanted: set[Node] = set(_mentioned_countries(cases))
    countries = Graph().parse(source_named("countries").path)
    subset = Graph()
    frontier = set(wanted)
    while frontier:
        node = frontier.pop()
        for triple in countries.triples((node, None, None)):
            subset.add(triple)
            if isinstance(triple[2], BNode) or (
                isinstance(triple[2], URIRef) and str(triple[2]).startswith(str(node) + "/")
            ):
                frontier.add(triple[2])
    graphs["countries"] = subset
    return graphs


@cache
def _context_nquads() -> bytes:
    repo = OxigraphRepository.in_memory()
    for name, graph in _context().items():
        repo.load(
            graph.serialize(format="nt", encoding="utf-8"),
            RdfFormat.N_TRIPLES,
            graph=source_named(name).graph,
        )
    return dump_bytes(repo)


@cache
def _context_graph() -> Graph:
    union = Graph()
    for graph in _context().values():
        union += graph
    return union


def _store(extra: Graph | None = None) -> OxigraphRepository:
    repo = OxigraphRepository.in_memory()
    repo.load(_context_nquads(), RdfFormat.N_QUADS)
    if extra is not None and len(extra):
        repo.load(
            extra.serialize(format="nt", encoding="utf-8"),
            RdfFormat.N_TRIPLES,
            graph="https://w3id.org/r2p-graph/graph/case-rest",
        )
    return repo


@cache
def _context_store() -> OxigraphRepository:
    """The context alone, shared by the cases contributed whole (the gate only reads)."""
    return _store()


def _whole(graph: Graph) -> set[ValidationResult]:
    results = shapes_report(graph)
    everything: set[Node] = set(graph.subjects()) | set(graph.objects())
    return set(read_report(results, keep=everything).results)


def _union(stored: Graph, contribution: Graph) -> Graph:
    union = Graph()
    union += _context_graph()
    union += stored
    union += contribution
    return union


@cache
def _context_results() -> frozenset[ValidationResult]:
    return frozenset(_whole(_union(Graph(), Graph())))


def _compare(
    repo: OxigraphRepository,
    stored: Graph,
    contribution: Graph,
    before: Callable[[], set[ValidationResult]],
) -> None:
    """The gate over ``repo`` (the context and ``stored``) against pySHACL over the union."""
    gate = Gate(repo).check(contribution)
    union = _whole(_union(stored, contribution))
    about_focus = {r for r in union if gate.covers(r)}
    found = set(gate.report.results)
    assert found == about_focus, (
        f"only the gate: {sorted(map(str, found - about_focus))}\n"
        f"only the union: {sorted(map(str, about_focus - found))}"
    )
    missed = union - found
    if missed:
        missed -= before()  # results the store had already are not the contribution's
    assert not missed, f"new results the gate missed: {sorted(map(str, missed))}"


def _show(node: Node) -> str:
    return "_:" + str(node) if isinstance(node, BNode) else str(node)


def test_the_context_conforms() -> None:
    assert not [r for r in _context_results() if r.severity.value == "Violation"]


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.name for p in CASE_FILES])
def test_gate_equals_whole_union(path: Path) -> None:
    _compare(_context_store(), Graph(), Graph().parse(path), lambda: set(_context_results()))


def _referenced_subject(graph: Graph) -> URIRef | None:
    """The IRI the case describes that most of its other nodes point at (the one whose
    change the gate must trace back to them), if any."""
    counts = {
        s: len({x for x, _, _ in graph.triples((None, None, s)) if x != s})
        for s in set(graph.subjects())
        if isinstance(s, URIRef)
    }
    best = max(sorted(counts, key=str), key=lambda s: counts[s], default=None)
    return best if best is not None and counts[best] else None


def _split_cases() -> list[Path]:
    return [p for p in CASE_FILES if _referenced_subject(Graph().parse(p)) is not None]


@pytest.mark.parametrize("path", _split_cases(), ids=[p.name for p in _split_cases()])
def test_gate_equals_whole_union_when_the_rest_is_stored(path: Path) -> None:
    """The node others point at is contributed to a store holding the others."""
    case = Graph().parse(path)
    first = _referenced_subject(case)
    assert first is not None
    # The node goes with its blank nodes: a contribution cannot name a stored one.
    own: set[Node] = {first}
    frontier: list[Node] = [first]
    while frontier:
        for _, _, o in case.triples((frontier.pop(), None, None)):
            if isinstance(o, BNode) and o not in own:
                own.add(o)
                frontier.append(o)
    contribution, rest = Graph(), Graph()
    for triple in case:
        (contribution if triple[0] in own else rest).add(triple)
    _compare(_store(rest), rest, contribution, lambda: _whole(_union(rest, Graph())))


def test_reach_of_a_longer_path() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ( ex:a ex:b ) ; sh:class ex:D ] ,
                        [ sh:path [ sh:inversePath ex:i ] ; sh:minCount 1 ] .""",
        format="turtle",
    )
    reach = ShapeReach.of(shapes)
    assert reach.depth == 2
    assert {str(s.predicate) for s in reach.steps} == {
        "http://example.org/a",
        "http://example.org/b",
    }
    assert {str(p) for p in reach.inverse} == {"http://example.org/i"}


def test_unbounded_paths_are_refused() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path [ sh:zeroOrMorePath ex:a ] ; sh:class ex:D ] .""",
        format="turtle",
    )
    with pytest.raises(UnboundedPathError):
        ShapeReach.of(shapes)
