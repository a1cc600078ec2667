"""A count of the writes a repository has begun and finished, for readers that cache.

Readers that keep something derived from the data (the graphs each clearance may read, in
:mod:`r2p_graph.services.visibility`) must know whether a write happened since they derived it
— including one still in progress. The clock counts writes as they begin and as they end
(both under the repository's write lock); a reader notes :meth:`WriteClock.stamp` before its
work and :meth:`WriteClock.unchanged_since` after, as with a sequence lock: if no write began
meanwhile and none was in progress at the start, the work saw one state of the data.

>>> clock = WriteClock()
>>> stamp = clock.stamp()
>>> clock.unchanged_since(stamp)
True
>>> with clock.writing():
...     clock.stamp() is None
True
>>> clock.unchanged_since(stamp)
False
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WriteClock:
    """Writes begun and finished. Safe to use from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._begun = 0
        self._ended = 0

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Mark a write as in progress for the duration of the block (nested blocks count as
        separate writes, which only makes readers recheck more often)."""
        with self._lock:
            self._begun += 1
        try:
            yield
        finally:
            with self._lock:
                self._ended += 1

    def stamp(self) -> int | None:
        """The number of writes finished, or ``None`` while a write is in progress."""
        with self._lock:
            return self._ended if self._begun == self._ended else None

    def unchanged_since(self, stamp: int | None) -> bool:
        """Whether no write began since ``stamp`` was taken (``False`` for ``None``)."""
        with self._lock:
            return stamp is not None and self._begun == stamp
