"""Reasoning over the store: what the ontology licenses, materialised and kept current.

:class:`OntologyRules` reads the axioms; :class:`Materialiser` keeps the inferred graphs equal
to what they derive; :class:`InferringRepository` runs it after every write and refuses writes
that would make the data inconsistent.
"""

from __future__ import annotations

from r2p_graph.services.inference.consistency import ConsistencyCheck, InconsistentDataError
from r2p_graph.services.inference.materialise import InferenceChange, Materialiser
from r2p_graph.services.inference.repository import InferringRepository
from r2p_graph.services.inference.rules import OntologyRules
from r2p_graph.services.inference.tiers import INFERRED_GRAPHS, inferred_graph

__all__ = [
    "INFERRED_GRAPHS",
    "ConsistencyCheck",
    "InconsistentDataError",
    "InferenceChange",
    "InferringRepository",
    "Materialiser",
    "OntologyRules",
    "inferred_graph",
]
