"""Contributing, withdrawing and replacing: the gate, the commit and the log, in one place.

Writes are serialised (one lock per service): the gate checks a contribution against the store
as it is, and nothing else is written until the contribution is committed or refused. A
contribution is committed whole in one store transaction — its triples in its own named graph,
its provenance, and its access record when it is not public — after its log entry is on disk; a
refused one leaves the store and the log as they were.

>>> from r2p_graph.store import OxigraphRepository
>>> from rdflib import Graph
>>> service = ContributionService(OxigraphRepository.in_memory(), None)
>>> data = Graph().parse(data='''
...     @prefix r2p: <https://w3id.org/r2p-graph/ontology#> .
...     <https://w3id.org/r2p-graph/id/person/x> a r2p:Person ; r2p:visibility r2p:public ;
...         <http://www.w3.org/2000/01/rdf-schema#label> "X"@en .''', format="turtle")
>>> accepted = service.submit(data, Metadata(source="https://example.org"), "alice")
>>> accepted.record.status.value, accepted.record.triples
('accepted', 3)
>>> service.withdraw(accepted.record.id, "carol").record.status.value
'withdrawn'
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph
from rdflib.term import BNode, Literal, URIRef

from r2p_graph.errors import InputError
from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.contributions.gate import Gate, GateReport
from r2p_graph.services.contributions.log import ContributionLog, LogEntry, apply_entry
from r2p_graph.services.contributions.model import (
    CONTRIBUTION_BASE,
    CONTRIBUTOR_BASE,
    GENID_BASE,
    ChangeKind,
    ContributionRecord,
    ContributionStatus,
    Metadata,
    checked_id,
    contribution_graph,
    contribution_iri,
    id_of_graph,
    new_contribution_id,
)
from r2p_graph.services.contributions.provenance import (
    invalidation_quads,
    provenance_quads,
    records,
)
from r2p_graph.store.repository import Node, Quad, Repository, Triple

_SYSTEM_BASES = (CONTRIBUTION_BASE, CONTRIBUTOR_BASE, GENID_BASE)


class UnknownContributionError(InputError):
    """No contribution has this id (or the asker may not see it)."""


class ContributionStateError(InputError):
    """The contribution can no longer be changed (it was withdrawn or replaced)."""


class ContributionRejectedError(InputError):
    """The gate found violations: nothing was written."""

    def __init__(self, report: GateReport) -> None:
        count = len(report.blocking)
        super().__init__(
            f"the contribution was refused: {count} violation{'s' if count != 1 else ''} of "
            "the shapes; nothing was written"
        )
        self.report = report


@dataclass(frozen=True, slots=True)
class Accepted:
    """A committed contribution and what the gate said about it (warnings only)."""

    record: ContributionRecord
    report: GateReport


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """A withdrawn contribution, and the violations its withdrawal leaves in other data."""

    record: ContributionRecord
    report: GateReport


def now() -> str:
    """The current time as an ``xsd:dateTime`` in UTC, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ContributionService:
    """Contributions to ``repo``, logged in ``log_folder`` (``None``: not logged, for tools and
    tests that need no history)."""

    def __init__(self, repo: Repository, log_folder: Path | None) -> None:
        self._repo = repo
        self._gate = Gate(repo)
        self._log = None if log_folder is None else ContributionLog(log_folder)
        self._lock = threading.Lock()
        if self._log is not None:
            self._log.recover(self._holds)

    @property
    def log(self) -> ContributionLog | None:
        """The log of committed changes, if kept."""
        return self._log

    def check(self, data: Graph, *, replacing: str | None = None) -> GateReport:
        """What the gate says about ``data`` (as a replacement of ``replacing``); writes
        nothing."""
        _check_data(data)
        leaving = () if replacing is None else (contribution_graph(replacing),)
        return self._gate.check(data, leaving=leaving)

    def submit(self, data: Graph, metadata: Metadata, contributor: str) -> Accepted:
        """Check ``data`` and commit it as a new contribution of ``contributor``;
        ``ContributionRejectedError`` (nothing written) when it violates the shapes."""
        with self._lock:
            report = self.check(data)
            if not report.accepted:
                raise ContributionRejectedError(report)
            record, quads = self._new(data, metadata, contributor, None)
            self._commit(ChangeKind.ADDED, record=record, drop=(), remove=[], add=quads)
            return Accepted(record, report)

    def replace(self, old_id: str, data: Graph, metadata: Metadata, curator: str) -> Accepted:
        """Replace contribution ``old_id`` by a new version in one transaction: the old one's
        triples out, the new one's in, checked together as one change."""
        with self._lock:
            old = self._standing(old_id)
            report = self.check(data, replacing=old.id)
            if not report.accepted:
                raise ContributionRejectedError(report)
            record, quads = self._new(data, metadata, curator, old.id)
            time = record.time
            removed, added = invalidation_quads(old.id, ContributionStatus.REPLACED, time)
            self._commit(
                ChangeKind.REPLACED,
                record=record,
                drop=(old.graph,),
                remove=removed,
                add=[*added, *quads],
            )
            return Accepted(record, report)

    def withdraw(self, contribution_id: str, curator: str) -> Withdrawn:
        """Take a contribution's triples out of the graph; its provenance stays. Never refused
        (a curator must be able to take out what should not be there), but the report says
        which remaining data breaks the shapes without it."""
        with self._lock:
            old = self._standing(contribution_id)
            report = self._gate.check(Graph(), leaving=(old.graph,))
            time = now()
            removed, added = invalidation_quads(old.id, ContributionStatus.WITHDRAWN, time)
            withdrawn = replace(old, status=ContributionStatus.WITHDRAWN, invalidated=time)
            self._commit(
                ChangeKind.WITHDRAWN,
                record=withdrawn,
                drop=(old.graph,),
                remove=removed,
                add=added,
                time=time,
            )
            return Withdrawn(self.record(old.id), report)

    def record(self, contribution_id: str) -> ContributionRecord:
        """The provenance of one contribution; ``UnknownContributionError`` if there is none."""
        found = records(self._repo, checked_id(contribution_id))
        if not found:
            raise UnknownContributionError(f"no contribution {contribution_id}")
        return found[0]

    def records(self) -> list[ContributionRecord]:
        """Every contribution, in log order."""
        return records(self._repo)

    def triples(self, contribution_id: str) -> Iterator[Triple]:
        """The triples a contribution asserts (none once withdrawn or replaced)."""
        graph = contribution_graph(checked_id(contribution_id))
        for s, p, o, _ in self._repo.quads_matching(graph=graph):
            yield (s, p, o)

    def asserting(
        self,
        *,
        subject: URIRef | None = None,
        predicate: URIRef | None = None,
        obj: Node | None = None,
    ) -> list[ContributionRecord]:
        """The standing contributions that assert a statement matching the pattern (a subject
        or an object is needed: a predicate alone would read the whole store)."""
        if subject is None and obj is None:
            raise InputError("name the statement's subject or object to trace its sources")
        ids = set()
        for _, _, _, graph in self._repo.quads_matching(subject, predicate, obj):
            found = None if graph is None else id_of_graph(str(graph))
            if found is not None:
                ids.add(found)
        return [r for r in records(self._repo) if r.id in ids]

    def _standing(self, contribution_id: str) -> ContributionRecord:
        record = self.record(contribution_id)
        if record.status is not ContributionStatus.ACCEPTED:
            raise ContributionStateError(
                f"contribution {record.id} was {record.status.value} on {record.invalidated}; "
                "only a standing contribution can be withdrawn or replaced"
            )
        return record

    def _new(
        self, data: Graph, metadata: Metadata, contributor: str, revision_of: str | None
    ) -> tuple[ContributionRecord, list[Quad]]:
        contribution_id = new_contribution_id()
        graph = URIRef(contribution_graph(contribution_id))
        triples = _skolemized(data, contribution_id)
        record = ContributionRecord(
            id=contribution_id,
            sequence=self._next_sequence(),
            status=ContributionStatus.ACCEPTED,
            contributor=contributor,
            organisation=metadata.organisation,
            time=now(),
            source=metadata.source,
            licence=metadata.licence,
            visibility=metadata.visibility,
            triples=len(triples),
            media_type=metadata.media_type,
            revision_of=revision_of,
        )
        quads: list[Quad] = [(s, p, o, graph) for s, p, o in triples]
        return record, [*quads, *provenance_quads(record)]

    def _next_sequence(self) -> int:
        if self._log is not None:
            return self._log.next_sequence()
        return max((r.sequence for r in records(self._repo)), default=0) + 1

    def _commit(
        self,
        change: ChangeKind,
        *,
        record: ContributionRecord,
        drop: tuple[str, ...],
        remove: list[Quad],
        add: list[Quad],
        time: str | None = None,
    ) -> None:
        entry = LogEntry(
            sequence=(self._next_sequence() if change is ChangeKind.WITHDRAWN else record.sequence),
            change=change,
            contribution=record.id,
            replaces=record.revision_of,
            time=time or record.time,
            visibility=record.visibility,
            drop_graphs=drop,
            remove=tuple(remove),
            add=tuple(add),
        )
        if self._log is None:
            apply_entry(self._repo, entry)
            return
        with self._log.writing(entry):
            apply_entry(self._repo, entry)

    def _holds(self, entry: LogEntry) -> bool:
        """Whether the store holds the change of ``entry`` (for the log's recovery)."""
        c = contribution_iri(entry.contribution)
        if entry.change is ChangeKind.WITHDRAWN:
            pattern: tuple[Node, URIRef, Node] = (
                c,
                R2P.contributionStatus,
                ContributionStatus.WITHDRAWN.iri,
            )
        else:
            pattern = (c, R2P.contributionStatus, ContributionStatus.ACCEPTED.iri)
            if not any(True for _ in self._repo.quads_matching(*pattern)):
                # Accepted, then perhaps replaced or withdrawn since: the sequence tells.
                pattern = (c, R2P.sequence, Literal(entry.sequence))
        return any(True for _ in self._repo.quads_matching(*pattern))


def _check_data(data: Graph) -> None:
    if len(data) == 0:
        raise InputError("the contribution holds no triples")
    for subject in data.subjects(unique=True):
        if isinstance(subject, URIRef) and str(subject).startswith(_SYSTEM_BASES):
            raise InputError(
                f"<{subject}> is kept by r2p-graph itself (contributions and contributors); "
                "a contribution cannot describe it"
            )


def _skolemized(data: Graph, contribution_id: str) -> list[Triple]:
    """The triples of ``data`` with blank nodes named by IRIs under the contribution, so that
    they can be written, withdrawn and replayed as the same terms."""
    names: dict[BNode, URIRef] = {}

    def named(node: Node) -> Node:
        if not isinstance(node, BNode):
            return node
        if node not in names:
            names[node] = URIRef(f"{GENID_BASE}{contribution_id}/{len(names) + 1}")
        return names[node]

    return [(named(s), p, named(o)) for s, p, o in data]  # type: ignore[misc, arg-type]
