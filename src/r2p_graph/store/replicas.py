"""The in-memory copies of the disk store, told of every write the disk has committed.

Two kinds of copies exist: the memory mirror that answers reads in the server process
(:mod:`r2p_graph.store.mirror`) and the query workers that answer under a deadline
(:mod:`r2p_graph.store.query_pool`). Writes reach them in commit order, under the repository's
write lock; a write they cannot replay exactly makes them start again from the disk.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from r2p_graph.store.formats import RdfFormat
from r2p_graph.store.mirror import MemoryMirror
from r2p_graph.store.query_pool import QueryPool
from r2p_graph.store.repository import QueryForm, QueryJob

BulkLoader = Callable[[ox.Store, Path, RdfFormat, ox.NamedNode | None], None]


class Replicas:
    """The optional mirror and query pool of one repository."""

    def __init__(self, mirror: MemoryMirror | None, pool: QueryPool | None) -> None:
        self.mirror = mirror
        self.pool = pool

    def reader(self) -> ox.Store | None:
        """The mirror to read from, if it is fresh."""
        return self.mirror.reader() if self.mirror is not None else None

    def quads_added(self, quads: Sequence[ox.Quad]) -> None:
        """The disk committed ``quads``."""
        if self.mirror is not None:
            self.mirror.replay(lambda mirror: mirror.extend(quads))
        if self.pool is not None and quads:
            buffer = io.BytesIO()
            ox.serialize(quads, buffer, ox.RdfFormat.N_QUADS)
            self.pool.replay(("quads", buffer.getvalue()))

    def update_applied(self, sparql: str, base_iri: str | None) -> None:
        """The disk committed an update that gives the same result wherever it runs."""
        if self.mirror is not None:
            self.mirror.replay(lambda mirror: mirror.update(sparql, base_iri=base_iri))
        if self.pool is not None:
            self.pool.replay(("update", sparql, base_iri))

    def graph_dropped(self, graph: str) -> None:
        """The disk removed a named graph."""
        if self.mirror is not None:
            self.mirror.replay(lambda mirror: mirror.remove_graph(ox.NamedNode(graph)))
        if self.pool is not None:
            self.pool.replay(("drop", graph))

    def file_loaded(
        self, load: BulkLoader, path: Path, fmt: RdfFormat, to_graph: ox.NamedNode | None
    ) -> None:
        """The disk bulk-loaded a file: the mirror loads it too, the workers start afresh."""
        if self.mirror is not None:
            self.mirror.invalidate(refill=lambda mirror: load(mirror, path, fmt, to_graph))
        if self.pool is not None:
            self.pool.invalidate()

    def changed(self) -> None:
        """The disk changed in a way that cannot be replayed: start every copy afresh."""
        if self.mirror is not None:
            self.mirror.invalidate()
        if self.pool is not None:
            self.pool.invalidate()

    def answer(self, job: QueryJob) -> tuple[QueryForm, bytes] | None:
        """The answer from a query worker, or ``None`` when there is no pool."""
        return None if self.pool is None else self.pool.run(job)

    async def answer_async(self, job: QueryJob) -> tuple[QueryForm, bytes] | None:
        """As :meth:`answer`, awaited on the running event loop."""
        return None if self.pool is None else await self.pool.run_async(job)

    def close(self) -> None:
        """Stop the workers and drop the mirror."""
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        if self.mirror is not None:
            self.mirror.close()
            self.mirror = None
