"""Linked data: every IRI r2p-graph mints dereferences to its description.

* ``/id/{path}``: the thing ``https://w3id.org/r2p-graph/id/{path}``;
* ``/ontology``: the ontology; ``/vocab/{name}`` (``framework``, ``quantitative``, ``steps``):
  a vocabulary; ``/vocab/{name}/{concept}``: one of its concepts;
* ``/context.jsonld``: the JSON-LD context the JSON-LD answers use;
* the dataset's VoID description and dumps (:mod:`r2p_graph.api.routes.dataset`), whose routes
  this router includes.

Each is given as Turtle (the default), HTML (for browsers), JSON-LD, N-Triples or RDF/XML,
chosen by ``Accept`` or ``format=``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from r2p_graph.api.auth import reader_clearance
from r2p_graph.api.deps import RepositoryDep, SettingsDep
from r2p_graph.api.html import resource_page, vocabulary_page
from r2p_graph.api.problems import NotFoundError
from r2p_graph.api.representations import Site, jsonld_context, negotiate, respond
from r2p_graph.api.routes import dataset
from r2p_graph.ontology.namespaces import ID_BASE
from r2p_graph.services.description import (
    ONTOLOGY,
    VOCABULARIES,
    Description,
    Vocabulary,
    describe,
    vocabulary_document,
)
from r2p_graph.services.visibility import views
from r2p_graph.store import Repository

router = APIRouter(tags=["linked data"])
router.include_router(dataset.router)


@router.get("/id/{path:path}", summary="Describe a thing")
@router.head("/id/{path:path}", summary="Describe a thing (headers only)")
async def thing(
    path: str, request: Request, repo: RepositoryDep, settings: SettingsDep
) -> Response:
    """The description of ``https://w3id.org/r2p-graph/id/{path}``: its facts, the labels of
    what it links to, and what links to it (404 when the graph says nothing about it)."""
    return await _describe(request, repo, Site(request, settings), ID_BASE + path)


@router.get("/ontology", summary="The r2p-graph ontology")
@router.head("/ontology", summary="The r2p-graph ontology (headers only)")
async def ontology(request: Request, repo: RepositoryDep, settings: SettingsDep) -> Response:
    """The ontology document: classes, properties and code lists."""
    return await _vocabulary(request, repo, Site(request, settings), ONTOLOGY)


@router.get("/vocab/{name}", summary="A vocabulary")
@router.head("/vocab/{name}", summary="A vocabulary (headers only)")
async def vocabulary(
    name: str, request: Request, repo: RepositoryDep, settings: SettingsDep
) -> Response:
    """The vocabulary called ``name``: ``framework``, ``quantitative`` or ``steps``."""
    return await _vocabulary(request, repo, Site(request, settings), _vocabulary_named(name))


@router.get("/vocab/{name}/{concept:path}", summary="A concept")
@router.head("/vocab/{name}/{concept:path}", summary="A concept (headers only)")
async def concept(
    name: str, concept: str, request: Request, repo: RepositoryDep, settings: SettingsDep
) -> Response:
    """The description of one concept of a vocabulary, as ``/id/`` describes things."""
    iri = _vocabulary_named(name).namespace + concept
    return await _describe(request, repo, Site(request, settings), iri)


@router.get("/context.jsonld", summary="The JSON-LD context")
async def context() -> JSONResponse:
    """The JSON-LD context of r2p-graph's JSON-LD: its prefixes."""
    return JSONResponse(
        jsonld_context(),
        media_type="application/ld+json",
        headers={"Cache-Control": "public, max-age=86400", "Access-Control-Allow-Origin": "*"},
    )


async def _describe(request: Request, repo: Repository, site: Site, iri: str) -> Response:
    fmt = negotiate(request)
    reader = reader_clearance(request)

    def read() -> Description:
        # Only what the reader may read: a thing known only from hidden graphs is a 404.
        for view in views(repo, reader):
            description = describe(repo, iri, dataset=view.dataset())
        return description

    description = await run_in_threadpool(read)
    return respond(
        request,
        fmt,
        description.graph,
        site,
        page=lambda alternates: resource_page(
            description, href=site.href, alternates=alternates, root=site.root
        ),
    )


async def _vocabulary(
    request: Request, repo: Repository, site: Site, vocabulary: Vocabulary
) -> Response:
    fmt = negotiate(request)
    reader = reader_clearance(request)

    def read() -> Description:
        for view in views(repo, reader):
            description = vocabulary_document(repo, vocabulary, dataset=view.dataset())
        return description

    description = await run_in_threadpool(read)
    return respond(
        request,
        fmt,
        description.graph,
        site,
        page=lambda alternates: vocabulary_page(
            description, vocabulary, href=site.href, alternates=alternates, root=site.root
        ),
    )


def _vocabulary_named(name: str) -> Vocabulary:
    try:
        return VOCABULARIES[name]
    except KeyError:
        known = ", ".join(VOCABULARIES)
        raise NotFoundError(f"there is no vocabulary {name!r} (known: {known})") from None
