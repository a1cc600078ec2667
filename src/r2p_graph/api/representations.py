"""Linked-data responses: a graph in the RDF format or HTML page the client prefers.

The format comes from ``format=`` (a short name or media type) or else from ``Accept``
(q-values honoured, through :func:`r2p_graph.api.negotiation.choose`); a browser, which asks
for ``text/html`` first, gets a page. Every response says ``Vary: Accept`` and lists the other
formats in a ``Link`` header; JSON-LD is compacted with the published context
(``/context.jsonld``), which the document and a ``Link`` header name.

>>> LINKED_DATA_FORMATS[0].name, Page.HTML.media_type
('TURTLE', 'text/html')
>>> negotiated("text/html,application/xhtml+xml,*/*;q=0.8", None, LINKED_DATA_FORMATS)
<Page.HTML: ('text/html', 'html', ('htm',))>
>>> negotiated("*/*", None, LINKED_DATA_FORMATS).name
'TURTLE'
>>> negotiated(None, "jsonld", LINKED_DATA_FORMATS).name
'JSON_LD'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Final, cast
from urllib.parse import urlencode

from fastapi import Request, Response
from rdflib import Graph

from r2p_graph.api.negotiation import Format, by_name, choose
from r2p_graph.api.problems import NotAcceptableError
from r2p_graph.errors import InputError
from r2p_graph.ontology.namespaces import BASE, ID_BASE, ONTOLOGY_IRI, PREFIXES
from r2p_graph.settings import Settings
from r2p_graph.store import RdfFormat

JSON_LD_CONTEXT_REL: Final = "http://www.w3.org/ns/json-ld#context"
CONTEXT_PATH: Final = "context.jsonld"


class Page(Enum):
    """A human-readable representation, named like the RDF formats are."""

    HTML = ("text/html", "html", ("htm",))

    def __init__(self, media_type: str, extension: str, aliases: tuple[str, ...]) -> None:
        self.media_type = media_type
        self.extension = extension
        self.aliases = aliases


GraphFormat = RdfFormat | Page
"""What a linked-data resource can be given as."""

LINKED_DATA_FORMATS: Final[tuple[GraphFormat, ...]] = (
    RdfFormat.TURTLE,
    Page.HTML,
    RdfFormat.JSON_LD,
    RdfFormat.N_TRIPLES,
    RdfFormat.RDF_XML,
)
"""The formats of descriptions and vocabularies; the first (Turtle) when anything goes."""

FORMAT_NAMES: Final[dict[GraphFormat, str]] = {
    RdfFormat.TURTLE: "Turtle",
    Page.HTML: "HTML",
    RdfFormat.JSON_LD: "JSON-LD",
    RdfFormat.N_TRIPLES: "N-Triples",
    RdfFormat.RDF_XML: "RDF/XML",
}
"""What the formats are called on pages."""

_RDFLIB_NAMES: Final = {
    RdfFormat.TURTLE: "turtle",
    RdfFormat.N_TRIPLES: "nt",
    # rdflib's pretty-xml writer at times writes a blank node of a list twice (the ontology's
    # property chains came back with more triples than they have); the plain writer does not.
    RdfFormat.RDF_XML: "xml",
    RdfFormat.JSON_LD: "json-ld",
}


def negotiated(
    accept: str | None, requested: str | None, offered: Sequence[GraphFormat]
) -> GraphFormat:
    """The format named by ``requested`` (a ``format`` parameter) or else the one ``accept``
    prefers; ``NotAcceptableError`` when none is acceptable, ``UnknownFormatError`` for a name
    that is not offered."""
    # choose() and by_name() read only the media type, extension, name and aliases, which a
    # Page has as an RdfFormat does.
    formats = cast("Sequence[Format]", offered)
    fmt = by_name(requested, formats) if requested else choose(accept, formats)
    if fmt is None:
        names = ", ".join(f.media_type for f in offered)
        raise NotAcceptableError(f"this resource can be given as {names}; none is acceptable")
    return cast("GraphFormat", fmt)


def negotiate(
    request: Request, offered: Sequence[GraphFormat] = LINKED_DATA_FORMATS
) -> GraphFormat:
    """The format a request asks for, by ``format=`` or by ``Accept``."""
    requested = request.query_params.getlist("format")
    if len(requested) > 1:
        raise InputError(f"give at most one 'format' parameter, not {len(requested)}")
    return negotiated(request.headers.get("accept"), requested[0] if requested else None, offered)


class Site:
    """Where things are on this server, for one request: the server's root URL, the prefix
    its ``/id/`` answers at (``settings.base_iri`` when set, else this request's
    ``<scheme://host>/id/``) and the links that let a reader walk from one thing to the next."""

    def __init__(self, request: Request, settings: Settings) -> None:
        self.root = str(request.base_url)
        self.id_prefix = settings.base_iri or self.root + "id/"

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (relative to the root) on this server."""
        return self.root + path.lstrip("/")

    @property
    def context_url(self) -> str:
        """Where the JSON-LD context is published."""
        return self.url(CONTEXT_PATH)

    def href(self, iri: str) -> str:
        """Where a reader of a page finds ``iri``: a thing, vocabulary or ontology term of
        r2p-graph on this server, anything else at its own IRI."""
        if iri.startswith(ID_BASE):
            return self.id_prefix + iri[len(ID_BASE) :]
        if iri.startswith((BASE + "vocab/", ONTOLOGY_IRI + "#")) or iri == ONTOLOGY_IRI:
            return self.url(iri[len(BASE) :])
        return iri


def jsonld_context() -> dict[str, object]:
    """The published JSON-LD context: r2p-graph's prefixes."""
    return {"@context": dict(PREFIXES)}


def serialize(graph: Graph, fmt: RdfFormat, site: Site) -> bytes:
    """``graph`` in ``fmt``; JSON-LD compacted with the prefixes of the published context
    and naming that context by its URL. ``NotAcceptableError`` when the graph cannot be
    written in ``fmt`` (RDF/XML needs every property IRI to end in an XML name)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=False)
    if fmt is RdfFormat.JSON_LD:
        text = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
        document = json.loads(text)
        if isinstance(document, dict):
            document["@context"] = site.context_url
        else:  # a list of node objects: nothing to compact with
            document = {"@context": site.context_url, "@graph": document}
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    try:
        return graph.serialize(format=_RDFLIB_NAMES[fmt], encoding="utf-8")
    except ValueError as error:  # RDF/XML: a property IRI with no XML name
        raise NotAcceptableError(
            f"this graph cannot be written as {fmt.media_type} ({error}); ask for text/turtle, "
            "application/n-triples or application/ld+json"
        ) from error


def respond(
    request: Request,
    fmt: GraphFormat,
    graph: Graph,
    site: Site,
    *,
    page: Callable[[Sequence[tuple[str, str]]], str],
    offered: Sequence[GraphFormat] = LINKED_DATA_FORMATS,
) -> Response:
    """The response carrying ``graph`` in ``fmt`` (``page`` renders the HTML, given the other
    formats as (name, URL) pairs), with ``Vary``, ``Link`` (alternates, JSON-LD context)."""
    others = [f for f in offered if f is not fmt]
    alternates = [(FORMAT_NAMES.get(f, f.name), _format_url(request, f)) for f in others]
    links = [f'<{_format_url(request, f)}>; rel="alternate"; type="{f.media_type}"' for f in others]
    if fmt is RdfFormat.JSON_LD:
        links.append(
            f'<{site.context_url}>; rel="{JSON_LD_CONTEXT_REL}"; type="application/ld+json"'
        )
    headers = {"Vary": "Accept", "Link": ", ".join(links)}
    if isinstance(fmt, Page):
        content = page(alternates).encode("utf-8")
    else:
        content = serialize(graph, fmt, site)
    return Response(content, media_type=content_type(fmt), headers=headers)


def content_type(fmt: GraphFormat) -> str:
    """The ``Content-Type`` of ``fmt``, with a charset for textual formats."""
    textual = fmt.media_type.startswith("text/") or fmt.media_type.endswith(("+json", "+xml"))
    return f"{fmt.media_type}; charset=utf-8" if textual else fmt.media_type


def _format_url(request: Request, fmt: GraphFormat) -> str:
    return str(request.url.replace(query=urlencode({"format": fmt.extension})))
