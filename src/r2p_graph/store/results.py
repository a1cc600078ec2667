"""Query results of the Oxigraph backend, behind the repository's result interfaces."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import pyoxigraph as ox

from r2p_graph.errors import UnknownFormatError
from r2p_graph.store.formats import RdfFormat, ResultFormat
from r2p_graph.store.repository import AskResult, GraphResult, Node, SelectResult, Triple
from r2p_graph.store.terms import RDF_FORMATS, RESULT_FORMATS, to_rdflib


class OxSelect(SelectResult):
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
        self._solutions.serialize(out, RESULT_FORMATS[fmt])


class OxAsk(AskResult):
    def __init__(self, boolean: ox.QueryBoolean) -> None:
        self._boolean = boolean
        self.value = bool(boolean)

    def serialize(self, out: BinaryIO, fmt: ResultFormat | RdfFormat) -> None:
        if not isinstance(fmt, ResultFormat):
            raise UnknownFormatError(f"ASK results cannot be written as {fmt.name}")
        self._boolean.serialize(out, RESULT_FORMATS[fmt])


class OxGraph(GraphResult):
    def __init__(self, triples: ox.QueryTriples) -> None:
        self._triples = triples

    def triples(self) -> Iterator[Triple]:
        for t in self._triples:
            yield (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))

    def serialize(self, out: BinaryIO, fmt: ResultFormat | RdfFormat) -> None:
        if not isinstance(fmt, RdfFormat):
            raise UnknownFormatError(f"a graph cannot be written as {fmt.name} results")
        self._triples.serialize(out, RDF_FORMATS[fmt])
