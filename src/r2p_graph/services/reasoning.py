"""Checking that the ontology (and optionally the data) is consistent, with HermiT.

HermiT runs in Java through owlready2. It supports only the datatypes of the OWL 2 datatype map,
which lacks ``xsd:date``; r2p-graph asks it to ignore unsupported datatypes, so literals of those
types take no part in the check (no axiom of the ontology restricts date values anyway).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
from rdflib import Graph

from r2p_graph.errors import R2PError
from r2p_graph.ontology.bundle import SourceKind, sources_of_kind


@dataclass(slots=True)
class ReasonerReport:
    """What HermiT found: whether the graph is consistent and which classes are unsatisfiable."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    classes: int = 0
    triples: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Consistent, and every class can have instances."""
        return self.consistent and not self.unsatisfiable


def ontology_graph() -> Graph:
    """The ontology and the vocabularies, merged."""
    graph = Graph()
    for source in sources_of_kind(SourceKind.ONTOLOGY, SourceKind.VOCABULARY):
        graph.parse(source.path, format="turtle")
    return graph


def check_consistency(graph: Graph) -> ReasonerReport:
    """Run HermiT over ``graph``: consistency, and satisfiability of every named class.

    Needs a Java runtime (``java`` on the PATH); ``R2PError`` if there is none. Reads only."""
    if shutil.which(owlready2.JAVA_EXE) is None:
        raise R2PError(
            "HermiT needs a Java runtime: install one (Debian: default-jre-headless) "
            "and make sure `java` is on the PATH"
        )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="r2p-reason-") as folder:
        path = Path(folder) / "graph.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        ontology = world.get_ontology(path.as_uri()).load()
        classes = len(list(world.classes()))
        try:
            with ontology:
                owlready2.sync_reasoner_hermit(
                    world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
                )
        except owlready2.OwlReadyInconsistentOntologyError:
            return ReasonerReport(
                consistent=False,
                classes=classes,
                triples=len(graph),
                seconds=time.perf_counter() - started,
            )
        except owlready2.OwlReadyJavaError as error:
            raise R2PError(f"HermiT failed: {str(error).strip().splitlines()[-1]}") from error
        unsatisfiable = sorted(
            c.iri
            for c in world.inconsistent_classes()
            if c.iri != "http://www.w3.org/2002/07/owl#Nothing"
        )
        world.close()
    return ReasonerReport(
        consistent=True,
        unsatisfiable=unsatisfiable,
        classes=classes,
        triples=len(graph),
        seconds=time.perf_counter() - started,
    )
