"""What the inference tests share: a reasoning repository over the ontology and vocabularies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from r2p_graph.ontology.bundle import SourceKind, sources_of_kind
from r2p_graph.services.inference import InferringRepository
from r2p_graph.store import OxigraphRepository, RdfFormat


@pytest.fixture
def repo() -> Iterator[InferringRepository]:
    """An in-memory store holding the ontology and vocabularies, with their inferences derived."""
    with OxigraphRepository.in_memory() as inner:
        for source in sources_of_kind(SourceKind.ONTOLOGY, SourceKind.VOCABULARY):
            inner.load(source.path, RdfFormat.TURTLE, graph=source.graph)
        reasoner = InferringRepository(inner)
        reasoner.refresh(None)  # the vocabularies were loaded without reasoning
        yield reasoner
