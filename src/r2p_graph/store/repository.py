"""The repository interface: everything above the store talks to RDF data through this.

A :class:`Repository` keeps an RDF dataset (a default graph and named graphs), answers SPARQL 1.1
queries and updates over it, loads and dumps serialisations, and reports its size. The embedded
implementation is :class:`r2p_graph.store.oxigraph.OxigraphRepository`; a remote SPARQL 1.1 server
plugs in here by implementing the same methods. Nothing outside ``r2p_graph.store`` imports the
RDF engine: terms cross this seam as rdflib terms (``URIRef``, ``Literal``, ``BNode``).

Transactions. Each call that writes is one transaction of its own: it is applied whole or not at
all, and readers see the state before it or after it, never half of it. ``bulk_load`` trades the
engine's transaction for speed and restores atomicity itself (see its docstring).
"""

from __future__ import annotations

import asyncio
import io
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self, cast

from rdflib.term import BNode, Literal, URIRef

from r2p_graph.errors import ResultTooLargeError
from r2p_graph.store.formats import RdfFormat, ResultFormat
from r2p_graph.store.views import ViewPolicy
from r2p_graph.store.write_clock import WriteClock

Node = URIRef | Literal | BNode
"""An RDF term as it crosses the repository seam."""

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, URIRef | None]
"""A triple and its graph; ``None`` is the default graph."""

Progress = Callable[[int], None]
"""Called with a number of bytes (or items) done since the last call."""


class QueryForm(Enum):
    """The form of a SPARQL query, which decides the shape of its result."""

    SELECT = "select"
    ASK = "ask"
    GRAPH = "graph"  # CONSTRUCT and DESCRIBE


@dataclass(frozen=True, slots=True)
class QueryDataset:
    """The RDF dataset a query runs over.

    By default (``QueryDataset()``) the default graph is the union of all graphs, as most users
    expect when every source sits in a named graph of its own; ``GRAPH ?g`` ranges over all named
    graphs. ``default_graphs``/``named_graphs`` restrict both, as SPARQL's ``FROM``/``FROM NAMED``
    and the protocol's ``default-graph-uri``/``named-graph-uri`` do. ``None`` in
    ``default_graphs`` stands for the store's own default graph.

    >>> QueryDataset().union_default
    True
    >>> QueryDataset(default_graphs=("https://w3id.org/r2p-graph/graph/countries",)).union_default
    False
    """

    default_graphs: Sequence[str | None] | None = None
    named_graphs: Sequence[str] | None = None
    view: str | None = None

    @property
    def union_default(self) -> bool:
        """Whether the default graph is the union of every graph in the store."""
        return self.default_graphs is None


@dataclass(frozen=True, slots=True)
class QueryJob:
    """One query and how to write its answer, whatever its form turns out to be."""

    sparql: str
    dataset: QueryDataset
    select_format: ResultFormat
    graph_format: RdfFormat
    max_bytes: int | None = None
    base_iri: str | None = None

    def to_message(self) -> tuple[object, ...]:
        """The job as plain values: a worker rebuilds it faster than it would unpickle the
        enums and dataclasses themselves, which counts on a query of a few microseconds.

        >>> job = QueryJob("ASK {}", QueryDataset(), ResultFormat.CSV, RdfFormat.TURTLE)
        >>> QueryJob.from_message(job.to_message()) == job
        True
        """
        defaults, named = self.dataset.default_graphs, self.dataset.named_graphs
        return (
            self.sparql,
            None if defaults is None else tuple(defaults),
            None if named is None else tuple(named),
            self.select_format.name,
            self.graph_format.name,
            self.max_bytes,
            self.base_iri,
            self.dataset.view,
        )

    @classmethod
    def from_message(cls, message: tuple[object, ...]) -> QueryJob:
        """The job that :meth:`to_message` gave ``message`` for."""
        sparql, defaults, named, select_format, graph_format, max_bytes, base_iri, view = message
        assert isinstance(sparql, str) and isinstance(select_format, str)
        assert view is None or isinstance(view, str)
        assert isinstance(graph_format, str)
        assert max_bytes is None or isinstance(max_bytes, int)
        assert base_iri is None or isinstance(base_iri, str)
        dataset = QueryDataset(
            default_graphs=cast("tuple[str | None, ...] | None", defaults),
            named_graphs=cast("tuple[str, ...] | None", named),
            view=view,
        )
        return cls(
            sparql,
            dataset,
            ResultFormat[select_format],
            RdfFormat[graph_format],
            max_bytes,
            base_iri,
        )


