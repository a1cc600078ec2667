"""How far the shapes look from a focus node: what the gate must read around a contribution.

Validating a node against the shapes reads the node's own triples and, through the shapes' paths,
the triples of nodes a few steps away (the type of an organiser, the scale of an observation's
indicator). :class:`ShapeReach` works out, from the shapes themselves, how many steps that is
(:attr:`ShapeReach.depth`), through which predicates (:attr:`ShapeReach.steps`; a step followed
backwards stands for an ``sh:inversePath``), and which predicates make a node a target by being
pointed at (``sh:targetObjectsOf``). The gate reads that much of the store and no more.

>>> from r2p_graph.ontology.namespaces import R2P
>>> from r2p_graph.services.validation import shapes_graph
>>> reach = ShapeReach.of(shapes_graph())
>>> reach.depth
1
>>> Step(R2P.indicator, forward=True) in reach.steps
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import BNode, Node, URIRef

from r2p_graph.ontology.namespaces import PREFIXES

# Constraints that read the value node's own triples, not just the value.
_READS_NODE = (SH["class"], SH.property, SH.sparql, SH.closed)
_NESTED_ONE = (SH.node, SH["not"], SH.qualifiedValueShape)
_NESTED_LIST = (SH["or"], SH["and"], SH.xone)
_UNBOUNDED = (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath, SH.alternativePath)
# ``$this p1/p2/...`` in a SPARQL constraint: the path it follows from the focus node.
_SPARQL_PATH = re.compile(r"\$this\s+((?:\^?[A-Za-z][\w-]*:[\w-]+)(?:/\^?[A-Za-z][\w-]*:[\w-]+)*)")
_MAX_NESTING = 16


class UnboundedPathError(ValueError):
    """The shapes use a path whose length the gate cannot bound (``sh:zeroOrMorePath``, ...)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a shape path: a predicate, followed forwards or (inverse path) backwards."""

    predicate: URIRef
    forward: bool = True


@dataclass(slots=True)
class ShapeReach:
    """What validating a node reads around it.

    ``depth``: the largest number of steps from a focus node to a node whose triples the shapes
    read. ``steps``: the path steps along which they read (the only edges through which another
    node's constraints can depend on a node). ``target_objects_of``: predicates whose objects
    are targets. ``inverse``: predicates some path follows backwards, so that a node's
    description must include the triples pointing at it with them. ``read``: every predicate a
    path or a SPARQL path of the shapes names (with ``rdf:type``): all that is read of nodes
    beyond the focus nodes themselves. ``nested_only``: the shapes without targets, used only
    inside others (``sh:node``), whose results are about the value checked.
    """

    depth: int = 0
    steps: set[Step] = field(default_factory=set)
    target_objects_of: set[URIRef] = field(default_factory=set)
    inverse: set[URIRef] = field(default_factory=set)
    read: set[URIRef] = field(default_factory=set)
    nested_only: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, shapes: Graph) -> ShapeReach:
        """Work out the reach of ``shapes``; ``UnboundedPathError`` for a path of unbounded
        length, which no neighbourhood of fixed size can cover."""
        reach = cls()
        reach.read.add(RDF.type)
        for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
            shapes.subjects(RDF.type, SH.PropertyShape)
        ):
            if _is_targeted(shapes, shape):
                reach._walk(shapes, shape, 0, (), 0)
        for shape in shapes.subjects(RDF.type, SH.NodeShape):
            if isinstance(shape, URIRef) and not _is_targeted(shapes, shape):
                reach.nested_only.add(str(shape))
        for predicate in shapes.objects(None, SH.targetObjectsOf):
            if isinstance(predicate, URIRef):
                reach.target_objects_of.add(predicate)
        return reach

    def _reads(self, distance: int, via: tuple[Step, ...]) -> None:
        self.depth = max(self.depth, distance)
        self.steps.update(via)

    def _walk(
        self, shapes: Graph, shape: Node, distance: int, via: tuple[Step, ...], nesting: int
    ) -> None:
        """Account for ``shape`` applied to a node ``distance`` steps (``via``) from the focus."""
        if nesting > _MAX_NESTING:
            raise UnboundedPathError(f"shapes nested more than {_MAX_NESTING} deep at {shape}")
        path = shapes.value(shape, SH.path)
        if path is not None:
            steps = _path_steps(shapes, path)
            # Each step reads the triples of the node it starts from (its incoming triples for
            # an inverse step), so the node before the last is read, and every one before it.
            self._reads(distance + len(steps) - 1, via + steps[:-1])
            self.inverse.update(s.predicate for s in steps if not s.forward)
            self.read.update(s.predicate for s in steps)
            self._walk_value(shapes, shape, distance + len(steps), via + steps, nesting)
        else:
            self._walk_value(shapes, shape, distance, via, nesting)

    def _walk_value(
        self, shapes: Graph, shape: Node, distance: int, via: tuple[Step, ...], nesting: int
    ) -> None:
        """The constraints of ``shape`` on its value nodes, ``distance`` steps away."""
        if any(shapes.value(shape, p) is not None for p in _READS_NODE):
            self._reads(distance, via)
        for nested_property in shapes.objects(shape, SH.property):
            self._walk(shapes, nested_property, distance, via, nesting + 1)
        for predicate in _NESTED_ONE:
            for nested in shapes.objects(shape, predicate):
                self._walk(shapes, nested, distance, via, nesting + 1)
        for predicate in _NESTED_LIST:
            for members in shapes.objects(shape, predicate):
                for nested in Collection(shapes, members):
                    self._walk(shapes, nested, distance, via, nesting + 1)
        for constraint in shapes.objects(shape, SH.sparql):
            select = str(shapes.value(constraint, SH.select) or "")
            for match in _SPARQL_PATH.finditer(select):
                steps = tuple(_sparql_step(part) for part in match[1].split("/"))
                self._reads(distance + len(steps) - 1, via + steps[:-1])
                self.inverse.update(s.predicate for s in steps if not s.forward)
                self.read.update(s.predicate for s in steps)


def _is_targeted(shapes: Graph, shape: Node) -> bool:
    targets = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
    return any(shapes.value(shape, t) is not None for t in targets) or (
        (shape, RDF.type, SH.NodeShape) in shapes
        and (shape, RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in shapes
    )


def _path_steps(shapes: Graph, path: Node) -> tuple[Step, ...]:
    if isinstance(path, URIRef):
        return (Step(path),)
    assert isinstance(path, BNode)
    inverse = shapes.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return (Step(inverse, forward=False),)
    if any(shapes.value(path, p) is not None for p in _UNBOUNDED) or inverse is not None:
        raise UnboundedPathError(f"the gate cannot bound the shape path {path}")
    steps: list[Step] = []
    for member in Collection(shapes, path):
        steps.extend(_path_steps(shapes, member))
    if not steps:
        raise UnboundedPathError(f"not a shape path: {path}")
    return tuple(steps)


def _sparql_step(text: str) -> Step:
    forward = not text.startswith("^")
    prefix, _, local = text.lstrip("^").partition(":")
    namespace = PREFIXES.get(prefix)
    if namespace is None:
        raise UnboundedPathError(f"unknown prefix {prefix!r} in a SPARQL constraint path")
    return Step(URIRef(namespace + local), forward=forward)
