"""Where the time of one simple ``/sparql`` request goes in r2p-graph, layer by layer.

    .venv/bin/python bench/http/breakdown.py [--triples 100000] [--repeat 3000]
                                             [--extra-site DIR] [--out bench/results]

Uses the data of ``run.py`` (same generator, seed, graph) and times the same one-pattern label
lookup (organisations cycled), each step by itself, median of ``--repeat`` calls:

* in this process, on r2p-graph's store opened with its memory mirror (as the server does):
  pyoxigraph's query + SPARQL JSON serialisation on the mirror store, then r2p-graph's
  ``repository.query`` + ``serialize``, then the whole FastAPI application called directly as
  an ASGI app (no HTTP, no socket), as built by ``create_app`` with the server's logging
  configuration (INFO lines to a file), then the same application with its access-log
  middleware removed, then with the access logger silenced, and ``run_in_threadpool`` of a
  no-op;
* over HTTP on 127.0.0.1 with the client of ``run.py`` (httpx, one keep-alive connection):
  uvicorn as ``r2p-graph serve`` runs it (same options) serving a bare ASGI app that returns a
  fixed answer (the floor of uvicorn + client), ``r2p-graph serve`` itself, and ``oxigraph
  serve``; each also with Python's ``http.client``, a lighter client.

With ``--extra-site DIR`` (a directory holding e.g. ``httptools`` and ``uvloop``, installed
with ``pip install --target DIR``), the two uvicorn servers are timed again with ``DIR`` on
their ``PYTHONPATH``: uvicorn picks those up by itself. Prints Markdown; writes
``http-breakdown-<UTC timestamp>.json`` and ``.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import http.client
import io
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import parse_qs, urlencode

import httpx
import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

import run as http_bench
from r2p_graph.settings import Settings
from r2p_graph.store import OxigraphRepository
from r2p_graph.store.formats import RdfFormat, ResultFormat

LOG_FORMAT: Final = "%(asctime)s %(name)s %(message)s"
"""What ``r2p-graph serve`` configures (``logging.basicConfig``)."""
GRAPH: Final = http_bench.GRAPH
BARE_APP: Final = """
import sys, uvicorn
BODY = open(sys.argv[3], "rb").read()
HEADERS = [(b"content-type", b"application/sparql-results+json; charset=utf-8"),
           (b"content-length", str(len(BODY)).encode())]
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
uvicorn.run(app, host=sys.argv[1], port=int(sys.argv[2]), log_level="info", access_log=False)
"""


def median_us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6


def time_calls(call: Callable[[int], object], repeat: int) -> list[float]:
    """The seconds of ``repeat`` calls of ``call(i)``, after a tenth as warm-up."""
    for index in range(max(1, repeat // 10)):
        call(index)
    samples = []
    for index in range(repeat):
        start = time.perf_counter()
        call(index)
        samples.append(time.perf_counter() - start)
    return samples


async def time_async(call: Callable[[int], Awaitable[object]], repeat: int) -> list[float]:
    """The seconds of ``repeat`` awaits of ``call(i)``, after a tenth as warm-up."""
    for index in range(max(1, repeat // 10)):
        await call(index)
    samples = []
    for index in range(repeat):
        start = time.perf_counter()
        await call(index)
        samples.append(time.perf_counter() - start)
    return samples


def asgi_caller(app: Any, queries: list[str]) -> Callable[[int], Awaitable[object]]:
    """Call ``app`` as uvicorn would for ``GET /sparql?query=...`` and check for a 200."""
    strings = [urlencode({"query": q}).encode() for q in queries]

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def call(index: int) -> object:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/sparql",
            "raw_path": b"/sparql",
            "query_string": strings[index % len(strings)],
            "root_path": "",
            "headers": [
                (b"host", b"127.0.0.1"),
                (b"accept", b"application/sparql-results+json"),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(scope, receive, send)
        if sent[0]["status"] != 200:
            raise RuntimeError(f"the app answered {sent[0]['status']}")
        return sent

    return call


def in_process(
    store_dir: Path, data: Path, queries: list[str], repeat: int, root: Path
) -> dict[str, float]:
    """The layers inside one r2p-graph process, in microseconds."""
    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))

    def engine(index: int) -> None:
        result = store.query(queries[index % len(queries)], use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        result.serialize(io.BytesIO(), ox.QueryResultsFormat.JSON)

    found = {"pyoxigraph in-memory store: query + JSON": median_us(time_calls(engine, repeat))}
    root_logger = logging.getLogger()
    saved = (list(root_logger.handlers), root_logger.level)
    logfile = (root / "in-process.log").open("a", encoding="utf-8")
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=logfile, force=True)
    try:
        found |= asyncio.run(served_layers(store_dir, queries, repeat))
    finally:
        root_logger.handlers, root_logger.level = saved
        logfile.close()
    return found


def wait_for_children() -> None:
    """Until this process and its children gain no CPU time for 0.5 s (workers loaded)."""

    def cpu() -> float:
        return sum(map(http_bench.cpu_of, [os.getpid(), *http_bench.descendants(os.getpid())]))

    before = cpu()
    for _ in range(600):
        time.sleep(0.5)
        if (now := cpu()) == before:
            return
        before = now


async def served_layers(store_dir: Path, queries: list[str], repeat: int) -> dict[str, float]:
    """The application as ``r2p-graph serve --empty`` builds it (its lifespan opens the store
    with the server's settings), its repository's ``answer``, the application called as ASGI
    in several variants, interleaved in rounds so that a change of the machine's load touches
    all alike, and a thread-pool hop."""
    from r2p_graph.api.app import create_app  # noqa: PLC0415 - see use_async_dependencies

    settings = Settings(empty=True, data_dir=store_dir)
    served = create_app(settings)
    async with served.router.lifespan_context(served):
        wait_for_children()
        repo = served.state.repository
        found: dict[str, float] = {}

        def answer(index: int) -> None:
            repo.answer(
                queries[index % len(queries)],
                dataset=None,
                select_format=ResultFormat.JSON,
                graph_format=RdfFormat.TURTLE,
            )

        found["repository.answer (as the route calls it)"] = median_us(time_calls(answer, repeat))

        without_log = create_app(settings, repository=repo)
        without_log.state.repository = repo  # what the lifespan would set
        variants = {
            "ASGI app, as served (access log to a file)": (served, False),
            "ASGI app, access logger silenced": (served, True),
            "ASGI app, access-log middleware removed": (
                leaner(without_log, access_log="none"),
                False,
            ),
        }
        return found | await asgi_layers(variants, queries, repeat)


def leaner(app: Any, *, access_log: str) -> Any:
    """``app`` (not yet called) changed without touching r2p-graph's code: ``access_log``
    "none" removes the access-log middleware (a ``BaseHTTPMiddleware`` up to commit 96a4060),
    "asgi" puts in its place the pure ASGI middleware :class:`AccessLog`, which writes the same
    line."""
    kept = [m for m in app.user_middleware if not is_access_log(m)]
    if len(kept) != len(app.user_middleware) - 1:
        raise SystemExit(f"expected one access-log middleware in {app.user_middleware}")
    app.user_middleware = kept
    if access_log == "asgi":
        app.add_middleware(AccessLog)
    return app


def use_async_dependencies() -> None:
    """Make r2p-graph's request-state dependencies ``async def`` functions, as if its
    ``api/deps.py`` declared them so: FastAPI runs a plain ``def`` dependency in its thread
    pool, one thread hop each. Must run before the routes are imported (they take the
    dependencies when they are defined)."""
    if any(name.startswith("r2p_graph.api.routes") for name in sys.modules):
        raise RuntimeError("the routes are already imported; the change would not apply")
    from fastapi import Depends  # noqa: PLC0415 - only the experiments need these

    from r2p_graph.api import deps  # noqa: PLC0415
    from r2p_graph.store import Repository  # noqa: PLC0415

    async def get_settings(request: Request) -> Settings:
        settings: Settings = request.app.state.settings
        return settings

    async def get_repository(request: Request) -> Repository:
        repo: Repository = request.app.state.repository
        return repo

    deps.get_settings = get_settings  # type: ignore[assignment]
    deps.get_repository = get_repository  # type: ignore[assignment]
    deps.SettingsDep = Annotated[Settings, Depends(get_settings)]  # type: ignore[assignment]
    deps.RepositoryDep = Annotated[Repository, Depends(get_repository)]  # type: ignore[assignment]


def is_access_log(middleware: Any) -> bool:
    """Whether an entry of ``app.user_middleware`` is r2p-graph's access log: a class of
    ``r2p_graph.api.access_log`` or a ``BaseHTTPMiddleware`` dispatching to a function there."""
    module = "r2p_graph.api.access_log"
    dispatch = getattr(middleware, "kwargs", {}).get("dispatch")
    return (
        getattr(middleware.cls, "__module__", "") == module
        or getattr(dispatch, "__module__", "") == module
    )


class AccessLog:
    """r2p-graph's access-log line, written by a pure ASGI middleware (no ``BaseHTTPMiddleware``
    task and stream per request)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.log = logging.getLogger("r2p_graph.access")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from r2p_graph.api.access_log import access_record  # noqa: PLC0415

        started = time.perf_counter()
        status, size = 500, None

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                for key, value in message.get("headers", []):
                    if key == b"content-length":
                        size = int(value)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client")
            entry = access_record(
                scope["method"],
                scope["path"],
                status,
                time.perf_counter() - started,
                client=client[0] if client else None,
                size=size,
            )
            self.log.info(json.dumps(entry))


