"""Reading RDF files with Oxigraph's parsers, and turning their errors into r2p-graph's.

>>> import tempfile
>>> with tempfile.NamedTemporaryFile(suffix=".nt") as f:
...     _ = f.write(b"<http://a> <http://b> <http://c> .\\n"); f.flush()
...     check_syntax(Path(f.name), RdfFormat.N_TRIPLES)
1
"""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from r2p_graph.errors import Location, MissingInputError, RdfSyntaxError, SparqlSyntaxError
from r2p_graph.store.formats import RdfFormat
from r2p_graph.store.repository import Progress, Triple
from r2p_graph.store.terms import RDF_FORMATS, to_rdflib

_SPARQL_POSITION = re.compile(r"error at (\d+):(\d+)")
_PARSER_POSITION = re.compile(
    r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: "
)


def rdf_syntax_error(error: SyntaxError, source: str) -> RdfSyntaxError:
    """Oxigraph's parse error as an ``RdfSyntaxError`` naming ``source``, line and column."""
    line = getattr(error, "lineno", None)
    column = getattr(error, "offset", None)
    message = error.msg if getattr(error, "msg", None) else str(error)
    # The location goes into Location; keep only what went wrong in the message.
    message = _PARSER_POSITION.sub("", message) or message
    return RdfSyntaxError(message, Location(source, line, column))


def sparql_syntax_error(error: SyntaxError, source: str) -> SparqlSyntaxError:
    """Oxigraph's SPARQL parse error (``error at L:C: ...``) as a ``SparqlSyntaxError``."""
    text = str(error)
    match = _SPARQL_POSITION.search(text)
    if match:
        message = text[match.end() :].lstrip(": ") or text
        return SparqlSyntaxError(message, Location(source, int(match[1]), int(match[2])))
    return SparqlSyntaxError(text, Location(source))


class CountingReader(io.RawIOBase):
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


def open_binary(path: Path) -> BinaryIO:
    """Open a file for reading bytes, decompressing it when its name ends in ``.gz``."""
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def check_syntax(path: Path, fmt: RdfFormat) -> int:
    """Read an RDF file through once without storing it; return how many quads it holds.

    ``RdfSyntaxError`` with line and column at the first error, ``MissingInputError`` when the
    file does not exist. Memory stays flat whatever the file's size.

    """
    if not path.is_file():
        raise MissingInputError(f"no such file: {path}")
    count = 0
    try:
        with open_binary(path) as stream:
            for _ in ox.parse(stream, RDF_FORMATS[fmt]):
                count += 1
    except SyntaxError as error:
        raise rdf_syntax_error(error, str(path)) from error
    return count


def parse_quads(
    source: Path | bytes | BinaryIO,
    fmt: RdfFormat,
    *,
    graph: str | None = None,
    base_iri: str | None = None,
    source_name: str = "input",
) -> list[ox.Quad]:
    """Parse a whole document into quads held in memory, so that one write can be applied to
    two stores with the same blank nodes. Triple formats go into ``graph`` (``None``: default
    graph). Blank nodes get fresh identifiers, distinct from those of every other document.

    >>> [str(q.graph_name) for q in parse_quads(b"<http://a> <http://b> 1 .", RdfFormat.TURTLE,
    ...                                             graph="http://g")]
    ['<http://g>']
    """
    target = None if fmt.is_dataset or graph is None else ox.NamedNode(graph)
    try:
        if isinstance(source, Path):
            if not source.is_file():
                raise MissingInputError(f"no such file: {source}")
            with open_binary(source) as stream:
                quads = _read_quads(stream, fmt, base_iri)
        else:
            quads = _read_quads(source, fmt, base_iri)
    except SyntaxError as error:
        raise rdf_syntax_error(error, source_name) from error
    except (OSError, ValueError) as error:
        raise RdfSyntaxError(str(error), Location(source_name)) from error
    if target is None:
        return quads
    return [ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]


def read_triples(
    source: Path | bytes | BinaryIO,
    fmt: RdfFormat,
    *,
    source_name: str = "input",
    base_iri: str | None = None,
) -> list[Triple]:
    """The triples of one document (graph names dropped) as rdflib terms, without a store.

    >>> [str(t[2]) for t in read_triples(b"<http://a> <http://b> 'c' .", RdfFormat.TURTLE)]
    ['c']
    """
    quads = parse_quads(source, fmt, source_name=source_name, base_iri=base_iri)
    return [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in quads]


def _read_quads(source: bytes | BinaryIO, fmt: RdfFormat, base_iri: str | None) -> list[ox.Quad]:
    parser = ox.parse(source, RDF_FORMATS[fmt], base_iri=base_iri, rename_blank_nodes=True)
    return list(parser)
