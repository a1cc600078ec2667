"""Which graphs inference reads, and where what it derives is kept, per visibility tier.

A graph's tier is its access record in the system graph ``graph/access`` (one triple
``<G> r2p:visibility <T>``; no record: public). Inference never lets a derived triple be read by
someone who could not read what it was derived from: what follows from public graphs goes to
``graph/inferred`` (public); what follows only once partners-only graphs are added goes to
``graph/inferred-partners``, which carries a partners-only access record; what needs restricted
graphs goes to ``graph/inferred-restricted``, restricted. A reader's dataset then includes the
inferred graphs of the tiers it may read, exactly as it includes the asserted ones.

>>> Tier.from_iri("https://w3id.org/r2p-graph/ontology#PartnersOnly")
<Tier.PARTNERS: 1>
>>> Tier.RESTRICTED.inferred_graph
'https://w3id.org/r2p-graph/graph/inferred-restricted'
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

from r2p_graph.ontology.namespaces import R2P, graph_iri

ACCESS_GRAPH: Final = graph_iri("access")
CONTRIBUTIONS_GRAPH: Final = graph_iri("contributions")
VISIBILITY: Final = str(R2P.visibility)


class Tier(IntEnum):
    """A visibility tier; a higher tier may read everything a lower one may."""

    PUBLIC = 0
    PARTNERS = 1
    RESTRICTED = 2

    @property
    def iri(self) -> str:
        """The ontology term an access record names this tier by."""
        return str(R2P) + ("Public", "PartnersOnly", "Restricted")[self]

    @property
    def inferred_graph(self) -> str:
        """The graph holding what is derived at this tier and not below it."""
        return graph_iri(("inferred", "inferred-partners", "inferred-restricted")[self])

    @classmethod
    def from_iri(cls, iri: str) -> Tier:
        """The tier an access record names; an unknown term counts as restricted (safe side)."""
        for tier in cls:
            if tier.iri == iri:
                return tier
        return cls.RESTRICTED


INFERRED_GRAPHS: Final = frozenset(t.inferred_graph for t in Tier)
SYSTEM_GRAPHS: Final = frozenset({ACCESS_GRAPH, CONTRIBUTIONS_GRAPH, graph_iri("shapes")})
"""Graphs that describe the store rather than the field: inference does not read them (an access
record's ``r2p:visibility`` would otherwise make a graph a person)."""

NOT_READ: Final = INFERRED_GRAPHS | SYSTEM_GRAPHS
