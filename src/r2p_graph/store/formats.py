"""The serialisations r2p-graph reads and writes, named by enums rather than strings.

>>> RdfFormat.from_name("ttl") is RdfFormat.TURTLE
True
>>> RdfFormat.from_path("dump.nq.gz") is RdfFormat.N_QUADS
True
>>> RdfFormat.TRIG.is_dataset, RdfFormat.TURTLE.is_dataset
(True, False)
>>> ResultFormat.from_name("csv").media_type
'text/csv'
"""

from __future__ import annotations

from enum import Enum
from pathlib import PurePath

from r2p_graph.errors import UnknownFormatError


class RdfFormat(Enum):
    """An RDF serialisation: its media type, file extension and other names."""

    TURTLE = ("text/turtle", "ttl", ("turtle",))
    N_TRIPLES = ("application/n-triples", "nt", ("ntriples", "n-triples"))
    N_QUADS = ("application/n-quads", "nq", ("nquads", "n-quads"))
    TRIG = ("application/trig", "trig", ())
    RDF_XML = ("application/rdf+xml", "rdf", ("rdfxml", "rdf/xml", "xml", "owl"))
    JSON_LD = ("application/ld+json", "jsonld", ("json-ld", "json"))

    def __init__(self, media_type: str, extension: str, aliases: tuple[str, ...]) -> None:
        self.media_type = media_type
        self.extension = extension
        self.aliases = aliases

    @property
    def is_dataset(self) -> bool:
        """Whether the format carries named graphs (quads), not only triples."""
        return self in (RdfFormat.N_QUADS, RdfFormat.TRIG, RdfFormat.JSON_LD)

    @classmethod
    def from_name(cls, name: str) -> RdfFormat:
        """The format for a name, extension or media type; ``UnknownFormatError`` otherwise."""
        key = name.strip().lower().split(";")[0].strip()
        for fmt in cls:
            if key in (fmt.name.lower(), fmt.extension, fmt.media_type, *fmt.aliases):
                return fmt
        known = ", ".join(f.extension for f in cls)
        raise UnknownFormatError(f"unknown RDF format {name!r} (known: {known})")

    @classmethod
    def from_path(cls, path: str | PurePath) -> RdfFormat:
        """The format a file's extension names (a trailing ``.gz`` is looked through)."""
        suffixes = [s.lstrip(".") for s in PurePath(path).suffixes]
        if suffixes and suffixes[-1] == "gz":
            suffixes.pop()
        if not suffixes:
            raise UnknownFormatError(
                f"cannot tell the RDF format of {str(path)!r} from its name; give --format"
            )
        return cls.from_name(suffixes[-1])


class ResultFormat(Enum):
    """A serialisation of SPARQL SELECT/ASK results."""

    JSON = ("application/sparql-results+json", "srj", ("json",))
    XML = ("application/sparql-results+xml", "srx", ("xml",))
    CSV = ("text/csv", "csv", ())
    TSV = ("text/tab-separated-values", "tsv", ())

    def __init__(self, media_type: str, extension: str, aliases: tuple[str, ...]) -> None:
        self.media_type = media_type
        self.extension = extension
        self.aliases = aliases

    @classmethod
    def from_name(cls, name: str) -> ResultFormat:
        """The format for a name, extension or media type; ``UnknownFormatError`` otherwise."""
        key = name.strip().lower().split(";")[0].strip()
        for fmt in cls:
            if key in (fmt.name.lower(), fmt.extension, fmt.media_type, *fmt.aliases):
                return fmt
        known = ", ".join(f.name.lower() for f in cls)
        raise UnknownFormatError(f"unknown result format {name!r} (known: {known})")
