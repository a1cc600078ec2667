"""``/queries``: the query catalogue, listed and run by name with typed parameters.

* ``GET /queries``: every catalogue query with its title, description, audience and parameters
  (name, type, format, default, example), as JSON;
* ``GET /queries/{name}?param=value...``: run one over the graphs the reader may read; the
  answer is SPARQL JSON, CSV, TSV or XML results, or an HTML table, chosen by ``format=``
  (``json``, ``csv``, ``tsv``, ``xml``, ``html``) or by ``Accept``. An unknown name is a 404, an
  unknown or malformed parameter a 400 that names it. The query runs through the repository's
  ``answer``, under the same deadline and result-size limit as ``/sparql``.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from r2p_graph.api.auth import reader_clearance
from r2p_graph.api.deps import RepositoryDep, SettingsDep
from r2p_graph.api.negotiation import SELECT_FORMATS, Format, by_name, choose
from r2p_graph.api.problems import NotAcceptableError
from r2p_graph.errors import InputError
from r2p_graph.services.catalogue import Catalogue, CatalogueQuery
from r2p_graph.services.visibility import views
from r2p_graph.store import RdfFormat, ResultFormat

router = APIRouter(tags=["Query catalogue"])
HTML = "text/html"


@cache
def bundled_catalogue() -> Catalogue:
    """The catalogue shipped with r2p-graph, read once."""
    return Catalogue.bundled()


async def get_catalogue() -> Catalogue:
    """The catalogue the routes serve."""
    return bundled_catalogue()


CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]


@router.get("/queries", summary="The query catalogue")
async def list_queries(request: Request, catalogue: CatalogueDep) -> JSONResponse:
    """Every named query with its metadata and the URL that runs it."""
    base = str(request.url.replace(query="", fragment="")).rstrip("/")
    return JSONResponse(
        {"queries": [{**q.describe(), "url": f"{base}/{q.name}"} for q in catalogue.queries()]}
    )


@router.get("/queries/{name}", summary="Run a catalogue query")
async def run_query(
    name: str,
    request: Request,
    catalogue: CatalogueDep,
    repo: RepositoryDep,
    settings: SettingsDep,
) -> Response:
    """Run the query ``name`` with the parameters of the URL."""
    query = catalogue.get(name)
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    requested = params.pop("format", None)
    if requested is not None and len(requested) > 1:
        raise InputError("give 'format' once")
    fmt = _wanted(requested[0] if requested else None, request.headers.get("accept"))
    sparql = query.bind(params)
    select_format = ResultFormat.JSON if fmt == HTML else fmt
    assert isinstance(select_format, ResultFormat)

    # Only the reader's graphs, as for /sparql: see r2p_graph.services.visibility.
    for view in views(repo, reader_clearance(request)):
        _, content = await repo.answer_async(
            sparql,
            dataset=view.dataset(sparql),
            select_format=select_format,
            graph_format=RdfFormat.TURTLE,
            max_bytes=settings.max_result_bytes,
        )
    pages = _page_links(request, query.page(params))
    if fmt == HTML:
        results = json.loads(content)
        if not results.get("results", {}).get("bindings"):
            pages.pop("next", None)  # an empty page ends the list
        return HTMLResponse(results_page(query, params, results, pages), headers=_link(pages))
    media_type = select_format.media_type
    if media_type.startswith("text/") or media_type.endswith(("+json", "+xml")):
        media_type += "; charset=utf-8"
    return Response(content, media_type=media_type, headers={"Vary": "Accept", **_link(pages)})


def _page_links(request: Request, page: int | None) -> dict[str, str]:
    """The URLs of the first, previous and next pages of a paged query's answer (by the
    relation names of RFC 8288), the other parameters kept; none for a query not paged.
    Whether a next page holds anything is not known before it is asked for: an empty page
    ends the list."""
    if page is None:
        return {}
    links = {"first": 1, "next": page + 1} | ({"prev": page - 1} if page > 1 else {})
    return {rel: str(request.url.include_query_params(page=n)) for rel, n in links.items()}


def _link(pages: dict[str, str]) -> dict[str, str]:
    """A ``Link`` header with the page URLs, if any."""
    if not pages:
        return {}
    return {"Link": ", ".join(f'<{url}>; rel="{rel}"' for rel, url in pages.items())}


def _wanted(requested: str | None, accept: str | None) -> Format | str:
    """JSON, CSV, TSV or XML results, or ``text/html`` for a table."""
    if requested is not None:
        if requested.strip().lower() in ("html", HTML):
            return HTML
        return by_name(requested, SELECT_FORMATS)
    chosen = choose(accept, SELECT_FORMATS) if accept else SELECT_FORMATS[0]
    # A browser lists text/html before */*; an HTML table is then what it wants.
    if (
        accept is not None
        and HTML in accept
        and (chosen is None or accept.find(HTML) < max(accept.find(chosen.media_type), 0) + 1)
    ):
        return HTML
    if chosen is None:
        offered = ", ".join([f.media_type for f in SELECT_FORMATS] + [HTML])
        raise NotAcceptableError(f"the result can be given as {offered}; none is acceptable")
    return chosen


def results_page(
    query: CatalogueQuery,
    params: dict[str, list[str]],
    results: dict[str, object],
    pages: dict[str, str] | None = None,
) -> str:
    """The results of a catalogue query as an HTML page with a table, and links to the
    ``pages`` around it for a paged query."""
    head = results.get("head", {})
    variables = list(head.get("vars", [])) if isinstance(head, dict) else []
    body = results.get("results", {})
    bindings = body.get("bindings", []) if isinstance(body, dict) else []
    header = "".join(f"<th>{escape(v)}</th>" for v in variables)
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{_cell(row.get(v))}</td>" for v in variables) + "</tr>"
        for row in bindings
    )
    given = ", ".join(f"{escape(k)} = {escape(', '.join(v))}" for k, v in params.items())
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(query.title)} · r2p-graph</title>\n"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
        "</style>\n</head>\n<body>\n"
        f'<nav><a href="../queries">All queries</a></nav>\n<h1>{escape(query.title)}</h1>\n'
        f"<p>{escape(query.description)}</p>\n"
        f"<p>Parameters: {given or 'none given (defaults used)'}. {len(bindings)} rows.</p>\n"
        f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n"
        f"{_page_nav(pages or {})}</body>\n</html>\n"
    )


def _page_nav(pages: dict[str, str]) -> str:
    """Links to the previous and next pages, as far as there are any."""
    names = {"prev": "Previous page", "next": "Next page"}
    links = [
        f'<a rel="{r}" href="{escape(pages[r])}">{t}</a>' for r, t in names.items() if r in pages
    ]
    return f"<nav>{' · '.join(links)}</nav>\n" if links else ""


def _cell(term: object) -> str:
    if not isinstance(term, dict):
        return ""
    value = escape(str(term.get("value", "")))
    if term.get("type") == "uri":
        return f'<a href="{value}">{value}</a>'
    return value
