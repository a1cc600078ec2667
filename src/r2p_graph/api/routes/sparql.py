"""``/sparql``: the SPARQL 1.1 Protocol, queries and updates at one URL.

* query: ``GET ?query=``, ``POST`` form (``application/x-www-form-urlencoded``) or ``POST``
  ``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` set the dataset and
  take precedence over ``FROM`` / ``FROM NAMED`` in the query;
* update: ``POST`` form (``update=``) or ``POST application/sparql-update``;
  ``using-graph-uri`` / ``using-named-graph-uri`` set the dataset of its ``WHERE`` clauses (a
  400 when the update has its own ``USING`` or ``WITH``);
* ``GET`` without a query: the SPARQL 1.1 Service Description.

Federated queries (``SERVICE``) are refused unless the operator lists the endpoints they may
call (:mod:`r2p_graph.services.federation`); updates never call other endpoints.

Results are negotiated with ``Accept`` (q-values honoured) or chosen with ``format``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from r2p_graph.api.auth import ForbiddenError, reader_clearance, require
from r2p_graph.api.deps import RepositoryDep, SettingsDep
from r2p_graph.api.negotiation import GRAPH_FORMATS, SELECT_FORMATS, Format, by_name, choose
from r2p_graph.api.problems import BodyTooLargeError, NotAcceptableError, UnsupportedMediaTypeError
from r2p_graph.api.service_description import service_description
from r2p_graph.errors import InputError, UnknownFormatError
from r2p_graph.services.federation import check_service_calls
from r2p_graph.services.tokens import Role
from r2p_graph.services.update_access import update_refusal
from r2p_graph.services.visibility import views
from r2p_graph.store import QueryDataset, QueryForm, RdfFormat, Repository, ResultFormat
from r2p_graph.store.sparql_text import calls_service, with_update_dataset

router = APIRouter(tags=["SPARQL"])

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@router.get("/sparql", summary="SPARQL query (or the service description)")
async def sparql_get(request: Request, repo: RepositoryDep, settings: SettingsDep) -> Response:
    """Answer ``?query=`` or, without one, describe the service."""
    params = _multi(request.query_params.multi_items())
    if "update" in params:
        raise InputError("a SPARQL update must be sent with POST")
    queries = params.get("query", [])
    if not queries:
        return _service_description(request)
    return await _answer(request, repo, _one(queries, "query"), params, settings.max_result_bytes)


@router.post("/sparql", summary="SPARQL query or update (updates need a contributor token)")
async def sparql_post(request: Request, repo: RepositoryDep, settings: SettingsDep) -> Response:
    """A query or an update, as a form or as the body itself."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, settings.max_body_bytes)
    url_params = _multi(request.query_params.multi_items())
    if media_type == FORM:
        form = _multi(
            (k, v)
            for k, values in parse_qs(_text(body), keep_blank_values=True).items()
            for v in values
        )
        if "query" in form and "update" in form:
            raise InputError("send either a query or an update, not both")
        if "query" in form:
            return await _answer(
                request, repo, _one(form["query"], "query"), form, settings.max_result_bytes
            )
        if "update" in form:
            require(Role.CONTRIBUTOR)(request)
            return await _apply(request, repo, _one(form["update"], "update"), form)
        raise InputError("the form has neither a 'query' nor an 'update' field")
    if media_type == QUERY:
        return await _answer(request, repo, _text(body), url_params, settings.max_result_bytes)
    if media_type == UPDATE:
        require(Role.CONTRIBUTOR)(request)
        return await _apply(request, repo, _text(body), url_params)
    raise UnsupportedMediaTypeError(
        f"POST /sparql takes {FORM}, {QUERY} or {UPDATE}, not {media_type or 'no content type'}"
    )


def _wanted(requested: str | None, accept: str | None, offered: Sequence[Format]) -> Format | None:
    """The format asked for among ``offered``, by ``format=`` or else by ``Accept``."""
    if requested is None:
        return choose(accept, offered)
    try:
        return by_name(requested, offered)
    except UnknownFormatError:
        return None


def _not_acceptable(offered: Sequence[Format]) -> str:
    names = ", ".join(f.media_type for f in offered)
    return f"the result can be given as {names}; none is acceptable"


def _refuse_federation(sparql: str) -> None:
    if calls_service(sparql):
        raise InputError("SERVICE (federated query) is turned off on this server")


