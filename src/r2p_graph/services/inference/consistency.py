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

    def check(self, repo: Repository, quads: Sequence[Quad]) -> None:
        """``InconsistentDataError`` if writing ``quads`` would put a thing in two disjoint
        classes. Reads only."""
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
        existing = self._stored_classes(repo, [t for t in things if t in named])
        for thing in things:
            clashes = self.rules.clashes(new[thing] | existing.get(thing, set()))
            if clashes:
                one, other = clashes[0]
                raise InconsistentDataError(
                    f"the write would make {thing} both a <{one}> and a <{other}>, classes "
                    "the ontology declares disjoint; nothing was written"
                )

    @staticmethod
    def _stored_classes(repo: Repository, things: Sequence[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for start in range(0, len(things), _BATCH):
            values = " ".join(things[start : start + _BATCH])
            result = repo.query(
                f"SELECT ?x ?c WHERE {{ VALUES ?x {{ {values} }} ?x a ?c }}",
                dataset=QueryDataset(),
            )
            assert isinstance(result, SelectResult)
            for thing, cls in result.rows():
                if thing is not None and isinstance(cls, URIRef):
                    found[thing.n3()].add(str(cls))
        return found


def _properties(rules: OntologyRules) -> Iterable[str]:
    props: set[str] = set(rules.domain) | set(rules.range)
    for subs in rules.subproperty_of.values():
        props |= subs
    return props
