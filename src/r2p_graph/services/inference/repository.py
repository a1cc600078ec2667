"""A repository that keeps its inferences current and refuses inconsistent writes.

:class:`InferringRepository` wraps any :class:`~r2p_graph.store.Repository`. Reads pass
through unchanged: the inferred graphs are ordinary named graphs, so every query (``/sparql``,
the catalogue, linked data pages) sees what the ontology derives. Each write is checked first
(:mod:`~r2p_graph.services.inference.consistency`: nothing is written when it would put a thing
in two disjoint classes) and followed by a refresh of the inferred graphs
(:mod:`~r2p_graph.services.inference.materialise`) that runs only the derivations reading the
predicates the write touched. Writes and their refreshes are serialised.

A SPARQL update is checked too: what it will add and remove is worked out first
(:mod:`~r2p_graph.services.inference.update_effect`), checked, and, once it ran, only the
inferences resting on the triples it changed are derived again. An update whose effect cannot
be known before it runs (``LOAD``; an operation reading what an earlier one of the same request
wrote) is run unchecked and followed by a full derivation.

The fingerprint of the data the inferred graphs derive from
(:mod:`~r2p_graph.services.inference.state`) is taken away before the first write and recorded
again on :meth:`InferringRepository.close`; :meth:`InferringRepository.ensure_inferred` derives
the inferred graphs again when it is missing or does not match the data.

>>> from r2p_graph.store import OxigraphRepository, RdfFormat
>>> repo = InferringRepository(OxigraphRepository.in_memory())
>>> _ = repo.load(b'''@prefix org: <http://www.w3.org/ns/org#> .
...     <http://e/unit> org:subOrganizationOf <http://e/office> .
...     <http://e/office> org:subOrganizationOf <http://e/agency> .''', RdfFormat.TURTLE,
...     graph="http://e/g")
>>> ask = ("ASK { <http://e/unit> <http://www.w3.org/ns/org#transitiveSubOrganizationOf> "
...        "<http://e/agency> }")
>>> repo.query(ask).value
True
>>> repo.drop_graph("http://e/g")
>>> repo.query(ask).value
False
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from rdflib.term import URIRef

from r2p_graph.errors import R2PError
from r2p_graph.services.inference.consistency import ConsistencyCheck
from r2p_graph.services.inference.materialise import InferenceChange, Materialiser
from r2p_graph.services.inference.rules import OntologyRules
from r2p_graph.services.inference.state import (
    fingerprint,
    forget_fingerprint,
    record_fingerprint,
    recorded_fingerprint,
)
from r2p_graph.services.inference.tiers import ACCESS_GRAPH
from r2p_graph.services.inference.update_effect import update_effect
from r2p_graph.store import RdfFormat, read_triples
from r2p_graph.store.repository import (
    AskResult,
    GraphResult,
    Node,
    Progress,
    Quad,
    QueryDataset,
    QueryForm,
    QueryJob,
    Repository,
    SelectResult,
    StoreStats,
    Triple,
)
from r2p_graph.store.views import ViewPolicy
from r2p_graph.store.write_clock import WriteClock

log = logging.getLogger(__name__)

_CHECKED_LOAD_BYTES = 16 << 20
_GRAPH_PREDICATES = "SELECT DISTINCT ?p ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class InferringRepository(Repository):
    """``inner`` with inference kept current on every write; see the module docstring."""

    def __init__(self, inner: Repository, rules: OntologyRules | None = None) -> None:
        self.inner = inner
        self._rules = rules
        self._materialiser: Materialiser | None = None
        self._check: ConsistencyCheck | None = None
        self._lock = threading.RLock()
        self._dirty = False
        self.last_change = InferenceChange()

    def _ready(self) -> tuple[Materialiser, ConsistencyCheck]:
        # The ontology is read on the first write, so that read-only commands start fast.
        if self._materialiser is None or self._check is None:
            from r2p_graph.services.reasoning import ontology_graph  # noqa: PLC0415

            rules = self._rules or OntologyRules.from_graph(ontology_graph())
            self._materialiser = Materialiser(rules)
            self._check = ConsistencyCheck(rules)
        return self._materialiser, self._check

    def refresh(
        self, changed: set[str] | None = None, triples: Sequence[Triple] | None = None
    ) -> InferenceChange:
        """Bring the inferred graphs up to date after writes that used the ``changed``
        predicates (``None``: any) and, when known, changed exactly ``triples`` (see
        :meth:`Materialiser.refresh`). Serialised with writes."""
        with self._lock:
            materialiser, _ = self._ready()
            self._writing()
            self.last_change = materialiser.refresh(self.inner, changed, triples)
            return self.last_change

    def ensure_inferred(self) -> InferenceChange | None:
        """Derive the inferred graphs again, in full, unless the fingerprint recorded with them
        matches the data (:mod:`~r2p_graph.services.inference.state`); record it afterwards.
        Returns what the derivation did, or ``None`` when the inferred graphs were current."""
        with self._lock:
            started = time.perf_counter()
            current = self.fingerprint()
            recorded = recorded_fingerprint(self.inner)
            if recorded == current:
                log.info(
                    "inferred graphs: current (fingerprint checked in %.2f s)",
                    time.perf_counter() - started,
                )
                return None
            log.info(
                "inferred graphs: %s; deriving them again",
                "no fingerprint recorded" if recorded is None else "stale",
            )
            change = self.refresh(None)
            self.record_state()
            log.info(
                "inferred graphs derived in %.2f s (+%d -%d triples)",
                time.perf_counter() - started,
                change.total_added,
                change.total_removed,
            )
            return change

    def fingerprint(self) -> str:
        """The fingerprint of the data and of the derivations this repository runs over it
        (:func:`~r2p_graph.services.inference.state.fingerprint`)."""
        materialiser, _ = self._ready()
        return fingerprint(self.inner, materialiser.signature)

    def record_state(self) -> None:
        """Record the fingerprint of the data with the inferred graphs, which must be current
        (they are after any write through this repository)."""
        with self._lock:
            record_fingerprint(self.inner, self.fingerprint())
            self._dirty = False

    def _writing(self) -> None:
        # Before the first write: the recorded fingerprint would no longer tell the truth.
        if not self._dirty:
            forget_fingerprint(self.inner)
            self._dirty = True

    # -- writes ------------------------------------------------------------------------------

    def _checked(self, quads: Sequence[Quad], removed: Sequence[Quad] = ()) -> None:
        _, check = self._ready()
        check.check(self.inner, quads, removed)

    def load(
        self,
        source: Path | bytes | BinaryIO,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        base_iri: str | None = None,
        source_name: str | None = None,
    ) -> int:
        data = source if isinstance(source, Path | bytes) else source.read()
        name = source_name or (str(source) if isinstance(source, Path) else "input")
        with self._lock:
            triples = read_triples(data, fmt, source_name=name, base_iri=base_iri)
            target = URIRef(graph) if graph is not None else None
            self._checked([(s, p, o, target) for s, p, o in triples])
            self._writing()
            added = self.inner.load(
                data, fmt, graph=graph, base_iri=base_iri, source_name=source_name
            )
            self.refresh(_changed({str(p) for _, p, _ in triples}, [graph]), list(triples))
            return added

    def bulk_load(
        self,
        path: Path,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        progress: Progress | None = None,
    ) -> int:
        """As :meth:`Repository.bulk_load`. A file up to 16 MiB is loaded as by :meth:`load`:
        checked first, then only the inferences resting on it derived. A larger one is too large
        to check before it is written (run ``r2p-graph reason --check --with-data`` on what it
        loaded), and every inference is derived again after it."""
        if path.is_file() and path.stat().st_size <= _CHECKED_LOAD_BYTES:
            added = self.load(path, fmt, graph=graph)
            if progress is not None:
                progress(path.stat().st_size)
            return added
        with self._lock:
            self._writing()
            added = self.inner.bulk_load(path, fmt, graph=graph, progress=progress)
            self.refresh(None)
            return added

    def add(self, quads: Iterator[Quad] | Sequence[Quad]) -> int:
        written = list(quads)
        with self._lock:
            self._checked(written)
            self._writing()
            added = self.inner.add(written)
            graphs = [None if g is None else str(g) for *_, g in written]
            self.refresh(_changed({str(q[1]) for q in written}, graphs), _triples(written))
            return added

    def change(
        self,
        *,
        drop_graphs: Sequence[str] = (),
        remove: Sequence[Quad] = (),
        add: Sequence[Quad] = (),
    ) -> None:
        """As :meth:`Repository.change`: what it adds is checked first, and the inferences
        that read a predicate it touched are derived again after."""
        with self._lock:
            self._checked(add, remove)
            touched = {str(q[1]) for q in (*remove, *add)}
            for graph in drop_graphs:
                touched |= self._predicates_in(graph)
            graphs = [*drop_graphs, *(None if q[3] is None else str(q[3]) for q in (*remove, *add))]
            self._writing()
            self.inner.change(drop_graphs=drop_graphs, remove=remove, add=add)
            triples = None if drop_graphs else _triples([*remove, *add])
            self.refresh(_changed(touched, graphs), triples)

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """As :meth:`Repository.update`, checked first when its effect can be worked out
        (``InconsistentDataError``, nothing written, when it would put a thing in two disjoint
        classes); then the inferences resting on what it changed are derived again."""
        with self._lock:
            effect = update_effect(self.inner, sparql, base_iri=base_iri)
            if effect is not None:
                self._checked(effect.added, effect.removed)
            self._writing()
            self.inner.update(sparql, base_iri=base_iri)
            if effect is None:
                self.refresh(None)
                return
            graphs = [None if q[3] is None else str(q[3]) for q in (*effect.added, *effect.removed)]
            triples = None if effect.whole_graphs else _triples([*effect.added, *effect.removed])
            self.refresh(_changed(effect.predicates, graphs), triples)

    def drop_graph(self, graph: str) -> None:
        with self._lock:
            before = self._predicates_in(graph)
            self._writing()
            self.inner.drop_graph(graph)
            self.refresh(_changed(before, [graph]))

    def replace_graph(
        self,
        graph: str | None,
        source: bytes | BinaryIO,
        fmt: RdfFormat,
        *,
        base_iri: str | None = None,
        source_name: str = "input",
    ) -> int:
        data = source if isinstance(source, bytes) else source.read()
        with self._lock:
            triples = read_triples(data, fmt, source_name=source_name, base_iri=base_iri)
            target = URIRef(graph) if graph is not None else None
            self._checked([(s, p, o, target) for s, p, o in triples])
            before = self._predicates_in(graph) if graph is not None else None
            self._writing()
            count = self.inner.replace_graph(
                graph, data, fmt, base_iri=base_iri, source_name=source_name
            )
            after = {str(p) for _, p, _ in triples}
            self.refresh(None if before is None else _changed(before | after, [graph]))
            return count

    def _predicates_in(self, graph: str) -> set[str]:
        result = self.inner.query(_GRAPH_PREDICATES, bindings={"g": URIRef(graph)})
        assert isinstance(result, SelectResult)
        return {str(row[0]) for row in result.rows() if row[0] is not None}

    # -- reads and the rest: as the inner repository ----------------------------------------

    def query(
        self,
        sparql: str,
        *,
        dataset: QueryDataset | None = None,
        bindings: Mapping[str, Node] | None = None,
        base_iri: str | None = None,
    ) -> SelectResult | AskResult | GraphResult:
        return self.inner.query(sparql, dataset=dataset, bindings=bindings, base_iri=base_iri)

    def answer_job(self, job: QueryJob) -> tuple[QueryForm, bytes]:
        return self.inner.answer_job(job)

    async def answer_job_async(self, job: QueryJob) -> tuple[QueryForm, bytes]:
        return await self.inner.answer_job_async(job)

    @contextmanager
    def consistent_reads(self) -> Iterator[None]:
        with self.inner.consistent_reads():
            yield

    @property
    def write_clock(self) -> WriteClock:
        return self.inner.write_clock

    @property
    def views(self) -> ViewPolicy | None:
        return self.inner.views

    def keep_views(self, policy: ViewPolicy) -> bool:
        return self.inner.keep_views(policy)

    def named_graphs(self) -> list[str]:
        return self.inner.named_graphs()

    def graph_exists(self, graph: str) -> bool:
        return self.inner.graph_exists(graph)

    def holds_graph(self, graph: str | None) -> bool:
        return self.inner.holds_graph(graph)

    def count(self, graph: str | None = None) -> int:
        return self.inner.count(graph)

    def dump(
        self,
        out: BinaryIO,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        graphs: Sequence[str | None] | None = None,
    ) -> None:
        self.inner.dump(out, fmt, graph=graph, graphs=graphs)

    def stats(self) -> StoreStats:
        return self.inner.stats()

    def close(self) -> None:
        """Record the fingerprint of the data when this repository wrote to it (see
        :mod:`~r2p_graph.services.inference.state`), then close the inner repository."""
        with self._lock:
            if self._dirty and self._materialiser is not None:
                try:
                    self.record_state()
                except R2PError:  # a store that cannot be read any more: derived at next start
                    log.exception("the fingerprint of the data could not be recorded")
            self.inner.close()

    def __getattr__(self, name: str) -> Any:
        # Backend extras (the mirror's freshness, optimize, path) stay reachable.
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


def _triples(quads: Sequence[Quad]) -> list[Triple]:
    return [(s, p, o) for s, p, o, _ in quads]


def _changed(predicates: set[str], graphs: Sequence[str | None]) -> set[str] | None:
    """The predicates a write touched; ``None`` (everything) when it wrote access records."""
    return None if ACCESS_GRAPH in graphs else predicates
