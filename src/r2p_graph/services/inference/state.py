"""Which state of the data the inferred graphs were derived from.

A store can change without r2p-graph's reasoning seeing it: loaded while ``reasoning`` was off,
written by another tool, restored from a backup. Its inferred graphs are then stale. So, along
with the inferred graphs, the store keeps a *fingerprint* of the data they were derived from, in
the system graph ``graph/inference-state`` (one triple ``<graph/inferred> prov:wasDerivedFrom
<urn:r2p-graph:state:HEX>``): a digest of how many triples each predicate has in each graph that
inference reads, and of the derivations that ran over it, so that new or changed rules (a new
release, an edited ontology) make the inferred graphs stale as well. Taking it costs one
aggregate query (1.6 s at 1.6 million quads).

The fingerprint is taken away before the first write of a process that keeps the inferences
current (:class:`~r2p_graph.services.inference.InferringRepository`) and recorded again when it
closes the store; a process that stops without closing leaves none, and the next start derives
everything again. A change made by other means that keeps every predicate's count in every graph
(replacing a value by another) is not seen: run ``r2p-graph reason --materialise`` after one.

>>> from r2p_graph.store import OxigraphRepository, RdfFormat
>>> repo = OxigraphRepository.in_memory()
>>> recorded_fingerprint(repo) is None
True
>>> record_fingerprint(repo, fingerprint(repo))
>>> recorded_fingerprint(repo) == fingerprint(repo)
True
>>> _ = repo.load(b"<http://e/a> <http://e/p> 1 .", RdfFormat.TURTLE, graph="http://e/g")
>>> recorded_fingerprint(repo) == fingerprint(repo)
False
"""

from __future__ import annotations

import hashlib
from typing import Final

from rdflib.term import URIRef

from r2p_graph.services.inference.tiers import NOT_READ, STATE_GRAPH, inferred_graph
from r2p_graph.services.visibility import Visibility
from r2p_graph.store import QueryDataset, Repository, SelectResult

_DERIVED_FROM: Final = "http://www.w3.org/ns/prov#wasDerivedFrom"
_PREFIX: Final = "urn:r2p-graph:state:"
_COUNTS: Final = """
SELECT ?g ?p (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }
GROUP BY ?g ?p
"""
_RECORDED: Final = (
    f"SELECT ?graph ?state WHERE {{ GRAPH <{STATE_GRAPH}> {{ ?graph <{_DERIVED_FROM}> ?state }} }}"
)


def fingerprint(repo: Repository, derivations: str = "") -> str:
    """The fingerprint of the data inference reads now (hexadecimal), and of the
    ``derivations`` run over it (their signature, see :attr:`Materialiser.signature`): a store
    whose inferred graphs were derived by other rules is stale too.

    >>> from r2p_graph.store import OxigraphRepository
    >>> repo = OxigraphRepository.in_memory()
    >>> fingerprint(repo, "rules-1") == fingerprint(repo, "rules-2")
    False
    """
    result = repo.query(_COUNTS, dataset=QueryDataset(default_graphs=[None]))
    assert isinstance(result, SelectResult)
    rows = sorted(
        f"{'' if g is None else g}\t{p}\t{n}"
        for g, p, n in result.rows()
        if g is None or str(g) not in NOT_READ
    )
    if derivations:
        rows.append(f"derivations\t{derivations}")
    return hashlib.blake2b("\n".join(rows).encode(), digest_size=16).hexdigest()


def recorded_fingerprint(repo: Repository) -> str | None:
    """The fingerprint recorded with the inferred graphs, or ``None`` when there is none."""
    result = repo.query(_RECORDED, bindings={"graph": URIRef(inferred_graph(Visibility.PUBLIC))})
    assert isinstance(result, SelectResult)
    for _, state in result.rows():
        if state is not None and str(state).startswith(_PREFIX):
            return str(state)[len(_PREFIX) :]
    return None


def record_fingerprint(repo: Repository, value: str) -> None:
    """Record ``value`` as the fingerprint of the data the inferred graphs derive from (one
    transaction, replacing the one before)."""
    state = URIRef(STATE_GRAPH)
    public = URIRef(inferred_graph(Visibility.PUBLIC))
    repo.change(
        drop_graphs=[STATE_GRAPH],
        add=[(public, URIRef(_DERIVED_FROM), URIRef(_PREFIX + value), state)],
    )


def forget_fingerprint(repo: Repository) -> None:
    """Take the fingerprint away: the inferred graphs are about to change with the data."""
    repo.drop_graph(STATE_GRAPH)
