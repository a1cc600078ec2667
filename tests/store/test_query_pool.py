"""Query workers awaited on an event loop: answers, deadlines, cancelled requests, contention."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from r2p_graph.errors import QueryTimeoutError, SparqlSyntaxError
from r2p_graph.store.formats import RdfFormat, ResultFormat
from r2p_graph.store.query_pool import QueryPool
from r2p_graph.store.repository import QueryDataset, QueryForm, QueryJob

EX = "http://example.org/"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def all_workers_free(pool: QueryPool) -> None:
    """Wait until the workers stopped by an earlier test have been replaced (slow on a busy
    machine: each loads a snapshot)."""
    deadline = time.monotonic() + 60
    while pool.idle_workers() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.idle_workers() == 2


def job(sparql: str) -> QueryJob:
    return QueryJob(sparql, QueryDataset(), ResultFormat.JSON, RdfFormat.TURTLE)


def label_of(n: int) -> QueryJob:
    return job(f"SELECT ?l WHERE {{ <{EX}s{n}> <{EX}label> ?l }}")


def labels(content: bytes) -> list[str]:
    return [row["l"]["value"] for row in json.loads(content)["results"]["bindings"]]


@pytest.fixture(scope="module")
def pool() -> Iterator[QueryPool]:
    store = ox.Store()
    store.extend(
        ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}label"), ox.Literal(f"label {n}"))
        for n in range(200)
    )

    def snapshot(path: Path) -> None:
        store.dump(str(path), ox.RdfFormat.N_QUADS)

    workers = QueryPool(snapshot, threading.RLock(), workers=2, deadline=1.5)
    workers.start(wait=60)
    yield workers
    workers.close()


def test_an_awaited_query_gets_its_answer(pool: QueryPool) -> None:
    form, content = asyncio.run(pool.run_async(label_of(7)))
    assert form is QueryForm.SELECT
    assert labels(content) == ["label 7"]


def test_more_queries_than_workers_at_once_each_get_their_own_answer(pool: QueryPool) -> None:
    async def all_of_them() -> list[tuple[QueryForm, bytes]]:
        return await asyncio.gather(*(pool.run_async(label_of(n)) for n in range(12)))

    answers = asyncio.run(all_of_them())
    assert [labels(content) for _, content in answers] == [[f"label {n}"] for n in range(12)]


def test_a_syntax_error_comes_back_with_its_position(pool: QueryPool) -> None:
    with pytest.raises(SparqlSyntaxError) as raised:
        asyncio.run(pool.run_async(job("SELECT * WHERE { ?s ?p }")))
    assert raised.value.location is not None and raised.value.location.line == 1


def test_a_runaway_query_is_stopped_at_the_deadline_and_the_pool_recovers(
    pool: QueryPool,
) -> None:
    all_workers_free(pool)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="stopped"):
        asyncio.run(pool.run_async(job(RUNAWAY)))
    assert time.monotonic() - started < 1.5 + 1.0
    _, content = asyncio.run(pool.run_async(label_of(3)))
    assert labels(content) == ["label 3"]


def test_a_cancelled_request_does_not_leave_its_answer_for_the_next_one(pool: QueryPool) -> None:
    all_workers_free(pool)

    async def cancel_then_ask() -> bytes:
        slow = asyncio.create_task(pool.run_async(job(RUNAWAY)))
        await asyncio.sleep(0.2)  # the runaway query is in a worker now
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        # Every worker in turn: none may hand over an answer meant for another job.
        answers = [await pool.run_async(label_of(n)) for n in range(6)]
        return b"".join(content for _, content in answers)

    content = asyncio.run(cancel_then_ask())
    for n in range(6):
        assert f"label {n}".encode() in content


def test_waiting_for_a_free_worker_counts_against_the_deadline(pool: QueryPool) -> None:
    all_workers_free(pool)

    async def crowd() -> tuple[list[object], float]:
        runaways = [asyncio.create_task(pool.run_async(job(RUNAWAY))) for _ in range(2)]
        await asyncio.sleep(0.2)  # both workers are busy now
        started = time.monotonic()
        waiting = await asyncio.gather(pool.run_async(label_of(1)), return_exceptions=True)
        waited = time.monotonic() - started
        return [*await asyncio.gather(*runaways, return_exceptions=True), *waiting], waited

    outcomes, waited = asyncio.run(crowd())
    assert all(isinstance(outcome, QueryTimeoutError) for outcome in outcomes[:2])
    # The waiting query gives up at its own deadline, unless a fresh worker came up in time.
    assert waited < 1.5 + 2.0
    if isinstance(outcomes[2], Exception):
        assert isinstance(outcomes[2], QueryTimeoutError)
        assert "no query worker became free" in str(outcomes[2])
    else:
        assert labels(outcomes[2][1]) == ["label 1"]  # type: ignore[index]
    all_workers_free(pool)  # the pool recovers
    _, content = asyncio.run(pool.run_async(label_of(2)))
    assert labels(content) == ["label 2"]
