"""Contributing, withdrawing and replacing through the service: whole or nothing, with
provenance, a log in order, and a store rebuilt from that log dumping the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from r2p_graph.errors import InputError
from r2p_graph.services.contributions.log import ContributionLog, LogEntry
from r2p_graph.services.contributions.model import (
    ACCESS_GRAPH,
    GENID_BASE,
    ChangeKind,
    ContributionStatus,
    Metadata,
    contribution_graph,
)
from r2p_graph.services.contributions.rebuild import dump_bytes, rebuild, same_dump
from r2p_graph.services.contributions.service import (
    ContributionRejectedError,
    ContributionService,
    ContributionStateError,
    UnknownContributionError,
)
from r2p_graph.services.visibility import Visibility
from r2p_graph.store import OxigraphRepository, RdfFormat
from tests.services.contributions.conftest import bundled_nquads

PREFIXES = """
@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix id: <https://w3id.org/r2p-graph/id/> .
@prefix qi: <https://w3id.org/r2p-graph/vocab/quantitative/> .
"""
ORGANISATION = (
    PREFIXES
    + """
id:organization\\/synthetic-alpha a r2p:NonGovernmentalOrganization ;
    rdfs:label "Synthetic Alpha"@en ; r2p:operatingLevel r2p:national ;
    r2p:basedIn id:country\\/HU .
"""
)
EVENT = (
    PREFIXES
    + """
id:event\\/synthetic-workshop a r2p:Workshop ; rdfs:label "Synthetic workshop"@en ;
    r2p:organizer id:organization\\/synthetic-alpha ; r2p:startDate "2025-05-03"^^xsd:date ;
    r2p:country id:country\\/HU .
"""
)
SITE_WITH_POINT = (
    PREFIXES
    + """
id:site\\/synthetic-office a r2p:Site ; rdfs:label "Synthetic office"@en ;
    r2p:country id:country\\/HU ;
    geo:hasGeometry [ a geo:Geometry ; geo:asWKT "POINT(19.04 47.49)"^^geo:wktLiteral ] .
"""
)


def turtle(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


@pytest.fixture
def service(bundled_repo: OxigraphRepository, tmp_path: Path) -> ContributionService:
    return ContributionService(bundled_repo, tmp_path / "log")


def test_accepted_contribution_has_its_graph_provenance_and_log_entry(
    service: ContributionService, bundled_repo: OxigraphRepository
) -> None:
    metadata = Metadata(
        source="https://example.org/partner-list",
        licence="https://creativecommons.org/licenses/by/4.0/",
        organisation="Synthetic Partner Network",
    )
    accepted = service.submit(turtle(ORGANISATION), metadata, "alice")
    record = service.record(accepted.record.id)
    assert record.status is ContributionStatus.ACCEPTED
    assert (record.contributor, record.organisation) == ("alice", "Synthetic Partner Network")
    assert record.source == "https://example.org/partner-list"
    assert record.licence == "https://creativecommons.org/licenses/by/4.0/"
    assert record.triples == 4 and record.sequence == 1 and record.time.endswith("Z")
    assert set(service.triples(record.id)) == set(turtle(ORGANISATION))
    assert bundled_repo.count(contribution_graph(record.id)) == 4
    assert service.asserting(
        subject=URIRef("https://w3id.org/r2p-graph/id/organization/synthetic-alpha")
    ) == [record]
    assert service.log is not None
    assert [(e.sequence, e.change) for e in service.log.entries()] == [(1, ChangeKind.ADDED)]


def test_refused_contribution_changes_nothing(
    service: ContributionService, bundled_repo: OxigraphRepository, tmp_path: Path
) -> None:
    before = dump_bytes(bundled_repo)
    bad = ORGANISATION.replace("id:country\\/HU", "id:country\\/XX").replace(
        '"Synthetic Alpha"@en', '"no language"'
    )
    with pytest.raises(ContributionRejectedError) as refused:
        service.submit(turtle(bad), Metadata(), "alice")
    messages = {r.message for r in refused.value.report.blocking}
    assert any("Unknown country" in m for m in messages)
    assert any("language tag" in m for m in messages)
    assert dump_bytes(bundled_repo) == before
    assert not list((tmp_path / "log").glob("*"))


def test_warnings_are_reported_but_do_not_block(service: ContributionService) -> None:
    without_level = ORGANISATION.replace(" r2p:operatingLevel r2p:national ;", "")
    accepted = service.submit(turtle(without_level), Metadata(), "alice")
    assert [w.message[:20] for w in accepted.report.warnings] == ["Say at which level t"]


def test_a_change_to_a_stored_node_is_checked_where_it_matters(
    service: ContributionService, bundled_repo: OxigraphRepository
) -> None:
    """An observation already stored reads its indicator's scale: giving the indicator another
    scale breaks the observation, which the gate finds by walking back from the indicator."""
    observation = (
        PREFIXES
        + """
    id:observation\\/synthetic-hu a r2p:IndicatorObservation ;
        r2p:indicator qi:displaced-population-share ; r2p:country id:country\\/HU ;
        r2p:startDate "2024-01-01"^^xsd:date ; r2p:numericValue 0.5 ;
        r2p:source <https://example.org/synthetic-source> ."""
    )
    service.submit(turtle(observation), Metadata(), "alice")
    change = turtle(PREFIXES + "qi:displaced-population-share r2p:scale r2p:countScale .")
    with pytest.raises(ContributionRejectedError) as refused:
        service.submit(change, Metadata(), "bob")
    focus = {r.focus for r in refused.value.report.blocking}
    assert "https://w3id.org/r2p-graph/id/observation/synthetic-hu" in focus


