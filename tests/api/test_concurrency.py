"""Readers run while a writer commits, and each sees the graph before or after, never half."""

from __future__ import annotations

import threading

import httpx

from tests.api.conftest import Tokens

GRAPH = "https://w3id.org/r2p-graph/graph/concurrency-test"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"


def version(size: int) -> str:
    return "".join(f"<http://e/s{i}> <http://e/p> {i} .\n" for i in range(size))


def test_readers_see_whole_writes_only(server: str, tokens: Tokens) -> None:
    auth = {"Content-Type": "text/turtle", **tokens.header("contributor")}
    sizes = (100, 300)
    put = httpx.put(
        server + "/graph-store", params={"graph": GRAPH}, content=version(sizes[0]), headers=auth
    )
    assert put.status_code in (201, 204)
    seen: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    def read() -> None:
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                response = client.get(server + "/sparql", params={"query": COUNT})
                if response.status_code != 200:
                    failures.append(response.text)
                    return
                seen.append(int(response.json()["results"]["bindings"][0]["n"]["value"]))

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    with httpx.Client(timeout=30) as writer:
        for round_ in range(20):
            body = version(sizes[(round_ + 1) % 2])
            response = writer.put(
                server + "/graph-store", params={"graph": GRAPH}, content=body, headers=auth
            )
            assert response.status_code == 204, response.text
    stop.set()
    for reader in readers:
        reader.join()
    assert failures == []
    assert len(seen) > 20
    assert set(seen) <= set(sizes), sorted(set(seen) - set(sizes))
