"""Visibility tiers: which named graphs a reader may read, and the dataset their queries get.

Statements about people can be public, kept for partners, or restricted: local human-rights
defenders and focal points are exposed by less than a name. Tiers are kept per named graph, as
one triple in the system graph :data:`ACCESS_GRAPH`::

    <G> r2p:visibility r2p:PartnersOnly .

A graph with no record is public (the bundled data, ``r2p-graph load``, Graph Store writes). A
record naming an unknown tier counts as restricted, and a graph with several records takes the
most restrictive. The system graphs themselves — the access records and the provenance of
contributions — are restricted: who contributed what, and which graphs are hidden, is not
public; services that publish the provenance of public contributions read it for their readers
and show only the contributions whose graph the reader may read (:meth:`ReadableGraphs.can_read`).

What a reader may read is their :func:`clearance`: anonymous readers and tokens without the
partner flag read public graphs; partner tokens (``r2p-graph token create --partner``) also
read partner graphs; curators and admins read everything.

Enforcement restricts the dataset a query runs over — the engine's default graph and named
graphs — never the text of results (:meth:`ReadableGraphs.dataset`): a query's ``FROM``,
``FROM NAMED``, ``GRAPH``, the protocol's ``default-graph-uri`` / ``named-graph-uri`` can only
narrow the readable graphs, and naming a graph one may not read gives what naming a graph that
does not exist gives. Each door (``/sparql``, ``/graph-store``, ``/id/``, dumps, VoID, the
change feed) asks :func:`readable_graphs` per request; the answer is cached per repository and
clearance and recomputed after any write (the repository's
:class:`~r2p_graph.store.write_clock.WriteClock`).

While no graph is hidden from a clearance, its queries run over the whole store as before (the
fastest path). Once graphs are hidden, they run over the clearance's *view*
(:data:`ACCESS_VIEWS`, :mod:`r2p_graph.store.views`): a copy of the data beside the store that
holds only the graphs the clearance may read, changed in the same write as the store, so that
its queries need no list of graphs (Oxigraph looks up each listed graph separately, which makes
a query over a thousand listed graphs tens of times slower than one over the whole store). A
backend that keeps no views gets the list. A read is done again when a write that came in while
it ran hid something it could have read (:func:`views`), so that a graph made restricted by
that write is never read past it.

>>> from rdflib import URIRef
>>> from r2p_graph.store import OxigraphRepository
>>> repo = OxigraphRepository.in_memory()
>>> _ = repo.add([(URIRef("http://e/a"), URIRef("http://e/p"), URIRef("http://e/b"),
...                URIRef("http://e/open")),
...               (URIRef("http://e/a"), URIRef("http://e/p"), URIRef("http://e/secret"),
...                URIRef("http://e/closed")),
...               *visibility_quads("http://e/closed", Visibility.RESTRICTED)])
>>> public = readable_graphs(repo, Visibility.PUBLIC)
>>> public.can_read("http://e/open"), public.can_read("http://e/closed")
(True, False)
>>> query = "SELECT ?o WHERE { ?s ?p ?o }"
>>> [row[0] for row in repo.query(query, dataset=public.dataset(query)).rows()]
[rdflib.term.URIRef('http://e/b')]
>>> readable_graphs(repo, Visibility.RESTRICTED).can_read("http://e/closed")
True
>>> repo.close()
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from rdflib import URIRef

from r2p_graph.errors import InputError
from r2p_graph.ontology.namespaces import GRAPH_BASE, R2P
from r2p_graph.services.tokens import Principal, Role
from r2p_graph.store import QueryDataset, Repository, SelectResult
from r2p_graph.store.repository import Quad
from r2p_graph.store.sparql_clauses import UnreadableClauseError, dataset_clause
from r2p_graph.store.views import ViewPolicy

ACCESS_GRAPH: Final = GRAPH_BASE + "access"
"""The system graph holding one ``<G> r2p:visibility <tier>`` record per non-public graph."""

CONTRIBUTIONS_GRAPH: Final = GRAPH_BASE + "contributions"
"""The system graph holding the provenance of every contribution."""

SYSTEM_GRAPHS: Final = (ACCESS_GRAPH, CONTRIBUTIONS_GRAPH)
"""Graphs only readers who see everything may read."""

_TIERS: Final = f"""
SELECT ?graph ?tier WHERE {{
  GRAPH ?graph {{ }}
  OPTIONAL {{ GRAPH <{ACCESS_GRAPH}> {{ ?graph <{R2P.visibility}> ?tier }} }}
}}"""
"""Every named graph with its visibility records, read from one copy of the data in one query
(a graph and its record are written in one transaction, so both or neither are seen)."""


_RECORDS: Final = f"""
SELECT ?graph ?tier WHERE {{ GRAPH <{ACCESS_GRAPH}> {{ ?graph <{R2P.visibility}> ?tier }} }}"""
"""Every access record."""


class Visibility(StrEnum):
    """Who may read a graph; as a clearance, the most a reader may read.

    >>> Visibility.PARTNERS.iri
    rdflib.term.URIRef('https://w3id.org/r2p-graph/ontology#PartnersOnly')
    >>> Visibility.PARTNERS.permits(Visibility.PUBLIC)
    True
    >>> Visibility.PUBLIC.permits(Visibility.PARTNERS)
    False
    """

    PUBLIC = "public"
    PARTNERS = "partners"
    RESTRICTED = "restricted"

    @property
    def iri(self) -> URIRef:
        """The ontology term of the tier (``r2p:Public``, ``r2p:PartnersOnly``,
        ``r2p:Restricted``)."""
        return _IRIS[self]

    @property
    def rank(self) -> int:
        """0 for public, 1 for partners, 2 for restricted."""
        return _ORDER.index(self)

    def permits(self, tier: Visibility) -> bool:
        """Whether a reader of this clearance may read a graph of ``tier``."""
        return tier.rank <= self.rank

    @classmethod
    def named(cls, name: str) -> Visibility:
        """The tier called ``name`` (``public``, ``partners``, ``restricted``);
        ``InputError`` otherwise."""
        try:
            return cls(name.strip().lower())
        except ValueError:
            known = ", ".join(tier.value for tier in cls)
            raise InputError(f"unknown visibility {name!r} (known: {known})") from None

    @classmethod
    def of_iri(cls, iri: str) -> Visibility:
        """The tier an access record names; an unknown term counts as restricted."""
        for tier, term in _IRIS.items():
            if str(term) == iri:
                return tier
        return cls.RESTRICTED


_ORDER: Final = (Visibility.PUBLIC, Visibility.PARTNERS, Visibility.RESTRICTED)
_IRIS: Final = {
    Visibility.PUBLIC: R2P.Public,
    Visibility.PARTNERS: R2P.PartnersOnly,
    Visibility.RESTRICTED: R2P.Restricted,
}


def access_views(clearances: Iterable[str] = ("public", "partners")) -> ViewPolicy:
    """The views of the data kept for the given clearances below full access: a store per
    clearance holding the graphs it may read (the same rule as :func:`readable_graphs`: no
    record, or only records of tiers it may read; never the system graphs).

    >>> access_views(["public"]).names
    ('public',)
    """
    kept = [Visibility.named(name) for name in clearances]
    return ViewPolicy(
        access_graph=ACCESS_GRAPH,
        predicate=str(R2P.visibility),
        views=tuple(
            (clearance.value, frozenset(str(_IRIS[t]) for t in _ORDER if clearance.permits(t)))
            for clearance in (Visibility.PUBLIC, Visibility.PARTNERS)
            if clearance in kept
        ),
        always_hidden=frozenset(SYSTEM_GRAPHS),
    )


ACCESS_VIEWS: Final = access_views()
"""The views kept by default: one for public readers, one for partners."""


def visibility_quads(graph: str, tier: Visibility) -> list[Quad]:
    """The access record giving ``graph`` the visibility ``tier``, to be written in the same
    transaction (the same ``Repository.add`` call) as the graph's own triples.

    >>> [str(term) for term in visibility_quads("http://e/g", Visibility.PARTNERS)[0]]
    ['http://e/g', 'https://w3id.org/r2p-graph/ontology#visibility', \
'https://w3id.org/r2p-graph/ontology#PartnersOnly', 'https://w3id.org/r2p-graph/graph/access']
    """
    return [(URIRef(graph), R2P.visibility, tier.iri, URIRef(ACCESS_GRAPH))]


def clearance(principal: Principal | None) -> Visibility:
    """What the holder of a token (``None``: an anonymous reader) may read.

    >>> clearance(None)
    <Visibility.PUBLIC: 'public'>
    >>> clearance(Principal("ngo", Role.CONTRIBUTOR, "2026-01-01", partner=True))
    <Visibility.PARTNERS: 'partners'>
    >>> clearance(Principal("centre", Role.CURATOR, "2026-01-01"))
    <Visibility.RESTRICTED: 'restricted'>
    """
    if principal is None:
        return Visibility.PUBLIC
    if principal.role >= Role.CURATOR:
        return Visibility.RESTRICTED
    return Visibility.PARTNERS if principal.partner else Visibility.PUBLIC


@dataclass(frozen=True, slots=True)
class ReadableGraphs:
    """The named graphs a clearance may read, as of one state of the store (the write
    ``stamp`` it was computed at, ``None`` if a write was in progress).

    ``graphs`` is ``None`` when nothing is hidden from the clearance: then its readers query
    the whole store. Otherwise ``graphs`` lists every readable named graph (a graph created
    after it was computed is not in it, so the list can be out of date only on the safe side)
    and ``hidden`` the graphs it may not read; with ``view``, the repository keeps the
    clearance's view and queries run over it. The store's default graph is always readable.
    """

    clearance: Visibility
    graphs: frozenset[str] | None
    stamp: int | None = None
    hidden: frozenset[str] = frozenset()
    view: bool = False

    @property
    def everything(self) -> bool:
        """Whether every graph of the store is readable."""
        return self.graphs is None

    def can_read(self, graph: str | None) -> bool:
        """Whether the reader may read ``graph`` (``None``: the default graph)."""
        return graph is None or self.graphs is None or graph in self.graphs

    def dataset(
        self,
        sparql: str = "",
        requested: QueryDataset | None = None,
        base_iri: str | None = None,
    ) -> QueryDataset | None:
        """The dataset to run ``sparql`` over: what ``requested`` (the protocol's
        ``default-graph-uri`` / ``named-graph-uri``) or else the query's own ``FROM`` /
        ``FROM NAMED`` (relative IRIs resolved against ``base_iri``) ask for, narrowed to the
        readable graphs; the union of every readable graph when neither asks. ``None`` (the
        store's default dataset) when everything is readable and nothing was requested. With
        a view, the dataset runs over it, and the union of the readable graphs is the view's.

        >>> readable = ReadableGraphs(Visibility.PUBLIC, frozenset({"http://e/a"}))
        >>> readable.dataset("SELECT * FROM <http://e/a> FROM <http://e/b> { ?s ?p ?o }")
        QueryDataset(default_graphs=('http://e/a',), named_graphs=(), view=None)
        >>> readable.dataset("SELECT * { GRAPH ?g { ?s ?p ?o } }")
        QueryDataset(default_graphs=(None, 'http://e/a'), named_graphs=('http://e/a',), view=None)
        >>> viewed = ReadableGraphs(Visibility.PUBLIC, frozenset({"http://e/a"}), view=True)
        >>> viewed.dataset("SELECT * { GRAPH ?g { ?s ?p ?o } }")
        QueryDataset(default_graphs=None, named_graphs=None, view='public')
        """
        if self.graphs is None:
            return requested
        readable = tuple(sorted(self.graphs))
        view = self.clearance.value if self.view else None
        if requested is None:
            try:
                clause = dataset_clause(sparql, base_iri=base_iri)
            except UnreadableClauseError:
                clause = None  # not a query the engine will parse either: it reports the error
            if clause is None:
                if view is not None:
                    return QueryDataset(view=view)
                return QueryDataset(default_graphs=(None, *readable), named_graphs=readable)
            requested = QueryDataset(clause.default_graphs, clause.named_graphs)
        defaults: Sequence[str | None] = (
            (None, *readable) if requested.default_graphs is None else requested.default_graphs
        )
        named = readable if requested.named_graphs is None else requested.named_graphs
        return QueryDataset(
            default_graphs=tuple(g for g in defaults if self.can_read(g)),
            named_graphs=tuple(g for g in named if self.can_read(g)),
            view=view,
        )

    def outdated_by(self, repo: Repository) -> ReadableGraphs | None:
        """After a read through this view: ``None`` if that read is certain to have read
        nothing hidden, else the view to read again through. Only a write that began since
        this view was computed can have hidden something it read: a graph it could read that
        is now hidden, or — for a whole-store view — anything now hidden. (A read through the
        clearance's view of the data reads one state of it, which held no graph hidden then: a
        graph created and hidden while it ran was read, if at all, as the state between.)"""
        if self.clearance is Visibility.RESTRICTED:
            return None
        if repo.write_clock.unchanged_since(self.stamp):
            return None
        fresh = readable_graphs(repo, self.clearance, explicit=True)
        again = fresh.hidden if self.graphs is None else fresh.hidden & self.graphs
        return _through_view(repo, fresh) if again else None


class _Cache:
    """The readable graphs of each clearance, as of the write stamp they were computed at."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[Visibility, ReadableGraphs] = {}


_CACHES: weakref.WeakKeyDictionary[Repository, _Cache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def readable_graphs(
    repo: Repository, clearance: Visibility, *, explicit: bool = False
) -> ReadableGraphs:
    """The graphs a reader of ``clearance`` may read in ``repo`` now. Cached per repository
    and clearance until the next write; reads the store (two small queries' worth) otherwise.
    With ``explicit``, a list of graphs even when all are readable (never the whole store), as
    a query must use when it cannot check afterwards that no write came in between.

    >>> from r2p_graph.store import OxigraphRepository
    >>> readable_graphs(OxigraphRepository.in_memory(), Visibility.PUBLIC).everything
    True
    """
    if clearance is Visibility.RESTRICTED:
        return ReadableGraphs(clearance, None, repo.write_clock.stamp())
    with _CACHES_LOCK:
        cache = _CACHES.setdefault(repo, _Cache())
    clock = repo.write_clock
    stamp = clock.stamp()
    with cache.lock:
        cached = cache.entries.get(clearance)
    fresh = cached is not None and stamp is not None and cached.stamp == stamp
    if fresh and cached is not None and not (explicit and cached.graphs is None):
        return cached
    readable, hidden = _compute(repo, clearance)
    everything = not hidden
    # The whole store may be read only if that was true of one settled state of the data.
    settled = clock.unchanged_since(stamp)
    whole = everything and settled and not explicit
    if not whole and not explicit and repo.views is None and repo.keep_views(ACCESS_VIEWS):
        # Keeping views is a write of its own: computed again, this is cached.
        return readable_graphs(repo, clearance)
    view = not whole and not explicit and _keeps_view(repo, clearance)
    entry = ReadableGraphs(clearance, None if whole else readable, stamp, hidden, view)
    if settled and (whole or not everything):
        with cache.lock:
            cache.entries[clearance] = entry
    return entry


def _keeps_view(repo: Repository, clearance: Visibility) -> bool:
    """Whether ``repo`` keeps the view of ``clearance``; a repository that keeps no views yet
    is asked to keep :data:`ACCESS_VIEWS` (the service asks when it opens the store)."""
    policy = repo.views
    if policy is None and repo.keep_views(ACCESS_VIEWS):
        policy = repo.views
    return policy is not None and clearance.value in policy.names


def _through_view(repo: Repository, readable: ReadableGraphs) -> ReadableGraphs:
    """``readable`` read through its clearance's view when the repository keeps one."""
    if readable.graphs is None or readable.view or not _keeps_view(repo, readable.clearance):
        return readable
    return ReadableGraphs(
        readable.clearance, readable.graphs, readable.stamp, readable.hidden, view=True
    )


def views(repo: Repository, clearance: Visibility) -> Iterator[ReadableGraphs]:
    """The view to read through, then — only if a write that came in meanwhile hid something
    that read may have seen (:meth:`ReadableGraphs.outdated_by`) — a fresh one to read again
    through. Read inside the loop; the last read stands::

        for view in views(repo, clearance):
            answer = repo.answer(query, dataset=view.dataset(query), ...)
    """
    first = readable_graphs(repo, clearance)
    yield first
    again = first.outdated_by(repo)
    if again is not None:
        yield again


def visible_graphs(repo: Repository, clearance: Visibility, graphs: Iterable[str]) -> list[str]:
    """Those of ``graphs`` a reader of ``clearance`` may read, in the given order: for the
    services that publish what the system graphs say about contributions (their pages, the
    change feed, the sources of a statement), which read the provenance with full access and
    must show a reader only the contributions whose graph they may read. A graph that does not
    exist (a withdrawn contribution) is shown when nothing records it as hidden.

    >>> from r2p_graph.store import OxigraphRepository
    >>> repo = OxigraphRepository.in_memory()
    >>> _ = repo.add(visibility_quads("http://e/closed", Visibility.PARTNERS))
    >>> visible_graphs(repo, Visibility.PUBLIC, ["http://e/open", "http://e/closed"])
    ['http://e/open']
    >>> visible_graphs(repo, Visibility.PARTNERS, ["http://e/open", "http://e/closed"])
    ['http://e/open', 'http://e/closed']
    """
    wanted = list(graphs)
    if clearance is Visibility.RESTRICTED:
        return wanted
    tiers = _recorded_tiers(repo)
    return [g for g in wanted if clearance.permits(tiers.get(g, Visibility.PUBLIC))]


def _recorded_tiers(repo: Repository) -> dict[str, Visibility]:
    """The tier of every graph with an access record (system graphs: restricted)."""
    tiers: dict[str, Visibility] = dict.fromkeys(SYSTEM_GRAPHS, Visibility.RESTRICTED)
    result = repo.query(_RECORDS)
    assert isinstance(result, SelectResult)
    for graph, tier in result.rows():
        if isinstance(graph, URIRef) and tier is not None:
            found = Visibility.of_iri(str(tier))
            known = tiers.get(str(graph), Visibility.PUBLIC)
            tiers[str(graph)] = found if found.rank > known.rank else known
    return tiers


def dump_graphs(repo: Repository, clearance: Visibility) -> list[str | None] | None:
    """The graphs a dump for a reader of ``clearance`` holds, in order (``None`` first: the
    default graph), or ``None`` for the whole store (full clearance). A dump is streamed and
    cannot be read again, so it always uses an explicit list for lower clearances.

    >>> from r2p_graph.store import OxigraphRepository
    >>> dump_graphs(OxigraphRepository.in_memory(), Visibility.PUBLIC)
    [None]
    """
    if clearance is Visibility.RESTRICTED:
        return None
    readable = readable_graphs(repo, clearance, explicit=True)
    return [None, *sorted(readable.graphs or ())]


def hidden_from(repo: Repository, clearance: Visibility) -> ReadableGraphs | None:
    """The graphs ``clearance`` may read, freshly computed (never cached), or ``None`` when
    nothing in the store is hidden from it."""
    graphs, hidden = _compute(repo, clearance)
    return ReadableGraphs(clearance, graphs, None, hidden) if hidden else None


def _compute(repo: Repository, clearance: Visibility) -> tuple[frozenset[str], frozenset[str]]:
    """The graphs of the store ``clearance`` may read, and those it may not."""
    tiers: dict[str, Visibility] = dict.fromkeys(SYSTEM_GRAPHS, Visibility.RESTRICTED)
    graphs: set[str] = set()
    result = repo.query(_TIERS)
    assert isinstance(result, SelectResult)
    for graph, tier in result.rows():
        if graph is None or not isinstance(graph, URIRef):
            continue
        graphs.add(str(graph))
        if tier is not None:
            found = Visibility.of_iri(str(tier))
            known = tiers.get(str(graph), Visibility.PUBLIC)
            tiers[str(graph)] = found if found.rank > known.rank else known
    readable = frozenset(g for g in graphs if clearance.permits(tiers.get(g, Visibility.PUBLIC)))
    return readable, frozenset(graphs) - readable
