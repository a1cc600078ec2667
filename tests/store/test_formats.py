"""Format names, extensions and media types."""

from __future__ import annotations

import pytest

from r2p_graph.errors import UnknownFormatError
from r2p_graph.store import RdfFormat, ResultFormat


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("turtle", RdfFormat.TURTLE),
        ("text/turtle; charset=utf-8", RdfFormat.TURTLE),
        ("nquads", RdfFormat.N_QUADS),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("RDF/XML", RdfFormat.RDF_XML),
    ],
)
def test_rdf_format_names(name: str, expected: RdfFormat) -> None:
    assert RdfFormat.from_name(name) is expected


def test_unknown_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownFormatError, match="known: ttl"):
        RdfFormat.from_name("docx")
    with pytest.raises(UnknownFormatError, match="cannot tell"):
        RdfFormat.from_path("README")
    with pytest.raises(UnknownFormatError, match="unknown result format"):
        ResultFormat.from_name("yaml")
