"""Each contribution as a PROV-O entity: who contributed it, when, from which source, under
which licence, and whether it still stands.

The triples live in the system graph ``graph/contributions``; a non-public contribution's
visibility is recorded in ``graph/access``. :func:`records` reads them back.

>>> record = ContributionRecord("0" * 32, 1, ContributionStatus.ACCEPTED, "alice", None,
...     "2026-01-01T00:00:00Z", "https://example.org/list", None, Visibility.PUBLIC, 3,
...     "text/turtle")
>>> len(provenance_quads(record))
11
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from importlib import resources

from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Literal, URIRef

from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.contributions.model import (
    ACCESS_GRAPH,
    CONTRIBUTIONS_GRAPH,
    DCTERMS,
    PROV,
    VOID,
    ContributionRecord,
    ContributionStatus,
    contribution_iri,
    contributor_iri,
)
from r2p_graph.services.visibility import Visibility
from r2p_graph.store.repository import Node, Quad, Repository, SelectResult

_SYSTEM = URIRef(CONTRIBUTIONS_GRAPH)
_ACCESS = URIRef(ACCESS_GRAPH)


@cache
def _query(name: str) -> str:
    return (resources.files(__package__) / name).read_text(encoding="utf-8")


def _iri_or_text(value: str) -> URIRef | Literal:
    return URIRef(value) if value.startswith(("http://", "https://")) else Literal(value)


def provenance_quads(record: ContributionRecord) -> list[Quad]:
    """The provenance of a newly accepted contribution, and its access record if not public."""
    c = contribution_iri(record.id)
    agent = contributor_iri(record.contributor)
    triples: list[tuple[Node, Node, Node]] = [
        (c, RDF.type, R2P.Contribution),
        (c, R2P.sequence, Literal(record.sequence)),
        (c, R2P.contributionStatus, record.status.iri),
        (c, R2P.contributionGraph, URIRef(record.graph)),
        (c, PROV.wasAttributedTo, agent),
        (c, PROV.generatedAtTime, Literal(record.time, datatype=XSD.dateTime)),
        (c, VOID.triples, Literal(record.triples)),
        (c, DCTERMS["format"], Literal(record.media_type)),
        (agent, RDF.type, PROV.Agent),
        (agent, RDFS.label, Literal(record.contributor)),
    ]
    if record.organisation:
        triples.append((c, R2P.onBehalfOf, Literal(record.organisation)))
    if record.source:
        triples.append((c, DCTERMS.source, _iri_or_text(record.source)))
    if record.licence:
        triples.append((c, DCTERMS.license, _iri_or_text(record.licence)))
    if record.revision_of:
        triples.append((c, PROV.wasRevisionOf, contribution_iri(record.revision_of)))
    quads: list[Quad] = [(s, p, o, _SYSTEM) for s, p, o in triples]
    if record.visibility is not Visibility.PUBLIC:
        quads.append((URIRef(record.graph), R2P.visibility, record.visibility.iri, _ACCESS))
    return quads


def invalidation_quads(
    contribution_id: str, status: ContributionStatus, time: str
) -> tuple[list[Quad], list[Quad]]:
    """The provenance quads to take out and to put in when a contribution is withdrawn or
    replaced at ``time``: its status changes and it gets an invalidation time."""
    c = contribution_iri(contribution_id)
    removed: list[Quad] = [(c, R2P.contributionStatus, ContributionStatus.ACCEPTED.iri, _SYSTEM)]
    added: list[Quad] = [
        (c, R2P.contributionStatus, status.iri, _SYSTEM),
        (c, PROV.invalidatedAtTime, Literal(time, datatype=XSD.dateTime), _SYSTEM),
    ]
    return removed, added


def records(repo: Repository, contribution_id: str | None = None) -> list[ContributionRecord]:
    """The contributions the store knows, in log order (or the one with ``contribution_id``)."""
    bindings = {} if contribution_id is None else {"c": contribution_iri(contribution_id)}
    result = repo.query(_query("record.rq"), bindings=bindings)
    assert isinstance(result, SelectResult)
    found = []
    for row in result.rows():
        values = dict(zip(result.variables, row, strict=True))
        iri = str(values["c"])
        revision = values.get("revisionOf")
        found.append(
            ContributionRecord(
                id=iri.rsplit("/", 1)[-1],
                sequence=int(str(values["sequence"])),
                status=ContributionStatus(str(values["status"]).rsplit("#", 1)[-1]),
                contributor=str(values["name"]),
                organisation=_text(values.get("organisation")),
                time=_time(values["time"]),
                source=_text(values.get("source")),
                licence=_text(values.get("licence")),
                visibility=Visibility.of_iri(str(values["tier"]))
                if values.get("tier")
                else Visibility.PUBLIC,
                triples=int(str(values["triples"])),
                media_type=str(values["format"]),
                revision_of=None if revision is None else str(revision).rsplit("/", 1)[-1],
                invalidated=None
                if values.get("invalidated") is None
                else _time(values["invalidated"]),
            )
        )
    return found


def _time(node: Node | None) -> str:
    """An ``xsd:dateTime`` as written by :func:`now` (rdflib normalises the lexical form)."""
    if node is None:
        return ""
    value = node.toPython() if isinstance(node, Literal) else None
    if isinstance(value, datetime):
        text = value.astimezone(UTC).isoformat(timespec="milliseconds")
        return text.replace("+00:00", "Z")
    return str(node)


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)
