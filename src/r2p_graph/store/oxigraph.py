"""The embedded repository: an Oxigraph store on disk (RocksDB) or in memory.

Only ``r2p_graph.store`` imports ``pyoxigraph``.

>>> repo = OxigraphRepository.in_memory()
>>> repo.load(b"<http://example.org/a> <http://example.org/b> 'c' .", RdfFormat.TURTLE,
...           graph="http://example.org/g")
1
>>> result = repo.query("SELECT ?o WHERE { ?s ?p ?o }")
>>> [row[0].toPython() for row in result.rows()]
['c']
>>> repo.named_graphs()
['http://example.org/g']
>>> repo.close()
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib.term import URIRef

from r2p_graph.errors import (
    InputError,
    MissingInputError,
    QueryEvaluationError,
    R2PError,
    RdfSyntaxError,
    StoreError,
    UnknownFormatError,
)
from r2p_graph.store.bulk import bulk_load
from r2p_graph.store.evaluation import answer_job_here
from r2p_graph.store.formats import RdfFormat
from r2p_graph.store.journal import BulkLoadJournal
from r2p_graph.store.mirror import MemoryMirror
from r2p_graph.store.parsing import (
    open_binary,
    parse_quads,
    rdf_syntax_error,
    sparql_syntax_error,
)
from r2p_graph.store.point_lookup import lookup_pattern
from r2p_graph.store.query_pool import QueryPool
from r2p_graph.store.replicas import Replicas
from r2p_graph.store.repository import (
    AskResult,
    GraphCount,
    GraphResult,
    Node,
    Progress,
    Quad,
    QueryDataset,
    QueryForm,
    QueryJob,
    Repository,
    SelectResult,
    StoreStats,
)
from r2p_graph.store.results import OxAsk, OxGraph, OxSelect
from r2p_graph.store.sparql_text import change_update, mints_terms, replace_graph_update
from r2p_graph.store.terms import (
    RDF_FORMATS,
    dataset_options,
    graph_node,
    to_oxigraph,
    to_rdflib,
)
from r2p_graph.store.views import ViewPolicy, ViewSet
from r2p_graph.store.write_clock import WriteClock

log = logging.getLogger(__name__)

_G = ox.Variable("g")
_MISSING_GRAPH = re.compile(r"The graph <([^>]*)> does not exist")
_MAX_IMPLICIT_GRAPHS = 16
_GRAPH_HOLDS_DATA = "ASK { GRAPH ?g { ?s ?p ?o } }"
_GRAPH_SIZE = "SELECT (COUNT(*) AS ?n) ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_GRAPH_SIZES = """
SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g
"""
_DEFAULT_GRAPH_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_CLASS_SIZES = """
SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c
"""


class OxigraphRepository(Repository):
    """A repository backed by an embedded Oxigraph store.

    Create one with :meth:`open` (on disk, durable; optionally answering reads from a memory
    mirror) or :meth:`in_memory` (for tests and tools). One process at a time may open a given
    directory. Writes are serialised; reads run in parallel with them.
    """

    def __init__(
        self,
        store: ox.Store,
        path: Path | None,
        *,
        read_from_memory: bool = False,
        query_workers: int = 0,
        query_deadline: float = 30.0,
        views: ViewPolicy | None = None,
    ) -> None:
        self._store = store
        self.path = path
        self._write_lock = threading.RLock()
        self._clock = WriteClock()
        self._pinned = threading.local()
        self._views = ViewSet(views, store) if views is not None else None
        mirror = MemoryMirror(store) if read_from_memory and path is not None else None
        pool = None
        if query_workers > 0:
            pool = QueryPool(
                self._snapshot_to,
                self._write_lock,
                workers=query_workers,
                deadline=query_deadline,
                views=views,
            )
            pool.start(wait=120)
        self._replicas = Replicas(mirror, pool)

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        read_from_memory: bool = False,
        query_workers: int = 0,
        query_deadline: float = 30.0,
        views: ViewPolicy | None = None,
    ) -> OxigraphRepository:
        """Open (creating if needed) the on-disk store in directory ``path``.

        With ``read_from_memory``, queries are answered from an in-memory copy built in the
        background (see :mod:`r2p_graph.store.mirror`). With ``query_workers``, :meth:`answer`
        runs queries in that many worker processes under ``query_deadline`` seconds (see
        :mod:`r2p_graph.store.query_pool`). With ``views``, the views of the data it defines are
        kept beside it (see :meth:`keep_views`). ``StoreError`` when another process holds the
        directory or it cannot be created."""
        try:
            path.mkdir(parents=True, exist_ok=True)
            store = ox.Store(str(path / "oxigraph"))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreError(
                    f"the data directory {path} is in use by another r2p-graph process"
                ) from error
            raise StoreError(f"cannot open the store in {path}: {error}") from error
        _undo_interrupted_bulk_load(store, BulkLoadJournal(path))
        return cls(
            store,
            path,
            read_from_memory=read_from_memory,
            query_workers=query_workers,
            query_deadline=query_deadline,
            views=views,
        )

    @classmethod
    def in_memory(cls, *, views: ViewPolicy | None = None) -> OxigraphRepository:
        """A new, empty store that lives in memory only (with the given views, if any)."""
        return cls(ox.Store(), None, views=views)

    @property
    def views(self) -> ViewPolicy | None:
        """The views kept beside the data, or ``None``."""
        return None if self._views is None else self._views.policy

    def keep_views(self, policy: ViewPolicy) -> bool:
        """As :meth:`Repository.keep_views`: each view is an in-memory store holding the
        quads of the graphs it admits (:mod:`r2p_graph.store.views`), built now from the data
        and then changed in every write, under the write lock, before the write ends; query
        workers are started afresh to hold them too. Keeping views already kept is a no-op;
        other views replace them.

        >>> from r2p_graph.store.views import ViewPolicy
        >>> repo = OxigraphRepository.in_memory()
        >>> repo.keep_views(ViewPolicy("http://e/access", "http://e/tier", (("all", frozenset()),)))
        True
        >>> repo.views.names
        ('all',)
        """
        with self._write_lock, self._clock.writing():
            if self._views is not None and self._views.policy == policy:
                return True
            self._views = ViewSet(policy, self._store)
            pool = self._replicas.pool
            if pool is not None:
                pool.keep_views(policy)
            return True

    @property
    def write_clock(self) -> WriteClock:
        """Counts the writes to this repository as they begin and end."""
        return self._clock

    @property
    def reads_from_memory(self) -> bool:
        """Whether reads are answered from the memory mirror right now."""
        return self._replicas.reader() is not None

    def wait_until_fresh(self, timeout: float | None = None) -> bool:
        """Block until reads are answered from memory again (``True`` at once without mirror)."""
        mirror = self._replicas.mirror
        return True if mirror is None else mirror.wait_until_fresh(timeout)

    def _reader(self) -> ox.Store:
        pinned: ox.Store | None = getattr(self._pinned, "store", None)
        if pinned is not None:
            return pinned
        mirror = self._replicas.reader()
        return mirror if mirror is not None else self._store

    def _view_reader(self, name: str) -> ox.Store:
        """The store of view ``name`` (the one pinned for this thread, if any)."""
        pinned: dict[str, ox.Store] | None = getattr(self._pinned, "views", None)
        if pinned is not None and name in pinned:
            return pinned[name]
        if self._views is None or name not in self._views.policy.names:
            raise StoreError(f"this repository keeps no view called {name!r}")
        return self._views.reader(name)

    @contextmanager
    def consistent_reads(self) -> Iterator[None]:
        """As :meth:`Repository.consistent_reads`: the copy read at the start (the mirror or
        the disk store) is kept for this thread until the block ends, even if the mirror is
        replaced meanwhile."""
        if getattr(self._pinned, "store", None) is not None:
            yield
            return
        self._pinned.store = self._reader()
        self._pinned.views = self._views.readers() if self._views is not None else None
        try:
            yield
        finally:
            self._pinned.store = None
            self._pinned.views = None

    # -- writing ---------------------------------------------------------------------------

    def load(
        self,
        source: Path | bytes | BinaryIO,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        base_iri: str | None = None,
        source_name: str | None = None,
    ) -> int:
        name = source_name or (str(source) if isinstance(source, Path) else "input")
        quads = parse_quads(source, fmt, graph=graph, base_iri=base_iri, source_name=name)
        return self._extend(quads)

    def _extend(self, quads: list[ox.Quad]) -> int:
        with self._write_lock, self._clock.writing():
            # Looking up each new quad costs the size of the write, where counting the graphs
            # before and after would cost the size of the graphs written to.
            added = len({q for q in quads if q not in self._store})
            self._store.extend(quads)
            if self._views is not None:
                self._views.quads_added(self._store, quads)
            self._replicas.quads_added(quads)
            return added

    def _size_of(self, graphs: Iterable[str | None]) -> int:
        """Triples in the given graphs of the disk store."""
        total = 0
        for graph in graphs:
            if graph is None:
                total += self._default_graph_size(self._store)
            else:
                query = self._store.query(_GRAPH_SIZE, substitutions={_G: ox.NamedNode(graph)})
                total += _single_int(query)
        return total

    def bulk_load(
        self,
        path: Path,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        progress: Progress | None = None,
    ) -> int:
        """Load a large file with Oxigraph's bulk loader, which skips the transaction log.

        Atomicity is kept by loading only into graphs that hold nothing yet and removing them
        again if the file turns out to be malformed part-way; a dataset file is scanned first to
        learn which graphs it writes. When a target graph already holds data, the transactional
        :meth:`load` is used instead (it keeps the file's triples in memory until commit). The
        memory mirror, if any, is refilled from the same file in the background.
        """
        if not path.is_file():
            raise MissingInputError(f"no such file: {path}")
        with self._write_lock, self._clock.writing():
            targets = self._scan_graphs(path, fmt) if fmt.is_dataset else {graph}
            if any(self.holds_graph(g) for g in targets):
                added = self.load(path, fmt, graph=graph)
                if progress:
                    progress(path.stat().st_size)
                return added
            before = self._size_of(targets)
            to_graph = None if fmt.is_dataset or graph is None else ox.NamedNode(graph)
            journal = BulkLoadJournal(self.path) if self.path is not None else None
            if journal is not None:
                journal.begin(targets)
            try:
                bulk_load(self._store, path, fmt, to_graph, progress)
                self._store.flush()
            except RdfSyntaxError:
                # Back to the state before, which the mirror (never touched) still holds.
                for target in targets:
                    self._clear(target)
                raise
            finally:
                if journal is not None:
                    journal.end()
            if self._views is not None:
                self._views.rebuild(self._store)
            self._replicas.file_loaded(
                lambda store, *args: bulk_load(store, *args, workers=1), path, fmt, to_graph
            )
            return self._size_of(targets) - before

    def _scan_graphs(self, path: Path, fmt: RdfFormat) -> set[str | None]:
        """The graphs a dataset file writes to; also proves the file parses."""
        graphs: set[str | None] = set()
        try:
            with open_binary(path) as stream:
                for quad in ox.parse(stream, RDF_FORMATS[fmt]):
                    graphs.add(_graph_name(quad.graph_name))
        except SyntaxError as error:
            raise rdf_syntax_error(error, str(path)) from error
        return graphs

    def graph_exists(self, graph: str) -> bool:
        try:
            node = ox.NamedNode(graph)
        except ValueError as error:
            raise InputError(f"not a valid graph IRI: {graph!r} ({error})") from error
        return bool(self._reader().contains_named_graph(node)) or self.holds_graph(graph)

    def holds_graph(self, graph: str | None) -> bool:
        if graph is None:
            return self._default_graph_size(self._store) > 0
        return bool(self._store.query(_GRAPH_HOLDS_DATA, substitutions={_G: ox.NamedNode(graph)}))

    def _clear(self, graph: str | None) -> None:
        if graph is None:
            self._store.clear_graph(ox.DefaultGraph())
        else:
            self._store.remove_graph(ox.NamedNode(graph))

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """As :meth:`Repository.update`. Named graphs exist implicitly, as in any quad store:
        ``CLEAR``, ``DROP``, ``ADD``, ``MOVE`` or ``COPY`` of a graph that was never created act
        on an empty graph instead of failing."""
        with self._write_lock, self._clock.writing():
            created = self._update_creating_graphs(sparql, base_iri)
            if self._views is not None:
                self._views.update_applied(self._store, sparql, base_iri)
            if mints_terms(sparql):
                self._replicas.changed()
                return
            for graph in created:
                self._replicas.update_applied(f"CREATE SILENT GRAPH {graph}", None)
            self._replicas.update_applied(sparql, base_iri)

    def _update_creating_graphs(self, sparql: str, base_iri: str | None) -> list[ox.NamedNode]:
        """Run the update; while it fails only because a graph it names does not exist, create
        that graph and run it again. Graphs created for an update that still fails are removed.
        Returns the graphs created."""
        created: list[ox.NamedNode] = []
        for _ in range(_MAX_IMPLICIT_GRAPHS + 1):
            failure = self._run_update(sparql, base_iri)
            if failure is None:
                return created
            missing = _MISSING_GRAPH.search(failure.message)
            if missing is None or len(created) >= _MAX_IMPLICIT_GRAPHS:
                break
            graph = ox.NamedNode(missing[1])
            self._store.add_graph(graph)
            created.append(graph)
        for graph in created:
            self._store.remove_graph(graph)
        assert failure is not None
        raise failure

    def _run_update(self, sparql: str, base_iri: str | None) -> R2PError | None:
        """Run the update; the error it met, if any (the store is unchanged then)."""
        try:
            self._store.update(sparql, base_iri=base_iri)
        except SyntaxError as error:
            return sparql_syntax_error(error, "update")
        except (OSError, RuntimeError, ValueError) as error:
            return QueryEvaluationError(str(error))
        return None

    def add(self, quads: Iterable[Quad] | Sequence[Quad]) -> int:
        return self._extend(_to_quads(quads))

    def change(
        self,
        *,
        drop_graphs: Sequence[str] = (),
        remove: Sequence[Quad] = (),
        add: Sequence[Quad] = (),
    ) -> None:
        try:
            update = change_update(
                [ox.NamedNode(g) for g in drop_graphs], _to_quads(remove), _to_quads(add)
            )
        except (TypeError, ValueError) as error:
            raise InputError(str(error)) from error
        self.update(update)

    def drop_graph(self, graph: str) -> None:
        with self._write_lock, self._clock.writing():
            self._store.remove_graph(ox.NamedNode(graph))
            if self._views is not None:
                self._views.graph_dropped(self._store, graph)
            self._replicas.graph_dropped(graph)

    def replace_graph(
        self,
        graph: str | None,
        source: bytes | BinaryIO,
        fmt: RdfFormat,
        *,
        base_iri: str | None = None,
        source_name: str = "input",
    ) -> int:
        if fmt.is_dataset:
            raise UnknownFormatError(f"a graph is sent as a triple format, not {fmt.name}")
        try:
            target = None if graph is None else ox.NamedNode(graph)
        except ValueError as error:
            raise InputError(f"not a valid graph IRI: {graph!r} ({error})") from error
        quads = parse_quads(source, fmt, base_iri=base_iri, source_name=source_name)
        self.update(replace_graph_update(target, quads))
        return len({(q.subject, q.predicate, q.object) for q in quads})

    # -- reading ---------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        dataset: QueryDataset | None = None,
        bindings: Mapping[str, Node] | None = None,
        base_iri: str | None = None,
    ) -> SelectResult | AskResult | GraphResult:
        options = dataset_options(sparql, dataset or QueryDataset())
        if bindings:
            options["substitutions"] = {
                ox.Variable(name): to_oxigraph(value) for name, value in bindings.items()
            }
        view = None if dataset is None else dataset.view
        store = self._reader() if view is None else self._view_reader(view)
        try:
            result = store.query(sparql, base_iri=base_iri, **options)  # type: ignore[arg-type]
        except SyntaxError as error:
            raise sparql_syntax_error(error, "query") from error
        except (OSError, RuntimeError, ValueError) as error:
            raise QueryEvaluationError(str(error)) from error
        if isinstance(result, ox.QuerySolutions):
            return OxSelect(result)
        if isinstance(result, ox.QueryBoolean):
            return OxAsk(result)
        return OxGraph(result)

    def answer_job(self, job: QueryJob) -> tuple[QueryForm, bytes]:
        """As :meth:`Repository.answer_job`; in a worker process under the deadline when the
        repository has query workers (``QueryTimeoutError`` past it)."""
        answered = self._point_lookup(job) or self._replicas.answer(job)
        return super().answer_job(job) if answered is None else answered

    async def answer_job_async(self, job: QueryJob) -> tuple[QueryForm, bytes]:
        """As :meth:`Repository.answer_job_async`: with query workers, the answer is awaited
        from a free worker without any thread (see
        :meth:`~r2p_graph.store.query_pool.QueryPool.run_async`); without, in a thread."""
        answered = self._point_lookup(job) or await self._replicas.answer_async(job)
        return await super().answer_job_async(job) if answered is None else answered

    def _point_lookup(self, job: QueryJob) -> tuple[QueryForm, bytes] | None:
        """The answer of a point lookup, read here rather than by a query worker: it cannot run
        long (see :mod:`r2p_graph.store.point_lookup`). ``None`` for any other query, and when
        there are no workers (the caller then answers in a thread anyway)."""
        if self._replicas.pool is None:
            return None
        pattern = lookup_pattern(job.sparql)
        if pattern is None:
            return None
        view = job.dataset.view
        # The reader's own copy: the view their clearance is given, as a worker would read.
        store = self._reader() if view is None else self._view_reader(view)
        if not pattern.matches_at_most(store):
            return None
        return answer_job_here(store, job)

    def _snapshot_to(self, path: Path) -> None:
        self._store.dump(str(path), ox.RdfFormat.N_QUADS)

    def quads_matching(
        self,
        subject: Node | None = None,
        predicate: URIRef | None = None,
        obj: Node | None = None,
        *,
        graph: str | None = None,
    ) -> Iterator[Quad]:
        """As :meth:`Repository.quads_matching`, straight from the disk store's indexes."""
        found = self._store.quads_for_pattern(
            None if subject is None else to_oxigraph(subject),  # type: ignore[arg-type]
            None if predicate is None else to_oxigraph(predicate),  # type: ignore[arg-type]
            None if obj is None else to_oxigraph(obj),
            None if graph is None else ox.NamedNode(graph),
        )
        for quad in found:
            name = quad.graph_name
            yield (
                to_rdflib(quad.subject),
                to_rdflib(quad.predicate),
                to_rdflib(quad.object),
                None if isinstance(name, ox.DefaultGraph) else URIRef(name.value),
            )

    def named_graphs(self) -> list[str]:
        return sorted(g.graph for g in self._graph_sizes(self._reader()) if g.graph is not None)

    def count(self, graph: str | None = None) -> int:
        store = self._reader()
        if graph is not None:
            return _single_int(store.query(_GRAPH_SIZE, substitutions={_G: ox.NamedNode(graph)}))
        return self._size(store)

    def _size(self, store: ox.Store) -> int:
        return sum(g.triples for g in self._graph_sizes(store))

    @staticmethod
    def _default_graph_size(store: ox.Store) -> int:
        return _single_int(store.query(_DEFAULT_GRAPH_SIZE, default_graph=ox.DefaultGraph()))

    def _graph_sizes(self, store: ox.Store) -> list[GraphCount]:
        sizes = [
            GraphCount(str(row[0].value), int(row[1].value))
            for row in store.query(_GRAPH_SIZES)  # type: ignore[union-attr]
        ]
        default = self._default_graph_size(store)
        if default:
            sizes.insert(0, GraphCount(None, default))
        return sizes

    def dump(
        self,
        out: BinaryIO,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        graphs: Sequence[str | None] | None = None,
    ) -> None:
        # Dumps come from the disk store, the durable truth, never from the mirror.
        if graph is not None:
            self._store.dump(out, RDF_FORMATS[fmt], from_graph=ox.NamedNode(graph))
        elif graphs is not None:
            quads = (
                quad
                for name in graphs
                for quad in self._store.quads_for_pattern(None, None, None, graph_node(name))
            )
            if fmt in (RdfFormat.N_QUADS, RdfFormat.TRIG):
                ox.serialize(quads, out, RDF_FORMATS[fmt])
            else:
                ox.serialize((q.triple for q in quads), out, RDF_FORMATS[fmt])
        elif fmt in (RdfFormat.N_QUADS, RdfFormat.TRIG):
            self._store.dump(out, RDF_FORMATS[fmt])
        else:
            # A triple format holds one graph: write the union, graph names dropped.
            triples = (q.triple for q in self._store.quads_for_pattern(None, None, None))
            ox.serialize(triples, out, RDF_FORMATS[fmt])

    def stats(self) -> StoreStats:
        store = self._reader()
        classes = [
            (str(row[0].value), int(row[1].value))
            for row in store.query(  # type: ignore[union-attr]
                _CLASS_SIZES, use_default_graph_as_union=True
            )
            if isinstance(row[0], ox.NamedNode)
        ]
        return StoreStats(graphs=self._graph_sizes(store), classes=classes)

    def optimize(self) -> None:
        """Compact the on-disk indexes (slow; makes later reads from disk faster)."""
        with self._write_lock:
            self._store.optimize()

    def close(self) -> None:
        """Stop the mirror, flush the disk store and release its lock. Closing twice is fine."""
        self._replicas.close()
        store = self.__dict__.pop("_store", None)
        if store is not None:
            with contextlib.suppress(OSError):
                store.flush()


def _undo_interrupted_bulk_load(store: ox.Store, journal: BulkLoadJournal) -> None:
    """Empty the graphs of a bulk load that a killed process left unfinished."""
    graphs = journal.pending()
    if graphs is None:
        return
    log.warning("undoing an interrupted bulk load into %s", ", ".join(map(str, graphs)))
    for graph in graphs:
        if graph is None:
            store.clear_graph(ox.DefaultGraph())
        else:
            store.remove_graph(ox.NamedNode(graph))
    store.flush()
    journal.end()


def _to_quads(quads: Iterable[Quad]) -> list[ox.Quad]:
    return [
        ox.Quad(
            to_oxigraph(s),  # type: ignore[arg-type]
            to_oxigraph(p),  # type: ignore[arg-type]
            to_oxigraph(o),
            graph_node(None if g is None else str(g)),
        )
        for s, p, o, g in quads
    ]


def _graph_name(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str | None:
    return None if isinstance(graph, ox.DefaultGraph) else str(graph.value)


def _single_int(solutions: object) -> int:
    for row in solutions:  # type: ignore[attr-defined]
        return int(row[0].value)
    return 0
