"""An rdflib graph that parses each SPARQL query once per process, for pySHACL.

pySHACL runs each SPARQL-based constraint of the shapes (``sh:sparql``) as query text once per
focus node, and rdflib parses query text every time it is asked: about 40 % of validating a
contribution of a thousand triples, and about 90 % of validating a whole graph (110 s of pySHACL
at 30,000 triples, of which 95 s in the parser, against 11 s with prepared queries). Given a
:class:`PreparedQueryGraph` as data graph, the same texts are parsed once and the prepared
queries reused with new bindings, which is how rdflib's ``prepareQuery`` is meant to be used.
:func:`prepared_view` gives one over the triples of any graph, without copying them.

>>> graph = PreparedQueryGraph()
>>> _ = graph.add((URIRef("http://e/a"), URIRef("http://e/p"), URIRef("http://e/b")))
>>> [str(row[0]) for row in graph.query("SELECT ?o WHERE { ?s ?p ?o }")]
['http://e/b']
>>> len(_prepared) >= 1
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rdflib import Graph
from rdflib.plugins.sparql.processor import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import URIRef

__all__ = ["PreparedQueryGraph", "URIRef", "prepared_view"]

_prepared: dict[tuple[str, tuple[tuple[str, str], ...]], Query] = {}
_MAX_PREPARED = 512


class PreparedQueryGraph(Graph):
    """A graph whose :meth:`query` prepares query strings once and reuses them."""

    def query(  # type: ignore[override] # noqa: PLR0917 (rdflib's positional signature)
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's name)
        initBindings: Mapping[str, Any] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        """As :meth:`rdflib.Graph.query`, with query strings prepared once per process."""
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            key = (query_object, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            prepared = _prepared.get(key)
            if prepared is None:
                prepared = prepareQuery(query_object, initNs=dict(initNs or {}))
                if len(_prepared) < _MAX_PREPARED:
                    _prepared[key] = prepared
            query_object = prepared
            initNs = None  # noqa: N806 (already applied when preparing)
        return super().query(
            query_object,
            processor,
            result,
            initNs,
            initBindings,
            use_store_provided,
            **kwargs,
        )


def prepared_view(graph: Graph) -> PreparedQueryGraph:
    """``graph`` itself if it is a :class:`PreparedQueryGraph`, else one over the same store
    and identifier: the same triples, not a copy (what is added to one is in the other).

    >>> plain = Graph()
    >>> view = prepared_view(plain)
    >>> _ = view.add((URIRef("http://e/a"), URIRef("http://e/p"), URIRef("http://e/b")))
    >>> len(plain), prepared_view(view) is view
    (1, True)
    """
    if isinstance(graph, PreparedQueryGraph):
        return graph
    return PreparedQueryGraph(
        store=graph.store, identifier=graph.identifier, namespace_manager=graph.namespace_manager
    )
