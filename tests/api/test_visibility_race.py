"""Readers during writes that hide data, on a real server: a restricted graph and its access
record land in one update while anonymous readers query the whole store (nothing being hidden
before it, their queries run over the whole store), then go again; no reader ever sees the
restricted values. All data here is synthetic."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.visibility import ACCESS_GRAPH
from r2p_graph.store import OxigraphRepository
from tests.servers import create_token, post_update, running_server

GRAPHS = "https://w3id.org/r2p-graph/graph/"
# A scan of the whole store, so that queries are long enough to overlap the writes.
QUERY = 'SELECT ?label WHERE { ?s ?p ?label FILTER(STRSTARTS(STR(?label), "hidden")) }'


def test_readers_never_see_data_hidden_by_a_concurrent_write(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    with OxigraphRepository.open(data_dir) as repo:
        thing = URIRef("https://w3id.org/r2p-graph/id/organization/synthetic-open")
        open_graph = URIRef(GRAPHS + "open")
        repo.add(
            [(thing, RDFS.label, Literal(f"synthetic open {n}"), open_graph) for n in range(40000)]
        )
    curator = create_token(data_dir, "synthetic-curator", "curator")
    leaks: list[str] = []
    answers = [0]
    stop = threading.Event()

    def read(base: str) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while not stop.is_set():
                answer = client.get("/sparql", params={"query": QUERY})
                assert answer.status_code == 200, answer.text
                labels = [row["label"]["value"] for row in answer.json()["results"]["bindings"]]
                leaks.extend(label for label in labels if label.startswith("hidden"))
                answers[0] += 1

    with running_server(data_dir) as base:
        readers = [threading.Thread(target=read, args=(base,)) for _ in range(3)]
        for reader in readers:
            reader.start()
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                for number in range(25):
                    graph = f"{GRAPHS}contribution/synthetic-hidden-{number}"
                    person = f"https://w3id.org/r2p-graph/id/person/synthetic-hidden-{number}"
                    update = (
                        f"INSERT DATA {{ GRAPH <{graph}> {{ <{person}> <{RDFS.label}> "
                        f"'hidden {number}' }} GRAPH <{ACCESS_GRAPH}> {{ <{graph}> "
                        f"<{R2P.visibility}> <{R2P.Restricted}> }} }}"
                    )
                    written = post_update(client, update, curator)
                    assert written.status_code == 204, written.text
                    if number < 24:  # back to a store where nothing is hidden
                        removal = (
                            f"DROP GRAPH <{graph}> ; DELETE DATA {{ GRAPH <{ACCESS_GRAPH}> "
                            f"{{ <{graph}> <{R2P.visibility}> <{R2P.Restricted}> }} }}"
                        )
                        removed = post_update(client, removal, curator)
                        assert removed.status_code == 204, removed.text
        finally:
            stop.set()
            for reader in readers:
                reader.join()
        seen = httpx.get(
            base + "/sparql",
            params={"query": QUERY},
            headers={"Authorization": f"Bearer {curator}"},
        )
        curator_labels = {row["label"]["value"] for row in seen.json()["results"]["bindings"]}
    assert leaks == []
    assert answers[0] >= 3
    assert "hidden 24" in curator_labels
