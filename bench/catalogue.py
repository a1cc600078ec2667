"""Benchmark the query catalogue: every catalogue query on synthetic data, r2p-graph's embedded
store (pyoxigraph, in memory, inferences materialised) side by side with rdflib in memory.

    .venv/bin/python bench/catalogue.py [--scale 10000] [--repeat 5] [--out bench/results]

Generates ``--scale`` organisations of synthetic data (10 000 give about a million triples),
loads it with the bundled ontology, vocabularies and data, derives the inferred graphs (timed),
then runs each catalogue query once to warm up and ``--repeat`` times timed on the embedded
store, as ``GET /queries/{name}`` answers it: ``Repository.answer`` evaluates the query and writes
its SPARQL JSON results (the rows are counted in a run apart). rdflib gets the same triples
(asserted and inferred) in one in-memory ``Graph`` and runs each query with every row
iterated, except that a query whose first run takes more than ``--rdflib-cap`` seconds is not
repeated. Writes ``catalogue-<UTC timestamp>.json`` and ``.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

from rdflib import Graph

from r2p_bench.provenance import git_revision, machine
from r2p_graph.ontology.bundle import BUNDLED_SOURCES
from r2p_graph.services.catalogue import Catalogue
from r2p_graph.services.inference import Materialiser, OntologyRules
from r2p_graph.services.reasoning import ontology_graph
from r2p_graph.services.synthetic import generate
from r2p_graph.services.synthetic.timeline import TODAY
from r2p_graph.store import OxigraphRepository, RdfFormat, ResultFormat, SelectResult

HERE: Final = Path(__file__).resolve().parent
SYNTHETIC_GRAPH: Final = "https://w3id.org/r2p-graph/graph/synthetic"
TARGET_MS: Final = 100.0
_START: Final = time.perf_counter()


def log(message: str) -> None:
    """A progress line on stderr, with the time since the run started."""
    print(f"[{time.perf_counter() - _START:7.1f} s] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def parameters(repo: OxigraphRepository) -> dict[str, dict[str, list[str]]]:
    """Parameters as coordinators give them: the country with the most observations for the
    questions asked about one country, the busiest organisation for its partner network."""
    busiest_org = repo.query(
        "SELECT ?o (COUNT(*) AS ?n) WHERE { ?o <https://w3id.org/r2p-graph/ontology#participatesIn>"
        " ?p } GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 1"
    )
    busiest_country = repo.query(
        "SELECT ?c (COUNT(*) AS ?n) WHERE { ?x <https://w3id.org/r2p-graph/ontology#country> ?c ;"
        " a <https://w3id.org/r2p-graph/ontology#IndicatorObservation> }"
        " GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1"
    )
    assert isinstance(busiest_org, SelectResult) and isinstance(busiest_country, SelectResult)
    org = str(next(busiest_org.rows())[0])
    country = str(next(busiest_country.rows())[0])
    by_country = (
        "indicator-trends", "timeline", "overlapping-programmes", "who-does-what-where",
        "continuum-coverage", "directory",
    )  # fmt: skip
    params: dict[str, dict[str, list[str]]] = {name: {"country": [country]} for name in by_country}
    params["partner-network"] = {"organisation": [org], "depth": ["2"]}
    # A paged list is asked for as a coordinator opens it: its first page.
    params["coalition-membership"] = {"page": ["1"]}
    return params


def count_rows(repo: OxigraphRepository, text: str) -> int:
    """How many rows the query answers (not timed)."""
    result = repo.query(text)
    assert isinstance(result, SelectResult)
    return sum(1 for _ in result.rows())


class StoppedError(Exception):
    """A query ran past the time it was given."""


def _stop(signum: int, frame: object) -> None:
    raise StoppedError


def timed(
    run: Any, repeat: int, cap: float | None = None, limit: int | None = None
) -> tuple[list[float], int, str | None]:
    """Run ``run`` once to warm up and ``repeat`` times timed: times (ms), rows, error.

    With ``limit``, a first run past that many seconds is stopped (pure-Python engines only:
    the alarm interrupts Python code)."""
    try:
        if limit is not None:
            signal.signal(signal.SIGALRM, _stop)
            signal.alarm(limit)
        started = time.perf_counter()
        rows = run()
        first = time.perf_counter() - started
    except StoppedError:
        return [], 0, f"stopped after {limit} s"
    except Exception as error:
        message = str(error).splitlines()[0][:120] if str(error) else ""
        return [], 0, f"{type(error).__name__}: {message}"
    finally:
        if limit is not None:
            signal.alarm(0)
    if cap is not None and first > cap:
        return [first * 1000], rows, None
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times, rows, None


def main() -> int:  # noqa: PLR0915 (one run, told in order)
    """Run the benchmark; exit 1 when a query's median misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib-cap", type=float, default=30.0)
    parser.add_argument("--rdflib-limit", type=int, default=120, help="stop rdflib after (s)")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--only", nargs="*", default=None, help="run only these queries")
    args = parser.parse_args()
    now = dt.datetime.now(dt.UTC)
    load_start = os.getloadavg()[0]
    catalogue = Catalogue.bundled()
    queries = [q for q in catalogue.queries() if not args.only or q.name in args.only]
    with tempfile.TemporaryDirectory(prefix="r2p-catalogue-bench-") as folder:
        data = Path(folder) / "synthetic.nt"
        with data.open("wb") as out:
            triples = generate(out, scale=args.scale, seed=args.seed)
        log(f"generated {triples:,} synthetic triples (scale {args.scale})")
        repo = OxigraphRepository.in_memory()
        for source in BUNDLED_SOURCES:
            repo.load(source.path, RdfFormat.TURTLE, graph=source.graph)
        started = time.perf_counter()
        repo.load(data, RdfFormat.N_TRIPLES, graph=SYNTHETIC_GRAPH)
        load_s = time.perf_counter() - started
        asserted = repo.count()
        log(f"embedded store: {asserted:,} quads loaded in {load_s:.1f} s")
        materialiser = Materialiser(OntologyRules.from_graph(ontology_graph()))
        change = materialiser.refresh(repo)
        log(f"inferred {change.total_added:,} triples in {change.seconds:.1f} s")
        again = materialiser.refresh(repo)
        log(f"refresh with nothing to change: {again.seconds:.1f} s")
        params = parameters(repo)
        texts = {
            q.name: q.bind(params.get(q.name, {}), today=TODAY) for q in queries
        }  # fmt: skip
        results: dict[str, dict[str, Any]] = {}
        for name, text in texts.items():

            def answer(text: str = text) -> int:
                repo.answer(
                    text,
                    dataset=None,
                    select_format=ResultFormat.JSON,
                    graph_format=RdfFormat.TURTLE,
                )
                return 0

            times, _, error = timed(answer, args.repeat)
            rows = 0 if error else count_rows(repo, text)
            results[name] = {"oxigraph": _summary(times, rows, error)}
            p50 = results[name]["oxigraph"].get("p50_ms", "-")
            log(f"{name}: embedded p50 {p50} ms, {rows} rows")
        dump = io.BytesIO()
        repo.dump(dump, RdfFormat.N_TRIPLES)
        repo.close()
        gc.collect()
    graph = Graph()
    started = time.perf_counter()
    graph.parse(data=dump.getvalue(), format="nt")
    rdflib_load_s = time.perf_counter() - started
    del dump
    log(f"rdflib: {len(graph):,} triples parsed in {rdflib_load_s:.1f} s")
    for name, text in texts.items():

        def run_rdflib(text: str = text) -> int:
            return sum(1 for _ in graph.query(text))

        times, rows, error = timed(
            run_rdflib, args.repeat, cap=args.rdflib_cap, limit=args.rdflib_limit
        )
        results[name]["rdflib"] = _summary(times, rows, error)
        log(f"{name}: rdflib p50 {results[name]['rdflib'].get('p50_ms', '-')} ms, {rows} rows")
    meta = {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{machine()}; 1-minute load average {load_start:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end",
        "revision": git_revision(HERE),
        "scale": args.scale,
        "seed": args.seed,
        "synthetic_triples": triples,
        "store_quads_before_inference": asserted,
        "inferred_triples": change.total_added,
        "inference_seconds": round(change.seconds, 2),
        "refresh_unchanged_seconds": round(again.seconds, 2),
        "embedded_load_seconds": round(load_s, 2),
        "rdflib_load_seconds": round(rdflib_load_s, 2),
        "rdflib_triples": len(graph),
        "repeat": args.repeat,
        "today": TODAY.isoformat(),
        "parameters": params,
    }
    document = {"meta": meta, "results": results}
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"catalogue-{now.strftime('%Y%m%dT%H%M%SZ')}"
    stem.with_suffix(".json").write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    markdown = render(meta, results)
    stem.with_suffix(".md").write_text(markdown, "utf-8")
    print(markdown)
    missed = [n for n, r in results.items() if r["oxigraph"].get("p50_ms", 1e9) > TARGET_MS]
    for name in missed:
        log(f"MISSED: {name} p50 above {TARGET_MS:.0f} ms")
    return 1 if missed else 0


def _summary(times: list[float], rows: int, error: str | None) -> dict[str, Any]:
    if error is not None:
        return {"error": error}
    return {
        "rows": rows,
        "runs": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "times_ms": [round(t, 1) for t in times],
    }


def render(meta: dict[str, Any], results: dict[str, dict[str, Any]]) -> str:
    """The results as a Markdown report."""
    lines = [
        "# Query catalogue benchmark",
        "",
        f"- {meta['date']}, revision {meta['revision']}",
        f"- {meta['machine']}",
        f"- synthetic scale {meta['scale']} (seed {meta['seed']}): {meta['synthetic_triples']:,} "
        f"triples; with the bundled graphs {meta['store_quads_before_inference']:,} quads; "
        f"{meta['inferred_triples']:,} inferred in {meta['inference_seconds']} s "
        f"(a refresh with nothing to change: {meta['refresh_unchanged_seconds']} s)",
        f"- embedded store: pyoxigraph in memory, loaded in {meta['embedded_load_seconds']} s; "
        f"rdflib in-memory Graph of the same {meta['rdflib_triples']:,} triples, parsed in "
        f"{meta['rdflib_load_seconds']} s",
        f"- one warm-up run, then {meta['repeat']} timed runs (rdflib: one run when the first "
        "took more than the cap); embedded: the query answered as SPARQL JSON results, as "
        'GET /queries/{name} does; rdflib: every row iterated; "today" is '
        f"{meta['today']}; parameters: {json.dumps(meta['parameters'])}",
        "",
        "| query | rows | embedded p50 ms | embedded p95 ms | rdflib p50 ms | rdflib p95 ms "
        "| rdflib / embedded |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        ox, rd = result["oxigraph"], result.get("rdflib", {})
        ratio = (
            f"{rd['p50_ms'] / ox['p50_ms']:.0f}x"
            if "p50_ms" in rd and "p50_ms" in ox and ox["p50_ms"] > 0
            else "-"
        )
        lines.append(
            f"| {name} | {ox.get('rows', '-')} | {ox.get('p50_ms', ox.get('error'))} "
            f"| {ox.get('p95_ms', '-')} | {rd.get('p50_ms', rd.get('error', '-'))} "
            f"| {rd.get('p95_ms', '-')} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
