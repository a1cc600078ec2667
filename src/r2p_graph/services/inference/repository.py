"""A repository that keeps its inferences current and refuses inconsistent writes.

:class:`InferringRepository` wraps any :class:`~r2p_graph.store.Repository`. Reads pass
through unchanged: the inferred graphs are ordinary named graphs, so every query (``/sparql``,
the catalogue, linked data pages) sees what the ontology derives. Each write is checked first
(:mod:`~r2p_graph.services.inference.consistency`: nothing is written when it would put a thing
in two disjoint classes) and followed by a refresh of the inferred graphs
(:mod:`~r2p_graph.services.inference.materialise`) that runs only the derivations reading the
predicates the write touched. Writes and their refreshes are serialised.

A SPARQL update cannot be checked before it runs (what it writes is known only afterwards), so
it is not refused; its inferences are refreshed like any write's.

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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from rdflib.term import URIRef

from r2p_graph.services.inference.consistency import ConsistencyCheck
from r2p_graph.services.inference.materialise import InferenceChange, Materialiser
from r2p_graph.services.inference.rules import OntologyRules
from r2p_graph.services.inference.tiers import ACCESS_GRAPH, INFERRED_GRAPHS
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
)
from r2p_graph.store.views import ViewPolicy
from r2p_graph.store.write_clock import WriteClock

log = logging.getLogger(__name__)

_GRAPH_PREDICATES = "SELECT DISTINCT ?p ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class InferringRepository(Repository):
    """``inner`` with inference kept current on every write; see the module docstring."""

    def __init__(self, inner: Repository, rules: OntologyRules | None = None) -> None:
        self.inner = inner
        self._rules = rules
        self._materialiser: Materialiser | None = None
        self._check: ConsistencyCheck | None = None
        self._lock = threading.RLock()
        self.last_change = InferenceChange()

    def _ready(self) -> tuple[Materialiser, ConsistencyCheck]:
        # The ontology is read on the first write, so that read-only commands start fast.
        if self._materialiser is None or self._check is None:
            from r2p_graph.services.reasoning import ontology_graph  # noqa: PLC0415

            rules = self._rules or OntologyRules.from_graph(ontology_graph())
            self._materialiser = Materialiser(rules)
            self._check = ConsistencyCheck(rules)
        return self._materialiser, self._check

    def refresh(self, changed: set[str] | None = None) -> InferenceChange:
        """Bring the inferred graphs up to date after writes that used the ``changed``
        predicates (``None``: any). Serialised with writes."""
        with self._lock:
            materialiser, _ = self._ready()
            self.last_change = materialiser.refresh(self.inner, changed)
            return self.last_change

    def ensure_inferred(self) -> None:
        """Derive the inferred graphs when the store holds data but none (for instance data
        loaded before reasoning was turned on)."""
        graphs = set(self.inner.named_graphs())
        if graphs and not graphs & INFERRED_GRAPHS:
            log.info("deriving the inferred graphs of a store that has none")
            self.refresh(None)

    # -- writes ------------------------------------------------------------------------------

    def _checked(self, quads: Sequence[Quad]) -> None:
        _, check = self._ready()
        check.check(self.inner, quads)

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
            added = self.inner.load(
                data, fmt, graph=graph, base_iri=base_iri, source_name=source_name
            )
            self.refresh(_changed({str(p) for _, p, _ in triples}, [graph]))
            return added

    def bulk_load(
        self,
        path: Path,
        fmt: RdfFormat,
        *,
        graph: str | None = None,
        progress: Progress | None = None,
    ) -> int:
        """As :meth:`Repository.bulk_load`, then every inference derived again. A bulk load is
        too large to check before it is written; run ``r2p-graph reason --check --with-data``
        on what it loaded."""
        with self._lock:
            added = self.inner.bulk_load(path, fmt, graph=graph, progress=progress)
            self.refresh(None)
            return added

    def add(self, quads: Iterator[Quad] | Sequence[Quad]) -> int:
        written = list(quads)
        with self._lock:
            self._checked(written)
            added = self.inner.add(written)
            graphs = [None if g is None else str(g) for *_, g in written]
            self.refresh(_changed({str(q[1]) for q in written}, graphs))
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
            self._checked(add)
            touched = {str(q[1]) for q in (*remove, *add)}
            for graph in drop_graphs:
                touched |= self._predicates_in(graph)
            graphs = [*drop_graphs, *(None if q[3] is None else str(q[3]) for q in (*remove, *add))]
            self.inner.change(drop_graphs=drop_graphs, remove=remove, add=add)
            self.refresh(_changed(touched, graphs))

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        with self._lock:
            self.inner.update(sparql, base_iri=base_iri)
            self.refresh(None)

    def drop_graph(self, graph: str) -> None:
        with self._lock:
            before = self._predicates_in(graph)
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
        self.inner.close()

    def __getattr__(self, name: str) -> Any:
        # Backend extras (the mirror's freshness, optimize, path) stay reachable.
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


def _changed(predicates: set[str], graphs: Sequence[str | None]) -> set[str] | None:
    """The predicates a write touched; ``None`` (everything) when it wrote access records."""
    return None if ACCESS_GRAPH in graphs else predicates
