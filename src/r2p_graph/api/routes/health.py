"""``/health``: whether the service can answer."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from r2p_graph.api.deps import RepositoryDep

router = APIRouter(tags=["service"])

_PROBE = "ASK { ?s ?p ?o }"


@router.get("/health")
async def health(repo: RepositoryDep) -> dict[str, object]:
    """``{"status": "ok"}`` when the store answers a query."""
    await run_in_threadpool(repo.query, _PROBE)
    return {"status": "ok"}
