"""HTTP benchmark: ``/sparql`` latency and throughput of r2p-graph's server against Oxigraph's.

    .venv/bin/python bench/http/run.py [--triples 100000] [--requests 300] [--concurrency 1 4]
                                       [--out bench/results]

Generates one synthetic N-Triples file (``bench/r2p_bench/data.py``), loads it into the named
graph ``https://w3id.org/r2p-graph/graph/synthetic`` of a fresh r2p-graph data directory
(``r2p-graph load``) and of a fresh Oxigraph directory (``oxigraph load``), starts
``r2p-graph serve --empty`` and ``oxigraph serve --union-default-graph`` on 127.0.0.1, waits
until each answers and its processes are idle (r2p-graph builds in-memory copies of its store
after it starts answering) and its join latency has settled, warms both up, checks that they
return the same rows, then times ``GET /sparql?query=...`` (``Accept:
application/sparql-results+json``) for a one-pattern lookup and a join, sequentially and with a
small thread pool. Both servers are stopped at the end, also on error. Writes
``http-<UTC timestamp>.json`` and ``.md`` to ``--out`` and prints the Markdown; exits with 1 when
a check failed. See README.md next to this file.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final

import httpx

HERE: Final = Path(__file__).resolve().parent
BENCH: Final = HERE.parent
sys.path.append(str(BENCH))  # after bench/http, so that `import run` finds this file

from r2p_bench.data import Dataset, make_dataset, triples_per_organisation  # noqa: E402
from r2p_bench.provenance import git_revision, machine  # noqa: E402

GRAPH: Final = "https://w3id.org/r2p-graph/graph/synthetic"
ORGANISATION: Final = "https://w3id.org/r2p-graph/id/synthetic/organization/"
SIMPLE_QUERY: Final = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?label WHERE {{ <{iri}> rdfs:label ?label }}\n"
)
ACCEPT: Final = {"Accept": "application/sparql-results+json"}
LOCALHOST: Final = "127.0.0.1"
SERVERS: Final = ("r2p-graph", "oxigraph")
SETTLE_BATCH: Final = 10
SETTLE_TOLERANCE: Final = 0.10
SETTLE_MAX_BATCHES: Final = 30
TICKS: Final = os.sysconf("SC_CLK_TCK")
CPUS: Final = os.cpu_count() or 1
_START: Final = time.perf_counter()


def log(message: str) -> None:
    """A progress line on stderr, with the time since the run started."""
    print(f"[{time.perf_counter() - _START:7.1f} s] {message}", file=sys.stderr, flush=True)


# -- statistics ------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- the servers -----------------------------------------------------------------------------


def machine_busy_seconds() -> float:
    """CPU time spent by the whole machine (all processes, all CPUs) since boot, not idle."""
    fields = [int(f) for f in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / TICKS


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOCALHOST, 0))
        port: int = probe.getsockname()[1]
        return port


def executable(name: str) -> str:
    """A command of this virtual environment (next to the Python running this script)."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found (for oxigraph: .venv/bin/pip install oxigraph)")
    return found


