"""Rebuilding a store from its sources and the ordered log of contributions.

Everything in the store that no contribution wrote (the bundled ontology, vocabularies and data,
files loaded with ``r2p-graph load``, Graph Store writes) is copied as it is; then every entry
of the log is applied again, in order. The result must be the store itself: the dumps are
compared byte for byte (:func:`same_dump`).

>>> from r2p_graph.store import OxigraphRepository
>>> live, rebuilt = OxigraphRepository.in_memory(), OxigraphRepository.in_memory()
>>> rebuild(live, None, rebuilt).sources, same_dump(live, rebuilt)
(0, True)
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from r2p_graph.services.contributions.log import ContributionLog, replay
from r2p_graph.services.contributions.model import (
    ACCESS_GRAPH,
    CONTRIBUTIONS_GRAPH,
    id_of_graph,
)
from r2p_graph.store.formats import RdfFormat
from r2p_graph.store.repository import Quad, Repository

_BATCH = 50_000


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """How many source quads were copied and how many log entries replayed."""

    sources: int
    entries: int


def _from_contributions(quad: Quad) -> bool:
    s, _, _, g = quad
    if g is None:
        return False
    graph = str(g)
    if graph == CONTRIBUTIONS_GRAPH or id_of_graph(graph) is not None:
        return True
    return graph == ACCESS_GRAPH and id_of_graph(str(s)) is not None


def rebuild(live: Repository, log: ContributionLog | None, target: Repository) -> Rebuilt:
    """Fill the empty ``target`` with the quads of ``live`` that no contribution wrote, then
    replay ``log`` into it. Each batch of sources and each log entry is one transaction."""
    copied = 0
    batch: list[Quad] = []
    for quad in live.quads_matching():
        if _from_contributions(quad):
            continue
        batch.append(quad)
        if len(batch) >= _BATCH:
            copied += len(batch)
            target.add(batch)
            batch = []
    if batch:
        copied += len(batch)
        target.add(batch)
    entries = 0 if log is None else replay(target, log)
    return Rebuilt(copied, entries)


def dump_bytes(repo: Repository) -> bytes:
    """The N-Quads dump of the whole store."""
    out = io.BytesIO()
    repo.dump(out, RdfFormat.N_QUADS)
    return out.getvalue()


def same_dump(first: Repository, second: Repository) -> bool:
    """Whether two stores dump to the same N-Quads, byte for byte."""
    return dump_bytes(first) == dump_bytes(second)
