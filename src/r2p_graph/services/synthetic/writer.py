"""Streaming N-Triples / N-Quads output with a triple count and progress reports.

>>> import io
>>> out = io.BytesIO()
>>> w = TripleWriter(out, graph="http://example.org/g")
>>> w.add(Term("<http://example.org/s>"), Term("<http://example.org/p>"), literal_en("x"))
>>> w.close()
1
>>> out.getvalue()
b'<http://example.org/s> <http://example.org/p> "x"@en <http://example.org/g> .\\n'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import BinaryIO, Final

from r2p_graph.services.synthetic.terms import P, Term, literal_en

Progress = Callable[[int], None]
"""Called with the number of triples written since the last call."""

PROGRESS_EVERY: Final = 10_000
_FLUSH_EVERY: Final = 1_000


class TripleWriter:
    """Writes triples to a binary stream as they come, in N-Triples or (with ``graph``) N-Quads.

    Lines are buffered in small batches only; ``progress`` hears about every ~10k triples, and
    once more for the rest when the writer is closed.
    """

    def __init__(
        self,
        out: BinaryIO,
        *,
        graph: str | None = None,
        progress: Progress | None = None,
        progress_every: int = PROGRESS_EVERY,
    ) -> None:
        self._out = out
        self._end = f" <{graph}> .\n" if graph is not None else " .\n"
        self._progress = progress
        self._progress_every = progress_every
        self._buffer: list[str] = []
        self._count = 0
        self._unreported = 0

    @property
    def count(self) -> int:
        """How many triples have been written so far."""
        return self._count

    def add(self, subject: Term, predicate: Term, obj: Term) -> None:
        """Write one triple."""
        self._buffer.append(f"{subject} {predicate} {obj}{self._end}")
        self._count += 1
        self._unreported += 1
        if len(self._buffer) >= _FLUSH_EVERY:
            self._flush()

    def add_all(self, subject: Term, predicate: Term, objects: Iterable[Term]) -> None:
        """Write one triple for each object."""
        for obj in objects:
            self.add(subject, predicate, obj)

    def label(self, subject: Term, text: str) -> None:
        """Write ``subject rdfs:label "text"@en``."""
        self.add(subject, P.LABEL, literal_en(text))

    def close(self) -> int:
        """Write what is buffered, report the last progress and return the triple count."""
        self._flush()
        if self._progress is not None and self._unreported:
            self._progress(self._unreported)
        self._unreported = 0
        return self._count

    def _flush(self) -> None:
        if self._buffer:
            self._out.write("".join(self._buffer).encode("utf-8"))
            self._buffer.clear()
        if self._progress is not None and self._unreported >= self._progress_every:
            self._progress(self._unreported)
            self._unreported = 0
