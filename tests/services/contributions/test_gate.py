"""The gate finds what validating the whole union of store and contribution finds.

Every shape test case (``tests/shapes/cases``) is used twice as a contribution to a store holding
the bundled ontology and vocabularies and the countries the cases mention (all 250 countries would
make each validation of the whole union take seconds): once whole, and once split, its first
subject's triples contributed to a store that already holds the rest of the case (so that the
gate must find, in the store, the nodes whose constraints depend on the contribution). Each time
the gate's results must be exactly the results of pySHACL over the whole union that are about the
gate's focus nodes, and every result the union has that the store alone had not must be among them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph
from rdflib.term import BNode, Node, URIRef

from r2p_graph.ontology.bundle import source_named
from r2p_graph.services.contributions.gate import Gate
from r2p_graph.services.contributions.reach import ShapeReach, UnboundedPathError
from r2p_graph.services.validation import (
    ValidationResult,
    read_report,
    shapes_graph,
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


def _store(extra: Graph | None = None) -> OxigraphRepository:
    repo = OxigraphRepository.in_memory()
    for name, graph in _context().items():
        repo.load(
            graph.serialize(format="nt", encoding="utf-8"),
            RdfFormat.N_TRIPLES,
            graph=source_named(name).graph,
        )
    if extra is not None and len(extra):
        repo.load(
            extra.serialize(format="nt", encoding="utf-8"),
            RdfFormat.N_TRIPLES,
            graph="https://w3id.org/r2p-graph/graph/case-rest",
        )
    return repo


def _whole(graph: Graph) -> set[ValidationResult]:
    _, results, _ = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), advanced=True, allow_warnings=True, inplace=False
    )
    assert isinstance(results, Graph)
    everything: set[Node] = set(graph.subjects()) | set(graph.objects())
    return set(read_report(results, keep=everything).results)


def _union(repo: OxigraphRepository, contribution: Graph) -> Graph:
    union = Graph()
    for s, p, o, _ in repo.quads_matching():
        union.add((s, p, o))
    union += contribution
    return union


@cache
def _context_results() -> frozenset[ValidationResult]:
    return frozenset(_whole(_union(_store(), Graph())))


def _compare(repo: OxigraphRepository, contribution: Graph, before: set[ValidationResult]) -> None:
    gate = Gate(repo).check(contribution)
    union = _whole(_union(repo, contribution))
    shown = {_show(n) for n in gate.focus_nodes}
    about_focus = {r for r in union if r.focus in shown}
    found = set(gate.report.results)
    assert found == about_focus, (
        f"only the gate: {sorted(map(str, found - about_focus))}\n"
        f"only the union: {sorted(map(str, about_focus - found))}"
    )
    missed = (union - before) - found
    assert not missed, f"new results the gate missed: {sorted(map(str, missed))}"


def _show(node: Node) -> str:
    return "_:" + str(node) if isinstance(node, BNode) else str(node)


def test_the_context_conforms() -> None:
    assert not [r for r in _context_results() if r.severity.value == "Violation"]


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.name for p in CASE_FILES])
def test_gate_equals_whole_union(path: Path) -> None:
    _compare(_store(), Graph().parse(path), set(_context_results()))


def _first_subject(path: Path, graph: Graph) -> URIRef | None:
    """The first IRI described in the case file, in reading order."""
    subjects = {str(s): s for s in graph.subjects() if isinstance(s, URIRef)}
    text = path.read_text(encoding="utf-8")
    positions = []
    for name, subject in subjects.items():
        local = name.rsplit("/", 1)[-1]
        index = text.find(local + "\n")
        positions.append((index if index >= 0 else len(text), name, subject))
    return min(positions)[2] if positions else None


def _split_cases() -> list[Path]:
    return [p for p in CASE_FILES if len(set(Graph().parse(p).subjects())) > 1]


@pytest.mark.parametrize("path", _split_cases(), ids=[p.name for p in _split_cases()])
def test_gate_equals_whole_union_when_the_rest_is_stored(path: Path) -> None:
    case = Graph().parse(path)
    first = _first_subject(path, case)
    assert first is not None
    # The first subject goes with its blank nodes: a contribution cannot name a stored one.
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
    repo = _store(rest)
    before = _whole(_union(repo, Graph()))
    _compare(repo, contribution, before)


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
