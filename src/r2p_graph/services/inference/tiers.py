"""Which graphs inference reads, and where what it derives is kept, per visibility tier.

A graph's tier is its access record in the system graph ``graph/access`` (one triple
``<G> r2p:visibility <T>``; no record: public). Inference never lets a derived triple be read by
someone who could not read what it was derived from: what follows from public graphs goes to
``graph/inferred`` (public); what follows only once partners-only graphs are added goes to
``graph/inferred-partners``, which carries a partners-only access record; what needs restricted
graphs goes to ``graph/inferred-restricted``, restricted. A reader's dataset then includes the
inferred graphs of the tiers it may read, exactly as it includes the asserted ones.

>>> sorted(INFERRED_GRAPHS)[0]
'https://w3id.org/r2p-graph/graph/inferred'
"""

from __future__ import annotations

from typing import Final

from r2p_graph.ontology.namespaces import R2P, graph_iri
from r2p_graph.services.visibility import Visibility

ACCESS_GRAPH: Final = graph_iri("access")
CONTRIBUTIONS_GRAPH: Final = graph_iri("contributions")
STATE_GRAPH: Final = graph_iri("inference-state")
VISIBILITY: Final = str(R2P.visibility)


def inferred_graph(tier: Visibility) -> str:
    """The graph holding what is derived at ``tier`` and not below it.

    >>> inferred_graph(Visibility.RESTRICTED)
    'https://w3id.org/r2p-graph/graph/inferred-restricted'
    """
    return graph_iri(
        {
            Visibility.PUBLIC: "inferred",
            Visibility.PARTNERS: "inferred-partners",
            Visibility.RESTRICTED: "inferred-restricted",
        }[tier]
    )


INFERRED_GRAPHS: Final = frozenset(inferred_graph(t) for t in Visibility)
SYSTEM_GRAPHS: Final = frozenset(
    {ACCESS_GRAPH, CONTRIBUTIONS_GRAPH, STATE_GRAPH, graph_iri("shapes")}
)
"""Graphs that describe the store rather than the field: inference does not read them (an access
record's ``r2p:visibility`` would otherwise make a graph a person)."""

NOT_READ: Final = INFERRED_GRAPHS | SYSTEM_GRAPHS