async def _answer(
    request: Request,
    repo: Repository,
    query: str,
    params: Mapping[str, Sequence[str]],
    max_bytes: int,
) -> Response:
    reader = reader_clearance(request)
    requested_dataset = _dataset(params.get("default-graph-uri"), params.get("named-graph-uri"))
    requested = _one(params["format"], "format") if "format" in params else None
    accept = request.headers.get("accept")

    select_format = _wanted(requested, accept, SELECT_FORMATS)
    graph_format = _wanted(requested, accept, GRAPH_FORMATS)
    if select_format is None and graph_format is None:
        raise NotAcceptableError(_not_acceptable(SELECT_FORMATS + GRAPH_FORMATS))

    async def answer_over(dataset: QueryDataset | None) -> tuple[bytes, Format]:
        form, content = await repo.answer_async(
            query,
            dataset=dataset,
            select_format=select_format
            if isinstance(select_format, ResultFormat)
            else ResultFormat.JSON,
            graph_format=graph_format if isinstance(graph_format, RdfFormat) else RdfFormat.TURTLE,
            max_bytes=max_bytes,
            base_iri=_endpoint(request),
        )
        fmt = graph_format if form is QueryForm.GRAPH else select_format
        if fmt is None:
            offered = GRAPH_FORMATS if form is QueryForm.GRAPH else SELECT_FORMATS
            raise NotAcceptableError(_not_acceptable(offered))
        return content, fmt

    allowed = request.app.state.settings.service_endpoints
    if calls_service(query):  # checking the endpoints may wait for name resolution
        await run_in_threadpool(check_service_calls, query, allowed, base_iri=_endpoint(request))
    # Only the reader's graphs: see r2p_graph.services.visibility.
    for view in views(repo, reader):
        content, fmt = await answer_over(view.dataset(query, requested_dataset, _endpoint(request)))
    return Response(content, media_type=_content_type(fmt), headers={"Vary": "Accept"})


async def _apply(
    request: Request, repo: Repository, update: str, params: Mapping[str, Sequence[str]]
) -> Response:
    _refuse_federation(update)
    writer = reader_clearance(request)
    refusal = await run_in_threadpool(
        lambda: update_refusal(repo, writer, update, base_iri=_endpoint(request))
    )
    if refusal is not None:
        raise ForbiddenError(refusal)
    defaults = params.get("using-graph-uri", [])
    named = params.get("using-named-graph-uri", [])
    if defaults or named:
        try:
            update = with_update_dataset(update, defaults, named)
        except ValueError as error:
            raise InputError(f"using-graph-uri / using-named-graph-uri: {error}") from error
    await run_in_threadpool(lambda: repo.update(update, base_iri=_endpoint(request)))
    return Response(status_code=204)


def _service_description(request: Request) -> Response:
    offered = GRAPH_FORMATS
    fmt = choose(request.headers.get("accept"), offered)
    if fmt is None or not isinstance(fmt, RdfFormat):
        names = ", ".join(f.media_type for f in offered)
        raise NotAcceptableError(f"the service description can be given as {names}")
    endpoint = str(request.url.replace(query=""))
    federated = bool(request.app.state.settings.service_endpoints)
    content = service_description(endpoint, fmt, federated=federated)
    return Response(content, media_type=_content_type(fmt), headers={"Vary": "Accept"})


def _endpoint(request: Request) -> str:
    """The endpoint's own URL: the base IRI of relative IRIs in queries and updates."""
    scope = request.scope
    return _endpoint_of(
        scope["scheme"], request.headers.get("host"), scope.get("root_path", ""), scope["path"]
    )


@functools.lru_cache(maxsize=64)
def _endpoint_of(scheme: str, host: str | None, root_path: str, path: str) -> str:
    # Building a URL object per request costs more than the simple queries it serves; the
    # parts that make the endpoint's URL are few and repeat.
    headers = [(b"host", host.encode("latin-1"))] if host is not None else []
    scope: dict[str, object] = {"type": "http", "scheme": scheme, "root_path": root_path}
    scope |= {"path": path, "query_string": b"", "headers": headers, "server": None}
    return str(Request(scope).url)


def _dataset(defaults: Sequence[str] | None, named: Sequence[str] | None) -> QueryDataset | None:
    if not defaults and not named:
        return None
    return QueryDataset(default_graphs=tuple(defaults or ()), named_graphs=tuple(named or ()))


def _multi(items: object) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in items:  # type: ignore[attr-defined]
        params.setdefault(key, []).append(value)
    return params


def _one(values: Sequence[str], name: str) -> str:
    if len(values) != 1:
        raise InputError(f"give exactly one '{name}' parameter, not {len(values)}")
    return values[0]


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"the request body is not UTF-8 (byte {error.start})") from error


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 beyond ``limit`` bytes (read no further)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError(f"the request body is larger than {limit} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _content_type(fmt: Format) -> str:
    textual = fmt.media_type.startswith("text/") or fmt.media_type.endswith(("+json", "+xml"))
    return f"{fmt.media_type}; charset=utf-8" if textual else fmt.media_type
