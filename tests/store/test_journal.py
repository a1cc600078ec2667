"""A bulk load interrupted by SIGKILL leaves either the whole file in the store or none of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from r2p_graph.store import OxigraphRepository, RdfFormat
from r2p_graph.store.journal import BulkLoadJournal

GRAPH = "https://w3id.org/r2p-graph/graph/big"
LOADER = """
import sys
from pathlib import Path
from r2p_graph.store import OxigraphRepository, RdfFormat
with OxigraphRepository.open(Path(sys.argv[1])) as repo:
    repo.bulk_load(Path(sys.argv[2]), RdfFormat.N_TRIPLES, graph=sys.argv[3])
"""


def test_open_undoes_an_unfinished_bulk_load(tmp_path: Path) -> None:
    with OxigraphRepository.open(tmp_path / "s") as repo:
        repo.load(b"<http://e/keep> <http://e/p> 1 .", RdfFormat.TURTLE, graph=GRAPH + "-keep")
        repo.load(b"<http://e/half> <http://e/p> 1 .", RdfFormat.TURTLE, graph=GRAPH)
    BulkLoadJournal(tmp_path / "s").begin([GRAPH])  # as if the process died mid-load
    with OxigraphRepository.open(tmp_path / "s") as repo:
        assert repo.named_graphs() == [GRAPH + "-keep"]
    assert BulkLoadJournal(tmp_path / "s").pending() is None


def test_sigkill_during_bulk_load_keeps_all_or_nothing(tmp_path: Path) -> None:
    data = tmp_path / "big.nt"
    count = 300_000
    with data.open("w") as file:
        for i in range(count):
            file.write(f'<http://e/s{i}> <http://e/p> "value {i}" .\n')
    store = tmp_path / "s"
    journal = BulkLoadJournal(store)
    loader = subprocess.Popen([sys.executable, "-c", LOADER, str(store), str(data), GRAPH])
    deadline = time.monotonic() + 60
    while journal.pending() is None and loader.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.2)
    if loader.poll() is None:
        os.kill(loader.pid, signal.SIGKILL)
    loader.wait(timeout=60)
    with OxigraphRepository.open(store) as repo:
        loaded = repo.count(GRAPH)
        print(f"after SIGKILL: {loaded} of {count} triples")
        assert loaded in (0, count)
    assert journal.pending() is None
