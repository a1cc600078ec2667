"""Reading what a contributor sends: an RDF document (Turtle, JSON-LD, RDF/XML, N-Triples) or a
filled CSV template, into one rdflib graph.

>>> submission = read_submission(b"<https://w3id.org/r2p-graph/id/x> a <http://e/C> .",
...                              "text/turtle")
>>> len(submission.graph), submission.cells is None
(1, True)
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from r2p_graph.errors import InputError, UnknownFormatError
from r2p_graph.services.contributions.templates import CellIndex, template_named
from r2p_graph.services.validation import parse_rdf
from r2p_graph.store.formats import RdfFormat

CSV = "text/csv"
ACCEPTED_RDF = (RdfFormat.TURTLE, RdfFormat.JSON_LD, RdfFormat.RDF_XML, RdfFormat.N_TRIPLES)
"""The RDF formats a contribution may come in."""


@dataclass(frozen=True, slots=True)
class Submission:
    """A contribution as read: its triples, its media type, and for CSV where each came from."""

    graph: Graph
    media_type: str
    cells: CellIndex | None = None


def read_submission(
    data: bytes, media_type: str, *, kind: str | None = None, source_name: str = "input"
) -> Submission:
    """Parse ``data`` sent as ``media_type`` (``text/csv`` needs the template ``kind``).

    ``RdfSyntaxError`` with line and column for a malformed document, ``InputError`` for a CSV
    that does not fit its template, ``UnknownFormatError`` for another media type."""
    media_type = media_type.split(";", maxsplit=1)[0].strip().lower()
    if media_type in (CSV, "csv"):
        if not kind:
            raise InputError("a CSV contribution names its template: kind=organisations, ...")
        converted = template_named(kind).convert(data, source_name=source_name)
        return Submission(converted.graph, CSV, converted.cells)
    if kind:
        raise InputError(f"kind={kind} is for CSV templates, not {media_type}")
    try:
        fmt = RdfFormat.from_name(media_type)
    except UnknownFormatError:
        fmt = None
    if fmt not in ACCEPTED_RDF:
        known = ", ".join([*(f.media_type for f in ACCEPTED_RDF), CSV])
        raise UnknownFormatError(f"a contribution is sent as one of {known}, not {media_type!r}")
    assert fmt is not None
    return Submission(parse_rdf(data, fmt, source_name=source_name), fmt.media_type)
