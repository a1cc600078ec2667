"""The inference rules the ontology licenses, compiled into SPARQL.

r2p-graph materialises what OWL 2 RL derives from the constructs the ontology actually uses:
``rdfs:subClassOf`` (cax-sco), ``rdfs:subPropertyOf`` (prp-spo1), ``owl:inverseOf`` (prp-inv),
``owl:TransitiveProperty`` (prp-trp), ``owl:propertyChainAxiom`` (prp-spo2), ``rdfs:domain`` and
``rdfs:range`` (prp-dom, prp-rng); ``owl:AllDisjointClasses`` and ``owl:disjointWith`` (cax-dw,
cax-adc) are checked on writes (see :mod:`r2p_graph.services.inference.consistency`).

Instead of running the rules to a fixpoint, each derived property is compiled once into one
SPARQL property path that already contains every way of deriving it (its sub-properties, its
inverses, its chains, its transitive closure), so one query per derived property gives its
whole extension. This works because the ontology's property hierarchy has no cycles except the
left- and right-recursive chains OWL 2 DL allows (``R o S -> R``, ``S o R -> R``), which become
``R/S+`` and ``S+/R``.

>>> from r2p_graph.services.reasoning import ontology_graph
>>> rules = OntologyRules.from_graph(ontology_graph())
>>> rules.path("http://www.w3.org/ns/org#transitiveSubOrganizationOf")  # doctest: +ELLIPSIS
'(<http://www.w3.org/ns/org#transitiveSubOrganizationOf>|(<http://www.w3.org/ns/org#subOrganizationOf>|...)+'
>>> "https://w3id.org/r2p-graph/ontology#Organization" in rules.superclasses(
...     "https://w3id.org/r2p-graph/ontology#Network")
True
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import Graph
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import BNode, URIRef

from r2p_graph.store.repository import Node

TYPE = str(RDF.type)


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One link of a property chain: a property, or the inverse of one."""

    prop: str
    inverse: bool = False


@dataclass(frozen=True)
class Derivation:
    """One query that derives triples: the predicates it reads and its CONSTRUCT text.

    ``head`` is the derived predicate (``rdf:type`` for class memberships); ``reads`` the
    predicates whose triples it depends on, so that a write touching none of them need not run
    it again."""

    name: str
    head: str
    reads: frozenset[str]
    sparql: str
    subject: str | None = None
    upstream: str | None = None

    def seeds(self, changed: Iterable[tuple[Node, Node, Node]]) -> set[Node]:
        """The nodes where a derivation of this rule can pass through one of the ``changed``
        triples: the subject of a triple the rule walks forwards, the object of one it walks
        backwards (only predicates it reads count)."""
        forward, backward = self._directions
        found: set[Node] = set()
        for s, p, o in changed:
            prop = str(p)
            if prop in forward:
                found.add(s)
            if prop in backward:
                found.add(o)
        return found

    @cached_property
    def _directions(self) -> tuple[frozenset[str], frozenset[str]]:
        if self.upstream is None:
            return self.reads, frozenset()
        steps = _PATH_STEP.findall(self.upstream)
        forward = frozenset(iri for hat, iri in steps if not hat)
        return forward, frozenset(iri for hat, iri in steps if hat)

    @property
    def focusable(self) -> bool:
        """Whether the derivation can be run for some subjects only (:meth:`focused`)."""
        return self.subject is not None

    def focused(self, subjects: Iterable[str]) -> str:
        """The query deriving only the triples whose subject is one of ``subjects`` (N-Triples
        terms). ``upstream``, when set, is a property path from a subject to every node its
        derivation passes through: a change to a triple touching node ``n`` can change only
        what is derived for the subjects that reach ``n`` by ``upstream*``. Without it, only
        for the nodes the changed triples touch themselves."""
        assert self.subject is not None
        values = f"VALUES ?{self.subject} {{ {' '.join(subjects)} }} "
        where = self.sparql.index("WHERE {") + len("WHERE {")
        return f"{self.sparql[:where]} {values}{self.sparql[where:]}"


