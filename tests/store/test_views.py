"""Views of the data: after every kind of write, each view holds exactly the quads of the graphs
it admits, in the repository and in its query workers. All data here is synthetic."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from r2p_graph.store import OxigraphRepository, QueryDataset, RdfFormat, ResultFormat
from r2p_graph.store.repository import Quad
from r2p_graph.store.views import ViewPolicy

EX = "http://example.org/"
ACCESS = EX + "access"
TIER = URIRef(EX + "tier")
PUBLIC, PARTNERS, RESTRICTED = (URIRef(EX + t) for t in ("Public", "Partners", "Restricted"))
SYSTEM = EX + "system"
POLICY = ViewPolicy(
    ACCESS,
    str(TIER),
    (
        ("public", frozenset({str(PUBLIC)})),
        ("partners", frozenset({str(PUBLIC), str(PARTNERS)})),
    ),
    frozenset({SYSTEM}),
)
NOTES = "SELECT ?n WHERE { ?s <http://example.org/note> ?n }"
GRAPH_NOTES = "SELECT ?g ?n WHERE { GRAPH ?g { ?s <http://example.org/note> ?n } }"


def note(value: str, graph: str | None) -> Quad:
    return (URIRef(EX + "thing"), URIRef(EX + "note"), Literal(value), _graph(graph))


def record(graph: str, tier: URIRef) -> Quad:
    return (URIRef(graph), TIER, tier, URIRef(ACCESS))


def _graph(graph: str | None) -> URIRef | None:
    return None if graph is None else URIRef(graph)


def g(name: str) -> str:
    return f"{EX}graph/{name}"


@pytest.fixture
def repo() -> Iterator[OxigraphRepository]:
    repository = OxigraphRepository.in_memory(views=POLICY)
    repository.add([note("default", None), note("open", g("open"))])
    repository.add([note("partner", g("partner")), record(g("partner"), PARTNERS)])
    repository.add([note("secret", g("secret")), record(g("secret"), RESTRICTED)])
    repository.add([note("system", SYSTEM)])
    yield repository
    repository.close()


def seen(repo: OxigraphRepository, view: str | None, query: str = NOTES) -> set[str]:
    """What a query over ``view`` (``None``: the whole store) finds, as the notes it reads."""
    _, content = repo.answer(
        query,
        dataset=QueryDataset(view=view),
        select_format=ResultFormat.JSON,
        graph_format=RdfFormat.TURTLE,
    )
    rows = json.loads(content)["results"]["bindings"]
    return {row["n"]["value"] for row in rows}


def test_each_view_holds_the_graphs_it_admits(repo: OxigraphRepository) -> None:
    assert seen(repo, "public") == {"default", "open"}
    assert seen(repo, "partners") == {"default", "open", "partner"}
    assert seen(repo, None) == {"default", "open", "partner", "secret", "system"}
    everything = "SELECT ?n WHERE { GRAPH ?g { ?s ?p ?n } }"
    assert "http://example.org/Restricted" not in seen(repo, "public", everything)
    # A hidden graph reads as a graph that does not exist, whatever the query names.
    named = f"SELECT ?n FROM <{g('secret')}> WHERE {{ ?s ?p ?n }}"
    assert seen(repo, "public", named) == set()
    assert seen(repo, None, named) == {"secret"}


def test_a_record_added_later_hides_the_graph_from_then_on(repo: OxigraphRepository) -> None:
    repo.add([record(g("open"), PARTNERS)])
    assert seen(repo, "public") == {"default"}
    assert seen(repo, "partners") == {"default", "open", "partner"}
    repo.add([record(g("open"), RESTRICTED), note("more", g("open"))])
    assert seen(repo, "partners") == {"default", "partner"}
    assert "more" in seen(repo, None)


def test_a_record_removed_makes_the_graph_readable_again(repo: OxigraphRepository) -> None:
    repo.update(f"DELETE DATA {{ GRAPH <{ACCESS}> {{ <{g('secret')}> <{TIER}> <{RESTRICTED}> }} }}")
    assert seen(repo, "public") == {"default", "open", "secret"}
    repo.change(
        remove=[record(g("partner"), PARTNERS)],
        add=[record(g("partner"), PUBLIC), record(g("secret"), PARTNERS)],
    )
    assert seen(repo, "public") == {"default", "open", "partner"}
    assert seen(repo, "partners") == {"default", "open", "partner", "secret"}
    repo.drop_graph(ACCESS)
    assert seen(repo, "public") == {"default", "open", "partner", "secret"}
    assert seen(repo, "partners") == {"default", "open", "partner", "secret"}


def test_updates_that_name_hidden_graphs(repo: OxigraphRepository) -> None:
    repo.update(f"INSERT DATA {{ GRAPH <{g('secret')}> {{ <{EX}x> <{EX}note> 'secret 2' }} }}")
    repo.update(f"CLEAR GRAPH <{g('partner')}>")
    assert seen(repo, "public") == {"default", "open"}
    assert seen(repo, "partners") == {"default", "open"}
    repo.update(f"DROP GRAPH <{g('secret')}> ; CREATE GRAPH <{g('fresh')}>")
    assert seen(repo, None) == {"default", "open", "system"}
    listed = "SELECT ?g WHERE { GRAPH ?g { } }"
    graphs = {row[0].value for row in repo._views.reader("public").query(listed)}  # type: ignore[union-attr]
    assert g("fresh") in graphs
    assert g("secret") not in graphs


def test_updates_that_read_the_data_rebuild_the_views(repo: OxigraphRepository) -> None:
    # Copying a hidden graph into a public one is what the view must then show.
    repo.update(f"ADD <{g('secret')}> TO <{g('open')}>")
    assert seen(repo, "public") == {"default", "open", "secret"}
    repo.update("DELETE { GRAPH ?g { ?s ?p 'open' } } WHERE { GRAPH ?g { ?s ?p 'open' } }")
    assert seen(repo, "public") == {"default", "secret"}
    repo.update(f"INSERT DATA {{ GRAPH <{g('open')}> {{ _:b <{EX}note> 'blank' }} }}")
    assert seen(repo, "public") == {"default", "secret", "blank"}
    assert seen(repo, "partners") == {"default", "secret", "blank", "partner"}
    repo.update(f"DELETE WHERE {{ GRAPH <{g('open')}> {{ ?s <{EX}note> 'secret' }} }}")
    assert_views_follow_the_data(repo)


def test_updates_that_read_the_data_and_name_their_graphs(repo: OxigraphRepository) -> None:
    # Only the graphs named (and the default graph) can have changed: they alone are compared.
    repo.update(
        f"DELETE {{ GRAPH <{ACCESS}> {{ ?g <{TIER}> <{RESTRICTED}> }} }} "
        f"WHERE {{ GRAPH <{ACCESS}> {{ ?g <{TIER}> <{RESTRICTED}> }} }}"
    )
    assert seen(repo, "public") == {"default", "open", "secret"}
    repo.update(f"DELETE WHERE {{ ?s <{EX}note> 'default' }}")
    repo.update(
        f"INSERT {{ GRAPH <{g('partner')}> {{ ?s <{EX}note> 'copied' }} }} "
        f"WHERE {{ GRAPH <{g('open')}> {{ ?s <{EX}note> 'open' }} }}"
    )
    assert seen(repo, "public") == {"open", "secret"}
    assert seen(repo, "partners") == {"open", "secret", "partner", "copied"}
    repo.update(
        f"INSERT {{ GRAPH <{ACCESS}> {{ <{g('open')}> <{TIER}> <{PARTNERS}> }} }} "
        f"WHERE {{ GRAPH <{g('open')}> {{ ?s ?p 'open' }} }}"
    )
    assert seen(repo, "public") == {"secret"}
    assert seen(repo, "partners") == {"open", "secret", "partner", "copied"}
    assert_views_follow_the_data(repo)


def test_blank_nodes_of_a_graph_made_readable_are_copied(repo: OxigraphRepository) -> None:
    repo.load(
        f'_:b <{EX}note> "hidden blank" .'.encode(), RdfFormat.N_TRIPLES, graph=g("hidden-blank")
    )
    repo.add([record(g("hidden-blank"), RESTRICTED)])
    assert "hidden blank" not in seen(repo, "partners")
    repo.change(remove=[record(g("hidden-blank"), RESTRICTED)])
    assert "hidden blank" in seen(repo, "partners")


def test_a_bulk_load_rebuilds_the_views(repo: OxigraphRepository, tmp_path: Path) -> None:
    data = tmp_path / "more.nq"
    data.write_text(f'<{EX}a> <{EX}note> "loaded" <{g("loaded")}> .\n')
    repo.bulk_load(data, RdfFormat.N_QUADS)
    assert seen(repo, "public") == {"default", "open", "loaded"}
    assert seen(repo, "partners") == {"default", "open", "partner", "loaded"}


def test_views_kept_from_a_later_call(tmp_path: Path) -> None:
    with OxigraphRepository.open(tmp_path / "store") as repo:
        repo.add([note("open", g("open")), note("secret", g("secret"))])
        repo.add([record(g("secret"), RESTRICTED)])
        assert repo.views is None
        assert repo.keep_views(POLICY)
        assert repo.views == POLICY
        assert seen(repo, "public") == {"open"}


def test_query_workers_keep_the_views_and_follow_each_write(tmp_path: Path) -> None:
    with OxigraphRepository.open(
        tmp_path / "store", query_workers=1, query_deadline=60, views=POLICY
    ) as repo:
        repo.add([note("open", g("open")), note("secret", g("secret"))])
        repo.add([record(g("secret"), RESTRICTED)])
        assert seen(repo, "public") == {"open"}
        repo.add([record(g("open"), PARTNERS), note("partner", g("open"))])
        assert seen(repo, "public") == set()
        assert seen(repo, "partners") == {"open", "partner"}
        repo.update(f"DELETE DATA {{ GRAPH <{ACCESS}> {{ <{g('open')}> <{TIER}> <{PARTNERS}> }} }}")
        assert seen(repo, "public") == {"open", "partner"}
        repo.drop_graph(ACCESS)
        assert seen(repo, "public") == {"open", "partner", "secret"}
        repo.update(
            f"INSERT {{ GRAPH <{ACCESS}> {{ ?g <{TIER}> <{RESTRICTED}> }} }} "
            "WHERE { GRAPH ?g { ?s ?p 'secret' } }"
        )
        assert seen(repo, "public") == {"open", "partner"}
        assert seen(repo, None) == {"open", "partner", "secret"}


def test_a_view_the_repository_does_not_keep_is_an_error() -> None:
    repo = OxigraphRepository.in_memory()
    with pytest.raises(Exception, match="keeps no view called 'public'"):
        repo.query(NOTES, dataset=QueryDataset(view="public"))


def test_views_stay_equal_to_the_data_through_many_writes(repo: OxigraphRepository) -> None:
    tiers = [PUBLIC, PARTNERS, RESTRICTED]
    for number in range(30):
        graph = g(f"c{number}")
        tier = tiers[number % 3]
        repo.add([note(f"c{number}", graph), record(graph, tier)])
        if number % 4 == 0:
            repo.change(remove=[record(graph, tier)], add=[record(graph, tiers[(number + 1) % 3])])
        if number % 5 == 0:
            repo.drop_graph(graph)
    assert_views_follow_the_data(repo)


def assert_views_follow_the_data(repo: OxigraphRepository) -> None:
    """Each view holds exactly the default graph and the graphs whose records it admits."""
    for name in ("public", "partners"):
        admitted = dict(POLICY.views)[name]
        expected = set()
        for quad in ox_quads(repo):
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph):
                expected.add(quad)
                continue
            records = {
                r.object.value
                for r in repo._store.quads_for_pattern(  # type: ignore[attr-defined]
                    graph, ox.NamedNode(str(TIER)), None, ox.NamedNode(ACCESS)
                )
            }
            if graph.value not in (ACCESS, SYSTEM) and records <= admitted:
                expected.add(quad)
        held = repo._views.reader(name).quads_for_pattern(None, None, None)  # type: ignore[union-attr]
        # A copy's blank nodes may carry other labels than the data's.
        assert _unlabelled(held) == _unlabelled(expected), name


def _unlabelled(quads: Iterable[ox.Quad]) -> Counter[str]:
    return Counter(
        " ".join("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in quad) for quad in quads
    )


def ox_quads(repo: OxigraphRepository) -> list[ox.Quad]:
    return list(repo._store.quads_for_pattern(None, None, None))  # type: ignore[attr-defined]
