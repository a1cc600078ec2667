"""Visibility tiers: clearances, readable graphs, restricted datasets, the cache."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef

from r2p_graph.errors import InputError
from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.bundled import load_bundled
from r2p_graph.services.description import ONTOLOGY, describe, vocabulary_document
from r2p_graph.services.tokens import Principal, Role, TokenRegistry
from r2p_graph.services.visibility import (
    ACCESS_GRAPH,
    CONTRIBUTIONS_GRAPH,
    ReadableGraphs,
    Visibility,
    clearance,
    dump_graphs,
    readable_graphs,
    views,
    visibility_quads,
    visible_graphs,
)
from r2p_graph.store import OxigraphRepository, QueryDataset, SelectResult
from r2p_graph.store.repository import Quad

OPEN = "https://w3id.org/r2p-graph/graph/contribution/open"
PARTNER = "https://w3id.org/r2p-graph/graph/contribution/partner"
SECRET = "https://w3id.org/r2p-graph/graph/contribution/secret"
PERSON = URIRef("https://w3id.org/r2p-graph/id/person/synthetic-defender")


def _fact(value: str, graph: str) -> Quad:
    return (PERSON, R2P.note, Literal(value), URIRef(graph))


@pytest.fixture
def repo() -> OxigraphRepository:
    repository = OxigraphRepository.in_memory()
    repository.add([_fact("open", OPEN)])
    repository.add([_fact("partner", PARTNER), *visibility_quads(PARTNER, Visibility.PARTNERS)])
    repository.add([_fact("secret", SECRET), *visibility_quads(SECRET, Visibility.RESTRICTED)])
    repository.add([(URIRef(SECRET), R2P.note, Literal("provenance"), URIRef(CONTRIBUTIONS_GRAPH))])
    repository.add([(PERSON, R2P.note, Literal("default graph"), None)])
    return repository


def _notes(repo: OxigraphRepository, query: str, dataset: QueryDataset | None) -> set[str]:
    result = repo.query(query, dataset=dataset)
    assert isinstance(result, SelectResult)
    return {str(row[0]) for row in result.rows() if row[0] is not None}


NOTES = "SELECT ?n WHERE { ?s <https://w3id.org/r2p-graph/ontology#note> ?n }"


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (None, Visibility.PUBLIC),
        (Principal("r", Role.READER, "t"), Visibility.PUBLIC),
        (Principal("c", Role.CONTRIBUTOR, "t"), Visibility.PUBLIC),
        (Principal("p", Role.READER, "t", partner=True), Visibility.PARTNERS),
        (Principal("pc", Role.CONTRIBUTOR, "t", partner=True), Visibility.PARTNERS),
        (Principal("cu", Role.CURATOR, "t"), Visibility.RESTRICTED),
        (Principal("a", Role.ADMIN, "t"), Visibility.RESTRICTED),
    ],
)
def test_clearance_of_each_kind_of_token(principal: Principal | None, expected: Visibility) -> None:
    assert clearance(principal) is expected


def test_tier_names_and_iris() -> None:
    assert Visibility.named(" Partners ") is Visibility.PARTNERS
    with pytest.raises(InputError, match="known: public, partners, restricted"):
        Visibility.named("secret")
    assert Visibility.of_iri(str(R2P.Restricted)) is Visibility.RESTRICTED
    assert Visibility.of_iri("http://example.org/unknown-tier") is Visibility.RESTRICTED


def test_each_clearance_reads_its_tiers(repo: OxigraphRepository) -> None:
    public = readable_graphs(repo, Visibility.PUBLIC)
    partners = readable_graphs(repo, Visibility.PARTNERS)
    everything = readable_graphs(repo, Visibility.RESTRICTED)
    assert public.graphs == frozenset({OPEN})
    assert partners.graphs == frozenset({OPEN, PARTNER})
    assert everything.everything
    assert _notes(repo, NOTES, public.dataset(NOTES)) == {"open", "default graph"}
    assert _notes(repo, NOTES, partners.dataset(NOTES)) == {"open", "partner", "default graph"}
    assert _notes(repo, NOTES, everything.dataset(NOTES)) == {
        "open",
        "partner",
        "secret",
        "default graph",
        "provenance",
    }


def test_system_graphs_are_restricted(repo: OxigraphRepository) -> None:
    partners = readable_graphs(repo, Visibility.PARTNERS)
    assert not partners.can_read(ACCESS_GRAPH)
    assert not partners.can_read(CONTRIBUTIONS_GRAPH)


@pytest.mark.parametrize(
    ("query", "requested"),
    [
        (f"SELECT ?n FROM <{SECRET}> WHERE {{ ?s <{R2P.note}> ?n }}", None),
        (f"SELECT ?n FROM NAMED <{SECRET}> WHERE {{ GRAPH ?g {{ ?s <{R2P.note}> ?n }} }}", None),
        (f"SELECT ?n WHERE {{ GRAPH <{SECRET}> {{ ?s <{R2P.note}> ?n }} }}", None),
        (f"SELECT ?n WHERE {{ GRAPH ?g {{ ?s <{R2P.note}> ?n }} }}", None),
        (
            f"PREFIX c: <https://w3id.org/r2p-graph/graph/contribution/> "
            f"SELECT ?n FROM c:secret WHERE {{ ?s <{R2P.note}> ?n }}",
            None,
        ),
        (
            f"BASE <https://w3id.org/r2p-graph/graph/contribution/> "
            f"SELECT ?n FROM <secret> WHERE {{ ?s <{R2P.note}> ?n }}",
            None,
        ),
        (NOTES, QueryDataset(default_graphs=(SECRET,), named_graphs=())),
        (
            f"SELECT ?n WHERE {{ GRAPH ?g {{ ?s <{R2P.note}> ?n }} }}",
            QueryDataset(default_graphs=(), named_graphs=(SECRET, PARTNER)),
        ),
        (f"SELECT ?n FROM <{OPEN}> WHERE {{ ?s <{R2P.note}> ?n }}", QueryDataset((SECRET,), ())),
    ],
)
def test_naming_a_hidden_graph_reads_nothing_from_it(
    repo: OxigraphRepository, query: str, requested: QueryDataset | None
) -> None:
    public = readable_graphs(repo, Visibility.PUBLIC)
    notes = _notes(repo, query, public.dataset(query, requested))
    assert notes <= {"open", "default graph"}


def test_from_narrows_within_the_readable_graphs(repo: OxigraphRepository) -> None:
    public = readable_graphs(repo, Visibility.PUBLIC)
    query = f"SELECT ?n FROM <{OPEN}> FROM <{SECRET}> WHERE {{ ?s <{R2P.note}> ?n }}"
    assert _notes(repo, query, public.dataset(query)) == {"open"}
    hidden_only = f"SELECT ?n FROM <{SECRET}> WHERE {{ ?s <{R2P.note}> ?n }}"
    missing = hidden_only.replace("secret", "never-written")
    # A hidden graph reads exactly as a graph that does not exist.
    assert _notes(repo, hidden_only, public.dataset(hidden_only)) == set()
    assert _notes(repo, missing, public.dataset(missing)) == set()


def test_the_cache_is_reused_until_a_write(repo: OxigraphRepository) -> None:
    first = readable_graphs(repo, Visibility.PUBLIC)
    assert readable_graphs(repo, Visibility.PUBLIC) is first
    later = "https://w3id.org/r2p-graph/graph/contribution/later"
    repo.add([_fact("later", later), *visibility_quads(later, Visibility.RESTRICTED)])
    after = readable_graphs(repo, Visibility.PUBLIC)
    assert after is not first
    assert not after.can_read(later)
    repo.drop_graph(later)
    repo.update(f"DROP SILENT GRAPH <{ACCESS_GRAPH}>")
    assert readable_graphs(repo, Visibility.PUBLIC).can_read(PARTNER)


def test_a_store_without_hidden_graphs_is_read_whole() -> None:
    repo = OxigraphRepository.in_memory()
    repo.add([_fact("open", OPEN)])
    public = readable_graphs(repo, Visibility.PUBLIC)
    assert public.everything
    assert public.dataset(NOTES) is None
    assert public.outdated_by(repo) is None
    assert readable_graphs(repo, Visibility.PUBLIC, explicit=True).graphs == frozenset({OPEN})
    assert dump_graphs(repo, Visibility.PUBLIC) == [None, OPEN]
    assert dump_graphs(repo, Visibility.RESTRICTED) is None


def test_a_whole_store_read_is_redone_when_a_write_came_in_between() -> None:
    repo = OxigraphRepository.in_memory()
    repo.add([_fact("open", OPEN)])
    seen: list[ReadableGraphs] = []
    for view in views(repo, Visibility.PUBLIC):
        seen.append(view)
        if len(seen) == 1:
            # A restricted graph lands while the first read runs.
            repo.add([_fact("secret", SECRET), *visibility_quads(SECRET, Visibility.RESTRICTED)])
    assert len(seen) == 2
    assert seen[0].everything
    assert seen[1].graphs == frozenset({OPEN})
    assert _notes(repo, NOTES, seen[1].dataset(NOTES)) == {"open"}


def test_an_unknown_tier_is_read_as_restricted(repo: OxigraphRepository) -> None:
    odd = "https://w3id.org/r2p-graph/graph/contribution/odd"
    repo.add([_fact("odd", odd), (URIRef(odd), R2P.visibility, R2P.Unheard, URIRef(ACCESS_GRAPH))])
    assert not readable_graphs(repo, Visibility.PARTNERS).can_read(odd)


def test_the_most_restrictive_of_two_records_holds(repo: OxigraphRepository) -> None:
    repo.add(visibility_quads(PARTNER, Visibility.PUBLIC))
    assert not readable_graphs(repo, Visibility.PUBLIC).can_read(PARTNER)


def test_concurrent_readers_and_writers_never_see_a_hidden_graph() -> None:
    repo = OxigraphRepository.in_memory()
    repo.add([_fact("open", OPEN)])
    leaks: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            for view in views(repo, Visibility.PUBLIC):
                notes = _notes(repo, NOTES, view.dataset(NOTES))
            leaks.extend(n for n in notes if n.startswith("secret"))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    for number in range(200):
        graph = f"{SECRET}-{number}"
        repo.add(
            [_fact(f"secret {number}", graph), *visibility_quads(graph, Visibility.RESTRICTED)]
        )
    stop.set()
    for reader in readers:
        reader.join()
    assert leaks == []


def test_partner_tokens_are_a_flag_kept_with_the_token(tmp_path: Path) -> None:
    registry = TokenRegistry(tmp_path / "tokens.json")
    secret = registry.create("ngo", Role.CONTRIBUTOR, partner=True)
    plain = registry.create("reader", Role.READER)
    found = registry.authenticate(secret)
    assert found is not None and found.partner and found.role is Role.CONTRIBUTOR
    other = registry.authenticate(plain)
    assert other is not None and not other.partner
    assert [h.partner for h in registry.holders()] == [True, False]


FEED = f"""
SELECT ?contribution WHERE {{
  GRAPH <{CONTRIBUTIONS_GRAPH}> {{ ?contribution a <http://www.w3.org/ns/prov#Entity> }}
}} ORDER BY ?contribution"""


def test_a_change_feed_shows_each_reader_only_the_contributions_they_may_read() -> None:
    """As the contribution service writes them: graph, provenance and access record in one
    transaction; the feed reads the provenance with full access and keeps what the reader may
    read."""
    repo = OxigraphRepository.in_memory()
    entity = URIRef("http://www.w3.org/ns/prov#Entity")
    for graph, tier in (
        (OPEN, None),
        (PARTNER, Visibility.PARTNERS),
        (SECRET, Visibility.RESTRICTED),
    ):
        record = visibility_quads(graph, tier) if tier is not None else []
        repo.add(
            [
                _fact(graph.rsplit("/", 1)[1], graph),
                (URIRef(graph), RDF.type, entity, URIRef(CONTRIBUTIONS_GRAPH)),
                *record,
            ]
        )
    withdrawn = "https://w3id.org/r2p-graph/graph/contribution/withdrawn-secret"
    repo.add(
        [
            (URIRef(withdrawn), RDF.type, entity, URIRef(CONTRIBUTIONS_GRAPH)),
            *visibility_quads(withdrawn, Visibility.RESTRICTED),
        ]
    )
    result = repo.query(FEED)
    assert isinstance(result, SelectResult)
    feed = [str(row[0]) for row in result.rows()]
    assert visible_graphs(repo, Visibility.PUBLIC, feed) == [OPEN]
    assert visible_graphs(repo, Visibility.PARTNERS, feed) == [OPEN, PARTNER]
    assert visible_graphs(repo, Visibility.RESTRICTED, feed) == feed


def _reads_during(repo: OxigraphRepository, write: list[Quad]) -> list[ReadableGraphs]:
    seen: list[ReadableGraphs] = []
    for view in views(repo, Visibility.PUBLIC):
        seen.append(view)
        if len(seen) == 1:
            repo.add(write)
    return seen


def test_a_graph_hidden_while_a_read_runs_is_read_again_without_it(
    repo: OxigraphRepository,
) -> None:
    seen = _reads_during(repo, visibility_quads(OPEN, Visibility.RESTRICTED))
    assert len(seen) == 2
    assert seen[0].can_read(OPEN)
    assert not seen[1].can_read(OPEN)


def test_a_write_that_hides_nothing_read_costs_no_second_read(repo: OxigraphRepository) -> None:
    other = "https://w3id.org/r2p-graph/graph/contribution/another-secret"
    seen = _reads_during(
        repo, [_fact("another", other), *visibility_quads(other, Visibility.RESTRICTED)]
    )
    assert len(seen) == 1
    more = _reads_during(repo, [_fact("public addition", OPEN)])
    assert len(more) == 1


def test_vocabulary_and_thing_pages_read_through_a_listed_view(repo: OxigraphRepository) -> None:
    load_bundled(repo)
    public = readable_graphs(repo, Visibility.PUBLIC)
    assert public.graphs is not None and not public.can_read(SECRET)
    ontology = vocabulary_document(repo, ONTOLOGY, dataset=public.dataset())
    assert len(ontology.graph) > 100
    person = describe(repo, str(PERSON), dataset=public.dataset())
    notes = {str(o) for o in person.graph.objects(PERSON, R2P.note)}
    assert notes == {"open", "default graph"}


def _seen_by_each(repo: OxigraphRepository) -> dict[Visibility, set[str]]:
    """What each clearance reads now, as its readers' queries are answered."""
    found: dict[Visibility, set[str]] = {}
    for tier in Visibility:
        for view in views(repo, tier):
            found[tier] = _notes(repo, NOTES, view.dataset(NOTES))
    return found


ALL = {"open", "partner", "secret", "default graph", "provenance"}


@pytest.mark.parametrize(
    ("write", "public", "partners"),
    [
        (
            lambda repo: repo.add(visibility_quads(OPEN, Visibility.PARTNERS)),
            {"default graph"},
            {"open", "partner", "default graph"},
        ),
        (
            lambda repo: repo.change(
                remove=visibility_quads(PARTNER, Visibility.PARTNERS),
                add=visibility_quads(PARTNER, Visibility.PUBLIC),
            ),
            {"open", "partner", "default graph"},
            {"open", "partner", "default graph"},
        ),
        (
            lambda repo: repo.update(
                f"DELETE DATA {{ GRAPH <{ACCESS_GRAPH}> {{ <{SECRET}> <{R2P.visibility}> "
                f"<{R2P.Restricted}> }} }} ; INSERT DATA {{ GRAPH <{ACCESS_GRAPH}> {{ "
                f"<{SECRET}> <{R2P.visibility}> <{R2P.PartnersOnly}> }} }}"
            ),
            {"open", "default graph"},
            {"open", "partner", "secret", "default graph"},
        ),
        (
            lambda repo: repo.update(
                f"INSERT {{ GRAPH <{ACCESS_GRAPH}> {{ ?g <{R2P.visibility}> "
                f"<{R2P.Restricted}> }} }} WHERE {{ GRAPH ?g {{ ?s <{R2P.note}> 'open' }} }}"
            ),
            {"default graph"},
            {"partner", "default graph"},
        ),
        (
            lambda repo: repo.drop_graph(ACCESS_GRAPH),
            {"open", "partner", "secret", "default graph"},
            {"open", "partner", "secret", "default graph"},
        ),
    ],
    ids=["record-added", "record-changed", "record-replaced-by-update", "record-by-where", "drop"],
)
def test_a_write_to_an_access_record_holds_at_once_for_every_clearance(
    repo: OxigraphRepository,
    write: Callable[[OxigraphRepository], object],
    public: set[str],
    partners: set[str],
) -> None:
    before = _seen_by_each(repo)  # the views are kept from the first read on
    assert before[Visibility.PUBLIC] == {"open", "default graph"}
    assert repo.views is not None
    write(repo)
    after = _seen_by_each(repo)
    assert after == {
        Visibility.PUBLIC: public,
        Visibility.PARTNERS: partners,
        Visibility.RESTRICTED: ALL,
    }
    # Each read went through its clearance's view, not a list of graphs.
    for tier in (Visibility.PUBLIC, Visibility.PARTNERS):
        dataset = readable_graphs(repo, tier).dataset(NOTES)
        assert dataset == QueryDataset(view=tier.value)