@dataclass(slots=True)
class GraphCount:
    """How many triples one graph holds (``graph`` is ``None`` for the default graph)."""

    graph: str | None
    triples: int


@dataclass(slots=True)
class StoreStats:
    """Size of the dataset: triples per graph, and how many of some classes there are."""

    graphs: list[GraphCount] = field(default_factory=list)
    classes: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total_triples(self) -> int:
        """All triples (quads) in the store."""
        return sum(g.triples for g in self.graphs)


class CappedBuffer(io.BytesIO):
    """A serialisation target that stops a serialiser once the answer passes ``limit`` bytes.

    >>> buffer = CappedBuffer(4)
    >>> buffer.serialize(lambda out: out.write(b"12345"))
    Traceback (most recent call last):
    ...
    r2p_graph.errors.ResultTooLargeError: the answer is larger than 4 bytes, ...
    """

    def __init__(self, limit: int | None) -> None:
        super().__init__()
        self.limit = limit
        self.exceeded = False

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.limit is not None and self.tell() + len(data) > self.limit:
            self.exceeded = True
            raise OSError("result size limit reached")
        return super().write(data)

    def serialize(self, write: Callable[[BinaryIO], object]) -> None:
        """Run ``write`` into this buffer; ``ResultTooLargeError`` when it passed the limit."""
        try:
            write(self)
        except (OSError, ValueError, RuntimeError):
            if not self.exceeded:
                raise
        if self.exceeded:
            raise ResultTooLargeError(
                f"the answer is larger than {self.limit} bytes, the most this service returns "
                "at once; ask for less (LIMIT and OFFSET) or download a dump"
            )


class QueryResult(ABC):
    """What a query returns; its form says which accessors apply."""

    form: QueryForm

    @abstractmethod
    def serialize(self, out: BinaryIO, fmt: ResultFormat | RdfFormat) -> None:
        """Write the result to ``out``: SELECT/ASK in a ``ResultFormat``, graphs in an
        ``RdfFormat``. ``UnknownFormatError`` when the format does not fit the query form."""


class SelectResult(QueryResult):
    """Rows of variable bindings; read :attr:`variables` then iterate :meth:`rows` once."""

    form = QueryForm.SELECT
    variables: list[str]

    @abstractmethod
    def rows(self) -> Iterator[tuple[Node | None, ...]]:
        """The solutions, one tuple per row in the order of :attr:`variables` (``None``:
        unbound). The iterator can be consumed once."""


class AskResult(QueryResult):
    """The answer to an ASK query."""

    form = QueryForm.ASK
    value: bool


class GraphResult(QueryResult):
    """The triples a CONSTRUCT or DESCRIBE query builds."""

    form = QueryForm.GRAPH

    @abstractmethod
    def triples(self) -> Iterator[Triple]:
        """The triples; the iterator can be consumed once."""