def clean_env(tmpdir: Path | None = None) -> dict[str, str]:
    """The environment of a child: no ``R2P_*`` settings, no proxies, optionally its own TMPDIR."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("R2P_") and "proxy" not in k.lower()
    }
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    return env


def run_timed(command: list[str], cwd: Path) -> float:
    """Run a command to completion (output kept for errors) and return its wall time."""
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=clean_env(), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


@dataclass(slots=True)
class Server:
    """One server process on 127.0.0.1, its log file and what is known about it."""

    name: str
    command: list[str]
    port: int
    log_path: Path
    cwd: Path
    tmpdir: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    ready_s: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    def start(self) -> None:
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=clean_env(self.tmpdir) | self.extra_env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.started_at = time.perf_counter()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tree(self) -> list[int]:
        """The server's process and all its descendants (e.g. query workers), by pid."""
        assert self.process is not None
        return [self.process.pid, *descendants(self.process.pid)]

    def cpu_seconds(self) -> float:
        """User + system CPU time so far of the server's live processes (all threads)."""
        return sum(cpu_of(pid) for pid in self.tree())

    def memory_kib(self) -> dict[str, int]:
        """Resident set size (KiB) now, summed over the server's processes, and the peak of
        the main one and of each other process, summed."""
        found = {"VmRSS": 0, "VmHWM": 0, "processes": 0}
        for pid in self.tree():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found["processes"] += 1
            for line in status.splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] += int(value.split()[0])
        return found

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 15 s; then the same for any of its descendants still
        alive (only processes this script started, or they started, by pid)."""
        if self.process is None or self.process.poll() is not None:
            return
        children = {pid: started_at(pid) for pid in descendants(self.process.pid)}
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        deadline = time.perf_counter() + 5
        for pid, start in children.items():
            while started_at(pid) == start and time.perf_counter() < deadline:
                time.sleep(0.05)
            if start is not None and started_at(pid) == start:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (``None``: no such process)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def cpu_of(pid: int) -> float:
    fields = stat_fields(pid)
    return 0.0 if fields is None else (int(fields[11]) + int(fields[12])) / TICKS


def started_at(pid: int) -> int | None:
    fields = stat_fields(pid)
    return None if fields is None else int(fields[19])


def descendants(root: int) -> list[int]:
    """Every live process below ``root``."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := stat_fields(int(entry.name))) is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def wait_until_idle(server: Server, timeout: float, quiet: float = 0.5) -> tuple[float, int]:
    """Wait until the server's processes gain no CPU time for ``quiet`` seconds (whatever it
    builds after it starts answering, such as a memory mirror or query workers loading their
    copies, is done); return the seconds since start and the number of processes."""
    deadline = time.perf_counter() + timeout
    before = server.cpu_seconds()
    while time.perf_counter() < deadline:
        time.sleep(quiet)
        now = server.cpu_seconds()
        if now == before:
            return time.perf_counter() - server.started_at - quiet, len(server.tree())
        before = now
    raise SystemExit(f"{server.name} kept busy for {timeout} s after it started answering")


def wait_until_answering(server: Server, timeout: float) -> None:
    """Poll ``ASK {}`` until the server answers 200."""
    deadline = time.perf_counter() + timeout
    with httpx.Client(base_url=server.base_url, trust_env=False, timeout=5) as client:
        while time.perf_counter() < deadline:
            if not server.alive():
                raise SystemExit(f"{server.name} exited; see {server.log_path}:\n{tail(server)}")
            try:
                reply = client.get("/sparql", params={"query": "ASK {}"}, headers=ACCEPT)
                if reply.status_code == 200:
                    server.ready_s = time.perf_counter() - server.started_at
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise SystemExit(f"{server.name} did not answer within {timeout} s:\n{tail(server)}")


def tail(server: Server, lines: int = 20) -> str:
    text = server.log_path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


# -- requests --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    """One query and the body a correct answer has (per server, as measured at check time)."""

    query: str
    expected: bytes


def fetch(client: httpx.Client, query: str) -> httpx.Response:
    return client.get("/sparql", params={"query": query}, headers=ACCEPT)


Row = tuple[tuple[str, str, str] | None, ...]


def normalised_rows(body: bytes) -> tuple[list[str], list[Row]]:
    """The variables and rows of a SPARQL JSON result, each term as (type, value, datatype or
    language), in the order received."""
    document = json.loads(body)
    variables = list(document["head"]["vars"])
    rows = []
    for binding in document["results"]["bindings"]:
        row: list[tuple[str, str, str] | None] = []
        for variable in variables:
            term = binding.get(variable)
            if term is None:
                row.append(None)
                continue
            kind = "literal" if term["type"] == "typed-literal" else term["type"]
            extra = term.get("datatype") or term.get("xml:lang") or ""
            row.append((str(kind), str(term["value"]), str(extra)))
        rows.append(tuple(row))
    return variables, rows


@dataclass(slots=True)
class Cell:
    """The measurement of one query on one server at one concurrency."""

    latencies_s: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    machine_cpu_s: float = 0.0
    wrong: int = 0
    in_app_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        ms = [t * 1000 for t in self.latencies_s]
        n = len(ms)
        return {
            "requests": n,
            "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99),
            "mean_ms": statistics.fmean(ms),
            "min_ms": min(ms),
            "max_ms": max(ms),
            "throughput_rps": n / self.wall_s,
            "server_cpu_ms_per_request": self.server_cpu_s * 1000 / n,
            "client_cpu_ms_per_request": self.client_cpu_s * 1000 / n,
            "others_cpu_percent": max(
                0.0, self.machine_cpu_s - self.server_cpu_s - self.client_cpu_s
            )
            / (self.wall_s * CPUS)
            * 100,
            "wrong_answers": self.wrong,
            **(
                {"in_app_p50_ms": percentile(self.in_app_ms, 50)}
                if len(self.in_app_ms) == n
                else {}
            ),
        }


