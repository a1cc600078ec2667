"""The store: the repository interface and its embedded Oxigraph implementation.

Only this package imports the RDF engine. Open the configured store with :func:`open_repository`.
"""

from __future__ import annotations

from pathlib import Path

from r2p_graph.store.formats import RdfFormat, ResultFormat
from r2p_graph.store.oxigraph import OxigraphRepository
from r2p_graph.store.parsing import check_syntax, read_triples
from r2p_graph.store.repository import (
    AskResult,
    GraphResult,
    QueryDataset,
    QueryForm,
    Repository,
    SelectResult,
    StoreStats,
)
from r2p_graph.store.views import ViewPolicy

__all__ = [
    "AskResult",
    "GraphResult",
    "OxigraphRepository",
    "QueryDataset",
    "QueryForm",
    "RdfFormat",
    "Repository",
    "ResultFormat",
    "SelectResult",
    "StoreStats",
    "check_syntax",
    "open_repository",
    "read_triples",
]


def open_repository(
    data_dir: Path | None,
    *,
    read_from_memory: bool = False,
    query_workers: int = 0,
    query_deadline: float = 30.0,
    views: ViewPolicy | None = None,
) -> Repository:
    """The embedded on-disk repository in ``data_dir`` (reads answered from a memory mirror when
    ``read_from_memory``; answers under a deadline in ``query_workers`` processes; the given
    ``views`` of the data kept beside it), or an in-memory one for ``None``."""
    if data_dir is None:
        return OxigraphRepository.in_memory(views=views)
    return OxigraphRepository.open(
        data_dir,
        read_from_memory=read_from_memory,
        query_workers=query_workers,
        query_deadline=query_deadline,
        views=views,
    )
