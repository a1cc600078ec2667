"""``/graph-store``: the SPARQL 1.1 Graph Store HTTP Protocol, indirect identification.

``?graph=IRI`` names a graph, ``?default`` the default graph. ``GET``/``HEAD`` read it (404 when
a named graph does not exist), ``PUT`` replaces it (201 when new, else 204), ``POST`` adds to it
(201 when new, else 200), ``DELETE`` removes it (200);
``POST`` without either parameter creates a new graph and answers 201 with its ``Location``;
a ``POST`` body may also be ``multipart/form-data`` with one RDF document per part.
Writes need a contributor token.

A graph the reader may not read (see :mod:`r2p_graph.services.visibility`) does not exist for
them: ``GET``/``HEAD``/``DELETE`` answer 404 as for a graph never written; ``PUT``/``POST``
into it are refused (403) unless the token's holder may read it.
"""

from __future__ import annotations

import io
import uuid
from email import policy
from email.parser import BytesParser
from typing import cast
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from r2p_graph.api.auth import ClearanceDep, ForbiddenError, require
from r2p_graph.api.deps import RepositoryDep, SettingsDep
from r2p_graph.api.negotiation import by_name, choose
from r2p_graph.api.problems import NotAcceptableError, NotFoundError, UnsupportedMediaTypeError
from r2p_graph.api.routes.sparql import read_body
from r2p_graph.errors import InputError, UnknownFormatError
from r2p_graph.ontology.namespaces import GRAPH_BASE
from r2p_graph.services.tokens import Role
from r2p_graph.services.validation import parse_rdf
from r2p_graph.services.visibility import SYSTEM_GRAPHS, Visibility, readable_graphs
from r2p_graph.store import QueryDataset, RdfFormat, Repository
from r2p_graph.store.repository import Quad

router = APIRouter(tags=["Graph Store"])

READABLE = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML, RdfFormat.JSON_LD)
"""The formats a graph is read and written in."""

_WHOLE_GRAPH = "CONSTRUCT WHERE { ?s ?p ?o }"
WRITERS = [Depends(require(Role.CONTRIBUTOR))]
MULTIPART = "multipart/form-data"


def _target(request: Request, *, required: bool = True) -> tuple[bool, str | None]:
    """``(given, graph)``: whether a graph is named, and which (``None``: the default graph)."""
    params = request.query_params
    graphs = params.getlist("graph")
    default = "default" in params
    if graphs and default:
        raise InputError("give either ?graph=IRI or ?default, not both")
    if len(graphs) > 1:
        raise InputError("give one ?graph parameter")
    if not graphs and not default:
        if required:
            raise InputError("name the graph with ?graph=IRI, or use ?default")
        return False, None
    if graphs and not graphs[0].strip():
        raise InputError("?graph needs an IRI")
    return True, graphs[0] if graphs else None


async def _read(request: Request, repo: Repository, reader: Visibility, *, head: bool) -> Response:
    _, graph = _target(request)
    fmt = (
        by_name(request.query_params["format"], READABLE)
        if "format" in request.query_params
        else choose(request.headers.get("accept"), READABLE)
    )
    if fmt is None:
        names = ", ".join(f.media_type for f in READABLE)
        raise NotAcceptableError(f"a graph can be given as {names}; none is acceptable")
    assert isinstance(fmt, RdfFormat)

    def run() -> bytes:
        _must_exist_for(repo, reader, graph)
        buffer = io.BytesIO()
        dataset = QueryDataset(default_graphs=(graph,))
        repo.query(_WHOLE_GRAPH, dataset=dataset).serialize(buffer, fmt)
        return buffer.getvalue()

    content = await run_in_threadpool(run)
    headers = {"Vary": "Accept", "Content-Length": str(len(content))}
    return Response(b"" if head else content, media_type=fmt.media_type, headers=headers)


def _must_exist_for(repo: Repository, reader: Visibility, graph: str | None) -> None:
    """404 unless ``graph`` exists and ``reader`` may read it (the default graph always does)."""
    if graph is None:
        return
    if not readable_graphs(repo, reader, explicit=True).can_read(graph) or not repo.graph_exists(
        graph
    ):
        raise NotFoundError(f"no graph <{graph}> in the store")


def _may_write(repo: Repository, reader: Visibility, graph: str | None) -> None:
    """403 when ``graph`` is a system graph (for non-curators) or exists and holds data its
    writer may not read."""
    if graph in SYSTEM_GRAPHS and reader is not Visibility.RESTRICTED:
        raise ForbiddenError(
            f"the system graph <{graph}> is written only by r2p-graph and curators"
        )
    if graph is None or not repo.graph_exists(graph):
        return
    if not readable_graphs(repo, reader, explicit=True).can_read(graph):
        raise ForbiddenError(f"the graph <{graph}> can be written only by those who may read it")


@router.get("/graph-store", summary="Read a graph")
async def get_graph(request: Request, repo: RepositoryDep, reader: ClearanceDep) -> Response:
    """The triples of ``?graph=IRI`` or ``?default``."""
    return await _read(request, repo, reader, head=False)