def run_batch(server: Server, requests: Sequence[Request], concurrency: int, cell: Cell) -> None:
    """Send ``requests`` to ``server`` from ``concurrency`` threads (one keep-alive connection
    each, request i on thread i mod concurrency) and add what was measured to ``cell``."""
    latencies = [0.0] * len(requests)
    wrong = [0] * concurrency
    clients = [
        httpx.Client(base_url=server.base_url, trust_env=False, timeout=120)
        for _ in range(concurrency)
    ]
    try:
        for client in clients:  # open the connections before the clock starts
            fetch(client, "ASK {}").raise_for_status()
        barrier = threading.Barrier(concurrency + 1)

        def work(thread: int) -> None:
            client = clients[thread]
            barrier.wait()
            for index in range(thread, len(requests), concurrency):
                request = requests[index]
                start = time.perf_counter()
                reply = fetch(client, request.query)
                latencies[index] = time.perf_counter() - start
                if reply.status_code != 200 or reply.content != request.expected:
                    wrong[thread] += 1

        threads = [threading.Thread(target=work, args=(t,)) for t in range(concurrency)]
        for thread in threads:
            thread.start()
        log_offset = server.log_size()
        cpu_before = server.cpu_seconds()
        client_before = time.process_time()
        machine_before = machine_busy_seconds()
        barrier.wait()
        start = time.perf_counter()
        for thread in threads:
            thread.join()
        cell.wall_s += time.perf_counter() - start
        cell.client_cpu_s += time.process_time() - client_before
        cell.server_cpu_s += server.cpu_seconds() - cpu_before
        cell.machine_cpu_s += machine_busy_seconds() - machine_before
    finally:
        for client in clients:
            client.close()
    cell.latencies_s += latencies
    cell.wrong += sum(wrong)
    if server.name == "r2p-graph":
        time.sleep(0.05)  # let the last access-log lines reach the file
        cell.in_app_ms += access_log_ms(server, log_offset)


def access_log_ms(server: Server, offset: int) -> list[float]:
    """The ``ms`` of r2p-graph's access-log lines for ``/sparql`` written after ``offset``: the
    time from its middleware receiving the request to the response being ready."""
    with server.log_path.open("rb") as logfile:
        logfile.seek(offset)
        text = logfile.read().decode("utf-8", errors="replace")
    found = []
    for line in text.splitlines():  # the connections' opening ASK {} was logged before offset
        if "r2p_graph.access" not in line or "{" not in line:
            continue
        entry = json.loads(line[line.index("{") :])
        if entry.get("path") == "/sparql":
            found.append(float(entry["ms"]))
    return found


# -- the run ---------------------------------------------------------------------------------


def settle(server: Server, query: str) -> list[float]:
    """Send the join query in batches of ten until two consecutive batch medians differ by at
    most 10 %; return the batch medians (ms)."""
    medians: list[float] = []
    with httpx.Client(base_url=server.base_url, trust_env=False, timeout=120) as client:
        for _ in range(SETTLE_MAX_BATCHES):
            batch = []
            for _ in range(SETTLE_BATCH):
                start = time.perf_counter()
                fetch(client, query).raise_for_status()
                batch.append((time.perf_counter() - start) * 1000)
            medians.append(statistics.median(batch))
            if len(medians) >= 2 and abs(medians[-1] - medians[-2]) <= (
                SETTLE_TOLERANCE * medians[-2]
            ):
                return medians
    server.notes["not_settled"] = True
    return medians


def warm_up(server: Server, queries: Sequence[str], count: int) -> None:
    with httpx.Client(base_url=server.base_url, trust_env=False, timeout=120) as client:
        for index in range(count):
            fetch(client, queries[index % len(queries)]).raise_for_status()


