"""The workers: each loads the data into one backend and runs the queries, in its own process.

``bench/run.py --worker <kind>`` calls :func:`run_worker` and prints its result as JSON on
stdout, so that the peak resident memory (``ru_maxrss``) of one backend is not mixed up with
another's. Kinds:

* ``load-r2p``        r2p-graph's ``OxigraphRepository.open(dir).bulk_load(...)``, timed alone
* ``load-pyoxigraph`` pyoxigraph's own ``Store(dir).bulk_load(path=...)``, timed alone
* ``on-disk``         r2p-graph on disk: bulk load, reopen, queries, ``optimize()``, queries
* ``on-disk-mirror``  r2p-graph on disk read through its memory mirror: bulk load, reopen with
                      ``read_from_memory=True``, wait for the mirror, queries (an addition)
* ``in-memory``       ``OxigraphRepository.in_memory()``: bulk load, queries
* ``rdflib``          rdflib's in-memory ``Graph()``: parse, queries
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import resource
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final, Protocol

import pyoxigraph as ox
import rdflib

from r2p_bench.model import Phase, QueryMeasure, WorkerResult
from r2p_graph.store.formats import RdfFormat
from r2p_graph.store.oxigraph import OxigraphRepository
from r2p_graph.store.repository import SelectResult

GRAPH: Final = "https://w3id.org/r2p-graph/graph/synthetic"
SLOW_RUN_S: Final = 20.0
"""A query whose first run takes longer than this is not repeated."""

LOAD_KINDS: Final = ("load-r2p", "load-pyoxigraph")
QUERY_KINDS: Final = ("on-disk", "on-disk-mirror", "in-memory", "rdflib")
MIRROR_TIMEOUT_S: Final = 1800.0


class _Term(Protocol):
    def n3(self) -> str: ...


Rows = Sequence[Sequence[_Term | None]]
Runner = Callable[[str], Rows]


def peak_rss_kib() -> int:
    """The peak resident set size of this process so far (KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def end_of_load() -> int:
    """The peak RSS so far; then reset the high-water mark (Linux: ``/proc/self/clear_refs``)
    so that :func:`peak_rss_kib` measures only what comes after the load."""
    peak = peak_rss_kib()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    return peak


def _result(
    kind: str, load_s: float, quads: int, load_peak: int, phases: list[Phase], **extra: float
) -> WorkerResult:
    queries_peak = peak_rss_kib()
    return WorkerResult(
        kind=kind,
        load_s=load_s,
        quads=quads,
        peak_rss_kib=max(load_peak, queries_peak),
        peak_rss_load_kib=load_peak,
        peak_rss_queries_kib=queries_peak,
        phases=phases,
        extra=dict(extra),
    )


def directory_bytes(path: Path) -> int:
    """The total size of the files under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def digest(rows: Iterable[Sequence[_Term | None]]) -> str:
    """A short hash of the rows as a multiset (order-free), to compare answers across backends."""
    lines = sorted("\t".join("UNDEF" if t is None else t.n3() for t in row) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def run_suite(backend: str, run: Runner, queries: Mapping[str, str], repeat: int) -> Phase:
    """Run each query once (warm-up, answer kept) and then ``repeat`` timed times."""
    measures: dict[str, QueryMeasure] = {}
    for name, text in queries.items():
        start = time.perf_counter()
        rows = run(text)
        first = time.perf_counter() - start
        answer = digest(rows)
        count = len(rows)
        del rows
        if first > SLOW_RUN_S:
            note = f"first run took {first:.1f} s > {SLOW_RUN_S:.0f} s: one run only"
            measures[name] = QueryMeasure(count, answer, first, [first], note)
            continue
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            run(text)
            samples.append(time.perf_counter() - start)
        measures[name] = QueryMeasure(count, answer, first, samples)
    return Phase(backend=backend, queries=measures)


def _repo_runner(repo: OxigraphRepository) -> Runner:
    def run(text: str) -> Rows:
        result = repo.query(text)
        if not isinstance(result, SelectResult):
            raise TypeError("the benchmark queries must be SELECT queries")
        return list(result.rows())

    return run


def _rdflib_runner(graph: rdflib.Graph) -> Runner:
    def run(text: str) -> Rows:
        rows: list[Sequence[_Term | None]] = []
        for row in graph.query(text):
            if not isinstance(row, tuple):
                raise TypeError("the benchmark queries must be SELECT queries")
            rows.append(row)
        return rows

    return run


def _load_r2p(data: Path, workdir: Path) -> WorkerResult:
    store = workdir / "store-r2p"
    start = time.perf_counter()
    repo = OxigraphRepository.open(store)
    quads = repo.bulk_load(data, RdfFormat.N_TRIPLES, graph=GRAPH)
    elapsed = time.perf_counter() - start
    repo.close()
    rss = peak_rss_kib()
    extra = {"store_bytes": float(directory_bytes(store))}
    return WorkerResult("load-r2p", elapsed, quads, rss, rss, 0, extra=extra)


def _load_pyoxigraph(data: Path, workdir: Path) -> WorkerResult:
    store_dir = workdir / "store-pyoxigraph"
    start = time.perf_counter()
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    elapsed = time.perf_counter() - start
    quads = len(store)
    store.flush()
    del store
    gc.collect()
    rss = peak_rss_kib()
    extra = {"store_bytes": float(directory_bytes(store_dir))}
    return WorkerResult("load-pyoxigraph", elapsed, quads, rss, rss, 0, extra=extra)


def _bulk_load_on_disk(data: Path, store: Path) -> tuple[float, int]:
    """r2p-graph's bulk load into a fresh on-disk store, closed again: (seconds, quads)."""
    start = time.perf_counter()
    repo = OxigraphRepository.open(store)
    quads = repo.bulk_load(data, RdfFormat.N_TRIPLES, graph=GRAPH)
    load_s = time.perf_counter() - start
    repo.close()
    return load_s, quads


def _on_disk(data: Path, workdir: Path, queries: Mapping[str, str], repeat: int) -> WorkerResult:
    store = workdir / "store-on-disk"
    load_s, quads = _bulk_load_on_disk(data, store)
    load_peak = end_of_load()
    extra = {"store_bytes": float(directory_bytes(store))}
    start = time.perf_counter()
    repo = OxigraphRepository.open(store)
    extra["reopen_s"] = time.perf_counter() - start
    try:
        plain = run_suite("on-disk", _repo_runner(repo), queries, repeat)
        start = time.perf_counter()
        repo.optimize()
        extra["optimize_s"] = time.perf_counter() - start
        optimized = run_suite("on-disk optimized", _repo_runner(repo), queries, repeat)
    finally:
        repo.close()
    # Measured once closed: RocksDB deletes the files that compaction replaced only then.
    extra["store_bytes_optimized"] = float(directory_bytes(store))
    return _result("on-disk", load_s, quads, load_peak, [plain, optimized], **extra)


def _on_disk_mirror(
    data: Path, workdir: Path, queries: Mapping[str, str], repeat: int
) -> WorkerResult:
    store = workdir / "store-mirror"
    load_s, quads = _bulk_load_on_disk(data, store)
    load_peak = end_of_load()
    start = time.perf_counter()
    repo = OxigraphRepository.open(store, read_from_memory=True)
    try:
        if not repo.wait_until_fresh(timeout=MIRROR_TIMEOUT_S):
            raise RuntimeError(f"the memory mirror was not ready after {MIRROR_TIMEOUT_S:.0f} s")
        ready_s = time.perf_counter() - start
        phase = run_suite("on-disk + mirror", _repo_runner(repo), queries, repeat)
        if not repo.reads_from_memory:
            raise RuntimeError("the queries were not all answered from the memory mirror")
    finally:
        repo.close()
    return _result("on-disk-mirror", load_s, quads, load_peak, [phase], mirror_ready_s=ready_s)


def _in_memory(data: Path, queries: Mapping[str, str], repeat: int) -> WorkerResult:
    start = time.perf_counter()
    repo = OxigraphRepository.in_memory()
    quads = repo.bulk_load(data, RdfFormat.N_TRIPLES, graph=GRAPH)
    load_s = time.perf_counter() - start
    load_peak = end_of_load()
    try:
        phase = run_suite("in-memory", _repo_runner(repo), queries, repeat)
    finally:
        repo.close()
    return _result("in-memory", load_s, quads, load_peak, [phase])


def _rdflib(data: Path, queries: Mapping[str, str], repeat: int) -> WorkerResult:
    start = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(str(data), format="nt")
    load_s = time.perf_counter() - start
    load_peak = end_of_load()
    phase = run_suite("rdflib", _rdflib_runner(graph), queries, repeat)
    return _result("rdflib", load_s, len(graph), load_peak, [phase])


def run_worker(
    kind: str, data: Path, workdir: Path, queries: Mapping[str, str], repeat: int
) -> WorkerResult:
    """Run one worker in this process (``workdir`` must be a fresh, empty directory)."""
    if kind == "load-r2p":
        return _load_r2p(data, workdir)
    if kind == "load-pyoxigraph":
        return _load_pyoxigraph(data, workdir)
    if kind == "on-disk":
        return _on_disk(data, workdir, queries, repeat)
    if kind == "on-disk-mirror":
        return _on_disk_mirror(data, workdir, queries, repeat)
    if kind == "in-memory":
        return _in_memory(data, queries, repeat)
    if kind == "rdflib":
        return _rdflib(data, queries, repeat)
    raise ValueError(f"unknown worker kind {kind!r}")
