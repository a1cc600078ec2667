"""What visibility tiers cost a reader: the readable-graph lookup per request, and queries
over an explicit list of readable graphs against queries over the whole store.

A store of synthetic data (one graph of ``--scale`` organisations, about a hundred triples
each) plus ``N`` small public contribution graphs and one restricted one; for each ``N`` the
benchmark times the join queries of ``bench/queries`` as a curator runs them (the whole store)
and as an anonymous reader does (the synthetic graph, the store's default graph and the ``N``
public contributions, listed). Medians of ``--repeat`` runs after one warm-up.

    .venv/bin/python bench/visibility.py --scale 2000 --graphs 0 10 100 1000
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from r2p_graph.services.synthetic import generate
from r2p_graph.services.visibility import Visibility, readable_graphs, visibility_quads
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=2000)
    parser.add_argument("--graphs", type=int, nargs="+", default=[0, 10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    data = io.BytesIO()
    triples = generate(data, scale=args.scale, seed=42, fmt=RdfFormat.N_QUADS)
    repo = OxigraphRepository.in_memory()
    repo.load(data.getvalue(), RdfFormat.N_QUADS)
    secret = CONTRIBUTION + "restricted"
    subject = URIRef("https://w3id.org/r2p-graph/id/person/bench-hidden")
    repo.add([(subject, RDFS.label, Literal("hidden"), URIRef(secret))])
    repo.add(visibility_quads(secret, Visibility.RESTRICTED))
    print(f"# Visibility cost: {triples} synthetic triples, medians of {args.repeat} runs\n")
    print(
        "| public contribution graphs | lookup, cached (µs) | lookup after a write (ms) "
        "| query | whole store (ms) | readable graphs listed (ms) | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
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
        for path in QUERIES:
            query = path.read_text(encoding="utf-8")

            def over(dataset: QueryDataset | None, query: str = query) -> None:
                repo.answer(
                    query,
                    dataset=dataset,
                    select_format=ResultFormat.JSON,
                    graph_format=RdfFormat.TURTLE,
                )

            listed_dataset = view.dataset(query)
            whole = _median(partial(over, None), args.repeat) * 1e3
            listed = _median(partial(over, listed_dataset), args.repeat) * 1e3
            print(
                f"| {count} | {cached:.1f} | {miss:.1f} | {path.stem} | {whole:.1f} "
                f"| {listed:.1f} | {listed / whole:.2f} |"
            )
            sys.stdout.flush()
    repo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