@router.head("/graph-store", summary="Headers of a graph")
async def head_graph(request: Request, repo: RepositoryDep, reader: ClearanceDep) -> Response:
    """As GET, without the body."""
    return await _read(request, repo, reader, head=True)


def form_parts(content_type: str, body: bytes) -> list[tuple[str, RdfFormat, bytes]]:
    """The RDF documents of a ``multipart/form-data`` body: (part name, format, bytes).

    >>> body = (b"--b\\r\\nContent-Disposition: form-data; name=x; filename=x.ttl\\r\\n"
    ...         b"Content-Type: text/turtle\\r\\n\\r\\n<http://a> <http://b> 1 .\\r\\n--b--\\r\\n")
    >>> [(name, fmt.name) for name, fmt, _ in form_parts("multipart/form-data; boundary=b", body)]
    [('x.ttl', 'TURTLE')]
    """
    header = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise InputError("a multipart/form-data body needs a boundary and at least one part")
    parts = []
    for number, part in enumerate(message.iter_parts(), start=1):
        name = part.get_filename() or part.get_param("name", header="content-disposition")
        label = f"part {number}" + (f" ({name})" if name else "")
        media_type = part.get_content_type()
        try:
            fmt = RdfFormat.from_name(media_type)
        except UnknownFormatError as error:
            raise UnsupportedMediaTypeError(f"{label}: {error.message}") from error
        if fmt.is_dataset:
            raise UnsupportedMediaTypeError(f"{label}: a graph is sent as a triple format")
        data = part.get_payload(decode=True)
        parts.append((str(name or label), fmt, data if isinstance(data, bytes) else b""))
    return parts


def _body_format(request: Request) -> RdfFormat:
    media_type = request.headers.get("content-type", "").split(";")[0].strip()
    if not media_type:
        raise UnsupportedMediaTypeError("say the body's format with a Content-Type header")
    try:
        fmt = RdfFormat.from_name(media_type)
    except UnknownFormatError as error:
        raise UnsupportedMediaTypeError(error.message) from error
    if fmt.is_dataset:
        raise UnsupportedMediaTypeError(f"a graph is sent as a triple format, not {media_type}")
    return fmt


@router.put("/graph-store", summary="Replace a graph", dependencies=WRITERS)
async def put_graph(
    request: Request, repo: RepositoryDep, settings: SettingsDep, reader: ClearanceDep
) -> Response:
    """Replace the graph by the body, in one transaction (201 if it held nothing before)."""
    _, graph = _target(request)
    fmt = _body_format(request)
    body = await read_body(request, settings.max_body_bytes)

    def run() -> bool:
        _may_write(repo, reader, graph)
        existed = repo.holds_graph(None) if graph is None else repo.graph_exists(graph)
        repo.replace_graph(graph, body, fmt, source_name="request body")
        return existed

    existed = await run_in_threadpool(run)
    return Response(status_code=204 if existed else 201)


@router.post("/graph-store", summary="Add to a graph, or create a new one", dependencies=WRITERS)
async def post_graph(
    request: Request, repo: RepositoryDep, settings: SettingsDep, reader: ClearanceDep
) -> Response:
    """Add the body's triples to the graph; without a graph, create one (201, ``Location``)."""
    given, graph = _target(request, required=False)
    content_type = request.headers.get("content-type", "")
    multipart = content_type.split(";")[0].strip().lower() == MULTIPART
    fmt = None if multipart else _body_format(request)
    body = await read_body(request, settings.max_body_bytes)
    if not given:
        graph = f"{GRAPH_BASE}uploads/{uuid.uuid4()}"

    def run() -> bool:
        _may_write(repo, reader, graph)
        existed = graph is None or repo.graph_exists(graph)
        if fmt is not None:
            repo.load(body, fmt, graph=graph, source_name="request body")
        else:
            # Every part is parsed before any is stored: all of them go in, or none.
            target = None if graph is None else URIRef(graph)
            quads = [
                (s, p, o, target)
                for name, part_format, data in form_parts(content_type, body)
                for s, p, o in parse_rdf(data, part_format, source_name=name)
            ]
            repo.add(cast("list[Quad]", quads))
        return existed

    existed = await run_in_threadpool(run)
    if given:
        return Response(status_code=200 if existed else 201)
    assert graph is not None
    location = str(request.url.replace(query=f"graph={quote(graph, safe='')}"))
    return Response(status_code=201, headers={"Location": location})


@router.delete("/graph-store", summary="Remove a graph", dependencies=WRITERS)
async def delete_graph(request: Request, repo: RepositoryDep, reader: ClearanceDep) -> Response:
    """Remove the graph (404 when a named graph holds nothing)."""
    _, graph = _target(request)

    def run() -> None:
        if graph is None:
            repo.update("DROP SILENT DEFAULT")
            return
        _must_exist_for(repo, reader, graph)
        repo.drop_graph(graph)

    await run_in_threadpool(run)
    return Response(status_code=200)