@dataclass
class OntologyRules:
    """The schema axioms that drive inference, read from the ontology graph."""

    subclass_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    subproperty_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    inverse_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    transitive: set[str] = field(default_factory=set)
    chains: dict[str, list[tuple[ChainStep, ...]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    domain: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    range: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    disjoint: list[frozenset[str]] = field(default_factory=list)

    @classmethod
    def from_graph(cls, graph: Graph) -> OntologyRules:
        """Read the axioms of ``graph`` (the ontology and vocabularies). Blank-node classes and
        properties (restrictions) are not used by the rules and are skipped."""
        rules = cls()
        for sub, sup in graph.subject_objects(RDFS.subClassOf):
            if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub != sup:
                rules.subclass_of[str(sub)].add(str(sup))
        for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
            if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub != sup:
                rules.subproperty_of[str(sup)].add(str(sub))
        for one, other in graph.subject_objects(OWL.inverseOf):
            if isinstance(one, URIRef) and isinstance(other, URIRef):
                rules.inverse_of[str(one)].add(str(other))
                rules.inverse_of[str(other)].add(str(one))
        rules.transitive = {
            str(p)
            for p in graph.subjects(RDF.type, OWL.TransitiveProperty)
            if isinstance(p, URIRef)
        }
        for prop, head in graph.subject_objects(OWL.propertyChainAxiom):
            if isinstance(prop, URIRef) and isinstance(head, BNode):
                steps = tuple(_chain_step(graph, item) for item in Collection(graph, head))
                rules.chains[str(prop)].append(steps)
        for prop, cls_ in graph.subject_objects(RDFS.domain):
            if isinstance(prop, URIRef) and isinstance(cls_, URIRef):
                rules.domain[str(prop)].add(str(cls_))
        for prop, cls_ in graph.subject_objects(RDFS.range):
            if isinstance(prop, URIRef) and isinstance(cls_, URIRef) and _is_class(graph, cls_):
                rules.range[str(prop)].add(str(cls_))
        for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            members = graph.value(group, OWL.members)
            if members is not None:
                rules.disjoint.append(frozenset(str(m) for m in Collection(graph, members)))
        for one, other in graph.subject_objects(OWL.disjointWith):
            rules.disjoint.append(frozenset((str(one), str(other))))
        return rules

    # -- classes ----------------------------------------------------------------------------

    def superclasses(self, cls: str) -> frozenset[str]:
        """Every class ``cls`` is a subclass of, itself excluded (transitive)."""
        return self._superclass_closure.get(cls, frozenset())

    @cached_property
    def _superclass_closure(self) -> dict[str, frozenset[str]]:
        closure: dict[str, frozenset[str]] = {}
        for cls in list(self.subclass_of):
            seen: set[str] = set()
            todo = list(self.subclass_of.get(cls, ()))
            while todo:
                sup = todo.pop()
                if sup not in seen and sup != cls:
                    seen.add(sup)
                    todo.extend(self.subclass_of.get(sup, ()))
            closure[cls] = frozenset(seen)
        return closure

    def with_superclasses(self, classes: Iterable[str]) -> set[str]:
        """The classes and all their superclasses."""
        result: set[str] = set()
        for cls in classes:
            result.add(cls)
            result |= self.superclasses(cls)
        return result

    def clashes(self, classes: Iterable[str]) -> list[tuple[str, str]]:
        """Pairs of disjoint classes among ``classes`` (closed under superclasses first)."""
        closed = self.with_superclasses(classes)
        found: list[tuple[str, str]] = []
        for group in self.disjoint:
            present = sorted(group & closed)
            found.extend(
                (present[i], present[j])
                for i in range(len(present))
                for j in range(i + 1, len(present))
            )
        return found

    # -- properties -------------------------------------------------------------------------

    def super_properties(self, prop: str) -> set[str]:
        """Every property whose extension includes ``prop``'s (itself included)."""
        result = {prop}
        todo = [prop]
        while todo:
            current = todo.pop()
            for sup, subs in self.subproperty_of.items():
                if current in subs and sup not in result:
                    result.add(sup)
                    todo.append(sup)
        return result

    @cached_property
    def derived_properties(self) -> list[str]:
        """Properties with a derivation beyond their own triples, sorted."""
        props = set(self.subproperty_of) | set(self.inverse_of) | self.transitive | set(self.chains)
        return sorted(p for p in props if self.path(p) != f"<{p}>")

    def path(self, prop: str) -> str:
        """A SPARQL property path matching every pair ``prop`` holds between, asserted or
        derived."""
        return self._path(prop, frozenset())

    def reads(self, prop: str) -> frozenset[str]:
        """The asserted predicates :meth:`path` of ``prop`` reads."""
        return frozenset(_IRI_IN_PATH.findall(self.path(prop)))

    def _path(self, prop: str, visiting: frozenset[str]) -> str:
        own = f"<{prop}>"
        if prop in visiting:
            return own
        inner = visiting | {prop}
        alternatives = [own]
        alternatives += [
            self._path(sub, inner) for sub in sorted(self.subproperty_of.get(prop, ()))
        ]
        alternatives += [
            f"^({self._path(inv, inner)})" for inv in sorted(self.inverse_of.get(prop, ()))
        ]
        left: list[str] = []  # chains (prop, S...) -> prop
        right: list[str] = []  # chains (S..., prop) -> prop
        for chain in self.chains.get(prop, ()):
            if chain[0].prop == prop and not chain[0].inverse:
                left.append(self._sequence(chain[1:], inner))
            elif chain[-1].prop == prop and not chain[-1].inverse:
                right.append(self._sequence(chain[:-1], inner))
            else:
                alternatives.append(self._sequence(chain, inner))
        base = _alternatives(alternatives)
        if prop in self.transitive:
            base = f"{base}+"
        if not left and not right:
            return base
        combos = [base]
        after = _one_or_more(left) if left else None
        before = _one_or_more(right) if right else None
        if after:
            combos.append(f"{base}/{after}")
        if before:
            combos.append(f"{before}/{base}")
        if after and before:
            combos.append(f"{before}/{base}/{after}")
        return "(" + "|".join(combos) + ")"

    def _sequence(self, steps: Iterable[ChainStep], visiting: frozenset[str]) -> str:
        parts = []
        for step in steps:
            part = self._path(step.prop, visiting)
            parts.append(f"^({part})" if step.inverse else part)
        return "/".join(parts)

    # -- derivations ------------------------------------------------------------------------

    def derivations(self, *, domain_and_range: bool = False) -> list[Derivation]:
        """The queries that together derive what the rules license: one per derived property,
        one for class memberships through subclasses and, with ``domain_and_range``, one per
        property with a domain or range.

        Domain and range are left out by default: the shapes already require every thing to
        state its class, so they add nearly nothing to answers, yet they were the slowest
        derivations measured (65 % of the time at 1M triples). The consistency check on
        writes still applies them."""
        derived: list[Derivation] = []
        for prop in self.derived_properties:
            derived.append(
                Derivation(
                    name=f"property {prop}",
                    head=prop,
                    reads=self.reads(prop),
                    sparql=(
                        f"CONSTRUCT {{ ?s <{prop}> ?o }} WHERE {{ ?s {self.path(prop)} ?o "
                        f"FILTER NOT EXISTS {{ ?s <{prop}> ?o }} }}"
                    ),
                    subject="s",
                    upstream=_upstream(self.path(prop)),
                )
            )
        pairs = sorted(
            (cls, sup) for cls in self._superclass_closure for sup in self.superclasses(cls)
        )
        if pairs:
            values = " ".join(f"(<{c}> <{s}>)" for c, s in pairs)
            derived.append(
                Derivation(
                    name="subclasses",
                    head=TYPE,
                    reads=frozenset({TYPE}),
                    sparql=(
                        f"CONSTRUCT {{ ?x a ?c }} WHERE {{ VALUES (?d ?c) {{ {values} }} "
                        "?x a ?d FILTER NOT EXISTS { ?x a ?c } }"
                    ),
                    subject="x",  # a thing's superclasses follow from its own types only
                )
            )
        if not domain_and_range:
            return derived
        for kind, axioms in (("domain", self.domain), ("range", self.range)):
            for prop in sorted(axioms):
                classes = " ".join(f"<{c}>" for c in sorted(self.with_superclasses(axioms[prop])))
                node, _other = ("?x", "?y") if kind == "domain" else ("?y", "?x")
                derived.append(
                    Derivation(
                        name=f"{kind} of {prop}",
                        head=TYPE,
                        reads=self.reads(prop),
                        sparql=(
                            f"CONSTRUCT {{ {node} a ?c }} WHERE {{ "
                            f"{{ SELECT DISTINCT {node} WHERE {{ ?x {self.path(prop)} ?y }} }} "
                            f"VALUES ?c {{ {classes} }} FILTER NOT EXISTS {{ {node} a ?c }} "
                            f"FILTER (!ISLITERAL({node})) }}"
                        ),
                    )
                )
        return derived


def _chain_step(graph: Graph, item: object) -> ChainStep:
    if isinstance(item, BNode):
        inverse = graph.value(item, OWL.inverseOf)
        return ChainStep(str(inverse), inverse=True)
    return ChainStep(str(item))


def _is_class(graph: Graph, node: URIRef) -> bool:
    """Whether ``node`` is a class rather than a datatype (``xsd:date`` ranges are not)."""
    return (
        not str(node).startswith("http://www.w3.org/2001/XMLSchema#")
        and (
            node,
            RDF.type,
            RDFS.Datatype,
        )
        not in graph
    )


def _upstream(path: str) -> str:
    """One step of ``path`` in the direction it is walked: the alternatives of every property
    it names, each inverted (``^``) where the path walks it backwards.

    >>> _upstream("(<http://e/a>|^(<http://e/b>/^(<http://e/c>)))+")
    '(<http://e/a>|<http://e/c>|^<http://e/b>)'
    """
    steps: set[str] = set()
    inverted = [False]
    for token in _PATH_TOKEN.findall(path):
        if token == "^(":
            inverted.append(not inverted[-1])
        elif token == "(":
            inverted.append(inverted[-1])
        elif token == ")":
            inverted.pop()
        elif token.startswith("<"):
            steps.add(f"^{token}" if inverted[-1] else token)
    return "(" + "|".join(sorted(steps)) + ")"


_PATH_STEP = re.compile(r"(\^?)<([^>]+)>")
_PATH_TOKEN = re.compile(r"\^\(|\(|\)|<[^>]+>")


def _one_or_more(parts: list[str]) -> str:
    path = _alternatives(parts)
    return path if path.endswith("+") else f"({path})+"


def _alternatives(parts: list[str]) -> str:
    unique = list(dict.fromkeys(parts))
    return unique[0] if len(unique) == 1 else "(" + "|".join(unique) + ")"


_IRI_IN_PATH = re.compile(r"<([^>]+)>")
