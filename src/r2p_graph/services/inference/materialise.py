"""Keeping the inferred graphs equal to what the ontology derives from the stored data.

:class:`Materialiser` runs the derivations of :mod:`~r2p_graph.services.inference.rules` (and
the organisations' name keys of :mod:`~r2p_graph.services.inference.name_keys`) over the graphs
of each visibility tier (see :mod:`~r2p_graph.services.inference.tiers`), compares what they give
with what the inferred graphs hold, and writes only the difference: new inferences are added,
inferences whose grounds were withdrawn are removed. A write that touches none of the predicates
a derivation reads does not run that derivation again.

Inferences about blank nodes are not kept: a blank node cannot be named again in a later write,
so such an inference could not be withdrawn; every thing the r2p model describes has an IRI.

>>> from r2p_graph.store import OxigraphRepository, RdfFormat
>>> from r2p_graph.services.reasoning import ontology_graph
>>> repo = OxigraphRepository.in_memory()
>>> _ = repo.load(b'''@prefix org: <http://www.w3.org/ns/org#> .
...   <http://e/a> org:subOrganizationOf <http://e/b> .
...   <http://e/b> org:subOrganizationOf <http://e/c> .''', RdfFormat.TURTLE, graph="http://e/data")
>>> materialiser = Materialiser(OntologyRules.from_graph(ontology_graph()))
>>> change = materialiser.refresh(repo)
>>> ask = "ASK { <http://e/a> <http://www.w3.org/ns/org#transitiveSubOrganizationOf> <http://e/c> }"
>>> repo.query(ask).value
True
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib.term import BNode, URIRef

from r2p_graph.services.inference.name_keys import name_key_derivation
from r2p_graph.services.inference.rules import Derivation, OntologyRules
from r2p_graph.services.inference.tiers import ACCESS_GRAPH, NOT_READ, VISIBILITY, inferred_graph
from r2p_graph.services.visibility import Visibility
from r2p_graph.store import GraphResult, QueryDataset, Repository, SelectResult
from r2p_graph.store.repository import Node, Triple

log = logging.getLogger(__name__)

_ACCESS_RECORDS = f"SELECT ?g ?t WHERE {{ GRAPH <{ACCESS_GRAPH}> {{ ?g <{VISIBILITY}> ?t }} }}"
_DEFAULT_GRAPH_HOLDS = "ASK { ?s ?p ?o }"
_NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"
_BATCH = 20_000
_FOCUS_LIMIT = 5_000
"""Beyond this many subjects a derivation runs in full: one query over the store is then
cheaper than a long list of subjects."""
_SEED_BATCH = 500


@dataclass(slots=True)
class InferenceChange:
    """What one refresh did: triples added and removed per inferred graph, and its time."""

    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    derivations_run: int = 0
    focused: int = 0
    seconds: float = 0.0

    @property
    def total_added(self) -> int:
        """Inferred triples added over all tiers."""
        return sum(self.added.values())

    @property
    def total_removed(self) -> int:
        """Inferred triples removed over all tiers."""
        return sum(self.removed.values())


class Materialiser:
    """Derives and stores the inferred graphs of a repository; see the module docstring."""

    def __init__(self, rules: OntologyRules) -> None:
        self.rules = rules
        by_head: dict[str, list[Derivation]] = defaultdict(list)
        for derivation in [*rules.derivations(), name_key_derivation(rules)]:
            by_head[derivation.head].append(derivation)
        self._groups = dict(by_head)
        self._group_reads = {
            head: frozenset().union(*(d.reads for d in group)) for head, group in by_head.items()
        }

    @property
    def signature(self) -> str:
        """A digest of every derivation's query: it changes when the rules do.

        >>> from r2p_graph.services.reasoning import ontology_graph
        >>> len(Materialiser(OntologyRules.from_graph(ontology_graph())).signature)
        32
        """
        texts = sorted(d.sparql for group in self._groups.values() for d in group)
        return hashlib.blake2b("\n".join(texts).encode(), digest_size=16).hexdigest()

    def heads_to_run(self, changed: Iterable[str] | None) -> list[str]:
        """The derived predicates whose derivations read one of the ``changed`` predicates
        (all of them when ``changed`` is ``None``: the write's predicates are unknown)."""
        if changed is None:
            return sorted(self._groups)
        touched = set(changed)
        return sorted(h for h, reads in self._group_reads.items() if reads & touched)

    def refresh(
        self,
        repo: Repository,
        changed: Iterable[str] | None = None,
        triples: Sequence[Triple] | None = None,
    ) -> InferenceChange:
        """Bring the inferred graphs up to date after a write that used the ``changed``
        predicates (``None``: unknown, everything is derived again).

        With ``triples``, the write changed (added or removed) exactly those triples: each
        derivation then runs only for the subjects whose inferences could rest on one of them
        (those that reach a changed triple along the derivation's path, see
        :meth:`Derivation.focused`), unless they are too many. Inferences are compared and
        written for those subjects only.

        Writes the difference as one update (or, when nothing is removed, one ``add``), so
        readers see the inferred graphs before or after it. Reads run outside any transaction:
        call it with writes to ``repo`` serialised (the caller holds the write lock)."""
        started = time.perf_counter()
        change = InferenceChange()
        touched = set(changed) if changed is not None else None
        if touched is not None and ACCESS_GRAPH in touched:
            touched = None  # tiers changed: everything moves
        heads = self.heads_to_run(touched)
        if not heads:
            return change
        tiers, graphs = self._graphs_by_tier(repo)
        focus = (
            {} if touched is None or triples is None else self._focus(repo, heads, triples, graphs)
        )
        change.focused = len(focus)
        derived_below: set[Triple] = set()
        removals: list[tuple[str, set[Triple]]] = []
        additions: list[tuple[str, set[Triple]]] = []
        for tier in Visibility:
            target = inferred_graph(tier)
            readable = [g for g in graphs if tier.permits(tiers.get(g, Visibility.PUBLIC))]
            has_own = tier is Visibility.PUBLIC or any(tiers.get(g) is tier for g in graphs)
            desired: set[Triple] = set()
            if has_own and readable:
                for head in heads:
                    for derivation in self._groups[head]:
                        desired |= _construct(repo, derivation, readable, focus.get(head))
                        change.derivations_run += 1
                desired -= derived_below
            current = self._current(repo, target, [h for h in heads if h not in focus], None)
            for head, subjects in focus.items():
                current |= self._current(repo, target, [head], subjects)
            derived_below |= desired
            added, removed = desired - current, current - desired
            if added:
                additions.append((target, added))
                change.added[target] = len(added)
            if removed:
                removals.append((target, removed))
                change.removed[target] = len(removed)
        self._write(repo, additions, removals)
        change.seconds = time.perf_counter() - started
        log.info(
            "inference: %d derivations (%d focused), +%d -%d triples in %.2f s",
            change.derivations_run,
            change.focused,
            change.total_added,
            change.total_removed,
            change.seconds,
        )
        return change

    def _focus(
        self,
        repo: Repository,
        heads: Sequence[str],
        triples: Sequence[Triple],
        graphs: list[str | None],
    ) -> dict[str, list[str]]:
        """For each head that can be derived for some subjects only, those subjects (as
        N-Triples terms); heads left out are derived in full."""
        focus: dict[str, list[str]] = {}
        for head in heads:
            subjects: set[Node] = set()
            for derivation in self._groups[head]:
                seeds = derivation.seeds(triples) if derivation.focusable else None
                if seeds is None or any(isinstance(n, BNode) for n in seeds if derivation.upstream):
                    break  # blank nodes read back from a copy need not match the store's
                if derivation.upstream is None:
                    subjects |= seeds
                else:
                    subjects |= _reaching(repo, derivation.upstream, seeds, graphs)
                if len(subjects) > _FOCUS_LIMIT:
                    break
            else:
                focus[head] = [n.n3() for n in subjects if isinstance(n, URIRef)]
        return focus

    def _graphs_by_tier(
        self, repo: Repository
    ) -> tuple[dict[str | None, Visibility], list[str | None]]:
        records = repo.query(_ACCESS_RECORDS, dataset=QueryDataset())
        assert isinstance(records, SelectResult)
        tiers: dict[str | None, Visibility] = {
            str(g): Visibility.of_iri(str(t)) for g, t in records.rows() if g is not None
        }
        # Listing the graphs from the graph index: named_graphs() counts every quad.
        listed = repo.query(_NAMED_GRAPHS, dataset=QueryDataset())
        assert isinstance(listed, SelectResult)
        names = sorted(str(row[0]) for row in listed.rows() if row[0] is not None)
        graphs: list[str | None] = [g for g in names if g not in NOT_READ]
        holds_default = repo.query(
            _DEFAULT_GRAPH_HOLDS, dataset=QueryDataset(default_graphs=[None])
        )
        if getattr(holds_default, "value", False):
            graphs.insert(0, None)
        return tiers, graphs

    def _current(
        self, repo: Repository, graph: str, heads: Sequence[str], subjects: list[str] | None
    ) -> set[Triple]:
        if not heads or subjects == []:
            return set()
        values = " ".join(f"<{h}>" for h in heads)
        only = "" if subjects is None else f"VALUES ?s {{ {' '.join(subjects)} }} "
        result = repo.query(
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} {only}"
            f"GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )
        assert isinstance(result, SelectResult)
        return {(s, p, o) for s, p, o in result.rows() if s and p and o}

    @staticmethod
    def _write(
        repo: Repository,
        additions: list[tuple[str, set[Triple]]],
        removals: list[tuple[str, set[Triple]]],
    ) -> None:
        records = [
            (URIRef(inferred_graph(t)), URIRef(VISIBILITY), t.iri, URIRef(ACCESS_GRAPH))
            for t in (Visibility.PARTNERS, Visibility.RESTRICTED)
            if any(graph == inferred_graph(t) for graph, _ in additions)
        ]
        if not removals:
            quads = [(s, p, o, URIRef(g)) for g, triples in additions for s, p, o in triples]
            if quads or records:
                repo.add([*records, *quads])
            return
        parts = [
            f"DELETE DATA {{ GRAPH <{g}> {{ {_ntriples(triples)} }} }}" for g, triples in removals
        ]
        parts += [
            f"INSERT DATA {{ GRAPH <{g}> {{ {_ntriples(triples)} }} }}" for g, triples in additions
        ]
        if records:
            triples = _ntriples(r[:3] for r in records)
            parts.append(f"INSERT DATA {{ GRAPH <{ACCESS_GRAPH}> {{ {triples} }} }}")
        repo.update(" ;\n".join(parts))


def _construct(
    repo: Repository,
    derivation: Derivation,
    graphs: list[str | None],
    subjects: list[str] | None = None,
) -> set[Triple]:
    if subjects == []:
        return set()
    sparql = derivation.sparql if subjects is None else derivation.focused(subjects)
    result = repo.query(sparql, dataset=QueryDataset(default_graphs=graphs))
    assert isinstance(result, GraphResult)
    return {
        (s, p, o)
        for s, p, o in result.triples()
        if not isinstance(s, BNode) and not isinstance(o, BNode)
    }


def _reaching(
    repo: Repository, upstream: str, seeds: set[Node], graphs: list[str | None]
) -> set[Node]:
    """The nodes from which ``upstream*`` leads to one of ``seeds`` (the seeds included), at
    most one more than the focus limit."""
    # A seed no longer in the data (all its triples just removed) reaches itself all the same.
    found: set[Node] = {n for n in seeds if isinstance(n, URIRef)}
    named = sorted(n.n3() for n in found)
    for start in range(0, len(named), _SEED_BATCH):
        values = " ".join(named[start : start + _SEED_BATCH])
        result = repo.query(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?seed {{ {values} }} ?s {upstream}* ?seed }} "
            f"LIMIT {_FOCUS_LIMIT + 1}",
            dataset=QueryDataset(default_graphs=graphs),
        )
        assert isinstance(result, SelectResult)
        found |= {row[0] for row in result.rows() if row[0] is not None}
        if len(found) > _FOCUS_LIMIT:
            break
    return found


def _ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    return " ".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)
