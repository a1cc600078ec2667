"""``/contributions``: partners contribute data through the gate; curators withdraw or replace.

* ``POST /contributions`` (contributor): Turtle, JSON-LD, RDF/XML, N-Triples, or a filled CSV
  template (``text/csv`` with ``?kind=organisations``, ...). ``?source=``, ``?licence=``,
  ``?organisation=`` and ``?visibility=public|partners|restricted`` describe it. 201 with the
  contribution's provenance and the warnings; 422 with the report when the gate refuses it
  (JSON, or the W3C SHACL report in Turtle when ``Accept`` prefers ``text/turtle``).
* ``GET /contributions`` lists them; ``GET /contributions/{id}`` shows one with its triples
  (JSON, or Turtle / N-Triples of its triples and provenance by ``Accept``).
* ``PUT /contributions/{id}`` (curator) replaces it by a new version, ``DELETE`` withdraws it.
* ``GET /contributions/templates/{kind}.csv``: the CSV templates.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from rdflib import Graph, URIRef
from starlette.concurrency import run_in_threadpool

from r2p_graph.api.auth import CuratorDep, require
from r2p_graph.api.deps import RepositoryDep, SettingsDep
from r2p_graph.api.problems import NotFoundError
from r2p_graph.api.routes.sparql import read_body
from r2p_graph.errors import InputError
from r2p_graph.services.contributions.feed import may_see
from r2p_graph.services.contributions.intake import Submission, read_submission
from r2p_graph.services.contributions.model import (
    CONTRIBUTIONS_GRAPH,
    ContributionRecord,
    Metadata,
    contribution_iri,
)
from r2p_graph.services.contributions.report import report_graph, report_json
from r2p_graph.services.contributions.service import (
    Accepted,
    ContributionRejectedError,
    ContributionService,
    UnknownContributionError,
)
from r2p_graph.services.contributions.templates import KINDS, template_named
from r2p_graph.services.tokens import Principal, Role
from r2p_graph.services.visibility import Visibility
from r2p_graph.settings import Settings

router = APIRouter(tags=["Contributions"])
_creating = threading.Lock()

TURTLE = "text/turtle"


def get_contributions(request: Request) -> ContributionService:
    """The contribution service of this app, created on first use (it settles the log a killed
    process may have left unfinished)."""
    state = request.app.state
    service: ContributionService | None = getattr(state, "contributions", None)
    if service is None:
        with _creating:
            service = getattr(state, "contributions", None)
            if service is None:
                settings = state.settings
                service = ContributionService(
                    state.repository, settings.data_dir / "contributions" / "log"
                )
                state.contributions = service
    return service


def optional_principal(request: Request) -> Principal | None:
    """The token holder, if a token is sent (an invalid one is refused with 401)."""
    if "authorization" not in request.headers:
        return None
    return require(Role.READER)(request)


ServiceDep = Annotated[ContributionService, Depends(get_contributions)]
ContributorDep = Annotated[Principal, Depends(require(Role.CONTRIBUTOR))]
ReaderDep = Annotated[Principal | None, Depends(optional_principal)]


def prefers_turtle(accept: str | None) -> bool:
    """Whether ``Accept`` ranks Turtle above JSON.

    >>> prefers_turtle("text/turtle"), prefers_turtle("application/json, text/turtle;q=0.5")
    (True, False)
    """
    quality = {"text/turtle": 0.0, "application/json": 0.0}
    for item in (accept or "").split(","):
        media, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        if media in quality:
            quality[media] = max(quality[media], q)
    return quality["text/turtle"] > quality["application/json"]


def _accepted(accepted: Accepted, request: Request, cells: object = None) -> JSONResponse:
    location = str(request.url_for("get_contribution", contribution_id=accepted.record.id))
    body = {
        "contribution": accepted.record.as_json(),
        "report": report_json(accepted.report, cells),  # type: ignore[arg-type]
    }
    return JSONResponse(body, status_code=201, headers={"Location": location})


def _rejected(error: ContributionRejectedError, request: Request, cells: object) -> Response:
    if prefers_turtle(request.headers.get("accept")):
        turtle = report_graph(error.report).serialize(format="turtle")
        return Response(turtle, status_code=422, media_type=f"{TURTLE}; charset=utf-8")
    body = {
        "title": "Unprocessable Content",
        "status": 422,
        "detail": error.message,
        "report": report_json(error.report, cells),  # type: ignore[arg-type]
    }
    return JSONResponse(body, status_code=422)


Source = Annotated[str | None, Query(description="Where the data comes from (IRI or text).")]
Licence = Annotated[str | None, Query(description="Licence of the data (IRI or text).")]
Organisation = Annotated[str | None, Query(description="Organisation contributing.")]
VisibilityParam = Annotated[str, Query(description="public, partners or restricted.")]
Kind = Annotated[str | None, Query(description="CSV template kind, for text/csv.")]


@dataclass(frozen=True, slots=True)
class ContributionDetails:
    """What a contributor says of the data beside the body (query parameters)."""

    kind: str | None
    source: str | None
    licence: str | None
    organisation: str | None
    visibility: str


async def contribution_details(
    kind: Kind = None,
    source: Source = None,
    licence: Licence = None,
    organisation: Organisation = None,
    visibility: VisibilityParam = "public",
) -> ContributionDetails:
    """The query parameters of ``POST`` and ``PUT /contributions``."""
    return ContributionDetails(kind, source, licence, organisation, visibility)


DetailsDep = Annotated[ContributionDetails, Depends(contribution_details)]


async def _submitted(
    request: Request, settings: Settings, details: ContributionDetails
) -> tuple[Submission, Metadata]:
    """The contribution read from the body (400/413/415 on bad input), and its metadata."""
    body = await read_body(request, settings.max_body_bytes)
    media_type = request.headers.get("content-type", "")
    submission = await run_in_threadpool(
        read_submission, body, media_type, kind=details.kind, source_name="request body"
    )
    metadata = Metadata(
        source=details.source or None,
        licence=details.licence or None,
        organisation=details.organisation or None,
        visibility=Visibility.named(details.visibility),
        media_type=submission.media_type,
    )
    return submission, metadata


@router.post("/contributions", status_code=201)
async def post_contribution(
    *,
    request: Request,
    service: ServiceDep,
    settings: SettingsDep,
    principal: ContributorDep,
    details: DetailsDep,
) -> Response:
    """Contribute data: it is checked by the gate and committed whole, or refused whole."""
    submission, metadata = await _submitted(request, settings, details)
    try:
        accepted = await run_in_threadpool(
            service.submit, submission.graph, metadata, principal.name
        )
    except ContributionRejectedError as error:
        return _rejected(error, request, submission.cells)
    return _accepted(accepted, request, submission.cells)


@router.get("/contributions/templates/{kind}.csv")
async def get_template(kind: str) -> Response:
    """A CSV template: its header row and one synthetic example row."""
    if kind not in KINDS:
        raise NotFoundError(f"no CSV template {kind!r}; there are: {', '.join(KINDS)}")
    template = template_named(kind)
    return Response(
        template.blank(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )


Term = Annotated[str | None, Query(description="An IRI: only contributions asserting it.")]


@router.get("/contributions")
async def list_contributions(
    service: ServiceDep,
    principal: ReaderDep,
    subject: Term = None,
    predicate: Term = None,
    object: Term = None,  # noqa: A002
) -> JSONResponse:
    """Every contribution the asker may see, in log order; with ``subject`` / ``predicate`` /
    ``object`` (IRIs), those asserting a matching statement (its sources)."""
    if subject is None and predicate is None and object is None:
        found = await run_in_threadpool(service.records)
    else:
        found = await run_in_threadpool(
            lambda: service.asserting(
                subject=_iri(subject), predicate=_iri(predicate), obj=_iri(object)
            )
        )
    visible = [r.as_json() for r in found if may_see(r.visibility, principal)]
    return JSONResponse({"contributions": visible})


def _iri(text: str | None) -> URIRef | None:
    if text is None:
        return None
    if not text.startswith(("http://", "https://", "urn:")) or any(c in text for c in ' <>"'):
        raise InputError(f"not an IRI: {text!r}")
    return URIRef(text)


def _visible(
    service: ContributionService, contribution_id: str, principal: Principal | None
) -> ContributionRecord:
    try:
        record = service.record(contribution_id)
    except UnknownContributionError as error:
        raise NotFoundError(error.message) from None
    if not may_see(record.visibility, principal):
        # The same answer as for an id that does not exist: its existence is not public.
        raise NotFoundError(f"no contribution {contribution_id}")
    return record


@router.get("/contributions/{contribution_id}", name="get_contribution")
async def get_contribution(
    *,
    contribution_id: str,
    request: Request,
    service: ServiceDep,
    principal: ReaderDep,
    repo: RepositoryDep,
) -> Response:
    """One contribution: its provenance and its triples."""

    def run() -> Response:
        record = _visible(service, contribution_id, principal)
        triples = list(service.triples(record.id))
        if prefers_turtle(request.headers.get("accept")):
            graph = Graph()
            for triple in triples:
                graph.add(triple)
            for s, p, o, g in repo.quads_matching(contribution_iri(record.id)):
                if g is not None and str(g) == CONTRIBUTIONS_GRAPH:
                    graph.add((s, p, o))
            return Response(graph.serialize(format="turtle"), media_type=f"{TURTLE}; charset=utf-8")
        body = {
            "contribution": record.as_json(),
            "triples": [[t.n3() for t in triple] for triple in sorted(triples)],
        }
        return JSONResponse(body)

    return await run_in_threadpool(run)


@router.put("/contributions/{contribution_id}", status_code=201)
async def put_contribution(
    *,
    contribution_id: str,
    request: Request,
    service: ServiceDep,
    settings: SettingsDep,
    curator: CuratorDep,
    details: DetailsDep,
) -> Response:
    """Replace a contribution by a new version, atomically: the old out, the new in, checked
    by the gate as one change."""
    submission, metadata = await _submitted(request, settings, details)
    try:
        await run_in_threadpool(service.record, contribution_id)
    except UnknownContributionError as error:
        raise NotFoundError(error.message) from None
    try:
        accepted = await run_in_threadpool(
            service.replace, contribution_id, submission.graph, metadata, curator.name
        )
    except ContributionRejectedError as error:
        return _rejected(error, request, submission.cells)
    return _accepted(accepted, request, submission.cells)


@router.delete("/contributions/{contribution_id}")
async def delete_contribution(
    contribution_id: str, service: ServiceDep, curator: CuratorDep
) -> JSONResponse:
    """Withdraw a contribution: its triples leave the graph, its provenance stays."""
    try:
        withdrawn = await run_in_threadpool(service.withdraw, contribution_id, curator.name)
    except UnknownContributionError as error:
        raise NotFoundError(error.message) from None
    # What the withdrawal leaves broken elsewhere, reported, never blocking.
    return JSONResponse(
        {"contribution": withdrawn.record.as_json(), "report": report_json(withdrawn.report)}
    )
