"""Converting between Oxigraph's terms and formats and those r2p-graph uses above the store.

>>> to_rdflib(ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
rdflib.term.Literal('3', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
>>> to_oxigraph(Literal("Budapest", lang="hu"))
<Literal value=Budapest language=hu>
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import XSD
from rdflib.term import BNode, Literal, URIRef

from r2p_graph.errors import QueryEvaluationError
from r2p_graph.store.formats import RdfFormat, ResultFormat
from r2p_graph.store.repository import Node, QueryDataset
from r2p_graph.store.sparql_text import declares_dataset

RDF_FORMATS: dict[RdfFormat, ox.RdfFormat] = {
    RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    RdfFormat.N_QUADS: ox.RdfFormat.N_QUADS,
    RdfFormat.TRIG: ox.RdfFormat.TRIG,
    RdfFormat.RDF_XML: ox.RdfFormat.RDF_XML,
    RdfFormat.JSON_LD: ox.RdfFormat.JSON_LD,
}
RESULT_FORMATS: dict[ResultFormat, ox.QueryResultsFormat] = {
    ResultFormat.JSON: ox.QueryResultsFormat.JSON,
    ResultFormat.XML: ox.QueryResultsFormat.XML,
    ResultFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultFormat.TSV: ox.QueryResultsFormat.TSV,
}
_XSD_STRING = str(XSD.string)
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """An Oxigraph term as the rdflib term that crosses the repository seam."""
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
    """An rdflib term as an Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is None or str(term.datatype) in (_XSD_STRING, _RDF_LANG_STRING):
        return ox.Literal(str(term))
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))


def graph_node(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    """The graph IRI as an Oxigraph graph name; ``None`` is the default graph."""
    return ox.DefaultGraph() if graph is None else ox.NamedNode(graph)


def dataset_options(sparql: str, dataset: QueryDataset) -> dict[str, object]:
    """The keyword arguments of ``Store.query`` that give a query its dataset: a query's own
    ``FROM`` / ``FROM NAMED`` decide it; without them, and without a protocol dataset, the
    default graph is the union of all graphs.

    >>> dataset_options("SELECT * WHERE { ?s ?p ?o }", QueryDataset())
    {'use_default_graph_as_union': True}
    """
    options: dict[str, object] = {}
    if dataset.union_default:
        if not declares_dataset(sparql):
            options["use_default_graph_as_union"] = True
    else:
        options["default_graph"] = [graph_node(g) for g in dataset.default_graphs or ()]
    if dataset.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
    return options
