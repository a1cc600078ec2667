"""The ontology and vocabularies: they parse, are documented, and HermiT finds them consistent."""

from __future__ import annotations

from pathlib import Path

import owlready2
import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from r2p_graph.ontology.bundle import SourceKind, sources_of_kind
from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.reasoning import check_consistency, ontology_graph

VOCABULARY_FILES = [s.path for s in sources_of_kind(SourceKind.ONTOLOGY, SourceKind.VOCABULARY)]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.mark.parametrize("path", VOCABULARY_FILES, ids=lambda p: p.name)
def test_parses_in_rdflib_and_owlready2(path: Path, tmp_path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 100
    nt = tmp_path / "file.nt"
    graph.serialize(nt, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(nt.as_uri()).load()
    assert len(list(world.classes())) > 0 or path.name != "r2p.ttl"


def test_ontology_header(ontology: Graph) -> None:
    header = list(ontology.subjects(RDF.type, OWL.Ontology))
    assert len(header) == 1
    assert (header[0], OWL.versionIRI, None) in ontology


def test_every_own_term_has_label_and_definition(ontology: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {
        t for k in kinds for t in ontology.subjects(RDF.type, k) if str(t).startswith(str(R2P))
    }
    assert len(terms) > 60
    undocumented = sorted(
        str(t)
        for t in terms
        if ontology.value(t, RDFS.label) is None or ontology.value(t, RDFS.comment) is None
    )
    assert undocumented == []


def test_labels_carry_language_tags(ontology: Graph) -> None:
    untagged = [
        (s, o)
        for p in (RDFS.label, SKOS.prefLabel, RDFS.comment, SKOS.definition)
        for s, o in ontology.subject_objects(p)
        if getattr(o, "language", None) is None
    ]
    assert untagged == []


def test_framework_has_fourteen_risk_factors(ontology: Graph) -> None:
    risk_factors = set(ontology.subjects(RDF.type, R2P.RiskFactor))
    assert len(risk_factors) == 14
    notations = sorted(int(str(ontology.value(rf, SKOS.notation))) for rf in risk_factors)
    assert notations == list(range(1, 15))


def test_continuum_is_ordered(ontology: Graph) -> None:
    steps = sorted(
        (int(ontology.value(s, R2P.stepOrder)), str(s))  # type: ignore[arg-type]
        for s in ontology.subjects(RDF.type, R2P.ResponseStep)
    )
    assert [order for order, _ in steps] == list(range(1, len(steps) + 1))


@pytest.mark.slow
def test_hermit_finds_ontology_consistent_and_all_classes_satisfiable(ontology: Graph) -> None:
    report = check_consistency(ontology)
    assert report.consistent
    assert report.unsatisfiable == []
    assert report.classes > 50


@pytest.mark.slow
def test_hermit_catches_an_individual_in_disjoint_classes(ontology: Graph) -> None:
    bad = Graph()
    bad += ontology
    thing = R2P["unused"]  # any IRI will do
    bad.add((thing, RDF.type, R2P.NonGovernmentalOrganization))
    bad.add((thing, RDF.type, R2P.GovernmentBody))
    assert not check_consistency(bad).consistent
