"""The embedded repository: loading, atomicity, queries, dumps and statistics."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from r2p_graph.errors import MissingInputError, RdfSyntaxError, SparqlSyntaxError, StoreError
from r2p_graph.store import (
    AskResult,
    GraphResult,
    OxigraphRepository,
    QueryDataset,
    RdfFormat,
    Repository,
    ResultFormat,
    SelectResult,
    check_syntax,
)
from tests.conftest import dump_bytes

G1 = "https://w3id.org/r2p-graph/graph/test-one"
G2 = "https://w3id.org/r2p-graph/graph/test-two"
TRIPLES = b"""<http://example.org/a> <http://example.org/name> "A"@en .
<http://example.org/b> <http://example.org/name> "B" .
<http://example.org/a> <http://example.org/knows> <http://example.org/b> .
"""
BROKEN = TRIPLES + b'<http://example.org/c> <http://example.org/name> "C .\n'


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_load_into_named_graph_and_count(memory_repo: Repository) -> None:
    assert memory_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1) == 3
    assert memory_repo.count(G1) == 3
    assert memory_repo.count(G2) == 0
    assert memory_repo.named_graphs() == [G1]


def test_load_malformed_reports_line_and_column_and_adds_nothing(memory_repo: Repository) -> None:
    memory_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    before = dump_bytes(memory_repo)
    with pytest.raises(RdfSyntaxError) as caught:
        memory_repo.load(BROKEN, RdfFormat.N_TRIPLES, graph=G2, source_name="broken.nt")
    assert caught.value.location is not None
    assert caught.value.location.source == "broken.nt"
    assert caught.value.location.line == 4
    assert dump_bytes(memory_repo) == before


def test_load_missing_file(memory_repo: Repository, tmp_path: Path) -> None:
    with pytest.raises(MissingInputError, match="no such file"):
        memory_repo.load(tmp_path / "absent.ttl", RdfFormat.TURTLE)


def test_bulk_load_new_graph(disk_repo: OxigraphRepository, tmp_path: Path) -> None:
    seen: list[int] = []
    path = write(tmp_path / "data.nt", TRIPLES)
    assert disk_repo.bulk_load(path, RdfFormat.N_TRIPLES, graph=G1, progress=seen.append) == 3
    assert sum(seen) == len(TRIPLES)


def test_bulk_load_gzip(disk_repo: OxigraphRepository, tmp_path: Path) -> None:
    path = tmp_path / "data.nt.gz"
    path.write_bytes(gzip.compress(TRIPLES))
    assert disk_repo.bulk_load(path, RdfFormat.from_path(path), graph=G1) == 3


def test_bulk_load_malformed_leaves_store_unchanged(
    disk_repo: OxigraphRepository, tmp_path: Path
) -> None:
    disk_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    before = dump_bytes(disk_repo)
    for graph in (G2, G1):  # a new graph (rolled back) and an existing one (transactional)
        with pytest.raises(RdfSyntaxError):
            disk_repo.bulk_load(
                write(tmp_path / "bad.nt", BROKEN), RdfFormat.N_TRIPLES, graph=graph
            )
        assert dump_bytes(disk_repo) == before


def test_bulk_load_malformed_dataset_leaves_store_unchanged(
    disk_repo: OxigraphRepository, tmp_path: Path
) -> None:
    quads = b"<http://e/a> <http://e/p> <http://e/b> <http://e/g1> .\n<http://e/a> <http://e/p> .\n"
    with pytest.raises(RdfSyntaxError) as caught:
        disk_repo.bulk_load(write(tmp_path / "bad.nq", quads), RdfFormat.N_QUADS)
    assert caught.value.location is not None and caught.value.location.line == 2
    assert disk_repo.count() == 0


def test_bulk_load_into_nonempty_graph_adds(disk_repo: OxigraphRepository, tmp_path: Path) -> None:
    disk_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    extra = write(tmp_path / "extra.nt", b"<http://e/x> <http://e/p> <http://e/y> .\n")
    assert disk_repo.bulk_load(extra, RdfFormat.N_TRIPLES, graph=G1) == 1
    assert disk_repo.count(G1) == 4


def test_check_syntax(tmp_path: Path) -> None:
    assert check_syntax(write(tmp_path / "ok.nt", TRIPLES), RdfFormat.N_TRIPLES) == 3
    with pytest.raises(RdfSyntaxError):
        check_syntax(write(tmp_path / "bad.nt", BROKEN), RdfFormat.N_TRIPLES)


def test_select_over_union_by_default(memory_repo: Repository) -> None:
    memory_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    memory_repo.load(b"<http://e/z> <http://example.org/name> 'Z' .", RdfFormat.TURTLE, graph=G2)
    result = memory_repo.query("SELECT ?n WHERE { ?s <http://example.org/name> ?n } ORDER BY ?n")
    assert isinstance(result, SelectResult)
    assert result.variables == ["n"]
    assert [row[0] for row in result.rows()] == [
        Literal("A", lang="en"),
        Literal("B"),
        Literal("Z"),
    ]


def test_dataset_restricts_default_graph(memory_repo: Repository) -> None:
    memory_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    memory_repo.load(b"<http://e/z> <http://e/p> 'Z' .", RdfFormat.TURTLE, graph=G2)
    result = memory_repo.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", dataset=QueryDataset(default_graphs=(G2,))
    )
    assert isinstance(result, SelectResult)
    assert [int(row[0]) for row in result.rows()] == [1]  # type: ignore[arg-type]


def test_a_query_keeps_its_own_from(memory_repo: Repository) -> None:
    memory_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    memory_repo.load(b"<http://e/z> <http://e/p> 'Z' .", RdfFormat.TURTLE, graph=G2)
    result = memory_repo.query(f"SELECT (COUNT(*) AS ?n) FROM <{G2}> WHERE {{ ?s ?p ?o }}")
    assert isinstance(result, SelectResult)
    assert [int(row[0]) for row in result.rows()] == [1]  # type: ignore[arg-type]


def test_bindings_substitute_values(memory_repo: Repository) -> None:
    memory_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    result = memory_repo.query(
        "SELECT ?s ?n WHERE { ?s <http://example.org/name> ?n }",
        bindings={"s": URIRef("http://example.org/b")},
    )
    assert isinstance(result, SelectResult)
    assert [row[1] for row in result.rows()] == [Literal("B")]


def test_ask_and_construct(memory_repo: Repository) -> None:
    memory_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    ask = memory_repo.query("ASK { ?s <http://example.org/knows> ?o }")
    assert isinstance(ask, AskResult) and ask.value
    graph = memory_repo.query(
        "CONSTRUCT { ?o ?p ?s } WHERE { ?s <http://example.org/knows> ?o . ?s ?p ?o }"
    )
    assert isinstance(graph, GraphResult)
    assert len(list(graph.triples())) == 1


@pytest.mark.parametrize("fmt", list(ResultFormat))
def test_select_serialises_in_every_result_format(
    memory_repo: Repository, fmt: ResultFormat
) -> None:
    memory_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    out = io.BytesIO()
    memory_repo.query("SELECT ?s WHERE { ?s ?p ?o }").serialize(out, fmt)
    assert b"http://example.org/a" in out.getvalue()


def test_query_syntax_error_has_position(memory_repo: Repository) -> None:
    with pytest.raises(SparqlSyntaxError) as caught:
        memory_repo.query("SELECT * WHERE {\n  ?s ?p }")
    assert caught.value.location is not None
    assert caught.value.location.line == 2


def test_update_is_atomic(memory_repo: Repository) -> None:
    memory_repo.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <http://e/a> <http://e/p> 1 }} }}")
    assert memory_repo.count(G1) == 1
    with pytest.raises(SparqlSyntaxError):
        memory_repo.update("INSERT DATA { <http://e/a> <http://e/p> }")
    assert memory_repo.count() == 1


@pytest.mark.parametrize("fmt", [RdfFormat.N_QUADS, RdfFormat.TRIG, RdfFormat.TURTLE])
def test_dump_round_trips(memory_repo: Repository, fmt: RdfFormat) -> None:
    memory_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    out = io.BytesIO()
    memory_repo.dump(out, fmt)
    with OxigraphRepository.in_memory() as copy:
        copy.load(out.getvalue(), fmt, graph=None if fmt.is_dataset else G1)
        assert copy.count() == 3


def test_stats(memory_repo: Repository) -> None:
    memory_repo.load(
        b"<http://e/a> a <http://e/C> . <http://e/b> a <http://e/C> .", RdfFormat.TURTLE, graph=G1
    )
    stats = memory_repo.stats()
    assert stats.total_triples == 2
    assert stats.classes == [("http://e/C", 2)]


def test_drop_graph(memory_repo: Repository) -> None:
    memory_repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    memory_repo.drop_graph(G1)
    assert memory_repo.count() == 0


def test_second_writer_is_refused(tmp_path: Path) -> None:
    with OxigraphRepository.open(tmp_path / "s"), pytest.raises(StoreError, match="in use"):
        OxigraphRepository.open(tmp_path / "s")


def test_data_survives_reopening(tmp_path: Path) -> None:
    with OxigraphRepository.open(tmp_path / "s") as repo:
        repo.load(TRIPLES, RdfFormat.N_TRIPLES, graph=G1)
    with OxigraphRepository.open(tmp_path / "s") as repo:
        assert repo.count(G1) == 3
