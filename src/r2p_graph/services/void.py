"""The VoID and DCAT description of the whole dataset: what it holds, under which licences,
where its SPARQL endpoint and dumps are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from r2p_graph.ontology.bundle import source_named
from r2p_graph.ontology.namespaces import (
    BASE,
    ID_BASE,
    PREFIXES,
    R2P,
)
from r2p_graph.services.description import (
    CLASS_LABELS,
    Description,
    choose_labels,
    select_rows,
)
from r2p_graph.store import QueryDataset, RdfFormat, Repository, StoreStats
from r2p_graph.store.repository import GraphCount

SD: Final = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID: Final = Namespace("http://rdfs.org/ns/void#")
DCAT: Final = Namespace("http://www.w3.org/ns/dcat#")
_INTEGER: Final = URIRef("http://www.w3.org/2001/XMLSchema#integer")
_IANA: Final = Namespace("https://www.iana.org/assignments/media-types/")
CC_BY: Final = URIRef("https://creativecommons.org/licenses/by/4.0/")
ODBL: Final = URIRef("https://opendatacommons.org/licenses/odbl/1-0/")

_DESCRIPTION = (
    "A knowledge graph of the people and institutions who work to prevent genocide and mass "
    "atrocities: the agreements that bind them, the programmes and events they run, the "
    "countries at risk, and the responses they plan."
)
_RIGHTS = (
    "CC BY 4.0, except the country data (named graph "
    "https://w3id.org/r2p-graph/graph/countries), which is offered under ODbL 1.0 because it "
    "draws on the npm package world-countries (ODbL)."
)
_DUMP_TITLES: Final = {
    RdfFormat.N_QUADS: "N-Quads (every named graph)",
    RdfFormat.TURTLE: "Turtle (the union of the named graphs)",
}
_SUBSET_LICENSES: Final[Mapping[str, URIRef]] = {
    source_named(name).graph: terms
    for name, terms in (
        ("ontology", CC_BY),
        ("indicators", CC_BY),
        ("steps", CC_BY),
        ("countries", ODBL),
    )
}
"""The licences the bundled files declare (the countries' is ODbL, see data/sources)."""


@dataclass(frozen=True, slots=True)
class DatasetLinks:
    """Where the service publishes the dataset: its VoID document, SPARQL endpoint and dumps."""

    void: str
    sparql: str
    dumps: Sequence[tuple[RdfFormat, str]]


def describe_dataset(
    repo: Repository, links: DatasetLinks, *, dataset: QueryDataset | None = None
) -> Description:
    """The VoID and DCAT description of the dataset in ``repo``, as served at ``links``: title,
    licence, triples in all and per named graph (one ``void:subset`` each), instances per
    class (``void:classPartition``), SPARQL endpoint and dumps; with the labels of the
    classes for display. Counted over ``dataset`` (default: the whole store; a reader's
    readable graphs, see :mod:`r2p_graph.services.visibility`), so that hidden graphs add
    nothing to the counts and are not listed."""
    description = void_graph(dataset_stats(repo, dataset), links)
    candidates = [
        (node, label)
        for node, _, label in select_rows(repo, CLASS_LABELS, dataset=dataset)
        if node is not None and isinstance(label, Literal)
    ]
    labels = {**choose_labels(candidates), **description.labels}
    return Description(description.resource, description.graph, labels)


_GRAPH_SIZES: Final = """
SELECT ?graph (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph ORDER BY ?graph
"""
_TRIPLES: Final = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_CLASS_SIZES: Final = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class FILTER(isIRI(?class)) }
GROUP BY ?class ORDER BY DESC(?n) ?class
"""


def dataset_stats(repo: Repository, dataset: QueryDataset | None) -> StoreStats:
    """Triples per graph and instances per class of ``dataset``: its named graphs, and its
    default graph counted as the store's default graph (``None``: the whole store).

    >>> from r2p_graph.store import OxigraphRepository
    >>> repo = OxigraphRepository.in_memory()
    >>> _ = repo.load(b"<http://e/a> a <http://e/C> .", RdfFormat.TURTLE, graph="http://e/g")
    >>> _ = repo.load(b"<http://e/b> a <http://e/C> .", RdfFormat.TURTLE, graph="http://e/h")
    >>> stats = dataset_stats(repo, QueryDataset(default_graphs=(None, "http://e/g"),
    ...                                         named_graphs=("http://e/g",)))
    >>> stats.total_triples, stats.classes
    (1, [('http://e/C', 1)])
    """
    if dataset is None:
        return repo.stats()
    # A view (the reader's graphs only) stays the view whatever part of it is counted.
    named = QueryDataset(default_graphs=(), named_graphs=dataset.named_graphs, view=dataset.view)
    graphs = [
        GraphCount(str(graph), int(str(count)))
        for graph, count in select_rows(repo, _GRAPH_SIZES, dataset=named)
        if graph is not None and count is not None
    ]
    own_default = QueryDataset(default_graphs=(None,), named_graphs=(), view=dataset.view)
    if dataset.default_graphs is None or None in dataset.default_graphs:
        for (count,) in select_rows(repo, _TRIPLES, dataset=own_default):
            if count is not None and int(str(count)):
                graphs.insert(0, GraphCount(None, int(str(count))))
    classes = [
        (str(cls), int(str(count)))
        for cls, count in select_rows(repo, _CLASS_SIZES, dataset=dataset)
        if cls is not None and count is not None
    ]
    return StoreStats(graphs=graphs, classes=classes)


def void_graph(stats: StoreStats, links: DatasetLinks) -> Description:
    """The VoID and DCAT description of a dataset whose size is ``stats``, as served at
    ``links`` (see :func:`describe_dataset`)."""
    graph = Graph()
    for name, uri in {
        **PREFIXES,
        "void": str(VOID),
        "dcat": str(DCAT),
        "sd": str(SD),
    }.items():
        graph.bind(name, uri)
    dataset = URIRef(links.void + "#dataset")
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal("r2p-graph", lang="en")))
    add((dataset, RDFS.label, Literal("r2p-graph", lang="en")))
    add((dataset, DCTERMS.description, Literal(_DESCRIPTION, lang="en")))
    add((dataset, DCTERMS.license, CC_BY))
    add((dataset, DCTERMS.rights, Literal(_RIGHTS, lang="en")))
    add((dataset, DCAT.landingPage, URIRef(BASE)))
    add((dataset, VOID.uriSpace, Literal(ID_BASE)))
    add((dataset, VOID.vocabulary, URIRef(str(R2P))))
    add((dataset, VOID.triples, Literal(stats.total_triples, datatype=_INTEGER)))
    add((dataset, VOID.sparqlEndpoint, URIRef(links.sparql)))
    service = URIRef(links.sparql)
    add((service, RDF.type, DCAT.DataService))
    add((service, DCAT.endpointURL, service))
    add((service, DCAT.servesDataset, dataset))
    add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    for fmt, url in links.dumps:
        dump = URIRef(url)
        add((dataset, VOID.dataDump, dump))
        distribution = URIRef(f"{links.void}#dump-{fmt.extension}")
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        title = f"The whole store as gzip-compressed {_DUMP_TITLES.get(fmt, fmt.name)}"
        add((distribution, DCTERMS.title, Literal(title, lang="en")))
        add((distribution, DCAT.downloadURL, dump))
        add((distribution, DCAT.accessURL, dump))
        add((distribution, DCAT.mediaType, _IANA[fmt.media_type]))
        add((distribution, DCAT.compressFormat, _IANA["application/gzip"]))
        add((distribution, DCTERMS.rights, Literal(_RIGHTS, lang="en")))
    for index, (cls, entities) in enumerate(stats.classes, start=1):
        partition = URIRef(f"{links.void}#class-{index:03d}")
        add((dataset, VOID.classPartition, partition))
        add((partition, VOID["class"], URIRef(cls)))
        add((partition, VOID.entities, Literal(entities, datatype=_INTEGER)))
    for count in stats.graphs:
        if count.graph is None:
            continue
        subset = URIRef(count.graph)
        add((dataset, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, SD.name, subset))
        add((subset, VOID.triples, Literal(count.triples, datatype=_INTEGER)))
        if count.graph in _SUBSET_LICENSES:
            add((subset, DCTERMS.license, _SUBSET_LICENSES[count.graph]))
    return Description(dataset, graph, {dataset: "r2p-graph"})


# -- the dump ---------------------------------------------------------------------------------
