"""What data is validated against: the things it may refer to, looked up one node at a time.

Validation needs only the neighbourhood of the data (see :mod:`r2p_graph.services.validation`),
so a context answers two small questions instead of handing over a whole graph: how is this node
described, and which triples use this predicate. A context can be an rdflib graph (the bundled
files), a repository (the store, however large) or several of these together.

>>> from rdflib import Graph, URIRef
>>> graph = Graph().parse(data="<http://e/a> <http://e/p> 1 .", format="turtle")
>>> len(list(GraphContext(graph).describe(URIRef("http://e/a"))))
1
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from rdflib import Graph
from rdflib.term import URIRef

from r2p_graph.store import Repository, SelectResult
from r2p_graph.store.repository import Triple

_BY_SUBJECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
_BY_PREDICATE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


class ValidationContext(Protocol):
    """The things data may refer to."""

    def describe(self, node: URIRef) -> Iterable[Triple]:
        """Every triple whose subject is ``node``."""
        ...

    def with_predicate(self, predicate: URIRef) -> Iterable[Triple]:
        """Every triple whose predicate is ``predicate``."""
        ...


class GraphContext:
    """A context held in an rdflib graph."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph

    def describe(self, node: URIRef) -> Iterable[Triple]:
        """Every triple of the graph about ``node``."""
        return self._graph.triples((node, None, None))  # type: ignore[return-value]

    def with_predicate(self, predicate: URIRef) -> Iterable[Triple]:
        """Every triple of the graph using ``predicate``."""
        return self._graph.triples((None, predicate, None))  # type: ignore[return-value]


class RepositoryContext:
    """A context read from a repository (all its graphs), one small query per question."""

    def __init__(self, repo: Repository) -> None:
        self._repo = repo

    def describe(self, node: URIRef) -> Iterable[Triple]:
        """Every triple in the store about ``node``."""
        return self._rows(_BY_SUBJECT, "s", node)

    def with_predicate(self, predicate: URIRef) -> Iterable[Triple]:
        """Every triple in the store using ``predicate``."""
        return self._rows(_BY_PREDICATE, "p", predicate)

    def _rows(self, query: str, variable: str, value: URIRef) -> Iterator[Triple]:
        result = self._repo.query(query, bindings={variable: value})
        assert isinstance(result, SelectResult)
        for s, p, o in result.rows():
            if s is not None and p is not None and o is not None:
                yield (s, p, o)


class CombinedContext:
    """Several contexts read as one (their union)."""

    def __init__(self, *contexts: ValidationContext) -> None:
        self._contexts = contexts

    def describe(self, node: URIRef) -> Iterable[Triple]:
        """Every triple about ``node`` in any of the contexts."""
        for context in self._contexts:
            yield from context.describe(node)

    def with_predicate(self, predicate: URIRef) -> Iterable[Triple]:
        """Every triple using ``predicate`` in any of the contexts."""
        for context in self._contexts:
            yield from context.with_predicate(predicate)
