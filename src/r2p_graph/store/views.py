"""Views of the data for readers who may not read every named graph.

A reader who may not read some graphs could be given the graphs they may read as a list (the
query's default graph and named graphs), but Oxigraph looks up each listed graph separately, so
that such queries slow down with the number of graphs: 34 to 110 times at a thousand small
graphs (``bench/VISIBILITY.md``). A *view* is instead a second in-memory store beside the
data, holding only the quads of the graphs its readers may read; their queries run over it with
no list at all, as fast as a query over the whole store.

Which graphs a view holds is decided by a :class:`ViewPolicy`: each named graph may carry
*access records* (``<G> <predicate> <tier>`` in the access graph); a view admits a set of tiers
and holds the default graph and every named graph whose records all name an admitted tier (a
graph with no record is held by every view); the graphs ``always_hidden`` are in no view.

A :class:`ViewSet` keeps the views of one copy of the data (the repository's store, a query
worker's copy) equal to it, write by write, under the writer's serialisation: after the copy has
committed a write, each view receives the same change in one transaction of its own, so that a
reader of a view sees it before or after the write, never half of it: the quads added to the
graphs it holds; graphs newly hidden by the write dropped; graphs newly readable copied in from
the data. After an update that reads the data (``WHERE``, ``ADD``, ``COPY``, ``MOVE``), the graphs
it names and the default graph — the only ones it can have written, unless it says ``GRAPH ?g``
— are made equal to the data's in the view, in one transaction. A write the views cannot follow
so (a bulk load, ``LOAD``, ``GRAPH ?g``, blank nodes to copy) rebuilds them from the data and
puts the new stores in place at once.

>>> policy = ViewPolicy("http://e/access", "http://e/tier",
...                     (("public", frozenset({"http://e/Public"})),))
>>> data = ox.Store()
>>> secret = ox.NamedNode("http://e/secret")
>>> quads = [ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"),
...                  ox.NamedNode("http://e/open")),
...          ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("y"),
...                  secret),
...          ox.Quad(secret, ox.NamedNode("http://e/tier"), ox.NamedNode("http://e/Closed"),
...                  ox.NamedNode("http://e/access"))]
>>> data.extend(quads)
>>> views = ViewSet(policy, data)
>>> [q.object.value for q in views.reader("public").quads_for_pattern(None, None, None)]
['x']
>>> sorted(views.hidden("public"))
['http://e/access', 'http://e/secret']
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from r2p_graph.store.sparql_clauses import names_its_graphs, update_shape
from r2p_graph.store.sparql_text import change_update

log = logging.getLogger(__name__)

_REPLAYABLE: Final = frozenset(
    {"INSERT", "DELETE", "DATA", "GRAPH", "DROP", "CLEAR", "CREATE", "SILENT"}
    | {"DEFAULT", "NAMED", "ALL"}
)
"""The keywords of updates that only write what they say (no ``WHERE``, ``USING``, ``WITH``,
``ADD``, ``COPY``, ``MOVE``, ``LOAD``): run on a view, they do to its graphs what they did to the
data's."""


@dataclass(frozen=True, slots=True)
class ViewPolicy:
    """Which graphs each view holds (see the module documentation).

    ``views`` pairs each view's name with the access tiers (IRIs) its readers may read; a
    graph is in a view when every access record of the graph names one of them, and none of
    ``always_hidden`` is in any view. Plain values only: it is sent to query workers.

    >>> policy = ViewPolicy("http://e/access", "http://e/tier",
    ...                     (("public", frozenset({"http://e/Public"})),))
    >>> policy.names
    ('public',)
    """

    access_graph: str
    predicate: str
    views: tuple[tuple[str, frozenset[str]], ...]
    always_hidden: frozenset[str] = field(default_factory=frozenset)

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the views, in order."""
        return tuple(name for name, _ in self.views)

    def hidden(self, name: str, records: Mapping[str, frozenset[str]]) -> frozenset[str]:
        """The graphs view ``name`` does not hold, given each graph's recorded tiers."""
        admitted = dict(self.views)[name]
        recorded = (graph for graph, tiers in records.items() if not tiers <= admitted)
        return frozenset(recorded) | self.always_hidden | {self.access_graph}


