"""A journal that makes bulk loads all-or-nothing even when the process is killed mid-way.

Oxigraph's bulk loader writes index files straight into the store, outside any transaction. So
before a bulk load r2p-graph writes down (durably) which graphs it is about to fill, all of them
empty at that moment, and crosses the entry out once the load is complete and flushed. A store
that opens with an entry still standing was interrupted: those graphs are emptied again, which
is exactly the state before the load.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     journal = BulkLoadJournal(Path(folder))
...     journal.begin(["https://w3id.org/r2p-graph/graph/synthetic", None])
...     pending = journal.pending()
...     journal.end()
...     pending, journal.pending()
([None, 'https://w3id.org/r2p-graph/graph/synthetic'], None)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path


class BulkLoadJournal:
    """The record of a bulk load in progress, kept in one small file of the data directory."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "bulk-load.journal"

    def begin(self, graphs: Iterable[str | None]) -> None:
        """Record durably that ``graphs`` (``None``: the default graph) are being filled."""
        partial = self.path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as file:
            json.dump({"graphs": sorted(graphs, key=lambda g: g or "")}, file)
            file.flush()
            os.fsync(file.fileno())
        partial.replace(self.path)
        self._sync_directory()

    def end(self) -> None:
        """Cross out the record: the load is complete (or has been undone)."""
        self.path.unlink(missing_ok=True)
        self._sync_directory()

    def pending(self) -> list[str | None] | None:
        """The graphs of an interrupted bulk load, or ``None`` when there is none."""
        if not self.path.is_file():
            return None
        try:
            graphs = json.loads(self.path.read_text(encoding="utf-8"))["graphs"]
        except (ValueError, KeyError, TypeError):
            # A record cut short was never completed, so its load never started.
            return None
        return [g if isinstance(g, str) else None for g in graphs]

    def _sync_directory(self) -> None:
        descriptor = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
