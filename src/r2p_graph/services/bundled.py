"""Putting the bundled ontology, vocabularies and data into a repository.

>>> from r2p_graph.store.oxigraph import OxigraphRepository
>>> with OxigraphRepository.in_memory() as repo:
...     loaded = load_bundled(repo)
...     again = load_bundled(repo)
>>> [s.name for s in loaded][:2], again
(['ontology', 'indicators'], [])
"""

from __future__ import annotations

from r2p_graph.ontology.bundle import BUNDLED_SOURCES, BundledSource
from r2p_graph.store.formats import RdfFormat
from r2p_graph.store.repository import Repository


def load_bundled(repo: Repository, *, replace: bool = False) -> list[BundledSource]:
    """Load each bundled source into its own named graph, skipping those already present.

    With ``replace``, a present graph is dropped and loaded afresh (after an upgrade). Each
    source is one transaction. Returns the sources that were loaded.
    """
    present = set(repo.named_graphs())
    loaded = []
    for source in BUNDLED_SOURCES:
        if source.graph in present:
            if not replace:
                continue
            repo.drop_graph(source.graph)
        repo.load(source.path, RdfFormat.TURTLE, graph=source.graph, source_name=source.path.name)
        loaded.append(source)
    return loaded
