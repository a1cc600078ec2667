"""A store holding the bundled data, shared read-only, and fresh copies to write to."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pytest

from r2p_graph.services.bundled import load_bundled
from r2p_graph.services.contributions.rebuild import dump_bytes
from r2p_graph.store import OxigraphRepository, RdfFormat


@cache
def bundled_nquads() -> bytes:
    repo = OxigraphRepository.in_memory()
    load_bundled(repo)
    return dump_bytes(repo)


@pytest.fixture
def bundled_repo() -> Iterator[OxigraphRepository]:
    """A fresh in-memory store holding the bundled ontology, vocabularies and data."""
    repo = OxigraphRepository.in_memory()
    repo.load(bundled_nquads(), RdfFormat.N_QUADS)
    yield repo
    repo.close()
