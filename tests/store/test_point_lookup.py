"""Point lookups: which query texts are answered in the server process, and that their answers
and errors are the ones a query worker gives."""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from r2p_graph.errors import QueryTimeoutError, ResultTooLargeError, SparqlSyntaxError
from r2p_graph.store import OxigraphRepository
from r2p_graph.store.formats import RdfFormat, ResultFormat
from r2p_graph.store.point_lookup import MAX_LOOKUP_QUADS, LookupPattern, lookup_pattern
from r2p_graph.store.repository import QueryDataset, QueryJob, Repository

CASES = tomllib.loads((Path(__file__).parent / "data" / "point_lookups.toml").read_text())
EX = "http://e/"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize("sparql", CASES["yes"])
def test_one_pattern_and_nothing_else_is_a_point_lookup(sparql: str) -> None:
    assert lookup_pattern(sparql) is not None
    # Oxigraph reads it as a query too: the grammar describes nothing Oxigraph would refuse.
    ox.Store().query(sparql)


@pytest.mark.parametrize("sparql", CASES["no"])
def test_anything_more_is_not(sparql: str) -> None:
    assert lookup_pattern(sparql) is None


def test_the_pattern_keeps_its_constants_and_leaves_variables_and_literals_open() -> None:
    pattern = lookup_pattern(f"PREFIX ex: <{EX}> ASK {{ ex:a a 'x' }}")
    assert pattern == LookupPattern(
        ox.NamedNode(f"{EX}a"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        None,
    )


def job(sparql: str, max_bytes: int | None = None) -> QueryJob:
    return QueryJob(sparql, QueryDataset(), ResultFormat.JSON, RdfFormat.TURTLE, max_bytes)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphRepository]:
    """A store with one worker, and a predicate used more often than a lookup may match."""
    store = OxigraphRepository.open(
        tmp_path_factory.mktemp("lookups"),
        read_from_memory=True,
        query_workers=1,
        query_deadline=2.0,
    )
    triples = "".join(
        f'<{EX}s{n}> <{EX}label> "label {n}" .\n' for n in range(MAX_LOOKUP_QUADS + 1)
    )
    store.load(triples.encode(), RdfFormat.N_TRIPLES, graph=f"{EX}g")
    store.wait_until_fresh(timeout=60)
    yield store
    store.close()


def rows(content: bytes) -> list[dict[str, object]]:
    return list(json.loads(content)["results"]["bindings"])


def test_a_point_lookup_is_answered_while_the_only_worker_runs_a_long_query(
    repo: OxigraphRepository,
) -> None:
    async def lookup_during_runaway() -> tuple[bytes, bool]:
        runaway = asyncio.create_task(repo.answer_job_async(job(RUNAWAY)))
        await asyncio.sleep(0.2)  # the runaway query holds the worker now
        _, content = await repo.answer_job_async(job(f"SELECT ?l {{ <{EX}s7> <{EX}label> ?l }}"))
        pending = not runaway.done()
        with pytest.raises(QueryTimeoutError):
            await runaway
        return content, pending

    content, runaway_pending = asyncio.run(lookup_during_runaway())
    assert runaway_pending
    assert rows(content) == [{"l": {"type": "literal", "value": "label 7"}}]


def test_a_pattern_matching_many_quads_goes_to_a_worker_and_waits_for_it(
    repo: OxigraphRepository,
) -> None:
    async def scan_during_runaway() -> tuple[object, bool]:
        runaway = asyncio.create_task(repo.answer_job_async(job(RUNAWAY)))
        await asyncio.sleep(0.2)
        [scan] = await asyncio.gather(
            repo.answer_job_async(job(f"SELECT ?s {{ ?s <{EX}label> ?l }}")),
            return_exceptions=True,
        )
        runaway_done = runaway.done()
        await asyncio.gather(runaway, return_exceptions=True)
        return scan, runaway_done

    scan, runaway_done = asyncio.run(scan_during_runaway())
    # The scan waited for the worker that the runaway query held: it gave up at its own
    # deadline, or was answered by the worker that replaced the stopped one.
    if isinstance(scan, QueryTimeoutError):
        assert "no query worker became free" in scan.message
    else:
        assert isinstance(scan, tuple)
        assert runaway_done
        assert len(rows(scan[1])) == MAX_LOOKUP_QUADS + 1


def test_a_lookup_answers_as_a_worker_does(repo: OxigraphRepository) -> None:
    for sparql in (
        f"SELECT * {{ <{EX}s3> ?p ?o }}",
        f"ASK {{ ?s <{EX}label> 'label 5' }}",
        f"ASK {{ ?s <{EX}label> 'nothing' }}",
    ):
        assert lookup_pattern(sparql) is not None
        # The base class's answer: the query evaluated by ``repo.query``, not as a lookup.
        assert repo.answer_job(job(sparql)) == Repository.answer_job(repo, job(sparql))


def test_a_lookup_that_oxigraph_refuses_is_a_syntax_error_with_its_position(
    repo: OxigraphRepository,
) -> None:
    sparql = f"SELECT ?l {{ <{EX}s1> <{EX}label> ?l }} LIMIT 99999999999999999999999999"
    assert lookup_pattern(sparql) is not None
    with pytest.raises(SparqlSyntaxError) as raised:
        asyncio.run(repo.answer_job_async(job(sparql)))
    assert raised.value.location is not None


def test_a_lookup_past_the_size_limit_is_refused(repo: OxigraphRepository) -> None:
    with pytest.raises(ResultTooLargeError):
        asyncio.run(repo.answer_job_async(job(f"SELECT * {{ <{EX}s3> ?p ?o }}", max_bytes=10)))
