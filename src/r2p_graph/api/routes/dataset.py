"""The dataset as a whole: its VoID/DCAT description and its dumps.

* ``/.well-known/void``: what the dataset is, its licence, size per named graph and per class,
  where its SPARQL endpoint and dumps are (Turtle by default; negotiated like ``/id/``);
* ``/dump?format=nquads|turtle``: the whole store as a gzip file, streamed as it is written.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from r2p_graph.api.auth import ClearanceDep, reader_clearance
from r2p_graph.api.deps import RepositoryDep, SettingsDep
from r2p_graph.api.html import resource_page
from r2p_graph.api.negotiation import by_name
from r2p_graph.api.representations import Site, negotiate, respond
from r2p_graph.services.description import Description
from r2p_graph.services.dumps import compressed_dump
from r2p_graph.services.visibility import dump_graphs, views
from r2p_graph.services.void import DatasetLinks, describe_dataset
from r2p_graph.store import RdfFormat

router = APIRouter(tags=["dataset"])

DUMP_FORMATS: Final = (RdfFormat.N_QUADS, RdfFormat.TURTLE)
"""What the store can be dumped as, the first being the default."""

_DUMP_NAMES: Final = {RdfFormat.N_QUADS: "nquads", RdfFormat.TURTLE: "turtle"}


@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset")
@router.head("/.well-known/void", summary="VoID and DCAT description (headers only)")
async def void(request: Request, repo: RepositoryDep, settings: SettingsDep) -> Response:
    """The VoID and DCAT description of the dataset this service publishes."""
    fmt = negotiate(request)
    site = Site(request, settings)
    links = DatasetLinks(
        void=site.url(".well-known/void"),
        sparql=site.url("sparql"),
        dumps=[(f, site.url(f"dump?format={_DUMP_NAMES[f]}")) for f in DUMP_FORMATS],
    )
    reader = reader_clearance(request)

    def read() -> Description:
        # Counts of the reader's graphs only: hidden graphs are neither counted nor listed.
        for view in views(repo, reader):
            description = describe_dataset(repo, links, dataset=view.dataset())
        return description

    description = await run_in_threadpool(read)
    expand = set(description.graph.subjects()) - {description.resource}
    return respond(
        request,
        fmt,
        description.graph,
        site,
        page=lambda alternates: resource_page(
            description, href=site.href, alternates=alternates, expand=expand, root=site.root
        ),
    )


@router.get(
    "/dump",
    summary="The whole store, gzip-compressed",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/gzip": {}}}},
)
def dump(
    repo: RepositoryDep,
    reader: ClearanceDep,
    format: str = Query(  # noqa: A002 (the parameter's name in the URL)
        default="nquads", description="nquads (all named graphs) or turtle (their union)"
    ),
) -> StreamingResponse:
    """Every quad of the store as gzip-compressed N-Quads (or its triples as Turtle), streamed
    while the store writes it; only the graphs the reader may read (a curator's token: all)."""
    fmt = by_name(format, DUMP_FORMATS)
    assert isinstance(fmt, RdfFormat)
    filename = f"r2p-graph.{fmt.extension}.gz"
    return StreamingResponse(
        compressed_dump(repo, fmt, graphs=dump_graphs(repo, reader)),
        media_type="application/gzip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
