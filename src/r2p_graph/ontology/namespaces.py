"""The IRIs r2p-graph mints and the named graphs it keeps data in.

All IRIs live under one stable base, ``https://w3id.org/r2p-graph/``:

* ``ontology#``      classes, properties and code lists (``R2P``)
* ``vocab/...``      the indicator framework and the continuum of steps
* ``id/...``         things described in the graph (countries, organisations, ...)
* ``graph/...``      the named graphs that hold each source

>>> R2P.Organization
rdflib.term.URIRef('https://w3id.org/r2p-graph/ontology#Organization')
>>> graph_iri("countries")
'https://w3id.org/r2p-graph/graph/countries'
>>> local_iri("organization", "budapest-centre")
'https://w3id.org/r2p-graph/id/organization/budapest-centre'
"""

from __future__ import annotations

import re
from typing import Final

from rdflib import Namespace

BASE: Final = "https://w3id.org/r2p-graph/"
ONTOLOGY_IRI: Final = BASE + "ontology"
ID_BASE: Final = BASE + "id/"
GRAPH_BASE: Final = BASE + "graph/"

R2P: Final = Namespace(BASE + "ontology#")
FRAMEWORK: Final = Namespace(BASE + "vocab/framework/")
QUANTITATIVE: Final = Namespace(BASE + "vocab/quantitative/")
STEPS: Final = Namespace(BASE + "vocab/steps/")
ID: Final = Namespace(ID_BASE)

ORG: Final = Namespace("http://www.w3.org/ns/org#")
GEO: Final = Namespace("http://www.opengis.net/ont/geosparql#")
SF: Final = Namespace("http://www.opengis.net/ont/sf#")
QB: Final = Namespace("http://purl.org/linked-data/cube#")
WIKIDATA: Final = Namespace("http://www.wikidata.org/entity/")

PREFIXES: Final[dict[str, str]] = {
    "r2p": str(R2P),
    "fa": str(FRAMEWORK),
    "qi": str(QUANTITATIVE),
    "step": str(STEPS),
    "id": ID_BASE,
    "org": str(ORG),
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "geo": str(GEO),
    "sf": str(SF),
    "qb": str(QB),
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": str(WIKIDATA),
}

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def graph_iri(name: str) -> str:
    """The IRI of the named graph that holds the source called ``name``.

    >>> graph_iri("synthetic")
    'https://w3id.org/r2p-graph/graph/synthetic'
    """
    if not _SLUG.match(name):
        raise ValueError(f"not a valid graph name: {name!r}")
    return GRAPH_BASE + name


def local_iri(kind: str, slug: str) -> str:
    """The IRI r2p-graph mints for a thing of ``kind`` (``organization``, ``country``, ...).

    >>> local_iri("country", "HU")
    'https://w3id.org/r2p-graph/id/country/HU'
    """
    if not (_SLUG.match(kind) and _SLUG.match(slug)):
        raise ValueError(f"not a valid local IRI part: {kind!r}/{slug!r}")
    return f"{ID_BASE}{kind}/{slug}"
