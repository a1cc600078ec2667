"""Every catalogue query answers the same rows in rdflib as in the embedded store, so that the
catalogue is plain SPARQL 1.1 that any store can run (and the benchmark can set them side by
side)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

import pytest
from rdflib import Graph

from r2p_graph.services.catalogue import Catalogue
from r2p_graph.store import RdfFormat, Repository, SelectResult
from tests.services.catalogue.conftest import short

ORG = "https://w3id.org/r2p-graph/id/fixture/"
TODAY = dt.date(2026, 6, 30)
CASES: list[tuple[str, Mapping[str, str]]] = [
    *((name, {}) for name in Catalogue.bundled().names()),
    ("continuum-coverage", {"country": "XA", "date": "2024-06-01"}),
    ("coverage-gaps", {"country": "XA,XB", "risk_factor": "2"}),
    ("directory", {"kind": "government"}),
    ("dormant-agreements", {"months": "6"}),
    ("indicator-trends", {"country": "XA", "risk_factor": "8", "to": "2025-12-31"}),
    ("overlapping-programmes", {"step": "early-warning"}),
    ("partner-network", {"organisation": ORG + "org4", "depth": "3"}),
    ("timeline", {"organisation": ORG + "org4"}),
    ("triggers-ahead", {"months": "18"}),
    ("who-does-what-where", {"country": "XA", "role": "implementing", "from": "2026-01-01"}),
]
REQUIRED = {
    "indicator-trends": {"country": "XA"},
    "partner-network": {"organisation": ORG + "org1"},
}


@pytest.fixture(scope="module")
def rdflib_graph(fixture_repo: Repository) -> Graph:
    """The fixture store's triples (asserted and inferred) in one rdflib graph."""
    dump = io.BytesIO()
    fixture_repo.dump(dump, RdfFormat.N_TRIPLES)
    graph = Graph()
    graph.parse(data=dump.getvalue(), format="nt")
    return graph


@pytest.mark.parametrize(
    ("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_rdflib_answers_as_the_embedded_store(
    name: str,
    params: Mapping[str, str],
    catalogue: Catalogue,
    fixture_repo: Repository,
    rdflib_graph: Graph,
) -> None:
    given = {**REQUIRED.get(name, {}), **params}
    text = catalogue.get(name).bind({k: [v] for k, v in given.items()}, today=TODAY)
    embedded = fixture_repo.query(text)
    assert isinstance(embedded, SelectResult)
    expected = [tuple(short(v) for v in row) for row in embedded.rows()]
    answered = [tuple(short(v) for v in row) for row in rdflib_graph.query(text)]  # type: ignore[union-attr]
    # Rows that tie in ORDER BY may come in either order.
    assert sorted(answered, key=repr) == sorted(expected, key=repr)
    assert expected, "a case that answers nothing compares nothing"
