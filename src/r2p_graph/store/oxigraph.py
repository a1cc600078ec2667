"""The embedded repository: an Oxigraph store on disk (RocksDB) or in memory.

This module is the only one in r2p-graph that imports ``pyoxigraph``.

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
import gzip
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib.namespace import XSD
from rdflib.term import BNode, Literal, URIRef

from r2p_graph.errors import (
    Location,
    MissingInputError,
    QueryEvaluationError,
    RdfSyntaxError,
    SparqlSyntaxError,
    StoreError,
    UnknownFormatError,
)
from r2p_graph.store.formats import RdfFormat, ResultFormat
from r2p_graph.store.repository import (
    AskResult,
    GraphCount,
    GraphResult,
    Node,
    Progress,
    Quad,
    QueryDataset,
    Repository,
    SelectResult,
    StoreStats,
    Triple,
)

_RDF_FORMATS: dict[RdfFormat, ox.RdfFormat] = {
    RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    RdfFormat.N_QUADS: ox.RdfFormat.N_QUADS,
    RdfFormat.TRIG: ox.RdfFormat.TRIG,
    RdfFormat.RDF_XML: ox.RdfFormat.RDF_XML,
    RdfFormat.JSON_LD: ox.RdfFormat.JSON_LD,
}
_RESULT_FORMATS: dict[ResultFormat, ox.QueryResultsFormat] = {
    ResultFormat.JSON: ox.QueryResultsFormat.JSON,
    ResultFormat.XML: ox.QueryResultsFormat.XML,
    ResultFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultFormat.TSV: ox.QueryResultsFormat.TSV,
}
_SPARQL_POSITION = re.compile(r"error at (\d+):(\d+)")
_PARSER_POSITION = re.compile(
    r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: "
)
_XSD_STRING = str(XSD.string)
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_G = ox.Variable("g")
_GRAPH_HOLDS_DATA = "ASK { GRAPH ?g { ?s ?p ?o } }"
_GRAPH_SIZE = "SELECT (COUNT(*) AS ?n) ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_GRAPH_SIZES = """
SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g
"""
_CLASS_SIZES = """
SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c
"""


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """An Oxigraph term as the rdflib term that crosses the repository seam.

    >>> to_rdflib(ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    rdflib.term.Literal('3', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise QueryEvaluationError("RDF-star quoted triples are not supported in results")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as an Oxigraph term.

    >>> to_oxigraph(Literal("Budapest", lang="hu"))
    <Literal value=Budapest language=hu>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is None or str(term.datatype) in (_XSD_STRING, _RDF_LANG_STRING):
        return ox.Literal(str(term))
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))


def _graph_node(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if graph is None else ox.NamedNode(graph)


def _rdf_syntax_error(error: SyntaxError, source: str) -> RdfSyntaxError:
    line = getattr(error, "lineno", None)
    column = getattr(error, "offset", None)
    message = error.msg if getattr(error, "msg", None) else str(error)
    # The location goes into Location; keep only what went wrong in the message.
    message = _PARSER_POSITION.sub("", message) or message
    return RdfSyntaxError(message, Location(source, line, column))


def _sparql_syntax_error(error: SyntaxError, source: str) -> SparqlSyntaxError:
    text = str(error)
    match = _SPARQL_POSITION.search(text)
    if match:
        message = text[match.end() :].lstrip(": ") or text
        return SparqlSyntaxError(message, Location(source, int(match[1]), int(match[2])))
    return SparqlSyntaxError(text, Location(source))


class _CountingReader(io.RawIOBase):
    """A binary reader that tells ``progress`` how many bytes each read returned."""

    def __init__(self, inner: BinaryIO, progress: Progress) -> None:
        self._inner = inner
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        if size:
            self._progress(size)
        return size


def _open_binary(path: Path) -> BinaryIO:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


class _OxSelect(SelectResult):
    def __init__(self, solutions: ox.QuerySolutions) -> None:
        self._solutions = solutions
        self.variables = [v.value for v in solutions.variables]

    def rows(self) -> Iterator[tuple[Node | None, ...]]:
        width = len(self.variables)
        for solution in self._solutions:
            yield tuple(
                None if solution[i] is None else to_rdflib(solution[i]) for i in range(width)
            )

    def serialize(self, out: BinaryIO, fmt: ResultFormat | RdfFormat) -> None:
        if not isinstance(fmt, ResultFormat):
            raise UnknownFormatError(f"SELECT results cannot be written as {fmt.name}")
        self._solutions.serialize(out, _RESULT_FORMATS[fmt])


class _OxAsk(AskResult):
    def __init__(self, boolean: ox.QueryBoolean) -> None:
        self._boolean = boolean
        self.value = bool(boolean)

    def serialize(self, out: BinaryIO, fmt: ResultFormat | RdfFormat) -> None:
        if not isinstance(fmt, ResultFormat):
            raise UnknownFormatError(f"ASK results cannot be written as {fmt.name}")
        self._boolean.serialize(out, _RESULT_FORMATS[fmt])


class _OxGraph(GraphResult):
    def __init__(self, triples: ox.QueryTriples) -> None:
        self._triples = triples

    def triples(self) -> Iterator[Triple]:
        for t in self._triples:
            yield (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))

    def serialize(self, out: BinaryIO, fmt: ResultFormat | RdfFormat) -> None:
        if not isinstance(fmt, RdfFormat):
            raise UnknownFormatError(f"a graph cannot be written as {fmt.name} results")
        self._triples.serialize(out, _RDF_FORMATS[fmt])


