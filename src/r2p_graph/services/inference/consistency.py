"""Refusing writes that would make the data inconsistent with the ontology.

Before quads are written, every thing they describe gets the classes it would then have: the
classes it already has in the store (asserted or inferred, in any graph), those the new quads
give it, those following from the domain and range of the properties used, and all their
superclasses. A thing that would be in two disjoint classes (``owl:AllDisjointClasses``,
``owl:disjointWith``) makes the whole write refused, with the thing and the classes named.

>>> from r2p_graph.services.reasoning import ontology_graph
>>> from r2p_graph.store import OxigraphRepository
>>> from rdflib import RDF, URIRef
>>> check = ConsistencyCheck(OntologyRules.from_graph(ontology_graph()))
>>> r2p = "https://w3id.org/r2p-graph/ontology#"
>>> thing = URIRef("http://example.org/x")
>>> quads = [(thing, RDF.type, URIRef(r2p + "Person"), None),
...          (thing, URIRef(r2p + "operatingLevel"), URIRef(r2p + "national"), None)]
>>> check.check(OxigraphRepository.in_memory(), quads)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
r2p_graph.services.inference.consistency.InconsistentDataError: the write would make ...
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rdflib.namespace import RDF
from rdflib.term import Literal, URIRef

from r2p_graph.errors import InputError
from r2p_graph.services.inference.rules import OntologyRules
from r2p_graph.services.inference.tiers import NOT_READ
from r2p_graph.store import QueryDataset, Repository, SelectResult
from r2p_graph.store.repository import Quad

_BATCH = 500


class InconsistentDataError(InputError):
    """A write would contradict the ontology (a thing in two disjoint classes); nothing was
    written."""


class ConsistencyCheck:
    """Checks the classes things would have after a write; see the module docstring."""

    def __init__(self, rules: OntologyRules) -> None:
        self.rules = rules
        self._domains = {p: self._classes_of(p, rules.domain) for p in _properties(rules)}
        self._ranges = {p: self._classes_of(p, rules.range) for p in _properties(rules)}

    def _classes_of(self, prop: str, axioms: dict[str, set[str]]) -> set[str]:
        return {c for sup in self.rules.super_properties(prop) for c in axioms.get(sup, ())}

    def check(self, repo: Repository, quads: Sequence[Quad], removed: Sequence[Quad] = ()) -> None:
        """``InconsistentDataError`` if writing ``quads`` (and taking out ``removed`` in the same
        transaction) would put a thing in two disjoint classes. Reads only."""
        new: dict[str, set[str]] = defaultdict(set)
        named: set[str] = set()  # blank nodes of a new document are new: nothing stored
        for s, p, o, g in quads:
            if g is not None and str(g) in NOT_READ:
                continue
            prop = str(p)
            if p == RDF.type and isinstance(o, URIRef):
                new[s.n3()].add(str(o))
            if not isinstance(s, Literal):
                new[s.n3()] |= self._domains.get(prop, set())
            if not isinstance(o, Literal):
                new[o.n3()] |= self._ranges.get(prop, set())
            named.update(n.n3() for n in (s, o) if isinstance(n, URIRef))
        things = [t for t, classes in new.items() if classes]
        if not things:
            return
        taken_out = {
            (s.n3(), str(o), None if g is None else str(g))
            for s, p, o, g in removed
            if p == RDF.type
        }
        existing = self._stored_classes(repo, [t for t in things if t in named], taken_out)
        for thing in things:
            classes = new[thing] | existing.get(thing, set())
            clashes = self.rules.clashes(classes)
            if clashes:
                one, other = clashes[0]
                raise InconsistentDataError(
                    f"the write would make {thing} both {self._reason(one, classes)} and "
                    f"{self._reason(other, classes)}, classes the ontology declares disjoint; "
                    "nothing was written"
                )

    def _reason(self, cls: str, classes: set[str]) -> str:
        """``a <cls>``, and the class it follows from when it is not stated itself."""
        if cls in classes:
            return f"a <{cls}>"
        sources = sorted(c for c in classes if cls in self.rules.superclasses(c))
        return f"a <{cls}> (as a <{sources[0]}>)" if sources else f"a <{cls}>"

    @staticmethod
    def _stored_classes(
        repo: Repository, things: Sequence[str], taken_out: set[tuple[str, str, str | None]]
    ) -> dict[str, set[str]]:
        """The classes asserted for ``things`` in the graphs inference reads, except those
        ``taken_out`` (thing, class, graph) by the write."""
        found: dict[str, set[str]] = defaultdict(set)
        for start in range(0, len(things), _BATCH):
            values = " ".join(things[start : start + _BATCH])
            result = repo.query(
                f"SELECT ?x ?c ?g WHERE {{ VALUES ?x {{ {values} }} "
                "{ ?x a ?c } UNION { GRAPH ?g { ?x a ?c } } }",
                dataset=QueryDataset(default_graphs=[None]),
            )
            assert isinstance(result, SelectResult)
            for thing, cls, graph in result.rows():
                name = None if graph is None else str(graph)
                if thing is None or not isinstance(cls, URIRef) or name in NOT_READ:
                    continue
                if (thing.n3(), str(cls), name) not in taken_out:
                    found[thing.n3()].add(str(cls))
        return found


def _properties(rules: OntologyRules) -> Iterable[str]:
    props: set[str] = set(rules.domain) | set(rules.range)
    for subs in rules.subproperty_of.values():
        props |= subs
    return props