def compare(
    servers: Sequence[Server], queries: Sequence[str]
) -> tuple[dict[str, dict[str, bytes]], list[int], list[str]]:
    """Ask every server every query once; return the bodies per server and query, the row
    count of each query and the problems (servers disagreeing on variables or rows)."""
    bodies: dict[str, dict[str, bytes]] = {s.name: {} for s in servers}
    problems: list[str] = []
    counts: list[int] = []
    for number, query in enumerate(queries):
        answers = {}
        for server in servers:
            with httpx.Client(base_url=server.base_url, trust_env=False, timeout=120) as client:
                reply = fetch(client, query)
            if reply.status_code != 200:
                problems.append(f"{server.name}: HTTP {reply.status_code} for query {number}")
                continue
            bodies[server.name][query] = reply.content
            answers[server.name] = normalised_rows(reply.content)
        if len(answers) != len(servers):
            continue
        reference = answers[servers[0].name]
        counts.append(len(reference[1]))
        if not reference[1]:
            problems.append(f"query {number} has no rows")
        for server in servers[1:]:
            if answers[server.name] != reference:
                problems.append(
                    f"query {number}: {server.name} returned {len(answers[server.name][1])} "
                    f"rows, {servers[0].name} {len(reference[1])}, and they differ"
                )
    return bodies, counts, problems


def count_triples(server: Server) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    with httpx.Client(base_url=server.base_url, trust_env=False, timeout=120) as client:
        reply = fetch(client, query)
    reply.raise_for_status()
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


@contextmanager
def running(servers: Sequence[Server], timeout: float) -> Iterator[None]:
    """Start the servers one after the other, each until it answers; stop them all on the way
    out, whatever happened."""
    try:
        for server in servers:
            server.start()
            wait_until_answering(server, timeout)
            log(f"{server.name}: answering {server.ready_s:.2f} s after start")
            idle_s, processes = wait_until_idle(server, timeout)
            server.notes["idle_after_s"] = idle_s
            server.notes["processes"] = processes
            log(f"{server.name}: {processes} process(es), idle {idle_s:.2f} s after start")
        yield
    finally:
        for server in servers:
            server.stop()
            log(f"{server.name}: stopped")


def generate_data(triples: int, seed: int, directory: Path) -> Dataset:
    """The synthetic N-Triples file of bench/run.py, about ``triples`` triples."""
    per_org = triples_per_organisation(seed)
    dataset = make_dataset(triples, directory, seed=seed, per_organisation=per_org)
    log(
        f"data: scale {dataset.scale:,} gave {dataset.triples:,} triples "
        f"({dataset.file_bytes / 2**20:.1f} MiB) in {dataset.generate_s:.1f} s"
    )
    return dataset


def load_both(data: Path, r2p_dir: Path, oxi_dir: Path, cwd: Path) -> dict[str, float]:
    """Load ``data`` into the synthetic graph of a new r2p-graph data directory and of a new
    Oxigraph directory; return the seconds each command took."""
    r2p = [executable("r2p-graph"), "load", str(data), "--graph", GRAPH]
    oxigraph = [executable("oxigraph"), "load", "--location", str(oxi_dir), "--file", str(data)]
    return {
        "r2p-graph": run_timed([*r2p, "--data-dir", str(r2p_dir)], cwd),
        "oxigraph": run_timed([*oxigraph, "--graph", GRAPH], cwd),
    }


def simple_queries(dataset: Dataset, keys: int) -> list[str]:
    """One label lookup per organisation, ``keys`` organisations spread over the data."""
    count = min(keys, dataset.scale)
    return [
        SIMPLE_QUERY.format(iri=f"{ORGANISATION}{1 + i * dataset.scale // count}")
        for i in range(count)
    ]