class OxigraphRepository(Repository):
    """A repository backed by an embedded Oxigraph store.

    Create one with :meth:`open` (on disk, durable) or :meth:`in_memory` (for tests and tools).
    Only one process may open a given directory for writing at a time.
    """

    def __init__(self, store: ox.Store, path: Path | None) -> None:
        self._store = store
        self.path = path

    @classmethod
    def open(cls, path: Path) -> OxigraphRepository:
        """Open (creating if needed) the on-disk store in directory ``path``.

        ``StoreError`` when another process holds it or it cannot be created."""
        try:
            path.mkdir(parents=True, exist_ok=True)
            return cls(ox.Store(str(path)), path)
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreError(
                    f"the data directory {path} is in use by another r2p-graph process"
                ) from error
            raise StoreError(f"cannot open the store in {path}: {error}") from error

    @classmethod
    def in_memory(cls) -> OxigraphRepository:
        """A new, empty store that lives in memory only."""
        return cls(ox.Store(), None)

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
        to_graph = None if fmt.is_dataset or graph is None else ox.NamedNode(graph)
        before = self.count()
        try:
            if isinstance(source, Path):
                if not source.is_file():
                    raise MissingInputError(f"no such file: {source}")
                with _open_binary(source) as stream:
                    self._store.load(
                        stream, _RDF_FORMATS[fmt], base_iri=base_iri, to_graph=to_graph
                    )
            else:
                self._store.load(source, _RDF_FORMATS[fmt], base_iri=base_iri, to_graph=to_graph)
        except SyntaxError as error:
            raise _rdf_syntax_error(error, name) from error
        except (OSError, ValueError) as error:
            raise RdfSyntaxError(str(error), Location(name)) from error
        return self.count() - before

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
        :meth:`load` is used instead (it keeps the file's triples in memory until commit).
        """
        if not path.is_file():
            raise MissingInputError(f"no such file: {path}")
        targets = self._scan_graphs(path, fmt) if fmt.is_dataset else {graph}
        if any(self._holds_data(g) for g in targets):
            added = self.load(path, fmt, graph=graph)
            if progress:
                progress(path.stat().st_size)
            return added
        before = self.count()
        to_graph = None if fmt.is_dataset or graph is None else ox.NamedNode(graph)
        try:
            with _open_binary(path) as raw:
                stream: BinaryIO = raw
                if progress is not None:
                    stream = io.BufferedReader(_CountingReader(raw, progress), 1 << 20)
                self._store.bulk_load(stream, _RDF_FORMATS[fmt], to_graph=to_graph)
        except (SyntaxError, OSError, ValueError) as error:
            for target in targets:
                self._clear(target)
            if isinstance(error, SyntaxError):
                raise _rdf_syntax_error(error, str(path)) from error
            raise RdfSyntaxError(str(error), Location(str(path))) from error
        return self.count() - before

    def _scan_graphs(self, path: Path, fmt: RdfFormat) -> set[str | None]:
        """The graphs a dataset file writes to; also proves the file parses."""
        graphs: set[str | None] = set()
        try:
            with _open_binary(path) as stream:
                for quad in ox.parse(stream, _RDF_FORMATS[fmt]):
                    g = quad.graph_name
                    graphs.add(None if isinstance(g, ox.DefaultGraph) else str(g.value))
        except SyntaxError as error:
            raise _rdf_syntax_error(error, str(path)) from error
        return graphs

    def _holds_data(self, graph: str | None) -> bool:
        if graph is None:
            return self._default_graph_size() > 0
        return bool(self._store.query(_GRAPH_HOLDS_DATA, substitutions={_G: ox.NamedNode(graph)}))

    def _clear(self, graph: str | None) -> None:
        if graph is None:
            self._store.clear_graph(ox.DefaultGraph())
        else:
            self._store.remove_graph(ox.NamedNode(graph))

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        try:
            self._store.update(sparql, base_iri=base_iri)
        except SyntaxError as error:
            raise _sparql_syntax_error(error, "update") from error
        except (OSError, RuntimeError, ValueError) as error:
            raise QueryEvaluationError(str(error)) from error

    def add(self, quads: Iterable[Quad] | Sequence[Quad]) -> int:
        before = self.count()
        self._store.extend(
            ox.Quad(
                to_oxigraph(s),  # type: ignore[arg-type]
                to_oxigraph(p),  # type: ignore[arg-type]
                to_oxigraph(o),
                _graph_node(None if g is None else str(g)),
            )
            for s, p, o, g in quads
        )
        return self.count() - before

    def drop_graph(self, graph: str) -> None:
        self._store.remove_graph(ox.NamedNode(graph))

    # -- reading ---------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        dataset: QueryDataset | None = None,
        bindings: Mapping[str, Node] | None = None,
        base_iri: str | None = None,
    ) -> SelectResult | _OxAsk | GraphResult:
        dataset = dataset or QueryDataset()
        options: dict[str, object] = {}
        if dataset.union_default:
            options["use_default_graph_as_union"] = True
        else:
            options["default_graph"] = [_graph_node(g) for g in dataset.default_graphs or ()]
        if dataset.named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
        if bindings:
            options["substitutions"] = {
                ox.Variable(name): to_oxigraph(value) for name, value in bindings.items()
            }
        try:
            result = self._store.query(sparql, base_iri=base_iri, **options)  # type: ignore[arg-type]
        except SyntaxError as error:
            raise _sparql_syntax_error(error, "query") from error
        except (OSError, RuntimeError, ValueError) as error:
            raise QueryEvaluationError(str(error)) from error
        if isinstance(result, ox.QuerySolutions):
            return _OxSelect(result)
        if isinstance(result, ox.QueryBoolean):
            return _OxAsk(result)
        return _OxGraph(result)

    def named_graphs(self) -> list[str]:
        return sorted(g.graph for g in self._graph_sizes() if g.graph is not None)

    def count(self, graph: str | None = None) -> int:
        if graph is not None:
            return _single_int(
                self._store.query(_GRAPH_SIZE, substitutions={_G: ox.NamedNode(graph)})
            )
        return sum(g.triples for g in self._graph_sizes())

    def _default_graph_size(self) -> int:
        solutions = self._store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=ox.DefaultGraph()
        )
        return _single_int(solutions)

    def _graph_sizes(self) -> list[GraphCount]:
        sizes = [
            GraphCount(str(row[0].value), int(row[1].value))
            for row in self._store.query(_GRAPH_SIZES)  # type: ignore[union-attr]
        ]
        default = self._default_graph_size()
        if default:
            sizes.insert(0, GraphCount(None, default))
        return sizes

    def dump(self, out: BinaryIO, fmt: RdfFormat, *, graph: str | None = None) -> None:
        if graph is not None:
            self._store.dump(out, _RDF_FORMATS[fmt], from_graph=ox.NamedNode(graph))
        elif fmt in (RdfFormat.N_QUADS, RdfFormat.TRIG):
            self._store.dump(out, _RDF_FORMATS[fmt])
        else:
            # A triple format holds one graph: write the union, graph names dropped.
            triples = (q.triple for q in self._store.quads_for_pattern(None, None, None))
            ox.serialize(triples, out, _RDF_FORMATS[fmt])

    def stats(self) -> StoreStats:
        classes = [
            (str(row[0].value), int(row[1].value))
            for row in self._store.query(  # type: ignore[union-attr]
                _CLASS_SIZES, use_default_graph_as_union=True
            )
            if isinstance(row[0], ox.NamedNode)
        ]
        return StoreStats(graphs=self._graph_sizes(), classes=classes)

    def optimize(self) -> None:
        """Compact the on-disk indexes (slow; makes later reads faster)."""
        self._store.optimize()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._store.flush()
        del self._store


def _single_int(solutions: object) -> int:
    for row in solutions:  # type: ignore[attr-defined]
        return int(row[0].value)
    return 0


def check_syntax(path: Path, fmt: RdfFormat) -> int:
    """Read an RDF file through once without storing it; return how many quads it holds.

    ``RdfSyntaxError`` with line and column at the first error, ``MissingInputError`` when the
    file does not exist. Memory stays flat whatever the file's size.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".nt") as f:
    ...     _ = f.write(b"<http://a> <http://b> <http://c> .\\n"); f.flush()
    ...     check_syntax(Path(f.name), RdfFormat.N_TRIPLES)
    1
    """
    if not path.is_file():
        raise MissingInputError(f"no such file: {path}")
    count = 0
    try:
        with _open_binary(path) as stream:
            for _ in ox.parse(stream, _RDF_FORMATS[fmt]):
                count += 1
    except SyntaxError as error:
        raise _rdf_syntax_error(error, str(path)) from error
    return count
