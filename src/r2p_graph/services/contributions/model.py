"""What a contribution is: its identity, the graphs it lives in, its status and its metadata.

A contribution's triples live in the named graph ``graph/contribution/<id>``; its provenance (a
PROV-O entity) in the system graph ``graph/contributions``; its visibility, when it is not public,
in the system graph ``graph/access``.

>>> contribution_graph("0af3")
'https://w3id.org/r2p-graph/graph/contribution/0af3'
>>> ContributionStatus.WITHDRAWN.iri
rdflib.term.URIRef('https://w3id.org/r2p-graph/ontology#withdrawn')
>>> Visibility.named("partners").iri
rdflib.term.URIRef('https://w3id.org/r2p-graph/ontology#PartnersOnly')
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from enum import StrEnum

from rdflib import Namespace
from rdflib.term import URIRef

from r2p_graph.errors import InputError
from r2p_graph.ontology.namespaces import GRAPH_BASE, ID_BASE, R2P
from r2p_graph.services.visibility import Visibility

CONTRIBUTIONS_GRAPH = GRAPH_BASE + "contributions"
"""The system graph holding the provenance of every contribution."""
ACCESS_GRAPH = GRAPH_BASE + "access"
"""The system graph holding the visibility of the graphs that are not public."""
CONTRIBUTION_GRAPH_BASE = GRAPH_BASE + "contribution/"
CONTRIBUTION_BASE = ID_BASE + "contribution/"
CONTRIBUTOR_BASE = ID_BASE + "contributor/"
GENID_BASE = "https://w3id.org/r2p-graph/.well-known/genid/"
"""Blank nodes of a contribution are stored as IRIs under this base (RDF 1.1 skolem IRIs), so
that replaying the log rebuilds the very same terms."""

PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
VOID = Namespace("http://rdfs.org/ns/void#")

_ID = re.compile(r"^[0-9a-f]{32}$")
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9._~-]+")


def new_contribution_id() -> str:
    """A fresh, URL-safe, opaque contribution id (32 hex digits)."""
    return uuid.uuid4().hex


def checked_id(text: str) -> str:
    """``text`` if it is a contribution id; ``InputError`` otherwise.

    >>> checked_id("x")
    Traceback (most recent call last):
    ...
    r2p_graph.errors.InputError: not a contribution id: 'x' (32 hexadecimal digits)
    """
    if not _ID.match(text):
        raise InputError(f"not a contribution id: {text!r} (32 hexadecimal digits)")
    return text


def contribution_graph(contribution_id: str) -> str:
    """The named graph holding the triples of a contribution."""
    return CONTRIBUTION_GRAPH_BASE + contribution_id


def contribution_iri(contribution_id: str) -> URIRef:
    """The IRI of a contribution as a PROV-O entity."""
    return URIRef(CONTRIBUTION_BASE + contribution_id)


def contributor_iri(token_name: str) -> URIRef:
    """The IRI of the agent behind a token (its name, made safe for an IRI)."""
    slug = _SLUG_UNSAFE.sub("-", token_name).strip("-") or "unnamed"
    return URIRef(CONTRIBUTOR_BASE + slug)


def id_of_graph(graph: str) -> str | None:
    """The contribution id of a contribution graph IRI, else ``None``.

    >>> id_of_graph(contribution_graph("0" * 32)) == "0" * 32, id_of_graph(ACCESS_GRAPH)
    (True, None)
    """
    if not graph.startswith(CONTRIBUTION_GRAPH_BASE):
        return None
    rest = graph.removeprefix(CONTRIBUTION_GRAPH_BASE)
    return rest if _ID.match(rest) else None


class ContributionStatus(StrEnum):
    """Where a contribution stands: in the graph, or taken out by a curator."""

    ACCEPTED = "accepted"
    REPLACED = "replaced"
    WITHDRAWN = "withdrawn"

    @property
    def iri(self) -> URIRef:
        """The ontology individual for this status."""
        return R2P[self.value]


class ChangeKind(StrEnum):
    """What one entry of the change log did."""

    ADDED = "added"
    REPLACED = "replaced"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a contributor says about the data: where it comes from and under which licence."""

    source: str | None = None
    licence: str | None = None
    organisation: str | None = None
    visibility: Visibility = Visibility.PUBLIC
    media_type: str = "text/turtle"


@dataclass(frozen=True, slots=True)
class ContributionRecord:
    """A contribution as its provenance describes it."""

    id: str
    sequence: int
    status: ContributionStatus
    contributor: str
    organisation: str | None
    time: str
    source: str | None
    licence: str | None
    visibility: Visibility
    triples: int
    media_type: str
    revision_of: str | None = None
    invalidated: str | None = None

    @property
    def graph(self) -> str:
        """The named graph holding its triples (empty once withdrawn or replaced)."""
        return contribution_graph(self.id)

    def as_json(self) -> dict[str, object]:
        """A JSON object for the HTTP API and the CLI."""
        return {
            "id": self.id,
            "iri": str(contribution_iri(self.id)),
            "graph": self.graph,
            "sequence": self.sequence,
            "status": self.status.value,
            "contributor": self.contributor,
            "organisation": self.organisation,
            "time": self.time,
            "source": self.source,
            "licence": self.licence,
            "visibility": self.visibility.value,
            "triples": self.triples,
            "mediaType": self.media_type,
            "revisionOf": self.revision_of,
            "invalidated": self.invalidated,
        }
