"""``/changes``: the feed of contributions added, replaced and withdrawn, for partner databases
that stay in sync. JSON by default, Atom (RFC 4287) when ``Accept`` asks for
``application/atom+xml`` or ``?format=atom``. ``?since=`` takes the last sequence number seen or
a time; ``?limit=`` caps one page, whose ``next`` link continues after it.
"""

from __future__ import annotations

from typing import Annotated
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from r2p_graph.api.routes.contributions import ReaderDep, ServiceDep
from r2p_graph.errors import InputError
from r2p_graph.services.contributions.feed import Change, changes, parse_since

router = APIRouter(tags=["Contributions"])

ATOM = "application/atom+xml"
_ATOM_NS = "http://www.w3.org/2005/Atom"
_TITLES = {
    "added": "Contribution added",
    "replaced": "Contribution replaced by a new version",
    "withdrawn": "Contribution withdrawn",
}


def _wants_atom(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        if fmt not in ("atom", "json"):
            raise InputError(f"format={fmt!r}: the feed is given as json or atom")
        return fmt == "atom"
    accept = request.headers.get("accept", "")
    return ATOM in accept and "application/json" not in accept


@router.get("/changes")
async def get_changes(
    *,
    request: Request,
    service: ServiceDep,
    principal: ReaderDep,
    since: Annotated[str | None, Query(description="Sequence number or time.")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    format: Annotated[str | None, Query(description="json or atom.")] = None,  # noqa: A002
) -> Response:
    """The changes after ``since`` that the asker may see, oldest first."""
    start = parse_since(since)
    found = await run_in_threadpool(
        changes, service.log, since=start, principal=principal, limit=limit
    )
    next_link = None
    if len(found) == limit:
        next_link = str(request.url.include_query_params(since=str(found[-1].sequence)))
    if _wants_atom(request, format):
        return Response(_atom(request, found, next_link), media_type=f"{ATOM}; charset=utf-8")
    return JSONResponse({"changes": [c.as_json() for c in found], "next": next_link})


def _atom(request: Request, found: list[Change], next_link: str | None) -> bytes:
    ET.register_namespace("", _ATOM_NS)

    def element(
        parent: ET.Element, name: str, text: str | None = None, **attributes: str
    ) -> ET.Element:
        child = ET.SubElement(parent, f"{{{_ATOM_NS}}}{name}", attributes)
        if text is not None:
            child.text = text
        return child

    feed = ET.Element(f"{{{_ATOM_NS}}}feed")
    element(feed, "id", str(request.url.remove_query_params(["since", "limit", "format"])))
    element(feed, "title", "r2p-graph: changes to the contributed data")
    element(feed, "updated", found[-1].time if found else "1970-01-01T00:00:00Z")
    element(feed, "link", rel="self", href=str(request.url))
    if next_link is not None:
        element(feed, "link", rel="next", href=next_link)
    for change in found:
        entry = element(feed, "entry")
        element(entry, "id", f"{change.as_json()['iri']}#change-{change.sequence}")
        element(entry, "title", f"{_TITLES[change.change.value]}: {change.contribution}")
        element(entry, "updated", change.time)
        element(entry, "category", term=change.change.value)
        href = str(request.url_for("get_contribution", contribution_id=change.contribution))
        element(entry, "link", rel="alternate", href=href)
        summary = f"{change.change.value} (sequence {change.sequence}, {change.triples} triples)"
        if change.replaces:
            summary += f"; replaces {change.replaces}"
        element(entry, "summary", summary)
        author = element(entry, "author")
        element(author, "name", "r2p-graph")
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text
