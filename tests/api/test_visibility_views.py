"""Access records changed on a real server (query workers holding the views of the data): the
next query of every clearance reads the new tiers. All data here is synthetic."""

from __future__ import annotations

from pathlib import Path

import httpx
from rdflib import Literal, URIRef

from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.visibility import ACCESS_GRAPH, Visibility, visibility_quads
from r2p_graph.store import OxigraphRepository
from tests.servers import create_token, post_update, running_server

CONTRIBUTION = "https://w3id.org/r2p-graph/graph/contribution/synthetic-"
PERSON = URIRef("https://w3id.org/r2p-graph/id/person/synthetic-views")
MARKS = f"SELECT ?mark WHERE {{ <{PERSON}> <{R2P.note}> ?mark }}"


def _graph(name: str) -> str:
    return CONTRIBUTION + name


def test_changed_access_records_hold_at_once_for_every_clearance(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    with OxigraphRepository.open(data_dir) as repo:
        for name, tier in (
            ("open", None),
            ("partner", Visibility.PARTNERS),
            ("secret", Visibility.RESTRICTED),
        ):
            record = visibility_quads(_graph(name), tier) if tier is not None else []
            repo.add([(PERSON, R2P.note, Literal(name), URIRef(_graph(name))), *record])
    curator = create_token(data_dir, "synthetic-curator", "curator")
    partner = create_token(data_dir, "synthetic-partner", "partner")

    with running_server(data_dir) as base, httpx.Client(base_url=base, timeout=60) as client:

        def seen(token: str | None) -> set[str]:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            answer = client.get("/sparql", params={"query": MARKS}, headers=headers)
            assert answer.status_code == 200, answer.text
            return {row["mark"]["value"] for row in answer.json()["results"]["bindings"]}

        def update(sparql: str) -> None:
            done = post_update(client, sparql, curator)
            assert done.status_code == 204, done.text

        def record(graph: str, tier: URIRef) -> str:
            return f"GRAPH <{ACCESS_GRAPH}> {{ <{_graph(graph)}> <{R2P.visibility}> <{tier}> }}"

        everything = {"open", "partner", "secret"}
        assert (seen(None), seen(partner), seen(curator)) == (
            {"open"},
            {"open", "partner"},
            everything,
        )
        update(f"INSERT DATA {{ {record('open', R2P.PartnersOnly)} }}")
        assert (seen(None), seen(partner), seen(curator)) == (
            set(),
            {"open", "partner"},
            everything,
        )
        update(
            f"DELETE DATA {{ {record('secret', R2P.Restricted)} }} ; "
            f"INSERT DATA {{ {record('partner', R2P.Restricted)} }}"
        )
        assert (seen(None), seen(partner), seen(curator)) == (
            {"secret"},
            {"open", "secret"},
            everything,
        )
        update(f"DROP GRAPH <{ACCESS_GRAPH}>")
        assert (seen(None), seen(partner), seen(curator)) == (everything, everything, everything)
        update(
            f"INSERT {{ GRAPH <{ACCESS_GRAPH}> {{ ?g <{R2P.visibility}> <{R2P.Restricted}> }} }} "
            f"WHERE {{ GRAPH ?g {{ <{PERSON}> ?p 'secret' }} }}"
        )
        assert (seen(None), seen(partner), seen(curator)) == (
            {"open", "partner"},
            {"open", "partner"},
            everything,
        )