def test_withdraw_takes_the_triples_out_and_keeps_the_provenance(
    service: ContributionService, bundled_repo: OxigraphRepository
) -> None:
    record = service.submit(turtle(ORGANISATION), Metadata(), "alice").record
    withdrawn = service.withdraw(record.id, "carol").record
    assert withdrawn.status is ContributionStatus.WITHDRAWN
    assert withdrawn.invalidated is not None
    assert bundled_repo.count(contribution_graph(record.id)) == 0
    with pytest.raises(ContributionStateError):
        service.withdraw(record.id, "carol")
    with pytest.raises(UnknownContributionError):
        service.withdraw("0" * 32, "carol")
    with pytest.raises(InputError):
        service.withdraw("../../etc", "carol")


def test_replace_is_checked_as_one_change(
    service: ContributionService, bundled_repo: OxigraphRepository
) -> None:
    """The event (another contribution) needs its organiser to be an organisation: a new
    version of the organisation without its type is refused; a corrected one replaces it."""
    first = service.submit(turtle(ORGANISATION), Metadata(), "alice").record
    service.submit(turtle(EVENT), Metadata(), "bob")
    before = dump_bytes(bundled_repo)
    untyped = ORGANISATION.replace("a r2p:NonGovernmentalOrganization ;", "")
    with pytest.raises(ContributionRejectedError) as refused:
        service.replace(first.id, turtle(untyped), Metadata(), "carol")
    focus = {r.focus for r in refused.value.report.blocking}
    assert "https://w3id.org/r2p-graph/id/event/synthetic-workshop" in focus
    assert dump_bytes(bundled_repo) == before
    renamed = ORGANISATION.replace("Synthetic Alpha", "Synthetic Alpha Foundation")
    second = service.replace(first.id, turtle(renamed), Metadata(), "carol").record
    assert second.revision_of == first.id
    assert service.record(first.id).status is ContributionStatus.REPLACED
    assert bundled_repo.count(contribution_graph(first.id)) == 0
    labels = {str(o) for _, p, o in service.triples(second.id) if str(p).endswith("label")}
    assert labels == {"Synthetic Alpha Foundation"}
    with pytest.raises(ContributionStateError):
        service.replace(first.id, turtle(renamed), Metadata(), "carol")


def test_withdrawal_reports_what_it_leaves_broken(service: ContributionService) -> None:
    organisation = service.submit(turtle(ORGANISATION), Metadata(), "alice").record
    service.submit(turtle(EVENT), Metadata(), "bob")
    withdrawn = service.withdraw(organisation.id, "carol")
    assert withdrawn.record.status is ContributionStatus.WITHDRAWN
    focus = {r.focus for r in withdrawn.report.blocking}
    assert "https://w3id.org/r2p-graph/id/event/synthetic-workshop" in focus


def test_replacement_dropping_a_node_is_checked_for_its_dependents(
    service: ContributionService,
) -> None:
    both = ORGANISATION + ORGANISATION.split(".\n", 1)[1].replace(
        "synthetic-alpha", "synthetic-beta"
    )
    first = service.submit(turtle(both), Metadata(), "alice").record
    service.submit(turtle(EVENT.replace("synthetic-alpha", "synthetic-beta")), Metadata(), "bob")
    with pytest.raises(ContributionRejectedError) as refused:
        service.replace(first.id, turtle(ORGANISATION), Metadata(), "carol")
    focus = {r.focus for r in refused.value.report.blocking}
    assert "https://w3id.org/r2p-graph/id/event/synthetic-workshop" in focus