class Repository(ABC):
    """An RDF dataset that answers SPARQL. Use as a context manager, or call :meth:`close`."""

    @abstractmethod
    def load(
        self,
        source: Path | bytes | BinaryIO,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        base_iri: str | None = None,
        source_name: str | None = None,
    ) -> int:
        """Parse ``source`` and add its triples to ``graph`` (for a triple format; ``None``: the
        default graph) or to the graphs it names (dataset formats). One transaction: on a syntax
        error nothing is added and ``RdfSyntaxError`` names the line and column. Returns how
        many quads the store holds more than before."""

    @abstractmethod
    def bulk_load(
        self,
        path: Path,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        progress: Progress | None = None,
    ) -> int:
        """Load a large file as fast as the backend can, reporting bytes read to ``progress``.

        Atomic as :meth:`load` is: when the file has an error, what was written is taken out
        again and the store is as it was. Returns how many quads the store holds more."""

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        dataset: QueryDataset | None = None,
        bindings: Mapping[str, Node] | None = None,
        base_iri: str | None = None,
    ) -> SelectResult | AskResult | GraphResult:
        """Evaluate a SPARQL 1.1 query over ``dataset`` (default: union of all graphs).

        ``bindings`` substitute values for variables before evaluation (never text pasted into
        the query); as in SPARQL's SEP-0007, a bound variable must be in a SELECT's
        projection. ``SparqlSyntaxError`` (with line and column) for a malformed query."""

    def answer(
        self,
        sparql: str,
        *,
        dataset: QueryDataset | None,
        select_format: ResultFormat,
        graph_format: RdfFormat,
        max_bytes: int | None = None,
        base_iri: str | None = None,
    ) -> tuple[QueryForm, bytes]:
        """Evaluate a query and serialise its answer: SELECT/ASK results in ``select_format``,
        graphs in ``graph_format``; ``ResultTooLargeError`` past ``max_bytes``. Backends may run
        it under a deadline and raise ``QueryTimeoutError`` (see :meth:`answer_job`)."""
        job = QueryJob(
            sparql, dataset or QueryDataset(), select_format, graph_format, max_bytes, base_iri
        )
        return self.answer_job(job)

    async def answer_async(
        self,
        sparql: str,
        *,
        dataset: QueryDataset | None,
        select_format: ResultFormat,
        graph_format: RdfFormat,
        max_bytes: int | None = None,
        base_iri: str | None = None,
    ) -> tuple[QueryForm, bytes]:
        """As :meth:`answer`, awaited on the running event loop (see
        :meth:`answer_job_async`)."""
        job = QueryJob(
            sparql, dataset or QueryDataset(), select_format, graph_format, max_bytes, base_iri
        )
        return await self.answer_job_async(job)

    def answer_job(self, job: QueryJob) -> tuple[QueryForm, bytes]:
        """What :meth:`answer` does, for backends to override; this one evaluates the query
        here, without a deadline."""
        result = self.query(job.sparql, dataset=job.dataset, base_iri=job.base_iri)
        buffer = CappedBuffer(job.max_bytes)
        fmt = job.graph_format if result.form is QueryForm.GRAPH else job.select_format
        buffer.serialize(lambda out: result.serialize(out, fmt))
        return result.form, buffer.getvalue()

    async def answer_job_async(self, job: QueryJob) -> tuple[QueryForm, bytes]:
        """What :meth:`answer_async` does, for backends to override; this one runs
        :meth:`answer_job` in a thread, so the loop goes on serving meanwhile."""
        return await asyncio.to_thread(self.answer_job, job)

    @property
    def views(self) -> ViewPolicy | None:
        """The views of the data this repository keeps beside it (see
        :mod:`r2p_graph.store.views`), or ``None``."""
        return None

    def keep_views(self, policy: ViewPolicy) -> bool:
        """Keep, from now on, the views ``policy`` defines, updated in the same write as the
        data, so that queries may name them in :attr:`QueryDataset.view`; ``False`` when this
        backend cannot (its readers' queries must then list graphs). This implementation
        cannot."""
        return False

    @contextmanager
    def consistent_reads(self) -> Iterator[None]:
        """Within this block, the queries of this thread read one and the same copy of the
        data, so that blank nodes found by one query can be bound in the next (blank node
        labels are only meaningful within one copy). This implementation has one copy."""
        yield

    def quads_matching(
        self,
        subject: Node | None = None,
        predicate: URIRef | None = None,
        obj: Node | None = None,
        *,
        graph: str | None = None,
    ) -> Iterator[Quad]:
        """The quads of the durable store that match a pattern, in every graph or in the named
        ``graph``; ``None`` matches anything. Blank nodes read here can be given back in the
        next call: they are labels of the store itself, never of a copy. This implementation
        asks one SPARQL query.

        >>> from r2p_graph.store import OxigraphRepository
        >>> repo = OxigraphRepository.in_memory()
        >>> repo.load(b"<http://e/a> <http://e/p> 'x' .", RdfFormat.TURTLE, graph="http://e/g")
        1
        >>> [str(q[3]) for q in repo.quads_matching(URIRef("http://e/a"))]
        ['http://e/g']
        """
        bindings = {
            name: term
            for name, term in (("s", subject), ("p", predicate), ("o", obj))
            if term is not None
        }
        if graph is not None:
            bindings["g"] = URIRef(graph)
        result = self.query(
            "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
            if graph is None
            else "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            dataset=QueryDataset(default_graphs=(None,)),
            bindings=bindings,
        )
        assert isinstance(result, SelectResult)
        for s, p, o, g in result.rows():
            assert s is not None and p is not None and o is not None
            yield (s, p, o, URIRef(g) if g is not None else None)

    @abstractmethod
    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Apply a SPARQL 1.1 update, all of it or (on any error) none of it."""

    @abstractmethod
    def change(
        self,
        *,
        drop_graphs: Sequence[str] = (),
        remove: Sequence[Quad] = (),
        add: Sequence[Quad] = (),
    ) -> None:
        """In one transaction: drop the named graphs ``drop_graphs``, then remove the quads
        ``remove`` and add the quads ``add``. Readers see the state before or after, never
        between. Blank nodes are refused (``InputError``): name them with IRIs."""

    @abstractmethod
    def add(self, quads: Iterator[Quad] | Sequence[Quad]) -> int:
        """Add quads in one transaction; returns how many quads the store holds more."""

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs that hold at least one triple, sorted."""

    @abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and all its triples (no error if it does not exist)."""

    @abstractmethod
    def replace_graph(
        self,
        graph: str | None,
        source: bytes | BinaryIO,
        fmt: RdfFormat,
        *,
        base_iri: str | None = None,
        source_name: str = "input",
    ) -> int:
        """Replace what ``graph`` (``None``: the default graph) holds by the triples of
        ``source``, in one transaction: readers see the old graph or the new one. A dataset
        format is refused (``UnknownFormatError``). Returns the number of triples now in it."""

    @abstractmethod
    def graph_exists(self, graph: str) -> bool:
        """Whether the named graph exists, even empty (created by ``CREATE GRAPH`` or by
        replacing it with nothing)."""

    @abstractmethod
    def holds_graph(self, graph: str | None) -> bool:
        """Whether ``graph`` (``None``: the default graph) holds at least one triple."""

    @abstractmethod
    def count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or all quads of the store when ``graph`` is ``None``."""

    @abstractmethod
    def dump(
        self,
        out: BinaryIO,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        graphs: Sequence[str | None] | None = None,
    ) -> None:
        """Write the whole dataset (dataset formats) or one graph (any format) to ``out``,
        streaming, without building it in memory. ``graphs`` limits the dataset to those
        graphs (``None`` in it: the default graph), written in that order."""

    @property
    @abstractmethod
    def write_clock(self) -> WriteClock:
        """Counts writes as they begin and end, for readers that cache what they derive from
        the data (see :mod:`r2p_graph.store.write_clock`)."""

    @abstractmethod
    def stats(self) -> StoreStats:
        """Triples per named graph and instances per class."""

    @abstractmethod
    def close(self) -> None:
        """Flush and release the store. The repository cannot be used afterwards."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
