"""Benchmark r2p-graph: bulk-load rate and five join-heavy queries, against pyoxigraph and rdflib.

    .venv/bin/python bench/run.py [--sizes 100000 1000000] [--repeat 5] [--out bench/results]

For each size it generates one synthetic N-Triples file, times r2p-graph's bulk load against
pyoxigraph's own (alternating runs, fresh directories), then runs the queries of
``bench/queries/*.rq`` on the on-disk store (before and after ``optimize()``), on an in-memory
store and on rdflib's in-memory ``Graph``. Every load and every backend runs in a process of its
own (this script again, with ``--worker``), so that peak memory is measured per backend. Writes
``bench-<UTC timestamp>.json`` and ``.md`` to ``--out`` and prints the Markdown. See README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final

from r2p_bench.data import Dataset, make_dataset, triples_per_organisation
from r2p_bench.model import WorkerResult
from r2p_bench.provenance import git_revision, machine
from r2p_bench.report import SizeResult, render
from r2p_bench.workers import LOAD_KINDS, QUERY_KINDS, run_worker

HERE: Final = Path(__file__).resolve().parent
_START: Final = time.perf_counter()


def log(message: str) -> None:
    """A progress line on stderr, with the time since the run started."""
    print(f"[{time.perf_counter() - _START:7.1f} s] {message}", file=sys.stderr, flush=True)


def read_queries(directory: Path) -> dict[str, str]:
    """The benchmark queries, by file stem, in file-name order."""
    queries = {
        path.stem: path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.rq"))
    }
    if not queries:
        raise SystemExit(f"no queries (*.rq) in {directory}")
    return queries


def spawn(kind: str, dataset: Dataset, workdir: Path, args: argparse.Namespace) -> WorkerResult:
    """Run one worker in a child process and return what it measured."""
    workdir.mkdir(parents=True)
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        kind,
        "--data",
        str(dataset.path),
        "--workdir",
        str(workdir),
        "--repeat",
        str(args.repeat),
        "--queries",
        str(args.queries),
    ]
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    shutil.rmtree(workdir, ignore_errors=True)
    if completed.returncode != 0:
        raise SystemExit(f"worker {kind} failed with exit status {completed.returncode}")
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    return WorkerResult.from_json(json.loads(lines[-1]))


def bench_size(target: int, root: Path, per_org: float, args: argparse.Namespace) -> SizeResult:
    """Generate the data of one size, time the bulk loads, run the query backends."""
    directory = root / str(target)
    directory.mkdir()
    dataset = make_dataset(target, directory, seed=args.seed, per_organisation=per_org)
    log(
        f"{target:,}: scale {dataset.scale:,} gave {dataset.triples:,} triples "
        f"({dataset.file_bytes / 2**20:.1f} MiB) in {dataset.generate_s:.1f} s"
    )
    load_runs: list[WorkerResult] = []
    for round_ in range(args.load_runs):
        order = LOAD_KINDS if round_ % 2 == 0 else tuple(reversed(LOAD_KINDS))
        for kind in order:
            result = spawn(kind, dataset, directory / f"{kind}-{round_}", args)
            load_runs.append(result)
            rate = dataset.triples / result.load_s
            log(
                f"{target:,}: {kind} run {round_ + 1}: {result.load_s:.2f} s, {rate:,.0f} triples/s"
            )
    backends: dict[str, WorkerResult] = {}
    for kind in QUERY_KINDS:
        log(f"{target:,}: {kind} worker started")
        backends[kind] = spawn(kind, dataset, directory / kind, args)
        for phase in backends[kind].phases:
            medians = ", ".join(
                f"{name.split('_')[0]} {m.median_s * 1000:,.1f} ms"
                for name, m in phase.queries.items()
            )
            log(f"{target:,}: {phase.backend}: {medians}")
    dataset.path.unlink()
    return SizeResult(dataset, load_runs, backends)


def machine_info(now: dt.datetime) -> dict[str, str]:
    """Where and with what the benchmark ran."""
    software = (
        f"Python {platform.python_version()}, r2p-graph {version('r2p-graph')} "
        f"(git {git_revision(HERE)}), pyoxigraph {version('pyoxigraph')}, "
        f"rdflib {version('rdflib')}"
    )
    return {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "software": software,
        "load_start": f"{os.getloadavg()[0]:.2f}",
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    parser.add_argument("--load-runs", type=int, default=5, help="bulk-load runs per loader")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--tmp", type=Path, default=None, help="where the data and stores go")
    parser.add_argument("--queries", type=Path, default=HERE / "queries")
    parser.add_argument("--worker", choices=[*LOAD_KINDS, *QUERY_KINDS], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.load_runs < 2:
        parser.error("--repeat must be at least 1 and --load-runs at least 2")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with ``--worker``, one worker) and return the exit status."""
    args = parse_args(argv)
    queries = read_queries(args.queries)
    if args.worker:
        result = run_worker(args.worker, args.data, args.workdir, queries, args.repeat)
        print(json.dumps(result.to_json()))
        return 0
    now = dt.datetime.now(dt.UTC)
    meta = machine_info(now)
    settings: dict[str, object] = {
        "seed": args.seed,
        "timed runs per query": f"{args.repeat} after one warm-up run",
        "bulk-load runs per loader": f"{args.load_runs} (alternating, median reported)",
    }
    per_org = triples_per_organisation(args.seed)
    log(f"calibration: {per_org:.1f} triples per organisation")
    sizes: list[SizeResult] = []
    with tempfile.TemporaryDirectory(prefix="r2p-bench-", dir=args.tmp) as root:
        for target in args.sizes:
            sizes.append(bench_size(target, Path(root), per_org, args))
    start_load, end_load = meta.pop("load_start"), f"{os.getloadavg()[0]:.2f}"
    meta["machine"] += f"; 1-minute load average {start_load} at the start, {end_load} at the end"
    markdown = render(meta, settings, sizes)
    document: dict[str, Any] = {
        "meta": meta,
        "settings": settings,
        "queries": queries,
        "sizes": [
            {
                "dataset": size.dataset.to_json(),
                "load_runs": [r.to_json() for r in size.load_runs],
                "backends": {k: r.to_json() for k, r in size.backends.items()},
                "problems": size.problems(),
            }
            for size in sizes
        ],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"bench-{now.strftime('%Y%m%dT%H%M%SZ')}"
    stem.with_suffix(".json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown, encoding="utf-8")
    print(markdown)
    log(f"wrote {stem}.json and {stem}.md")
    problems = [p for size in sizes for p in size.problems()]
    for problem in problems:
        log(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