def benchmark(args: argparse.Namespace, root: Path) -> dict[str, Any]:
    """Everything: data, loads, servers, checks, measurements; returns the JSON document."""
    dataset = generate_data(args.triples, args.seed, root)
    r2p_dir, oxi_dir, r2p_tmp = root / "r2p-data", root / "oxigraph-data", root / "r2p-tmp"
    r2p_tmp.mkdir()
    loads = load_both(dataset.path, r2p_dir, oxi_dir, root)
    log(f"loaded: r2p-graph {loads['r2p-graph']:.2f} s, oxigraph {loads['oxigraph']:.2f} s")
    r2p_port, oxi_port = free_port(), free_port()
    servers = [
        Server(
            "r2p-graph",
            [
                executable("r2p-graph"),
                "serve",
                "--data-dir",
                str(r2p_dir),
                "--port",
                str(r2p_port),
                "--host",
                LOCALHOST,
                "--empty",
            ],
            r2p_port,
            root / "r2p-graph.log",
            cwd=root,  # no .env of the checkout applies
            tmpdir=r2p_tmp,
        ),
        Server(
            "oxigraph",
            [
                executable("oxigraph"),
                "serve",
                "--location",
                str(oxi_dir),
                "--bind",
                f"{LOCALHOST}:{oxi_port}",
                "--union-default-graph",
            ],
            oxi_port,
            root / "oxigraph.log",
            cwd=root,
        ),
    ]
    join = args.join.read_text(encoding="utf-8")
    simple = simple_queries(dataset, args.simple_keys)
    with running(servers, args.start_timeout):
        return measure_all(
            args, dataset=dataset, servers=servers, loads=loads, simple=simple, join=join
        )