async def asgi_layers(
    variants: dict[str, tuple[Any, bool]], queries: list[str], repeat: int
) -> dict[str, float]:
    """Median microseconds of each (app, silence the access logger) variant, and of a hop."""
    access = logging.getLogger("r2p_graph.access")
    callers = {label: asgi_caller(app, queries) for label, (app, _) in variants.items()}

    async def hop(_: int) -> None:
        await run_in_threadpool(lambda: None)

    samples: dict[str, list[float]] = {label: [] for label in [*variants, "hop"]}
    rounds = 5
    for _ in range(rounds):
        for label, (_, silence) in variants.items():
            access.disabled = silence
            samples[label] += await time_async(callers[label], max(1, repeat // rounds))
        access.disabled = False
        samples["hop"] += await time_async(hop, max(1, repeat // rounds))
    found = {label: median_us(values) for label, values in samples.items()}
    found["run_in_threadpool (no-op)"] = found.pop("hop")
    return found


def serve_lean(data_dir: Path, port: int, mode: str) -> None:
    """``r2p-graph serve --empty --host 127.0.0.1`` with async dependencies
    (:func:`use_async_dependencies`) and a pure ASGI access log (:func:`leaner`), otherwise as
    the command runs it; with ``mode`` "fast", also :class:`FastQueries` in front."""
    use_async_dependencies()
    import uvicorn  # noqa: PLC0415

    from r2p_graph.api.app import create_app  # noqa: PLC0415

    settings = Settings(empty=True, data_dir=data_dir, host="127.0.0.1", port=port)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    app = create_app(settings)
    if mode in ("fast", "fast-inline"):
        # innermost user middleware: inside the access log
        app.add_middleware(FastQueries, inline=mode == "fast-inline")
    app = leaner(app, access_log="asgi")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info", access_log=False)


class FastQueries:
    """A sketch of a fast path: ``GET /sparql?query=...`` asking for SPARQL JSON, with no other
    parameter, is answered here (the same federation check, the same ``repository.answer`` in
    a worker thread) without FastAPI's routing and dependency resolution; anything else goes
    on to the application. With ``inline``, the query is answered in this process from the
    memory mirror instead of by a query worker process (no deadline: an experiment only)."""

    def __init__(self, app: Any, *, inline: bool = False) -> None:
        self.app = app
        self.inline = inline

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        query = self._simple_query(scope)
        if query is None:
            await self.app(scope, receive, send)
            return
        from r2p_graph.store.sparql_text import calls_service  # noqa: PLC0415

        if calls_service(query):
            await self.app(scope, receive, send)  # let the application refuse it
            return
        repo = scope["app"].state.repository

        # inline: the base class's answer, in this process from the memory mirror, without
        # the query workers (and so without a deadline): what the worker round trip costs
        from r2p_graph.store import Repository  # noqa: PLC0415

        answer = functools.partial(Repository.answer, repo) if self.inline else repo.answer

        def run() -> bytes:
            _, content = answer(
                query,
                dataset=None,
                select_format=ResultFormat.JSON,
                graph_format=RdfFormat.TURTLE,
            )
            content_bytes: bytes = content
            return content_bytes

        try:
            content = await run_in_threadpool(run)
        except Exception:  # errors get the application's problem responses
            await self.app(scope, receive, send)
            return
        headers = [
            (b"content-type", b"application/sparql-results+json; charset=utf-8"),
            (b"content-length", str(len(content)).encode()),
            (b"vary", b"Accept"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    @staticmethod
    def _simple_query(scope: Any) -> str | None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/sparql":
            return None
        accept = next((v for k, v in scope["headers"] if k == b"accept"), b"")
        if accept != b"application/sparql-results+json":
            return None
        fields = parse_qs(scope["query_string"].decode("latin-1"))
        if list(fields) != ["query"] or len(fields["query"]) != 1:
            return None
        query: str = fields["query"][0]
        return query


def clients(port: int, queries: list[str]) -> dict[str, tuple[Callable[[int], None], Any]]:
    """Two ways of sending query ``i`` sequentially over one keep-alive connection: httpx (as
    ``run.py`` does) and Python's lighter ``http.client``; each with what to close."""
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=60)

    def with_httpx(index: int) -> None:
        reply = http_bench.fetch(client, queries[index % len(queries)])
        if reply.status_code != 200:
            raise RuntimeError(f"HTTP {reply.status_code}")

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    paths = [f"/sparql?{urlencode({'query': q})}" for q in queries]

    def with_stdlib(index: int) -> None:
        try:
            connection.request("GET", paths[index % len(paths)], headers=http_bench.ACCEPT)
            reply = connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # uvicorn closes connections idle for 5 s (between rounds); open a new one (the
            # warm-up calls before each timed run take this)
            connection.close()
            connection.request("GET", paths[index % len(paths)], headers=http_bench.ACCEPT)
            reply = connection.getresponse()
        reply.read()
        if reply.status != 200:
            raise RuntimeError(f"HTTP {reply.status}")

    return {"httpx": (with_httpx, client), "http.client": (with_stdlib, connection)}


def servers_over_http(
    args: argparse.Namespace, root: Path, r2p_dir: Path, oxi_dir: Path, queries: list[str]
) -> dict[str, dict[str, float]]:
    """Start every server, then time them in interleaved rounds, then stop them."""
    body = root / "answer.json"
    repo = OxigraphRepository.open(r2p_dir)
    try:
        buffer = io.BytesIO()
        repo.query(queries[0]).serialize(buffer, ResultFormat.JSON)
        body.write_bytes(buffer.getvalue())
    finally:
        repo.close()
    servers = server_list(args, root, r2p_dir, oxi_dir, body)
    samples: dict[str, dict[str, list[float]]] = {s.name: {} for s in servers}
    with http_bench.running(servers, 120):
        expected = body.read_bytes()
        for each in servers:
            with httpx.Client(base_url=each.base_url, trust_env=False) as client:
                got = http_bench.fetch(client, queries[0]).content
            if got != expected:
                raise SystemExit(f"{each.name} answered differently:\n{got!r}\n{expected!r}")
        ways = {s.name: clients(s.port, queries) for s in servers}
        try:
            for by_client in ways.values():
                for call, _ in by_client.values():
                    time_calls(call, 300)  # warm-up
            rounds = 5
            for _ in range(rounds):
                for name, by_client in ways.items():
                    for label, (call, _) in by_client.items():
                        found = samples[name].setdefault(label, [])
                        found += time_calls(call, max(1, args.repeat // rounds))
        finally:
            for by_client in ways.values():
                for _, closable in by_client.values():
                    closable.close()
    return {
        name: {label: median_us(values) for label, values in by_client.items()}
        for name, by_client in samples.items()
    }


def server_list(
    args: argparse.Namespace, root: Path, r2p_dir: Path, oxi_dir: Path, body: Path
) -> list[http_bench.Server]:
    """The servers to compare, each r2p-graph one on its own copy of the store."""
    sites: list[tuple[str, dict[str, str]]] = [("", {})]
    if args.extra_site is not None:
        names = sorted(
            p.name
            for p in args.extra_site.iterdir()
            if p.is_dir() and not p.name.endswith((".dist-info", "__pycache__", ".libs"))
        )
        sites.append((f" + {', '.join(names)}", {"PYTHONPATH": str(args.extra_site)}))
    servers: list[http_bench.Server] = []
    copies = 0

    def store_copy() -> str:
        """One process at a time may open a store: each r2p-graph server gets its own copy."""
        nonlocal copies
        copies += 1
        copy = root / f"r2p-data-{copies}"
        shutil.copytree(r2p_dir, copy)
        return str(copy)

    here = str(Path(__file__).resolve())
    for suffix, env in sites:
        servers.append(
            server(f"uvicorn, bare ASGI app{suffix}", root, env, False, *BARE, str(body))
        )
        r2p = [http_bench.executable("r2p-graph"), "serve", "--data-dir", store_copy()]
        r2p += ["--host", "127.0.0.1", "--port", "{port}", "--empty"]
        servers.append(server(f"r2p-graph serve{suffix}", root, env, True, *r2p))
        lean = [sys.executable, here, "--serve-lean", store_copy(), "{port}", "lean"]
        name = f"r2p-graph, async dependencies + ASGI access log{suffix}"
        servers.append(server(name, root, env, True, *lean))
        fast = [sys.executable, here, "--serve-lean", store_copy(), "{port}", "fast"]
        name = f"r2p-graph, same + fast path for GET /sparql{suffix}"
        servers.append(server(name, root, env, True, *fast))
        inline = [sys.executable, here, "--serve-lean", store_copy(), "{port}", "fast-inline"]
        name = f"r2p-graph, same, answered in-process from the mirror{suffix}"
        servers.append(server(name, root, env, True, *inline))
    servers.append(
        server(
            "oxigraph serve",
            root,
            {},
            False,
            http_bench.executable("oxigraph"),
            "serve",
            "--location",
            str(oxi_dir),
            "--bind",
            "127.0.0.1:{port}",
            "--union-default-graph",
        )
    )
    return servers


BARE: Final = (sys.executable, "-c", BARE_APP, "127.0.0.1", "{port}")


def server(
    name: str, root: Path, env: dict[str, str], mirror: bool, *command: str
) -> http_bench.Server:
    """A server to start on a free port (``{port}`` in ``command``); with ``mirror``, one whose
    memory mirror is waited for."""
    port = http_bench.free_port()
    tmpdir = root / f"tmp-{port}"
    tmpdir.mkdir()
    return http_bench.Server(
        name,
        [part.replace("{port}", str(port)) for part in command],
        port,
        root / f"server-{port}.log",
        cwd=root,
        tmpdir=tmpdir if mirror else None,
        extra_env=env,
    )


def render(document: dict[str, Any]) -> str:
    meta = document["meta"]
    inside = document["in_process_us"]
    http_us = document["http_us"]
    lines = [
        f"# Where a simple /sparql request goes in r2p-graph, {meta['date']}",
        "",
        f"Machine: {meta['machine']}.  ",
        f"Software: {meta['software']}.",
        "",
        f"Data: {document['triples']:,} synthetic triples (seed {document['seed']}); the query is "
        f"the one-pattern label lookup of run.py, {document['keys']} organisations cycled; "
        f"median of {document['repeat']:,} sequential calls each.",
        "",
        "## Inside the r2p-graph process (no HTTP)",
        "",
        "| step | µs |",
        "|---|---|",
    ]
    lines += [f"| {name} | {value:,.0f} |" for name, value in inside.items()]
    lines += [
        "",
        "## Over HTTP on 127.0.0.1 (client on the same machine, one keep-alive connection)",
        "",
        "| server | httpx µs | http.client µs |",
        "|---|---|---|",
    ]
    lines += [
        f"| {name} | {v['httpx']:,.0f} | {v['http.client']:,.0f} |" for name, v in http_us.items()
    ]
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--simple-keys", type=int, default=50)
    parser.add_argument("--extra-site", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=http_bench.BENCH / "results")
    parser.add_argument("--tmp", type=Path, default=None)
    parser.add_argument(
        "--serve-lean", nargs=3, metavar=("DATA_DIR", "PORT", "MODE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.serve_lean:
        serve_lean(Path(args.serve_lean[0]), int(args.serve_lean[1]), args.serve_lean[2])
        return 0
    now = dt.datetime.now(dt.UTC)
    meta = http_bench.machine_info(now)
    with tempfile.TemporaryDirectory(prefix="r2p-http-breakdown-", dir=args.tmp) as folder:
        root = Path(folder)
        dataset = http_bench.generate_data(args.triples, args.seed, root)
        queries = http_bench.simple_queries(dataset, args.simple_keys)
        r2p_dir, oxi_dir = root / "r2p-data", root / "oxigraph-data"
        http_bench.load_both(dataset.path, r2p_dir, oxi_dir, root)
        http_bench.log(f"data: {dataset.triples:,} triples loaded into both stores")
        inside = in_process(r2p_dir, dataset.path, queries, args.repeat, root)
        http_bench.log("in process: " + ", ".join(f"{k} {v:.0f} us" for k, v in inside.items()))
        http_us = servers_over_http(args, root, r2p_dir, oxi_dir, queries)
    start_load, end_load = meta.pop("load_start"), f"{os.getloadavg()[0]:.2f}"
    meta["machine"] += f"; 1-minute load average {start_load} at the start, {end_load} at the end"
    document = {
        "meta": meta,
        "triples": dataset.triples,
        "seed": args.seed,
        "keys": len(queries),
        "repeat": args.repeat,
        "in_process_us": inside,
        "http_us": http_us,
    }
    markdown = render(document)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"http-breakdown-{now.strftime('%Y%m%dT%H%M%SZ')}"
    stem.with_suffix(".json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown, encoding="utf-8")
    print(markdown)
    http_bench.log(f"wrote {stem}.json and {stem}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
