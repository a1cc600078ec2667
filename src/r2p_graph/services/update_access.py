"""Who may run which SPARQL update while some graphs are hidden from them.

An update reads as well as writes: its ``WHERE`` (and ``ADD``, ``COPY``, ``MOVE``) could copy a
restricted graph into a public one. While the store holds graphs a writer may not read (see
:mod:`r2p_graph.services.visibility`), they may therefore only add and remove triples — ``INSERT
DATA`` / ``DELETE DATA`` — and only in graphs they may read; curators may run any update.
Contributions (``POST /contributions``) and the Graph Store are the usual ways to write.
"""

from __future__ import annotations

from typing import Final

from r2p_graph.services.visibility import SYSTEM_GRAPHS, Visibility, hidden_from
from r2p_graph.store import Repository
from r2p_graph.store.sparql_clauses import update_shape

__all__ = ["update_refusal"]

_DATA_ONLY: Final = frozenset({"INSERT", "DELETE", "DATA", "GRAPH"})


def update_refusal(
    repo: Repository, clearance: Visibility, update: str, *, base_iri: str | None = None
) -> str | None:
    """Why a writer of ``clearance`` may not run ``update``, or ``None`` when they may.

    An update reads as well as writes (its ``WHERE``, ``ADD``, ``COPY``, ``MOVE``), so while
    the store holds graphs the writer may not read, they may only add and remove triples
    (``INSERT DATA`` / ``DELETE DATA``), and only in graphs they may read; a curator may do
    anything. The system graphs (access records, provenance) are never written by others, and
    ``LOAD`` (which makes the server fetch a URL) is for curators only.

    >>> from r2p_graph.services.visibility import visibility_quads
    >>> from r2p_graph.store import OxigraphRepository
    >>> repo = OxigraphRepository.in_memory()
    >>> _ = repo.add(visibility_quads("http://e/closed", Visibility.RESTRICTED))
    >>> update_refusal(repo, Visibility.PUBLIC, "INSERT DATA { <http://e/a> <http://e/b> 1 }")
    >>> update_refusal(repo, Visibility.PUBLIC, "DELETE WHERE { ?s ?p ?o }")[:40]
    'this store holds graphs your token may n'
    """
    if clearance is Visibility.RESTRICTED:
        return None
    shape = update_shape(update, base_iri=base_iri)
    if "LOAD" in shape.keywords:
        # LOAD makes this server fetch a URL, which could be an internal address.
        return "LOAD fetches a URL from this server and needs a curator token"
    for graph in shape.graphs:
        if graph in SYSTEM_GRAPHS:
            return f"the system graph <{graph}> is written only by r2p-graph and its curators"
    readable = hidden_from(repo, clearance)
    if readable is None:
        return None
    if not shape.keywords <= _DATA_ONLY:
        return (
            "this store holds graphs your token may not read, so updates that read data "
            "(WHERE, USING, WITH, ADD, COPY, MOVE) or manage graphs (LOAD, CLEAR, DROP, CREATE) "
            "need a curator token; INSERT DATA and DELETE DATA are open to contributors"
        )
    for graph in shape.graphs:
        if not readable.can_read(graph) and repo.graph_exists(graph):
            return f"the graph <{graph}> can be written only by those who may read it"
    return None