def measure_all(
    args: argparse.Namespace,
    *,
    dataset: Dataset,
    servers: list[Server],
    loads: dict[str, float],
    simple: list[str],
    join: str,
) -> dict[str, Any]:
    problems: list[str] = []
    for server in servers:
        server.notes["settle_batch_medians_ms"] = settle(server, join)
        warm_up(server, simple, args.warmup)
        warm_up(server, [join], max(1, args.warmup // 10))
        log(
            f"{server.name}: join latency settled, batch medians "
            + ", ".join(f"{m:.1f}" for m in server.notes["settle_batch_medians_ms"])
            + " ms; warmed up"
        )
        if server.notes.get("not_settled"):
            problems.append(f"{server.name}: join latency did not settle")
        triples = count_triples(server)
        server.notes["triples_in_graph"] = triples
        if triples != dataset.triples:
            problems.append(f"{server.name} holds {triples} triples, the file {dataset.triples}")
    bodies, rows_per_query, check_problems = compare(servers, [*simple, join])
    problems += check_problems
    if not problems:
        again, _, _ = compare(servers, [join])
        for server in servers:  # the per-request check needs a stable answer
            if again[server.name][join] != bodies[server.name][join]:
                problems.append(f"{server.name}: the join's answer changes from run to run")
    if problems:
        return document_of(
            args,
            dataset=dataset,
            servers=servers,
            loads=loads,
            simple=simple,
            join=join,
            cells={},
            problems=problems,
            rows={},
        )
    join_rows = rows_per_query[-1]
    log(
        f"checks: same rows on both servers (simple: {len(simple)} lookups, "
        f"{sum(rows_per_query[:-1])} rows; join: {join_rows} rows)"
    )
    workloads = {
        "simple": [simple[i % len(simple)] for i in range(args.requests)],
        "join": [join] * args.requests,
    }
    cells: dict[str, dict[int, dict[str, Cell]]] = {}
    for workload, texts in workloads.items():
        cells[workload] = {}
        for concurrency in args.concurrency:
            cells[workload][concurrency] = {s.name: Cell() for s in servers}
            for server in servers:  # untimed, at this concurrency (all workers busy once)
                warm = texts[: min(len(texts), 5 * concurrency)]
                run_batch(
                    server, [Request(q, bodies[server.name][q]) for q in warm], concurrency, Cell()
                )
            offset = 0
            for round_, count in enumerate(split(args.requests, args.rounds)):
                chunk = texts[offset : offset + count]
                offset += count
                order = servers if round_ % 2 == 0 else list(reversed(servers))
                for server in order:
                    requests = [Request(q, bodies[server.name][q]) for q in chunk]
                    run_batch(
                        server, requests, concurrency, cells[workload][concurrency][server.name]
                    )
            line = ", ".join(
                f"{name} p50 {c.summary()['p50_ms']:.2f} ms {c.summary()['throughput_rps']:.0f}/s"
                for name, c in cells[workload][concurrency].items()
            )
            log(f"{workload} x{concurrency}: {line}")
            for name, cell in cells[workload][concurrency].items():
                if cell.wrong:
                    problems.append(
                        f"{workload} x{concurrency}: {name} gave {cell.wrong} wrong answers"
                    )
    for server in servers:
        server.notes["memory_kib"] = server.memory_kib()
    rows = {"simple": 1, "join": join_rows}
    return document_of(
        args,
        dataset=dataset,
        servers=servers,
        loads=loads,
        simple=simple,
        join=join,
        cells=cells,
        problems=problems,
        rows=rows,
    )


def split(total: int, parts: int) -> list[int]:
    """``total`` requests in ``parts`` rounds as even as can be (no empty round)."""
    parts = max(1, min(parts, total))
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def document_of(
    args: argparse.Namespace,
    *,
    dataset: Dataset,
    servers: Sequence[Server],
    loads: dict[str, float],
    simple: list[str],
    join: str,
    cells: dict[str, dict[int, dict[str, Cell]]],
    problems: list[str],
    rows: dict[str, int],
) -> dict[str, Any]:
    results = []
    for workload, by_concurrency in cells.items():
        for concurrency, by_server in by_concurrency.items():
            summaries = {name: cell.summary() for name, cell in by_server.items()}
            r2p, oxi = summaries["r2p-graph"], summaries["oxigraph"]
            results.append(
                {
                    "query": workload,
                    "concurrency": concurrency,
                    "rows": rows[workload],
                    "servers": summaries,
                    "p50_ratio": r2p["p50_ms"] / oxi["p50_ms"],
                    "throughput_ratio": r2p["throughput_rps"] / oxi["throughput_rps"],
                    "latencies_ms": {
                        name: [round(t * 1000, 4) for t in cell.latencies_s]
                        for name, cell in by_server.items()
                    },
                }
            )
    return {
        "meta": {},
        "settings": {
            "triples asked": args.triples,
            "requests per query, server and concurrency": args.requests,
            "concurrency": args.concurrency,
            "rounds (alternating server order)": args.rounds,
            "seed": args.seed,
            "simple lookups (organisations cycled)": len(simple),
            "warm-up requests per server": args.warmup,
            "join query file": str(args.join.relative_to(BENCH.parent))
            if args.join.is_relative_to(BENCH.parent)
            else str(args.join),
        },
        "dataset": dataset.to_json(),
        "graph": GRAPH,
        "loads_s": loads,
        "servers": {
            s.name: {"command": s.command, "answering_after_s": s.ready_s, **s.notes}
            for s in servers
        },
        "queries": {"simple (first)": simple[0], "join": join},
        "results": results,
        "problems": problems,
    }


# -- the report ------------------------------------------------------------------------------


def machine_info(now: dt.datetime) -> dict[str, str]:
    """Where and with what the benchmark ran."""
    revision = git_revision(HERE)
    oxigraph = subprocess.run(
        [executable("oxigraph"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    import r2p_graph  # noqa: PLC0415 - only to say which copy the servers run

    source = Path(r2p_graph.__file__).resolve().parent
    checkout = HERE.parent.parent / "src" / "r2p_graph"
    if source != checkout.resolve():
        revision = f"{revision}; r2p_graph imported from {source} (PYTHONPATH)"
    return {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "software": f"Python {platform.python_version()}, r2p-graph {version('r2p-graph')} "
        f"(git {revision}), pyoxigraph {version('pyoxigraph')}, {oxigraph} (server), "
        f"fastapi {version('fastapi')}, uvicorn {version('uvicorn')}, httpx {version('httpx')} "
        "(client)",
        "load_start": f"{os.getloadavg()[0]:.2f}",
    }


def render(document: dict[str, Any]) -> str:
    """The Markdown report."""
    meta, dataset = document["meta"], document["dataset"]
    r2p, oxi = document["servers"]["r2p-graph"], document["servers"]["oxigraph"]
    lines = [
        f"# r2p-graph HTTP benchmark, {meta['date']}",
        "",
        f"Machine: {meta['machine']}.  ",
        f"Software: {meta['software']}.  ",
        "Settings: "
        + "; ".join(f"{k} {v}" for k, v in document["settings"].items() if k != "join query file")
        + f"; join query `{document['settings']['join query file']}`.",
        "",
        f"Data: {dataset['triples']:,} synthetic triples (scale {dataset['scale']:,}, seed "
        f"{dataset['seed']}, {dataset['file_bytes'] / 2**20:.1f} MiB of N-Triples) in the named "
        f"graph <{document['graph']}>, loaded with `r2p-graph load` in "
        f"{document['loads_s']['r2p-graph']:.2f} s and `oxigraph load` in "
        f"{document['loads_s']['oxigraph']:.2f} s. r2p-graph answers over the union of its "
        "graphs; Oxigraph ran with `--union-default-graph`.",
        "",
        "Servers: `r2p-graph serve --empty` (FastAPI on uvicorn; it answers from in-memory "
        f"copies of its RocksDB store; {r2p.get('processes', '?')} processes once idle) and "
        "`oxigraph serve --union-default-graph` (Rust; reads its RocksDB store; "
        f"{oxi.get('processes', '?')} process), both on 127.0.0.1, with the client (httpx, one "
        "keep-alive connection per thread) on the same machine. "
        + document["meta"].get("quiet", ""),
        "",
        "Waiting: "
        + wait_text(r2p, oxi)
        + f" Then {document['settings']['warm-up requests per server']} warm-up lookups and "
        "a few joins per server, a check that both return the same rows for every query, and "
        "before each measurement an untimed batch of the same requests at the same concurrency.",
        "",
    ]
    if document["results"]:
        lines += [
            "## Latency and throughput",
            "",
            "Latency per request as the client sees it (send to last byte), in ms; throughput "
            "= requests / wall time; server CPU = CPU time per request of all the server's "
            "processes (user + system, all threads; for r2p-graph its query workers too; 10 ms "
            "clock ticks); client CPU = the same for this "
            "benchmark's process (httpx); others = CPU used by every other process on the "
            "machine meanwhile, in % of all CPUs (near 0 is what you want); in-app p50 = "
            "r2p-graph's own access-log time (its middleware in to response ready: routing, "
            "query, serialisation; not HTTP parsing or writing).",
            "",
            "| query | conc. | server | rows | p50 | p95 | p99 | mean | req/s | server CPU "
            "ms/req | client CPU ms/req | others % | in-app p50 |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for result in document["results"]:
            for name, s in result["servers"].items():
                in_app = f"{s['in_app_p50_ms']:.2f}" if "in_app_p50_ms" in s else "-"
                lines.append(
                    f"| {result['query']} | {result['concurrency']} | {name} | {result['rows']} | "
                    f"{s['p50_ms']:.2f} | {s['p95_ms']:.2f} | {s['p99_ms']:.2f} | "
                    f"{s['mean_ms']:.2f} | {s['throughput_rps']:,.0f} | "
                    f"{s['server_cpu_ms_per_request']:.2f} | "
                    f"{s['client_cpu_ms_per_request']:.2f} | {s['others_cpu_percent']:.0f} | "
                    f"{in_app} |"
                )
        noisy = [
            f"{r['query']} x{r['concurrency']} {name} ({s['others_cpu_percent']:.0f} %)"
            for r in document["results"]
            for name, s in r["servers"].items()
            if s["others_cpu_percent"] > 10
        ]
        if noisy:
            lines += [
                "",
                "Other processes used more than 10 % of the machine during: "
                + ", ".join(noisy)
                + "; take those figures with care.",
            ]
        lines += [
            "",
            "## r2p-graph against Oxigraph",
            "",
            "| query | concurrency | r2p p50 / oxigraph p50 (target ≤ 1.5) | "
            "r2p req/s / oxigraph req/s |",
            "|---|---|---|---|",
        ]
        for result in document["results"]:
            verdict = "met" if result["p50_ratio"] <= 1.5 else "**missed**"
            lines.append(
                f"| {result['query']} | {result['concurrency']} | "
                f"{result['p50_ratio']:.2f} ({verdict}) | {result['throughput_ratio']:.2f} |"
            )
        lines.append("")
    memory = [
        f"{name} {kib['VmRSS'] / 1024:,.0f} MiB (peak {kib['VmHWM'] / 1024:,.0f})"
        for name, s in document["servers"].items()
        if (kib := s.get("memory_kib"))
    ]
    if memory:
        lines += ["Server memory at the end (RSS): " + ", ".join(memory) + ".", ""]
    lines += ["## Checks", ""]
    if document["problems"]:
        lines += [f"- **PROBLEM**: {p}" for p in document["problems"]]
    else:
        lines.append(
            "Both servers held every triple of the file, returned the same variables and rows "
            "for every query (compared term by term, in order), and every timed answer was "
            "byte-identical to the one checked."
        )
    lines += ["", "## Queries", "", "Simple (one of the cycled lookups):", "", "```sparql"]
    lines += [document["queries"]["simple (first)"].rstrip(), "```", "", "Join:", "", "```sparql"]
    lines += [document["queries"]["join"].rstrip(), "```", ""]
    return "\n".join(lines)


def wait_text(r2p: dict[str, Any], oxi: dict[str, Any]) -> str:
    def started(name: str, notes: dict[str, Any]) -> str:
        return (
            f"{name} answered `ASK {{}}` {notes['answering_after_s']:.2f} s after start and its "
            f"{notes.get('processes', '?')} process(es) were idle (no CPU time gained in 0.5 s) "
            f"{notes.get('idle_after_s', float('nan')):.2f} s after start"
        )

    return (
        "each server was started and waited for in turn: "
        + started("r2p-graph", r2p)
        + " (so whatever it builds after it starts answering, such as its memory mirror and "
        "its query workers' copies of the store, was done); "
        + started("Oxigraph", oxi)
        + f". Each then got the join in batches of {SETTLE_BATCH} until two consecutive batch "
        f"medians were within {SETTLE_TOLERANCE:.0%} (batch medians, ms: r2p-graph "
        + ", ".join(f"{m:.1f}" for m in r2p.get("settle_batch_medians_ms", []))
        + "; Oxigraph "
        + ", ".join(f"{m:.1f}" for m in oxi.get("settle_batch_medians_ms", []))
        + ")."
    )


# -- the command -----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="approximate data size")
    parser.add_argument(
        "--requests", type=int, default=300, help="per query, server and concurrency"
    )
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--join",
        type=Path,
        default=BENCH / "queries" / "q1_overlapping_programmes.rq",
        help="the join query (a .rq file)",
    )
    parser.add_argument("--simple-keys", type=int, default=50, help="organisations looked up")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, server order alternating")
    parser.add_argument("--warmup", type=int, default=100, help="warm-up lookups per server")
    parser.add_argument("--start-timeout", type=float, default=120.0)
    parser.add_argument("--tmp", type=Path, default=None, help="where data and stores go")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=300.0,
        help="seconds to wait at most for the machine to be quiet before starting (0: none)",
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or min(args.concurrency) < 1 or args.simple_keys < 1:
        parser.error("--requests, --concurrency and --simple-keys must be at least 1")
    args.join = args.join.resolve()
    return args


def wait_for_quiet(limit: float, window: float = 5.0, threshold: float = 0.10) -> str:
    """Wait (up to ``limit`` seconds) until the other processes on the machine use less than
    ``threshold`` of its CPUs over ``window`` seconds; say how that went."""
    if limit <= 0:
        return "The run did not wait for a quiet machine."
    waited = 0.0
    while True:
        before = machine_busy_seconds()
        time.sleep(window)
        busy = (machine_busy_seconds() - before) / (window * CPUS)
        waited += window
        if busy < threshold:
            return (
                f"Before it started, the machine was {busy:.0%} busy over {window:g} s "
                f"(after {waited:g} s of waiting for less than {threshold:.0%})."
            )
        if waited >= limit:
            return (
                f"The machine was still {busy:.0%} busy after {waited:g} s of waiting for "
                f"less than {threshold:.0%}; the run went ahead."
            )
        log(f"machine {busy:.0%} busy; waiting for it to quieten down")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    quiet = wait_for_quiet(args.quiet_wait)
    log(quiet)
    now = dt.datetime.now(dt.UTC)
    meta = machine_info(now)
    meta["quiet"] = quiet
    with tempfile.TemporaryDirectory(prefix="r2p-http-bench-", dir=args.tmp) as root:
        document = benchmark(args, Path(root))
    start_load, end_load = meta.pop("load_start"), f"{os.getloadavg()[0]:.2f}"
    meta["machine"] += f"; 1-minute load average {start_load} at the start, {end_load} at the end"
    document["meta"] = meta
    markdown = render(document)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"http-{now.strftime('%Y%m%dT%H%M%SZ')}"
    stem.with_suffix(".json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown, encoding="utf-8")
    print(markdown)
    log(f"wrote {stem}.json and {stem}.md")
    for problem in document["problems"]:
        log(f"PROBLEM: {problem}")
    return 1 if document["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
