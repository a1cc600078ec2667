"""Queries under a deadline: worker processes that can be stopped.

Oxigraph cannot interrupt a query, so a query that must be stoppable runs in a worker process:
each worker holds its own in-memory copy of the store, made from an N-Quads snapshot of the disk
store and kept equal to it by replaying every write, in order, after the disk has committed it.
A query goes to an idle worker; if no answer comes before the deadline, the worker is killed (its
CPU is freed at once), a fresh one is started, and the caller gets :class:`QueryTimeoutError`.
The server awaits answers on its event loop (:meth:`QueryPool.run_async`): the worker's socket
wakes the loop when the answer arrives, so a request costs no thread hand-over
(:mod:`r2p_graph.store.channel`).
Writes that cannot be replayed exactly (bulk loads, updates that mint terms) retire every worker;
new ones start from a new snapshot. When the repository keeps views of the data for readers who
may not read every graph (:mod:`r2p_graph.store.views`), each worker keeps them too, beside its
copy, and changes them in the same replayed write.

Workers are started with the ``spawn`` method: clean processes, nothing inherited from a server
with many threads.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import multiprocessing
import queue
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from r2p_graph.errors import (
    Location,
    QueryEvaluationError,
    QueryTimeoutError,
    R2PError,
    ResultTooLargeError,
    SparqlSyntaxError,
    StoreError,
)
from r2p_graph.store.channel import Channel
from r2p_graph.store.evaluation import evaluate_job
from r2p_graph.store.parsing import sparql_syntax_error
from r2p_graph.store.repository import QueryForm, QueryJob
from r2p_graph.store.views import ViewPolicy, ViewSet

log = logging.getLogger(__name__)

SPIN_SECONDS = 0.0003
"""How long the event loop, when it awaits one query only, looks for the answer before it
sleeps: most lookups are answered within this, and a process put to sleep and woken again costs
more than that on small virtual machines."""

MAX_LOAD_FAILURES = 3
"""Workers that may die in a row while loading a snapshot before the pool stops replacing
them (a store that cannot be loaded would otherwise be retried for ever)."""

Snapshot = Callable[[Path], None]
"""Writes an N-Quads copy of the store to the given file."""


class _Worker:
    def __init__(
        self,
        context: multiprocessing.context.SpawnContext,
        snapshot: Path,
        views: ViewPolicy | None,
    ) -> None:
        self.channel, child = Channel.pair()
        self.process = context.Process(
            target=_serve,
            args=(child.socket, str(snapshot), views),
            name="r2p-query-worker",
            daemon=True,
        )
        self.process.start()
        child.close()
        self.retired = False

    def send(self, message: tuple[object, ...]) -> None:
        self.channel.send(message)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.channel.close()


class QueryPool:
    """A pool of query worker processes over copies of one store (see the module docs)."""

    def __init__(
        self,
        snapshot: Snapshot,
        write_lock: threading.RLock,
        *,
        workers: int,
        deadline: float,
        views: ViewPolicy | None = None,
    ) -> None:
        self._snapshot = snapshot
        self._views = views
        # Held by the repository while it writes and replays: a snapshot taken and the workers
        # made from it under this lock miss no write and see none twice.
        self._write_lock = write_lock
        self._size = max(1, workers)
        self._deadline = deadline
        self._context = multiprocessing.get_context("spawn")
        # Last in, first out: the worker that answered last is the likeliest to be awake still.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        # Coroutines waiting for a worker, served before the idle queue; both under _idle_lock.
        self._waiters: collections.deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = (
            collections.deque()
        )
        self._idle_lock = threading.Lock()
        self._in_flight = 0  # queries awaited on the event loop now
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._folder = tempfile.TemporaryDirectory(prefix="r2p-query-pool-")
        self._generation = 0
        self._latest_snapshot: Path | None = None
        self._loading: collections.Counter[Path] = collections.Counter()
        self._load_failures = 0
        self._closed = False

    def start(self, *, wait: float | None = None) -> None:
        """Take a snapshot and start the workers; with ``wait``, block until one is ready."""
        self._refresh()
        if wait is not None:
            deadline = time.monotonic() + wait
            while self._idle.empty() and time.monotonic() < deadline:
                time.sleep(0.01)

    def idle_workers(self) -> int:
        """How many workers are ready and free at this moment."""
        return self._idle.qsize()

    def run(self, job: QueryJob) -> tuple[QueryForm, bytes]:
        """Answer ``job`` in a worker within the deadline; ``QueryTimeoutError`` otherwise.

        Blocks the calling thread, also while it waits for a worker to become free."""
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self._deadline)
        except queue.Empty:
            raise QueryTimeoutError(
                f"no query worker became free within {self._deadline:g} s; try again later"
            ) from None
        left = self._deadline - (time.monotonic() - started)
        with self._answering(worker):
            worker.send(("query", job.to_message()))
            reply = worker.channel.receive(timeout=max(left, 0.0))
        self._release(worker)
        return _result(reply)

    async def run_async(self, job: QueryJob) -> tuple[QueryForm, bytes]:
        """As :meth:`run`, awaited on the running event loop without any thread: the loop is
        woken when a worker becomes free and when its answer arrives."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        worker = await self._free_worker()
        left = self._deadline - (loop.time() - started)
        self._in_flight += 1
        try:
            with self._answering(worker):
                worker.send(("query", job.to_message()))
                # Alone, the loop has nothing better to do than to watch for a quick answer.
                spin = SPIN_SECONDS if self._in_flight == 1 else 0.0
                reply = await worker.channel.receive_async(timeout=max(left, 0.0), spin=spin)
        finally:
            self._in_flight -= 1
        self._release(worker)
        return _result(reply)

    @contextlib.contextmanager
    def _answering(self, worker: _Worker) -> Iterator[None]:
        """While ``worker`` answers a job: a worker past the deadline, broken, or left with an
        answer nobody will read (the caller was cancelled or interrupted) is stopped, since its
        next reply would go to the wrong job."""
        try:
            yield
        except TimeoutError:
            self._stop(worker)
            raise self._timeout() from None
        except (OSError, EOFError) as error:
            self._stop(worker)
            raise StoreError(f"a query worker failed: {error}") from error
        except BaseException:
            self._stop(worker)
            raise

    async def _free_worker(self) -> _Worker:
        """An idle worker, waiting for one on the loop up to the deadline.

        A waiter is only woken; it takes the worker from the idle queue itself, so a worker is
        never in the hands of a loop that might close before it runs."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self._deadline
        while True:
            with self._idle_lock:
                try:
                    return self._idle.get_nowait()
                except queue.Empty:
                    waiter: asyncio.Future[None] = loop.create_future()
                    self._waiters.append((loop, waiter))
            try:
                await asyncio.wait_for(waiter, max(give_up - loop.time(), 0.0))
            except BaseException as error:
                # A wake-up this waiter no longer needs goes to the next one.
                self._wake_next()
                if isinstance(error, TimeoutError):
                    raise QueryTimeoutError(
                        f"no query worker became free within {self._deadline:g} s; try again later"
                    ) from None
                raise

    def replay(self, message: tuple[object, ...]) -> None:
        """Send a write the disk has committed to every live worker, in commit order."""
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            try:
                worker.send(("replay", message))
            except OSError:
                self._replace(worker)

    def invalidate(self) -> None:
        """The store changed in a way workers cannot replay: start them all afresh."""
        self._refresh()

    def keep_views(self, views: ViewPolicy) -> None:
        """From now on workers keep ``views`` too: start them all afresh (called under the
        repository's write lock)."""
        self._views = views
        self._refresh()

    def close(self) -> None:
        """Stop every worker and remove the snapshot."""
        self._closed = True
        with self._lock:
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.kill()
        self._folder.cleanup()

    # -- workers ---------------------------------------------------------------------------

    def _refresh(self) -> None:
        with self._write_lock, self._lock:
            snapshot = self._take_snapshot()
            old, self._workers = self._workers, []
            for worker in old:
                worker.retired = True
            for _ in range(self._size):
                self._spawn(snapshot)
        self._drain_retired()

    def _take_snapshot(self) -> Path:
        """A new snapshot of the store (under ``_lock``)."""
        self._generation += 1
        snapshot = Path(self._folder.name) / f"snapshot-{self._generation}.nq"
        self._snapshot(snapshot)
        self._latest_snapshot = snapshot
        self._remove_unused_snapshots()
        return snapshot

    def _remove_unused_snapshots(self) -> None:
        """Delete the snapshots no worker is loading any more, but the latest (under
        ``_lock``): workers replaced at the same time may still be reading older ones."""
        for older in Path(self._folder.name).glob("snapshot-*.nq"):
            if older != self._latest_snapshot and not self._loading[older]:
                older.unlink(missing_ok=True)

    def _spawn(self, snapshot: Path) -> None:
        """Start a worker on ``snapshot`` (under ``_lock``)."""
        worker = _Worker(self._context, snapshot, self._views)
        self._workers.append(worker)
        self._loading[snapshot] += 1
        threading.Thread(target=self._await_ready, args=(worker, snapshot), daemon=True).start()

    def _await_ready(self, worker: _Worker, snapshot: Path) -> None:
        try:
            message: object = worker.channel.receive()
        except (OSError, EOFError):
            message = None
        with self._lock:
            self._loading[snapshot] -= 1
            self._remove_unused_snapshots()
        if worker.retired or self._closed:
            worker.kill()
        elif message == ("ready",):
            self._load_failures = 0
            self._make_idle(worker)
        else:
            self._load_failures += 1
            if self._load_failures > MAX_LOAD_FAILURES:
                log.error("query workers keep dying while loading the store; giving up on one")
                return
            log.error("a query worker died while loading its snapshot; starting another")
            self._replace(worker)

    def _release(self, worker: _Worker) -> None:
        if worker.retired or self._closed:
            worker.kill()
        else:
            self._make_idle(worker)

    def _make_idle(self, worker: _Worker) -> None:
        """Put ``worker`` in the idle queue (where threads in :meth:`run` take it) and wake
        the longest-waiting coroutine."""
        self._idle.put(worker)
        self._wake_next()

    def _wake_next(self) -> None:
        """Wake the longest-waiting coroutine whose loop still runs, if a worker is idle."""
        with self._idle_lock:
            while self._waiters and not self._idle.empty():
                loop, waiter = self._waiters.popleft()
                if waiter.done():
                    continue
                try:
                    if _running_loop() is loop:
                        loop.call_soon(_wake, waiter)
                    else:  # from a thread: wake that loop up
                        loop.call_soon_threadsafe(_wake, waiter)
                except RuntimeError:  # that loop has closed
                    continue
                return

    def _timeout(self) -> QueryTimeoutError:
        log.warning("query stopped after %.1f s deadline; replacing its worker", self._deadline)
        return QueryTimeoutError(
            f"the query ran longer than the {self._deadline:g} s limit and was stopped"
        )

    def _stop(self, worker: _Worker) -> None:
        """Kill ``worker`` now (its CPU is freed at once); start its successor in a thread,
        since that takes a snapshot of the store."""
        with contextlib.suppress(Exception):
            worker.process.kill()
        threading.Thread(target=self._replace, args=(worker,), daemon=True).start()

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start one in its place from the store as it is now."""
        worker.kill()
        if self._closed:
            return
        with self._write_lock, self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
            self._spawn(self._take_snapshot())

    def _drain_retired(self) -> None:
        kept: list[_Worker] = []
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            if worker.retired:
                worker.kill()
            else:
                kept.append(worker)
        for worker in kept:
            self._make_idle(worker)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _result(reply: object) -> tuple[QueryForm, bytes]:
    if not isinstance(reply, tuple) or not reply:
        raise StoreError(f"a query worker sent a message out of protocol: {reply!r:.80}")
    if reply[0] == "ok":
        form, content = reply[1], reply[2]
        assert isinstance(form, str) and isinstance(content, bytes)
        return QueryForm(form), content
    kind, message, line, column = reply[1], str(reply[2]), reply[3], reply[4]
    error: R2PError
    if kind == "too-large":
        error = ResultTooLargeError(message)
    elif kind == "syntax":
        location = Location(
            "query",
            line if isinstance(line, int) else None,
            column if isinstance(column, int) else None,
        )
        error = SparqlSyntaxError(message, location)
    else:
        error = QueryEvaluationError(message)
    raise error


def _serve(sock: socket.socket, snapshot: str, policy: ViewPolicy | None = None) -> None:
    """The worker's loop: load the snapshot (and build the views from it), then answer queries
    and apply replayed writes."""
    connection = Channel(sock)
    store = ox.Store()
    store.bulk_load(path=snapshot, format=ox.RdfFormat.N_QUADS)
    views = ViewSet(policy, store, Path(snapshot)) if policy is not None else None
    connection.send(("ready",))
    while True:
        try:
            message = connection.receive()
        except (EOFError, OSError):
            return
        assert isinstance(message, tuple)
        if message[0] == "replay":
            _apply(store, views, message[1])
            continue
        job = QueryJob.from_message(message[1])
        try:
            form, content = evaluate_job(_store_for(store, views, job), job)
            connection.send(("ok", form.value, content))
        except ResultTooLargeError as error:
            connection.send(("error", "too-large", error.message, None, None))
        except SyntaxError as error:
            found = sparql_syntax_error(error, "query")
            where = found.location
            connection.send(
                ("error", "syntax", found.message, where and where.line, where and where.column)
            )
        except (OSError, RuntimeError, ValueError) as error:
            connection.send(("error", "evaluation", str(error), None, None))


def _store_for(store: ox.Store, views: ViewSet | None, job: QueryJob) -> ox.Store:
    """The copy ``job`` runs over: the view it names, or the whole store."""
    name = job.dataset.view
    if name is None:
        return store
    if views is None or name not in views.policy.names:
        raise ValueError(f"this query worker keeps no view called {name!r}")
    return views.reader(name)


def _apply(store: ox.Store, views: ViewSet | None, write: tuple[object, ...]) -> None:
    """Apply a replayed write to the worker's copy, then to its views."""
    kind = write[0]
    if kind == "quads":
        assert isinstance(write[1], bytes)
        if views is None:
            store.load(write[1], ox.RdfFormat.N_QUADS)
            return
        quads = list(ox.parse(write[1], ox.RdfFormat.N_QUADS))
        store.extend(quads)
        views.quads_added(store, quads)
    elif kind == "update":
        assert isinstance(write[1], str)
        base_iri = write[2] if len(write) > 2 and isinstance(write[2], str) else None
        store.update(write[1], base_iri=base_iri)
        if views is not None:
            views.update_applied(store, write[1], base_iri)
    elif kind == "drop":
        assert isinstance(write[1], str)
        store.remove_graph(ox.NamedNode(write[1]))
        if views is not None:
            views.graph_dropped(store, write[1])
