"""Benchmark of governed contributions: the gate and the commit against a million triples.

A store of about a million synthetic triples (plus the bundled data) is built on disk; then, for
``--repeat`` runs each, a contribution of about 1,000 triples that conforms is checked by the gate
and committed (``ContributionService.submit``), and one of the same size with violations planted
in it is refused (every planted violation must be reported). Beside them, in the same run,
pySHACL validates the whole graph (store and a conforming contribution, read into an rdflib
graph, which is timed apart) once, in a process of its own: what checking each contribution
would cost without the gate. That run is stopped after ``--whole-cap`` seconds of validation
(40 minutes by default), and the cap is then reported as a lower bound.

    .venv/bin/python bench/contributions.py                   # ~1M triples, 7 runs
    .venv/bin/python bench/contributions.py --scale 500 --repeat 3 --skip-whole   # a quick check

Writes ``contributions-<UTC timestamp>.md`` and ``.json`` under ``--out`` (default
``bench/results``) and prints the Markdown. Exit status 1 when a check failed (a conforming
contribution refused, a planted violation not reported, a median above the 0.5 s target, a
violation in the whole graph, which holds only what the gate let in).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

sys.path.insert(0, str(Path(__file__).parent))
from r2p_bench.provenance import git_revision, machine
from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.bundled import load_bundled
from r2p_graph.services.contributions.model import Metadata
from r2p_graph.services.contributions.service import (
    ContributionRejectedError,
    ContributionService,
)
from r2p_graph.services.synthetic import generate
from r2p_graph.services.validation import shapes_report
from r2p_graph.store import OxigraphRepository, RdfFormat, SelectResult

TARGET_SECONDS = 0.5
WHOLE_CAP_SECONDS = 2400.0
ID = "https://w3id.org/r2p-graph/id/bench/"
COUNTRY = "https://w3id.org/r2p-graph/id/country/"
SYNTHETIC = "https://w3id.org/r2p-graph/graph/synthetic"
UNKNOWN_CODES = [f"Q{chr(c)}" for c in range(ord("M"), ord("Z") + 1)]  # user-assigned: no country
_ORGANISERS = """
PREFIX r2p: <https://w3id.org/r2p-graph/ontology#>
SELECT ?o WHERE { GRAPH <https://w3id.org/r2p-graph/graph/synthetic> {
  ?o a r2p:NonGovernmentalOrganization } } LIMIT 200
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Planted:
    """A violation put into a contribution on purpose: where, and a piece of its message."""

    focus: str
    message: str


