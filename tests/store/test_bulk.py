"""Bulk loading split over cores gives the same quads as loading in one piece."""

from __future__ import annotations

import itertools
from pathlib import Path

import pyoxigraph as ox
import pytest

from r2p_graph.errors import RdfSyntaxError
from r2p_graph.store import bulk
from r2p_graph.store.formats import RdfFormat

GRAPH = ox.NamedNode("https://w3id.org/r2p-graph/graph/test")


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "_MIN_PART_BYTES", 1 << 10)
    monkeypatch.setattr(bulk, "_PART_BYTES", 4 << 10)


def write_triples(path: Path, count: int, broken_at: int | None = None) -> Path:
    lines = []
    for i in range(count):
        if i == broken_at:
            lines.append(f"<http://e/s{i}> <http://e/p> .\n")
        else:
            lines.append(f'<http://e/s{i}> <http://e/p> "value {i}"@en .\n')
    path.write_text("".join(lines))
    return path


def quads(store: ox.Store) -> set[str]:
    return {str(q) for q in store.quads_for_pattern(None, None, None)}


def test_split_load_equals_whole_load(tmp_path: Path) -> None:
    path = write_triples(tmp_path / "data.nt", 2000)
    assert len(bulk.line_parts(path, RdfFormat.N_TRIPLES, 2)) > 2
    split, whole = ox.Store(), ox.Store()
    done: list[int] = []
    bulk.bulk_load(split, path, RdfFormat.N_TRIPLES, GRAPH, done.append, workers=2)
    bulk.bulk_load(whole, path, RdfFormat.N_TRIPLES, GRAPH, workers=1)
    assert quads(split) == quads(whole)
    assert len(quads(split)) == 2000
    assert sum(done) == path.stat().st_size


def test_parts_end_at_line_ends(tmp_path: Path) -> None:
    path = write_triples(tmp_path / "data.nt", 500)
    data = path.read_bytes()
    parts = bulk.line_parts(path, RdfFormat.N_TRIPLES, 2)
    assert parts[0][0] == 0 and parts[-1][1] == len(data)
    for (_, end), (start, _) in itertools.pairwise(parts):
        assert end == start and data[end - 1 : end] == b"\n"


def test_blank_nodes_or_other_formats_load_whole(tmp_path: Path) -> None:
    path = write_triples(tmp_path / "data.nt", 500)
    with path.open("a") as file:
        file.write("_:b <http://e/p> _:c .\n")
    assert len(bulk.line_parts(path, RdfFormat.N_TRIPLES, 2)) == 1
    turtle = tmp_path / "data.ttl"
    turtle.write_bytes(path.read_bytes())
    assert len(bulk.line_parts(turtle, RdfFormat.TURTLE, 2)) == 1


def test_error_in_a_later_part_names_the_file_line(tmp_path: Path) -> None:
    path = write_triples(tmp_path / "data.nt", 2000, broken_at=1500)
    with pytest.raises(RdfSyntaxError) as caught:
        bulk.bulk_load(ox.Store(), path, RdfFormat.N_TRIPLES, GRAPH, workers=2)
    assert caught.value.location is not None
    assert caught.value.location.line == 1501
