"""Reasoning on writes: inferences appear in plain queries and go when their grounds go;
inconsistent writes are refused; inferences from non-public graphs stay in non-public graphs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import URIRef

from r2p_graph.ontology.bundle import SourceKind, sources_of_kind
from r2p_graph.services.inference import (
    INFERRED_GRAPHS,
    InconsistentDataError,
    InferringRepository,
    inferred_graph,
)
from r2p_graph.services.inference.tiers import ACCESS_GRAPH, VISIBILITY
from r2p_graph.services.visibility import Visibility
from r2p_graph.store import OxigraphRepository, QueryDataset, RdfFormat
from tests.conftest import dump_bytes

EX = "http://example.org/synthetic/"
ORG = "http://www.w3.org/ns/org#"
R2P = "https://w3id.org/r2p-graph/ontology#"
DATA = "https://w3id.org/r2p-graph/graph/test-data"
PREFIXES = f"""@prefix org: <{ORG}> . @prefix r2p: <{R2P}> . @prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture
def repo() -> Iterator[InferringRepository]:
    with OxigraphRepository.in_memory() as inner:
        for source in sources_of_kind(SourceKind.ONTOLOGY, SourceKind.VOCABULARY):
            inner.load(source.path, RdfFormat.TURTLE, graph=source.graph)
        yield InferringRepository(inner)


def ask(repo: InferringRepository, pattern: str, dataset: QueryDataset | None = None) -> bool:
    result = repo.query(
        f"PREFIX org: <{ORG}> PREFIX r2p: <{R2P}> PREFIX ex: <{EX}> ASK {{ {pattern} }}",
        dataset=dataset,
    )
    return bool(getattr(result, "value", False))


def load(repo: InferringRepository, turtle: str, graph: str = DATA) -> None:
    repo.load((PREFIXES + turtle).encode(), RdfFormat.TURTLE, graph=graph)


def test_transitive_sub_organisation_through_an_inverse(repo: InferringRepository) -> None:
    load(
        repo,
        "ex:ministry org:hasSubOrganization ex:agency . ex:unit org:subOrganizationOf ex:agency .",
    )
    assert ask(repo, "ex:agency org:subOrganizationOf ex:ministry")  # inverse
    assert ask(repo, "ex:unit org:transitiveSubOrganizationOf ex:ministry")  # transitive
    assert ask(repo, "ex:agency org:hasSubOrganization ex:unit")
    link = f"<{EX}ministry> <{ORG}hasSubOrganization> <{EX}agency>"
    repo.update(f"DELETE DATA {{ GRAPH <{DATA}> {{ {link} }} }}")
    assert not ask(repo, "ex:agency org:subOrganizationOf ex:ministry")
    assert not ask(repo, "ex:unit org:transitiveSubOrganizationOf ex:ministry")
    assert ask(repo, "ex:unit org:transitiveSubOrganizationOf ex:agency")


def test_property_chains_and_their_withdrawal(repo: InferringRepository) -> None:
    load(
        repo,
        """ex:p a r2p:Programme ; r2p:recipientCountry ex:country ; r2p:hasParticipation ex:part .
        ex:part r2p:participant ex:ngo .
        ex:ngo r2p:headquarters ex:site . ex:site r2p:country ex:home .""",
    )
    assert ask(repo, "ex:ngo r2p:participatesIn ex:p")
    assert ask(repo, "ex:ngo r2p:worksIn ex:country")  # a chain over a chain
    assert ask(repo, "ex:ngo r2p:basedIn ex:home")
    assert ask(repo, "ex:p a <http://www.w3.org/ns/prov#Activity>")  # subclass
    assert ask(repo, "ex:ngo <http://www.w3.org/ns/prov#wasAssociatedWith> ex:p")  # subproperty
    repo.add([(URIRef(EX + "part"), URIRef(R2P + "participant"), URIRef(EX + "other"), None)])
    assert ask(repo, "ex:other r2p:worksIn ex:country")
    repo.update(f"DELETE WHERE {{ GRAPH <{DATA}> {{ <{EX}part> <{R2P}participant> <{EX}ngo> }} }}")
    assert not ask(repo, "ex:ngo r2p:participatesIn ex:p")
    assert not ask(repo, "ex:ngo r2p:worksIn ex:country")
    assert ask(repo, "ex:ngo r2p:basedIn ex:home")


def test_memberships_inherited_and_of_parent_networks(repo: InferringRepository) -> None:
    load(
        repo,
        """ex:m a r2p:Membership ; org:member ex:ministry ; org:organization ex:subnet .
        ex:subnet org:subOrganizationOf ex:coalition .
        ex:office org:subOrganizationOf ex:ministry .""",
        graph=DATA,
    )
    assert ask(repo, "ex:ministry org:memberOf ex:subnet")
    assert ask(repo, "ex:ministry org:memberOf ex:coalition")  # parent network
    assert ask(repo, "ex:office org:memberOf ex:subnet")  # through its parent organisation
    assert ask(repo, "ex:office org:memberOf ex:coalition")
    repo.drop_graph(DATA)
    assert not ask(repo, "?x org:memberOf ?y")
    inferred = inferred_graph(Visibility.PUBLIC)
    assert not ask(repo, f'GRAPH <{inferred}> {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), "{EX}")) }}')


