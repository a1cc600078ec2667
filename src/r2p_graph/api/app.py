"""The FastAPI application: settings and repository in, SPARQL protocol out.

>>> from r2p_graph.store import OxigraphRepository
>>> app = create_app(Settings(empty=True), repository=OxigraphRepository.in_memory())
>>> for path in sorted(app.openapi()["paths"]):
...     print(path)
/.well-known/void
/changes
/context.jsonld
/contributions
/contributions/templates/{kind}.csv
/contributions/{contribution_id}
/dump
/graph-store
/health
/id/{path}
/ontology
/queries
/queries/{name}
/sparql
/vocab/{name}
/vocab/{name}/{concept}
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from r2p_graph import __version__
from r2p_graph.api import access_log, problems, sparql_fast_path
from r2p_graph.api.routes import changes, contributions, graph_store, health, queries, sparql
from r2p_graph.api.routes.linked_data import router as linked_data_router
from r2p_graph.services.bundled import load_bundled
from r2p_graph.services.inference import InferringRepository
from r2p_graph.services.tokens import TokenRegistry
from r2p_graph.services.visibility import access_views
from r2p_graph.settings import Settings
from r2p_graph.store import Repository, open_repository

log = logging.getLogger("r2p_graph.api")


def create_app(settings: Settings, *, repository: Repository | None = None) -> FastAPI:
    """The service over ``repository`` (by default the store in ``settings.data_dir``, opened
    when the service starts and closed when it stops; the bundled data is loaded into an
    empty store unless ``settings.empty``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = repository is None
        repo = repository or open_repository(
            settings.data_dir,
            read_from_memory=settings.read_from_memory,
            query_workers=settings.query_workers,
            query_deadline=settings.query_timeout,
            views=access_views(settings.visibility_views),
        )
        if settings.reasoning:
            repo = InferringRepository(repo)
        try:
            fresh = not repo.named_graphs()
            if not settings.empty and fresh:
                for source in load_bundled(repo):
                    log.info("loaded %s into <%s>", source.path.name, source.graph)
            if isinstance(repo, InferringRepository) and not fresh:
                # Before answering: inferred graphs missing or stale (data loaded by other
                # means) are derived again; the time it took is logged.
                repo.ensure_inferred()
            app.state.repository = repo
            yield
        finally:
            if owned:
                repo.close()

    app = FastAPI(
        title="r2p-graph",
        version=__version__,
        description=(
            "A knowledge graph of the people and institutions working to prevent genocide "
            "and mass atrocities, served over the W3C SPARQL 1.1 Protocol."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.tokens = TokenRegistry(settings.data_dir / "tokens.json")
    problems.install(app)
    sparql_fast_path.install(app)
    access_log.install(app)
    app.include_router(health.router)
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    app.include_router(linked_data_router)
    app.include_router(queries.router)
    app.include_router(contributions.router)
    app.include_router(changes.router)
    return app
