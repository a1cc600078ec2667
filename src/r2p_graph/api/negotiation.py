"""Choosing a response format from an ``Accept`` header (with q-values) or a ``format`` parameter.

>>> choose("text/csv;q=0.5, application/sparql-results+json", SELECT_FORMATS).name
'JSON'
>>> choose("*/*", GRAPH_FORMATS).name
'TURTLE'
>>> choose("text/html", SELECT_FORMATS) is None
True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from r2p_graph.errors import UnknownFormatError
from r2p_graph.store import RdfFormat, ResultFormat

Format = RdfFormat | ResultFormat

SELECT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat.JSON,
    ResultFormat.XML,
    ResultFormat.CSV,
    ResultFormat.TSV,
)
"""What SELECT and ASK results can be written as, the first being the default."""

GRAPH_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES,
    RdfFormat.RDF_XML,
    RdfFormat.JSON_LD,
    RdfFormat.TRIG,
    RdfFormat.N_QUADS,
)
"""What CONSTRUCT and DESCRIBE results (and other graphs) can be written as."""

_EXTRA_TYPES = {
    "application/json": ResultFormat.JSON,
    "application/xml": ResultFormat.XML,
    "text/xml": ResultFormat.XML,
    "text/plain": RdfFormat.N_TRIPLES,
    "application/x-turtle": RdfFormat.TURTLE,
}


@dataclass(frozen=True, slots=True)
class _Range:
    media_type: str
    quality: float
    order: int

    def matches(self, media_type: str) -> bool:
        if self.media_type in ("*/*", "*"):
            return True
        if self.media_type.endswith("/*"):
            return media_type.startswith(self.media_type[:-1])
        return self.media_type == media_type

    @property
    def specificity(self) -> int:
        return 0 if self.media_type in ("*/*", "*") else 1 if self.media_type.endswith("/*") else 2


def _ranges(accept: str) -> tuple[_Range, ...]:
    ranges = []
    for order, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media_type = fields[0].lower()
        if not media_type:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append(_Range(media_type, quality, order))
    return tuple(ranges)


def _media_types(fmt: Format) -> tuple[str, ...]:
    extra = tuple(t for t, f in _EXTRA_TYPES.items() if f is fmt)
    return (fmt.media_type, *extra)


def choose(accept: str | None, offered: Sequence[Format]) -> Format | None:
    """The offered format the client prefers most, ``None`` when it accepts none of them.

    Each offered format gets the quality of the most specific range that matches it; ties go
    to the earlier range in the header, then to the earlier offered format."""
    return _choose(accept, tuple(offered))


# Clients send the same few Accept headers again and again: each is weighed once.
@functools.lru_cache(maxsize=512)
def _choose(accept: str | None, offered: tuple[Format, ...]) -> Format | None:
    if not accept or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen: Format | None = None
    for index, fmt in enumerate(offered):
        for media_type in _media_types(fmt):
            matching = [r for r in ranges if r.matches(media_type)]
            if not matching:
                continue
            top = max(matching, key=lambda r: (r.specificity, -r.order))
            if top.quality <= 0:
                continue
            key = (top.quality, -top.order, -index)
            if best is None or key > best:
                best, chosen = key, fmt
    return chosen


def by_name(name: str, offered: Sequence[Format]) -> Format:
    """The offered format a ``format`` parameter names (a short name or a media type)."""
    key = name.strip().lower()
    for fmt in offered:
        names = {fmt.name.lower(), fmt.extension, fmt.media_type, *fmt.aliases}
        if key in names:
            return fmt
    known = ", ".join(f.extension for f in offered)
    raise UnknownFormatError(f"format {name!r} is not offered here (known: {known})")