def contribution(
    tag: str, organisers: list[URIRef], *, triples: int = 1000, violations: int = 0
) -> tuple[Graph, list[Planted]]:
    """About ``triples`` triples: new organisations (5 triples each) and workshops (8 each)
    organised by organisations already in the store and attended by the new ones; with
    ``violations`` of four kinds planted in them."""
    graph = Graph()
    planted: list[Planted] = []
    countries = ["HU", "AT", "SK", "DE", "FR", "KE", "BR", "ID"]
    n = 0
    while len(graph) + 8 <= triples:
        org = URIRef(f"{ID}{tag}/organization/{n}")
        event = URIRef(f"{ID}{tag}/event/{n}")
        country = URIRef(COUNTRY + countries[n % len(countries)])
        label = Literal(f"Bench organisation {tag}-{n} (synthetic)", lang="en")
        level = R2P.local
        start = Literal(f"2025-{n % 12 + 1:02d}-01", datatype=XSD.date)
        bad = n < violations
        if bad:
            kind = n % 4
            if kind == 0:
                country = URIRef(COUNTRY + UNKNOWN_CODES[n // 4 % len(UNKNOWN_CODES)])
                planted.append(Planted(str(country), "Unknown country"))
            elif kind == 1:
                label = Literal(f"Bench organisation {tag}-{n} without language")
                planted.append(Planted(str(org), "needs a language tag"))
            elif kind == 2:
                level = R2P.nationwide
                planted.append(Planted(str(org), "operating level is one of"))
            else:
                start = Literal(f"2025-13-{n % 28 + 1:02d}", datatype=XSD.date)
                planted.append(Planted(str(event), "start date must be one date"))
        graph.add((org, RDF.type, R2P.NonGovernmentalOrganization))
        graph.add((org, RDFS.label, label))
        graph.add((org, R2P.operatingLevel, level))
        graph.add((org, R2P.basedIn, country))
        graph.add(
            (
                org,
                URIRef("http://xmlns.com/foaf/0.1/homepage"),
                URIRef(f"https://example.org/bench/{tag}/{n}"),
            )
        )
        if len(graph) + 8 > triples:
            break
        graph.add((event, RDF.type, R2P.Workshop))
        graph.add((event, RDFS.label, Literal(f"Bench workshop {tag}-{n} (synthetic)", lang="en")))
        graph.add((event, R2P.organizer, organisers[n % len(organisers)]))
        graph.add((event, R2P.attendee, org))
        graph.add((event, R2P.startDate, start))
        graph.add((event, R2P.endDate, Literal(f"2025-{n % 12 + 1:02d}-02", datatype=XSD.date)))
        graph.add((event, R2P.country, URIRef(COUNTRY + countries[n % len(countries)])))
        graph.add((event, RDFS.comment, Literal("Synthetic benchmark data.", lang="en")))
        n += 1
    return graph, planted


def build_store(root: Path, scale: int, seed: int) -> tuple[OxigraphRepository, dict[str, float]]:
    facts: dict[str, float] = {}
    data = root / "synthetic.nt"
    start = time.perf_counter()
    with data.open("wb") as out:
        facts["synthetic_triples"] = generate(out, scale=scale, seed=seed)
    facts["generate_s"] = time.perf_counter() - start
    repo = OxigraphRepository.open(root / "store")
    load_bundled(repo)
    start = time.perf_counter()
    repo.bulk_load(data, RdfFormat.N_TRIPLES, graph=SYNTHETIC)
    facts["load_s"] = time.perf_counter() - start
    facts["store_quads"] = repo.count()
    return repo, facts


def organisers(repo: OxigraphRepository) -> list[URIRef]:
    result = repo.query(_ORGANISERS)
    assert isinstance(result, SelectResult)
    found = [row[0] for row in result.rows() if isinstance(row[0], URIRef)]
    assert found, "the synthetic data has no organisations"
    return found


def whole_graph_worker(store: str, extra: bytes, out: Connection) -> None:
    """In a process of its own: read the store into rdflib (timed apart), add ``extra``
    (N-Triples), then pySHACL over all of it; each figure is sent to ``out`` once known."""
    repo = OxigraphRepository.open(Path(store))
    start = time.perf_counter()
    graph = Graph()
    for s, p, o, _ in repo.quads_matching():
        graph.add((s, p, o))
    read = time.perf_counter() - start
    repo.close()
    graph.parse(data=extra, format="nt")
    out.send({"read_into_rdflib_s": round(read, 2), "triples": len(graph)})
    start, cpu = time.perf_counter(), time.process_time()
    results = shapes_report(graph)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    severities = Counter(str(s) for s in results.objects(None, SH.resultSeverity))
    out.send(
        {
            "validate_s": round(seconds, 2),
            "validate_cpu_s": round(cpu, 2),
            "violations": severities[str(SH.Violation)],
            "warnings": severities[str(SH.Warning)],
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    )


def whole_graph(store: Path, extra: Graph, cap: float) -> dict[str, object]:
    """pySHACL over the closed store at ``store`` and ``extra``, in a fresh process (which
    opens the store itself), stopped after ``cap`` seconds of validation."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    data = extra.serialize(format="nt", encoding="utf-8")
    worker = context.Process(target=whole_graph_worker, args=(str(store), data, sending))
    worker.start()
    sending.close()
    figures: dict[str, object] = {"cap_s": cap}
    try:
        figures.update(receiving.recv())  # reading has no cap: it is a few minutes at most
        log(
            f"whole graph: {figures['triples']:,} triples read in {figures['read_into_rdflib_s']} s"
        )
        if receiving.poll(cap):
            figures.update(receiving.recv())
        else:
            figures["stopped_after_s"] = cap
    except EOFError:
        figures["crashed"] = f"the worker ended with status {worker.exitcode}"
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
    return figures


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values: list[float]) -> dict[str, object]:
    return {
        "runs_s": [round(v, 4) for v in values],
        "median_s": round(statistics.median(values), 4),
        "p95_s": round(percentile(values, 0.95), 4),
        "best_s": round(min(values), 4),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--scale", type=int, default=10_000, help="synthetic organisations (~100 triples each)"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each kind")
    parser.add_argument("--triples", type=int, default=1000, help="size of each contribution")
    parser.add_argument("--violations", type=int, default=20, help="violations planted")
    parser.add_argument("--skip-whole", action="store_true", help="skip the whole-graph run")
    parser.add_argument(
        "--whole-cap",
        type=float,
        default=WHOLE_CAP_SECONDS,
        help="seconds of whole-graph validation after which it is stopped",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--tmp", type=Path, default=None)
    return parser.parse_args(argv)


@dataclass
class Runs:
    """The timings of the runs and what they found."""

    accepted: list[float]
    refused: list[float]
    sizes: dict[str, int]
    failures: list[str]
    # CPU time of the process (all its threads) in the same spans: less sensitive than the wall
    # time to other work on a shared machine.
    accepted_cpu: list[float] = field(default_factory=list)
    refused_cpu: list[float] = field(default_factory=list)


def timed_runs(service: ContributionService, found: list[URIRef], args: argparse.Namespace) -> Runs:
    runs = Runs([], [], {}, [])
    for run in range(args.repeat):
        good, _ = contribution(f"good{run}", found, triples=args.triples)
        start, cpu = time.perf_counter(), time.process_time()
        result = service.submit(good, Metadata(source="bench"), "bench")
        runs.accepted.append(time.perf_counter() - start)
        runs.accepted_cpu.append(time.process_time() - cpu)
        runs.sizes["good_triples"] = len(good)
        runs.sizes["good_context_triples"] = result.report.context_triples
        bad, planted = contribution(
            f"bad{run}", found, triples=args.triples, violations=args.violations
        )
        start, cpu = time.perf_counter(), time.process_time()
        try:
            service.submit(bad, Metadata(source="bench"), "bench")
        except ContributionRejectedError as error:
            runs.refused.append(time.perf_counter() - start)
            runs.refused_cpu.append(time.process_time() - cpu)
            blocking = error.report.blocking
            missing = [
                p
                for p in planted
                if not any(r.focus == p.focus and p.message in r.message for r in blocking)
            ]
            if missing:
                runs.failures.append(f"run {run}: planted violations not reported: {missing}")
            runs.sizes["bad_triples"] = len(bad)
            runs.sizes["planted"] = len(planted)
            runs.sizes["reported_violations"] = len(blocking)
        else:
            runs.failures.append(f"run {run}: the contribution with violations was accepted")
        refused = f"{runs.refused[-1]:.3f} s" if runs.refused else "not refused"
        log(f"run {run}: accepted in {runs.accepted[-1]:.3f} s, refused in {refused}")
    return runs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    now = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(dir=args.tmp) as folder:
        root = Path(folder)
        log(f"building the store: synthetic scale {args.scale}")
        repo, facts = build_store(root, args.scale, args.seed)
        log(f"store holds {facts['store_quads']:,} quads")
        service = ContributionService(repo, root / "log")
        found = organisers(repo)
        # One warm-up (parsing the shapes, first reads from disk), not timed.
        warm, _ = contribution("warm", found, triples=args.triples)
        service.submit(warm, Metadata(), "bench")
        facts["load_average_before_runs"] = os.getloadavg()[0]
        runs = timed_runs(service, found, args)
        facts["load_average_after_runs"] = os.getloadavg()[0]
        # With a conforming contribution: pySHACL itself fails on the planted impossible dates
        # (TypeError comparing them in sh:lessThanOrEquals), which the gate avoids.
        extra, _ = contribution("whole", found, triples=args.triples)
        repo.close()  # the whole-graph worker opens the store itself
        whole: dict[str, object] = {}
        if not args.skip_whole:
            # The timed runs are written first, in case the whole graph takes very long.
            partial = Runs(
                list(runs.accepted),
                list(runs.refused),
                dict(runs.sizes),
                list(runs.failures),
                list(runs.accepted_cpu),
                list(runs.refused_cpu),
            )
            write_results(args, now, facts, partial, {"running": True})
            log("pySHACL over the whole graph (reading it into rdflib first)")
            whole = whole_graph(root / "store", extra, args.whole_cap)
            facts["load_average_after_whole"] = os.getloadavg()[0]
            log(f"whole graph: {whole}")
            if "crashed" in whole:
                runs.failures.append(f"whole graph: {whole['crashed']}")
            elif whole.get("violations"):
                runs.failures.append(
                    f"whole graph: {whole['violations']} violations in what the gate let in"
                )
    return write_results(args, now, facts, runs, whole)


def write_results(
    args: argparse.Namespace,
    now: dt.datetime,
    facts: dict[str, float],
    runs: Runs,
    whole: dict[str, object],
) -> int:
    """Write the JSON and Markdown reports; 1 when a check failed."""
    for name, kind in (("accepted", runs.accepted), ("refused", runs.refused)):
        if kind and statistics.median(kind) > TARGET_SECONDS:
            median = statistics.median(kind)
            runs.failures.append(f"median {name} time {median:.3f} s is above {TARGET_SECONDS} s")
    results = {
        "benchmark": "contributions",
        "time": now.isoformat(timespec="seconds"),
        "revision": git_revision(Path(__file__).parent.parent),
        "machine": machine(),
        "arguments": {k: str(v) for k, v in vars(args).items()},
        "store": facts,
        "sizes": runs.sizes,
        "accepted": summary(runs.accepted),
        "refused": summary(runs.refused) if runs.refused else None,
        "accepted_cpu": summary(runs.accepted_cpu),
        "refused_cpu": summary(runs.refused_cpu) if runs.refused_cpu else None,
        "whole_graph_pyshacl": whole or None,
        "target_s": TARGET_SECONDS,
        "failures": runs.failures,
    }
    markdown = render(results)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"contributions-{now.strftime('%Y%m%dT%H%M%SZ')}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 1 if runs.failures else 0


def _row(name: str, timing: dict[str, object]) -> str:
    runs = timing["runs_s"]
    assert isinstance(runs, list)
    return (
        f"| {name} | {timing['median_s']} s | {timing['p95_s']} s | {timing['best_s']} s "
        f"| {len(runs)} |"
    )


def _whole_lines(whole: object) -> list[str]:
    """The whole-graph row of the table and what goes with it."""
    if not isinstance(whole, dict):
        return []
    if "running" in whole:
        return ["| pySHACL, whole graph | (still running when this was written) | | | |"]
    if "triples" not in whole:
        return [f"| pySHACL, whole graph | failed: {whole.get('crashed')} | | | |"]
    triples = int(whole["triples"])
    if "validate_s" in whole:
        figure = f"{whole['validate_s']} s"
        rate = triples / float(whole["validate_s"])
        cpu = float(whole["validate_cpu_s"])
        found = (
            f" It found {whole['violations']} violations and {whole['warnings']} warnings; it "
            f"took {cpu} s of CPU ({triples / cpu:,.0f} triples per CPU second), and the "
            f"process peaked at {whole['peak_rss_mib']:,} MiB."
        )
    elif "stopped_after_s" in whole:
        figure = f"> {whole['stopped_after_s']} s (stopped)"
        rate = triples / float(whole["stopped_after_s"])
        found = " It was stopped at the cap, so the figure is a lower bound."
    else:
        return [
            f"| pySHACL, whole graph ({triples:,} triples) | failed: {whole.get('crashed')} | | | |"
        ]
    return [
        f"| pySHACL, whole graph ({triples:,} triples) | {figure} | | | 1 |",
        "",
        f"Whole graph: {rate:,.0f} triples per second of validation. Reading the store into "
        f"rdflib for it took a further {whole['read_into_rdflib_s']} s (not included).{found}",
    ]


def render(results: dict[str, object]) -> str:
    store = results["store"]
    sizes = results["sizes"]
    accepted = results["accepted"]
    refused = results["refused"]
    whole = results["whole_graph_pyshacl"]
    assert isinstance(store, dict) and isinstance(sizes, dict) and isinstance(accepted, dict)
    quads, synthetic = int(store["store_quads"]), int(store["synthetic_triples"])
    lines = [
        "# Contributions benchmark",
        "",
        f"{results['time']} · revision {results['revision']} · {results['machine']}",
        "",
        f"Store: {quads:,} quads on disk ({synthetic:,} synthetic triples and the bundled data).",
        f"Contributions: {sizes.get('good_triples')} triples that conform; "
        f"{sizes.get('bad_triples')} with {sizes.get('planted')} violations planted "
        f"({sizes.get('reported_violations')} violations reported). The gate validated "
        f"{sizes.get('good_context_triples')} triples (contribution and neighbourhood).",
        "",
        "| | median | p95 | best | runs |",
        "|---|---|---|---|---|",
        _row("validated and committed", accepted),
    ]
    if isinstance(refused, dict):
        lines.append(_row("refused, every violation reported", refused))
    for name, key in (("validated and committed", "accepted"), ("refused", "refused")):
        cpu = results.get(f"{key}_cpu")
        if isinstance(cpu, dict) and cpu.get("runs_s"):
            lines.append(_row(f"{name}: CPU time of the process", cpu))
    lines += _whole_lines(whole)
    loads = [
        f"{label} {store[key]:.2f}"
        for label, key in (
            ("before the timed runs", "load_average_before_runs"),
            ("after them", "load_average_after_runs"),
            ("after the whole graph", "load_average_after_whole"),
        )
        if key in store
    ]
    lines.append("")
    if loads:
        lines.append(f"Load average (1 min) on the machine: {', '.join(loads)}.")
        lines.append("")
    lines.append(
        f"Target: {results['target_s']} s (median). Failures: {results['failures'] or 'none'}."
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