def test_blank_nodes_are_stored_as_skolem_iris(service: ContributionService) -> None:
    record = service.submit(turtle(SITE_WITH_POINT), Metadata(), "alice").record
    points = [o for _, p, o in service.triples(record.id) if str(p).endswith("hasGeometry")]
    assert len(points) == 1 and str(points[0]).startswith(GENID_BASE + record.id + "/")


def test_non_public_contribution_has_its_access_record(
    service: ContributionService, bundled_repo: OxigraphRepository
) -> None:
    record = service.submit(
        turtle(ORGANISATION), Metadata(visibility=Visibility.RESTRICTED), "alice"
    ).record
    quads = list(bundled_repo.quads_matching(URIRef(record.graph)))
    assert [(q[2], str(q[3])) for q in quads] == [(Visibility.RESTRICTED.iri, ACCESS_GRAPH)]
    assert service.record(record.id).visibility is Visibility.RESTRICTED


def test_system_iris_cannot_be_contributed(service: ContributionService) -> None:
    forged = turtle(
        "<https://w3id.org/r2p-graph/id/contribution/00000000000000000000000000000000> "
        "<https://w3id.org/r2p-graph/ontology#contributionStatus> "
        "<https://w3id.org/r2p-graph/ontology#accepted> ."
    )
    with pytest.raises(InputError, match="kept by r2p-graph"):
        service.submit(forged, Metadata(), "mallory")
    with pytest.raises(InputError, match="no triples"):
        service.submit(Graph(), Metadata(), "mallory")


def test_rebuilt_store_dumps_the_same(tmp_path: Path) -> None:
    """On disk, as served: the dump lists quads in index order, whatever the order of writes."""
    live = OxigraphRepository.open(tmp_path / "live")
    live.load(bundled_nquads(), RdfFormat.N_QUADS)
    live.load(
        b"<https://w3id.org/r2p-graph/id/x> <http://www.w3.org/2000/01/rdf-schema#label> _:b .",
        RdfFormat.TURTLE,
        graph="https://w3id.org/r2p-graph/graph/loaded",
    )
    service = ContributionService(live, tmp_path / "log")
    first = service.submit(turtle(ORGANISATION), Metadata(), "alice").record
    service.submit(turtle(EVENT), Metadata(visibility=Visibility.PARTNERS), "bob")
    site = service.submit(turtle(SITE_WITH_POINT), Metadata(), "bob").record
    renamed = ORGANISATION.replace("Synthetic Alpha", "Synthetic Alpha Foundation")
    service.replace(first.id, turtle(renamed), Metadata(), "carol")
    service.withdraw(site.id, "carol")
    with OxigraphRepository.open(tmp_path / "rebuilt") as rebuilt:
        done = rebuild(live, service.log, rebuilt)
        assert done.entries == 5
        assert same_dump(live, rebuilt)
    live.close()


def test_log_recovery_keeps_committed_and_drops_uncommitted(
    service: ContributionService, bundled_repo: OxigraphRepository, tmp_path: Path
) -> None:
    record = service.submit(turtle(ORGANISATION), Metadata(), "alice").record
    folder = tmp_path / "log"
    committed = folder / "00000001.json"
    committed.rename(folder / "00000001.json.pending")  # killed after the commit
    lost = LogEntry(2, ChangeKind.ADDED, "f" * 32, None, record.time, Visibility.PUBLIC, (), (), ())
    (folder / "00000002.json.pending").write_text('{"sequence": 2, "chan')  # killed while writing
    (folder / "00000003.json.pending").write_text(
        __import__("json").dumps(lost.to_json() | {"sequence": 3})
    )  # killed before the commit
    ContributionService(bundled_repo, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["00000001.json"]
    assert [e.contribution for e in ContributionLog(folder).entries()] == [record.id]


def test_log_entries_round_trip_through_json() -> None:
    quad = (
        URIRef("https://w3id.org/r2p-graph/id/a"),
        RDF.type,
        Literal('say "hi"\nthere', lang="en"),
        URIRef("https://w3id.org/r2p-graph/graph/g"),
    )
    entry = LogEntry(
        7,
        ChangeKind.REPLACED,
        "a" * 32,
        "b" * 32,
        "2026-01-01T00:00:00Z",
        Visibility.PARTNERS,
        ("https://w3id.org/r2p-graph/graph/h",),
        (quad,),
        (quad,),
    )
    assert LogEntry.from_json(entry.to_json()) == entry
