"""What visibility tiers cost a reader: the readable-graph lookup per request, queries through
the anonymous reader's view of the data against the same queries over the whole store, and the
memory the views take.

A store of synthetic data (one graph of ``--scale`` organisations, about a hundred triples
each) plus ``N`` small public contribution graphs and one restricted one; for each ``N`` the
benchmark times the join queries of ``bench/queries`` as a curator runs them (the whole store)
and as an anonymous reader does (their view: the store's default graph, the synthetic graph and
the ``N`` public contributions). With ``--listed``, also as anonymous readers did before views
were kept: over the whole store with every readable graph listed. Medians of ``--repeat`` runs
after one warm-up, the ways of running a query timed in turns. The memory line is the resident
size of this process before and after the views (public; public and partners) are built.

    .venv/bin/python bench/visibility.py --scale 2000 --graphs 0 10 100 1000 --listed
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from r2p_graph.services.synthetic import generate
from r2p_graph.services.visibility import (
    ACCESS_VIEWS,
    ReadableGraphs,
    Visibility,
    readable_graphs,
    visibility_quads,
)
from r2p_graph.store import OxigraphRepository, QueryDataset, RdfFormat, ResultFormat

QUERIES = sorted((Path(__file__).parent / "queries").glob("q*.rq"))
CONTRIBUTION = "https://w3id.org/r2p-graph/graph/contribution/bench-"


def _median(run: Callable[[], object], repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _medians(runs: Sequence[Callable[[], object]], repeat: int) -> list[float]:
    """The median time of each of ``runs``, timed in turns (one warm-up each first), so that
    the machine's load drifting during the measurement weighs on all of them alike."""
    for run in runs:
        run()
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for index, run in enumerate(runs):
            start = time.perf_counter()
            run()
            times[index].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def _rss_mib() -> float:
    """This process's resident memory, MiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _store_with_views(scale: int) -> tuple[OxigraphRepository, int, str, str]:
    """The synthetic store with one restricted graph and the views of the data; the number of
    synthetic triples, the restricted graph and a line on the memory the views took."""
    empty = _rss_mib()
    data = io.BytesIO()
    triples = generate(data, scale=scale, seed=42, fmt=RdfFormat.N_QUADS)
    repo = OxigraphRepository.in_memory()
    repo.load(data.getvalue(), RdfFormat.N_QUADS)
    del data
    secret = CONTRIBUTION + "restricted"
    subject = URIRef("https://w3id.org/r2p-graph/id/person/bench-hidden")
    repo.add([(subject, RDFS.label, Literal("hidden"), URIRef(secret))])
    repo.add(visibility_quads(secret, Visibility.RESTRICTED))
    gc.collect()
    before = _rss_mib()
    start = time.perf_counter()
    repo.keep_views(ACCESS_VIEWS)
    built = time.perf_counter() - start
    gc.collect()
    after = _rss_mib()
    memory = (
        f"Memory: {empty:.0f} MiB resident before loading, {before:.0f} MiB with the store "
        f"(+{before - empty:.0f} MiB), {after:.0f} MiB with the views of "
        f"{' and '.join(ACCESS_VIEWS.names)} too (+{after - before:.0f} MiB, built in "
        f"{built:.1f} s)."
    )
    return repo, triples, secret, memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=2000)
    parser.add_argument("--graphs", type=int, nargs="+", default=[0, 10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--listed", action="store_true", help="also time listed graphs")
    args = parser.parse_args()

    repo, triples, secret, memory = _store_with_views(args.scale)
    print(f"# Visibility cost: {triples} synthetic triples, medians of {args.repeat} runs\n")
    print(memory + "\n")
    listed_head = " readable graphs listed (ms) | listed ratio |" if args.listed else ""
    print(
        "| public contribution graphs | lookup, cached (µs) | lookup after a write (ms) "
        f"| query | whole store (ms) | anonymous, view (ms) | ratio |{listed_head}"
    )
    print("|---|---|---|---|---|---|---|" + ("---|---|" if args.listed else ""))
    made = 0
    for count in args.graphs:
        while made < count:
            graph = URIRef(f"{CONTRIBUTION}{made}")
            repo.add([(URIRef(f"{graph}#thing"), RDFS.label, Literal(f"c{made}"), graph)])
            made += 1
        readable_graphs(repo, Visibility.PUBLIC)
        cached = _median(lambda: readable_graphs(repo, Visibility.PUBLIC), 1000) * 1e6

        timings: list[float] = []
        for _ in range(args.repeat):
            repo.update("INSERT DATA { <http://e/touch> <http://e/p> 1 }")
            start = time.perf_counter()
            readable_graphs(repo, Visibility.PUBLIC)
            timings.append(time.perf_counter() - start)
        miss = statistics.median(timings) * 1e3
        view = readable_graphs(repo, Visibility.PUBLIC)
        assert view.view and not view.can_read(secret)
        listed_view = ReadableGraphs(view.clearance, view.graphs, view.stamp, view.hidden)
        for path in QUERIES:
            query = path.read_text(encoding="utf-8")

            def over(dataset: QueryDataset | None, query: str = query) -> None:
                repo.answer(
                    query,
                    dataset=dataset,
                    select_format=ResultFormat.JSON,
                    graph_format=RdfFormat.TURTLE,
                )

            runs = [partial(over, None), partial(over, view.dataset(query))]
            if args.listed:
                runs.append(partial(over, listed_view.dataset(query)))
            whole, viewed, *listed = (t * 1e3 for t in _medians(runs, args.repeat))
            row = (
                f"| {count} | {cached:.1f} | {miss:.1f} | {path.stem} | {whole:.1f} "
                f"| {viewed:.1f} | {viewed / whole:.2f} |"
            )
            if listed:
                row += f" {listed[0]:.1f} | {listed[0] / whole:.2f} |"
            print(row)
            sys.stdout.flush()
    repo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