class ViewSet:
    """The views of one copy of the data, built from it now and kept equal to it by the
    calls made after each of its writes (under the writer's serialisation; reads need no
    lock). ``snapshot``: an N-Quads file of the data, to build from without dumping it."""

    def __init__(self, policy: ViewPolicy, data: ox.Store, snapshot: Path | None = None) -> None:
        self.policy = policy
        self._lock = threading.Lock()
        self._records: dict[str, frozenset[str]] = {}
        self._hidden: dict[str, frozenset[str]] = {}
        self._stores: dict[str, ox.Store] = {}
        self.rebuild(data, snapshot)

    def reader(self, name: str) -> ox.Store:
        """The store holding view ``name`` now (``KeyError`` for a view the policy lacks)."""
        return self._stores[name]

    def readers(self) -> dict[str, ox.Store]:
        """Every view's store now, by name: one state of each, for reads that must not
        change copies half-way."""
        with self._lock:
            return dict(self._stores)

    def hidden(self, name: str) -> frozenset[str]:
        """The graphs view ``name`` does not hold (whether or not the data holds them)."""
        return self._hidden[name]

    # -- after writes ----------------------------------------------------------------------

    def quads_added(self, data: ox.Store, quads: Sequence[ox.Quad]) -> None:
        """The data committed ``quads``."""
        before = dict(self._hidden)
        if any(self._is_record(q) for q in quads):
            self._read_records(data)
        for name in self.policy.names:
            hidden = self._hidden[name]
            keep = [q for q in quads if _graph(q) not in hidden]
            self._change(name, data, before[name], keep)

    def graph_dropped(self, data: ox.Store, graph: str) -> None:
        """The data dropped the named graph ``graph``."""
        before = dict(self._hidden)
        if graph == self.policy.access_graph:
            self._read_records(data)
        for name in self.policy.names:
            self._change(name, data, before[name], [], drop={graph})

    def update_applied(self, data: ox.Store, sparql: str, base_iri: str | None) -> None:
        """The data ran the SPARQL update ``sparql``: the views run it too when it only writes
        what it says (adding what the records it wrote now hide to what it drops); otherwise
        they are rebuilt. Blank nodes an ``INSERT DATA`` mints get other labels in a view than
        in the data, which no reader can tell: a query reads one copy."""
        shape = update_shape(sparql, base_iri=base_iri)
        replayable = shape.keywords <= _REPLAYABLE
        if not replayable and (not names_its_graphs(sparql) or "LOAD" in shape.keywords):
            self.rebuild(data)
            return
        before = dict(self._hidden)
        self._read_records(data)
        for name in self.policy.names:
            try:
                if replayable:
                    self._replay(
                        name,
                        data,
                        before[name],
                        sparql=sparql,
                        base_iri=base_iri,
                        named=shape.graphs,
                    )
                else:
                    self._resync(name, data, before[name], shape.graphs)
            except (OSError, RuntimeError, SyntaxError, TypeError, ValueError):
                log.info("view %s could not follow an update; rebuilding it", name)
                self._rebuild_one(name, data, None)

    def rebuild(self, data: ox.Store, snapshot: Path | None = None) -> None:
        """Build every view afresh from the data (a write they cannot follow exactly)."""
        self._read_records(data)
        if not self.policy.names:
            return
        if snapshot is not None:
            for name in self.policy.names:
                self._rebuild_one(name, data, snapshot)
            return
        with tempfile.TemporaryDirectory(prefix="r2p-views-") as folder:
            path = Path(folder) / "data.nq"
            data.dump(str(path), ox.RdfFormat.N_QUADS)
            for name in self.policy.names:
                self._rebuild_one(name, data, path)

    # -- inside ----------------------------------------------------------------------------

    def _is_record(self, quad: ox.Quad) -> bool:
        graph = quad.graph_name
        return isinstance(graph, ox.NamedNode) and graph.value == self.policy.access_graph

    def _read_records(self, data: ox.Store) -> None:
        records: dict[str, set[str]] = {}
        access = ox.NamedNode(self.policy.access_graph)
        predicate = ox.NamedNode(self.policy.predicate)
        for quad in data.quads_for_pattern(None, predicate, None, access):
            if isinstance(quad.subject, ox.NamedNode):
                tier = quad.object.value if isinstance(quad.object, ox.NamedNode) else ""
                records.setdefault(quad.subject.value, set()).add(tier)
        self._records = {graph: frozenset(tiers) for graph, tiers in records.items()}
        self._hidden = {name: self.policy.hidden(name, self._records) for name in self.policy.names}

    def _change(
        self,
        name: str,
        data: ox.Store,
        hidden_before: frozenset[str],
        add: Sequence[ox.Quad],
        drop: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        """Give view ``name`` in one transaction: ``add``, graphs newly hidden and ``drop``
        dropped, graphs newly readable copied in from the data."""
        view = self._stores[name]
        hidden = self._hidden[name]
        dropped = [g for g in (hidden - hidden_before) | drop if _exists(view, g)]
        copied = [q for g in hidden_before - hidden for q in _quads_of(data, g)]
        quads = [*add, *copied]
        try:
            if not dropped:
                if quads:
                    view.extend(quads)
            elif not quads and len(dropped) == 1:
                view.remove_graph(ox.NamedNode(dropped[0]))
            else:
                view.update(change_update([ox.NamedNode(g) for g in dropped], [], quads))
        except (OSError, RuntimeError, SyntaxError, TypeError, ValueError):
            # Blank nodes cannot be written as an update; anything else unexpected: the data
            # holds the truth.
            self._rebuild_one(name, data, None)

    def _replay(
        self,
        name: str,
        data: ox.Store,
        hidden_before: frozenset[str],
        *,
        sparql: str,
        base_iri: str | None,
        named: Sequence[str],
    ) -> None:
        view = self._stores[name]
        hidden = self._hidden[name]
        graphs = list(dict.fromkeys(named))
        # Graphs it should not hold are dropped last, in the same transaction.
        drops = [g for g in graphs if g in hidden or not _exists(data, g)]
        drops += [g for g in hidden - hidden_before if g not in drops and _exists(view, g)]
        copied = [q for g in hidden_before - hidden for q in _quads_of(data, g)]
        after = [f"DROP SILENT GRAPH <{g}>" for g in drops]
        if copied:
            after.append(change_update([], [], copied))
        update = sparql.rstrip().rstrip(";")
        try:
            view.update("\n;\n".join([update, *after]), base_iri=base_iri)
        except (OSError, RuntimeError, ValueError):
            # A DROP or CLEAR without SILENT of a hidden graph the view lacks fails where it
            # ran on the data: run it again with those graphs created first.
            creates = [
                f"CREATE SILENT GRAPH <{g}>"
                for g in graphs
                if g in hidden_before and not _exists(view, g)
            ]
            if not creates:
                raise
            view.update("\n;\n".join([*creates, update, *after]), base_iri=base_iri)

    def _resync(
        self, name: str, data: ox.Store, hidden_before: frozenset[str], named: Sequence[str]
    ) -> None:
        """After an update that read the data but could write only the graphs it names and the
        default graph: those graphs made equal to the data's in the view, in one transaction
        (``TypeError`` when that would have to name blank nodes)."""
        view = self._stores[name]
        hidden = self._hidden[name]
        graphs = list(dict.fromkeys(named))
        drops = [g for g in graphs if (g in hidden or not _exists(data, g)) and _exists(view, g)]
        drops += [g for g in hidden - hidden_before if g not in drops and _exists(view, g)]
        remove: list[ox.Quad] = []
        add = [q for g in hidden_before - hidden for q in _quads_of(data, g)]
        for graph in [None, *(g for g in graphs if g not in drops and g not in hidden)]:
            node = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
            held = set(view.quads_for_pattern(None, None, None, node))
            now = set(data.quads_for_pattern(None, None, None, node))
            remove += held - now
            add += now - held
        if drops or remove or add:
            view.update(change_update([ox.NamedNode(g) for g in drops], remove, add))

    def _rebuild_one(self, name: str, data: ox.Store, snapshot: Path | None) -> None:
        if snapshot is None:
            self.rebuild_view(name, data)
            return
        store = ox.Store()
        store.bulk_load(path=str(snapshot), format=ox.RdfFormat.N_QUADS)
        for graph in self._hidden[name]:
            if _exists(store, graph):
                store.remove_graph(ox.NamedNode(graph))
        with self._lock:
            self._stores[name] = store

    def rebuild_view(self, name: str, data: ox.Store) -> None:
        """Build view ``name`` afresh from the data."""
        with tempfile.TemporaryDirectory(prefix="r2p-views-") as folder:
            path = Path(folder) / "data.nq"
            data.dump(str(path), ox.RdfFormat.N_QUADS)
            self._rebuild_one(name, data, path)


def _graph(quad: ox.Quad) -> str | None:
    graph = quad.graph_name
    return graph.value if isinstance(graph, ox.NamedNode) else None


def _exists(store: ox.Store, graph: str) -> bool:
    return bool(store.contains_named_graph(ox.NamedNode(graph)))


def _quads_of(data: ox.Store, graph: str) -> list[ox.Quad]:
    return list(data.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