def test_inferred_triples_are_not_duplicates_of_asserted_ones(repo: InferringRepository) -> None:
    load(repo, "ex:a org:subOrganizationOf ex:b . ex:a org:transitiveSubOrganizationOf ex:b .")
    result = repo.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}a> <{ORG}transitiveSubOrganizationOf> ?o }}"
    )
    assert [int(row[0]) for row in result.rows()] == [1]  # type: ignore[union-attr]


def test_disjoint_classes_are_refused_with_nothing_written(repo: InferringRepository) -> None:
    load(repo, "ex:x a r2p:Person .")
    before = dump_bytes(repo)
    with pytest.raises(InconsistentDataError, match=r"both a <.*#(Organization|Person)>"):
        load(repo, "ex:x a r2p:NonGovernmentalOrganization .")
    with pytest.raises(InconsistentDataError, match="disjoint"):
        repo.add([(URIRef(EX + "x"), URIRef(R2P + "operatingLevel"), URIRef(R2P + "local"), None)])
    with pytest.raises(InconsistentDataError):
        repo.replace_graph(
            DATA, (PREFIXES + "ex:y a r2p:Treaty , r2p:MemorandumOfUnderstanding .").encode(),
            RdfFormat.TURTLE,
        )  # fmt: skip
    assert dump_bytes(repo) == before


def test_subclass_types_make_disjointness_visible(repo: InferringRepository) -> None:
    load(repo, "ex:x a r2p:RegionalOrganization .")
    assert ask(repo, "ex:x a r2p:IntergovernmentalOrganization")
    with pytest.raises(InconsistentDataError):
        load(repo, "ex:x a r2p:GovernmentBody .")


def test_inferences_from_restricted_graphs_stay_restricted(repo: InferringRepository) -> None:
    secret = "https://w3id.org/r2p-graph/graph/contribution/secret"
    partners = "https://w3id.org/r2p-graph/graph/contribution/partners"
    record = [
        (URIRef(secret), URIRef(VISIBILITY), Visibility.RESTRICTED.iri, URIRef(ACCESS_GRAPH)),
        (URIRef(partners), URIRef(VISIBILITY), Visibility.PARTNERS.iri, URIRef(ACCESS_GRAPH)),
    ]
    repo.add(record)
    load(repo, "ex:a org:subOrganizationOf ex:b .")
    load(repo, "ex:b org:subOrganizationOf ex:c .", graph=partners)
    load(repo, "ex:c org:subOrganizationOf ex:d .", graph=secret)
    public = [g for g in repo.named_graphs() if g not in (secret, partners, ACCESS_GRAPH)]
    public = [g for g in public if g in (DATA, inferred_graph(Visibility.PUBLIC))]
    as_public = QueryDataset(default_graphs=public)
    assert ask(repo, "ex:a org:transitiveSubOrganizationOf ex:b", as_public)
    assert not ask(repo, "ex:a org:transitiveSubOrganizationOf ex:c", as_public)
    assert not ask(repo, "ex:a org:transitiveSubOrganizationOf ex:d", as_public)
    as_partner = QueryDataset(
        default_graphs=[*public, partners, inferred_graph(Visibility.PARTNERS)]
    )
    assert ask(repo, "ex:a org:transitiveSubOrganizationOf ex:c", as_partner)
    assert not ask(repo, "ex:a org:transitiveSubOrganizationOf ex:d", as_partner)
    assert ask(repo, "ex:a org:transitiveSubOrganizationOf ex:d")
    assert ask(
        repo,
        f"GRAPH <{ACCESS_GRAPH}> {{ <{inferred_graph(Visibility.RESTRICTED)}> <{VISIBILITY}> "
        f"<{Visibility.RESTRICTED.iri}> . <{inferred_graph(Visibility.PARTNERS)}> <{VISIBILITY}> "
        f"<{Visibility.PARTNERS.iri}> }}",
    )
    # Making the secret graph public moves its inferences to the public inferred graph.
    repo.update(f"DELETE WHERE {{ GRAPH <{ACCESS_GRAPH}> {{ <{secret}> ?p ?o }} }}")
    assert ask(
        repo,
        f"GRAPH <{inferred_graph(Visibility.PUBLIC)}> "
        "{ ex:c org:transitiveSubOrganizationOf ex:d }",
    )
    assert not repo.holds_graph(inferred_graph(Visibility.RESTRICTED))


def test_writes_touching_no_rule_run_no_derivation(repo: InferringRepository) -> None:
    load(repo, "ex:a org:subOrganizationOf ex:b .")
    load(repo, 'ex:a <http://www.w3.org/2000/01/rdf-schema#comment> "A"@en .')
    assert repo.last_change.derivations_run == 0
    assert set(repo.named_graphs()) & INFERRED_GRAPHS == {inferred_graph(Visibility.PUBLIC)}
