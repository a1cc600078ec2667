"""The memory mirror: reads from memory stay equal to the disk store through every kind of write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from r2p_graph.errors import RdfSyntaxError
from r2p_graph.store import OxigraphRepository, RdfFormat, SelectResult

G = "https://w3id.org/r2p-graph/graph/test"
ALL = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[OxigraphRepository]:
    with OxigraphRepository.open(tmp_path / "store", read_from_memory=True) as repo:
        assert repo.wait_until_fresh(timeout=30)
        yield repo


def rows(repo: OxigraphRepository) -> list[tuple[str, ...]]:
    result = repo.query(ALL)
    assert isinstance(result, SelectResult)
    return [tuple(str(v) for v in row) for row in result.rows()]


def disk_rows(repo: OxigraphRepository) -> list[tuple[str, ...]]:
    assert repo.path is not None
    repo.close()
    with OxigraphRepository.open(repo.path) as disk:
        return rows(disk)


def test_reads_come_from_memory_and_see_transactional_writes(repo: OxigraphRepository) -> None:
    assert repo.reads_from_memory
    repo.load(b"<http://e/a> <http://e/p> <http://e/b> .", RdfFormat.TURTLE, graph=G)
    assert repo.reads_from_memory
    assert repo.count(G) == 1
    repo.update(f"INSERT DATA {{ GRAPH <{G}> {{ <http://e/a> <http://e/q> 'x' }} }}")
    assert repo.reads_from_memory
    assert repo.count(G) == 2


def test_update_that_mints_blank_nodes_rebuilds_the_mirror(repo: OxigraphRepository) -> None:
    repo.load(b"<http://e/a> <http://e/p> <http://e/b> .", RdfFormat.TURTLE, graph=G)
    repo.update(
        f"INSERT {{ GRAPH <{G}> {{ ?s <http://e/id> ?b }} }} "
        "WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }"
    )
    assert repo.wait_until_fresh(timeout=30)
    assert repo.reads_from_memory
    memory = rows(repo)
    assert memory == disk_rows(repo)


def test_bulk_load_refills_the_mirror_from_the_file(
    repo: OxigraphRepository, tmp_path: Path
) -> None:
    repo.load(b"<http://e/x> <http://e/p> 1 .", RdfFormat.TURTLE, graph=G)
    path = tmp_path / "big.nt"
    path.write_text("".join(f'<http://e/s{i}> <http://e/p> "{i}" .\n' for i in range(2000)))
    assert repo.bulk_load(path, RdfFormat.N_TRIPLES, graph=G + "-big") == 2000
    assert repo.count(G + "-big") == 2000  # right even while the mirror refills
    assert repo.wait_until_fresh(timeout=30)
    assert repo.count(G + "-big") == 2000
    assert rows(repo) == disk_rows(repo)


def test_failed_bulk_load_leaves_mirror_equal(repo: OxigraphRepository, tmp_path: Path) -> None:
    repo.load(b"<http://e/x> <http://e/p> 1 .", RdfFormat.TURTLE, graph=G)
    before = rows(repo)
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://e/a> <http://e/p> 1 .\n<http://e/b> <http://e/p> .\n")
    with pytest.raises(RdfSyntaxError):
        repo.bulk_load(bad, RdfFormat.N_TRIPLES, graph=G + "-bad")
    assert repo.wait_until_fresh(timeout=30)
    assert rows(repo) == before == disk_rows(repo)


def test_writes_in_sequence_keep_memory_equal_to_disk(repo: OxigraphRepository) -> None:
    repo.load(b"<http://e/a> <http://e/p> [ <http://e/q> 1 ] .", RdfFormat.TURTLE, graph=G)
    repo.update(f"DELETE WHERE {{ GRAPH <{G}> {{ ?s <http://e/q> ?o }} }}")
    repo.load(b"<http://e/c> <http://e/p> 2 .", RdfFormat.TURTLE, graph=G + "-2")
    repo.drop_graph(G + "-2")
    assert repo.wait_until_fresh(timeout=30)
    assert rows(repo) == disk_rows(repo)


def test_mirror_is_built_when_an_existing_store_opens(tmp_path: Path) -> None:
    with OxigraphRepository.open(tmp_path / "s") as repo:
        repo.load(b"<http://e/a> <http://e/p> 1 .", RdfFormat.TURTLE, graph=G)
    with OxigraphRepository.open(tmp_path / "s", read_from_memory=True) as repo:
        assert repo.count(G) == 1
        assert repo.wait_until_fresh(timeout=30)
        assert repo.reads_from_memory
        assert repo.count(G) == 1


def test_consistent_reads_keep_one_copy_while_the_mirror_is_rebuilt(tmp_path: Path) -> None:
    with OxigraphRepository.open(tmp_path / "s") as plain:
        plain.load(b"<http://e/a> <http://e/p> [ <http://e/q> 1 ] .", RdfFormat.TURTLE, graph=G)
    # Reopened with a mirror built from a dump: its blank nodes have labels of their own.
    with OxigraphRepository.open(tmp_path / "s", read_from_memory=True) as repo:
        assert repo.wait_until_fresh(timeout=30)
        with repo.consistent_reads():
            found = repo.query("SELECT ?b WHERE { <http://e/a> <http://e/p> ?b }")
            assert isinstance(found, SelectResult)
            (node,) = (row[0] for row in found.rows())
            assert node is not None
            # A write that mints terms sends the mirror off to be rebuilt.
            repo.update(
                f"INSERT {{ GRAPH <{G}> {{ ?s <http://e/r> ?n }} }} "
                "WHERE { ?s ?p ?o BIND(BNODE() AS ?n) }"
            )
            inner = repo.query("SELECT ?b ?v WHERE { ?b <http://e/q> ?v }", bindings={"b": node})
            assert isinstance(inner, SelectResult)
            assert [str(row[1]) for row in inner.rows()] == ["1"]
