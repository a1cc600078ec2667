"""A runaway query is stopped at its deadline, its CPU freed, and others keep being answered."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.api.conftest import running_server

DEADLINE = 2.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SIMPLE = "ASK { <https://w3id.org/r2p-graph/id/country/HU> ?p ?o }"


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("strict") / "store"
    with running_server(data_dir, {"R2P_QUERY_TIMEOUT": str(DEADLINE)}) as base:
        yield base


def test_runaway_query_gets_503_while_a_simple_query_is_answered(strict_server: str) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        response = httpx.get(strict_server + "/sparql", params={"query": RUNAWAY}, timeout=60)
        outcome["status"] = response.status_code
        outcome["detail"] = response.json()["detail"]
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)  # the runaway query is now busy in its worker
    started = time.monotonic()
    simple = httpx.get(strict_server + "/sparql", params={"query": SIMPLE}, timeout=10)
    simple_seconds = time.monotonic() - started
    thread.join(timeout=30)
    assert simple.status_code == 200 and simple.json()["boolean"] is True
    assert simple_seconds < 1.0
    assert outcome["status"] == 503
    assert "stopped" in str(outcome["detail"])
    assert float(outcome["seconds"]) < DEADLINE + 2  # type: ignore[arg-type]


def test_the_stopped_query_frees_its_cpu(strict_server: str) -> None:
    response = httpx.get(strict_server + "/sparql", params={"query": RUNAWAY}, timeout=60)
    assert response.status_code == 503
    time.sleep(1.0)
    workers = [
        p
        for p in psutil.process_iter(["cmdline"])
        if any(
            "r2p-query-worker" in part or "multiprocessing.spawn" in part
            for part in (p.info["cmdline"] or [])
        )
    ]
    assert len(workers) >= 2  # the pool is running again, the stopped worker replaced
    busy = [p for p in workers if _cpu_percent(p) > 50]
    assert busy == []
    after = httpx.get(strict_server + "/sparql", params={"query": SIMPLE}, timeout=10)
    assert after.status_code == 200


def _cpu_percent(process: psutil.Process) -> float:
    """The process's CPU use over half a second (0 if it has exited meanwhile)."""
    try:
        return float(process.cpu_percent(interval=0.5))
    except psutil.NoSuchProcess:
        return 0.0


@pytest.fixture(scope="module")
def small_answers_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("small") / "store"
    with running_server(data_dir, {"R2P_MAX_RESULT_BYTES": "4096"}) as base:
        yield base


def test_an_answer_over_the_size_limit_is_refused(small_answers_server: str) -> None:
    big = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    response = httpx.get(small_answers_server + "/sparql", params={"query": big}, timeout=30)
    assert response.status_code == 400
    assert "larger than 4096 bytes" in response.json()["detail"]
    small = httpx.get(small_answers_server + "/sparql", params={"query": SIMPLE}, timeout=30)
    assert small.status_code == 200
