"""The whole store as a gzip-compressed dump, streamed in chunks, never built whole in memory."""

from __future__ import annotations

import queue
import threading
import zlib
from collections.abc import Iterator, Sequence
from typing import BinaryIO, Final, cast

from r2p_graph.store import RdfFormat, Repository

DUMP_CHUNK_BYTES: Final = 1 << 16
_QUEUED_CHUNKS: Final = 4


class _DumpCancelledError(Exception):
    """The reader of a dump went away; stop writing it."""


class _GzipSink:
    """A binary writer that gzips what it is given and hands on compressed chunks."""

    def __init__(
        self,
        chunks: queue.Queue[bytes | BaseException | None],
        stop: threading.Event,
        chunk_bytes: int,
    ) -> None:
        self._chunks = chunks
        self._stop = stop
        self._chunk_bytes = chunk_bytes
        self._compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: gzip container
        self._pending = bytearray()

    def write(self, data: bytes) -> int:
        self._pending += self._compressor.compress(bytes(data))
        while len(self._pending) >= self._chunk_bytes:
            self._hand_on(bytes(self._pending[: self._chunk_bytes]))
            del self._pending[: self._chunk_bytes]
        return len(data)

    def flush(self) -> None:
        """Nothing to do: chunks are handed on when full, and the rest on :meth:`finish`."""

    def finish(self) -> None:
        self._pending += self._compressor.flush()
        while self._pending:
            self._hand_on(bytes(self._pending[: self._chunk_bytes]))
            del self._pending[: self._chunk_bytes]

    def _hand_on(self, item: bytes | BaseException | None) -> None:
        _put(self._chunks, item, self._stop)


def _put(
    chunks: queue.Queue[bytes | BaseException | None],
    item: bytes | BaseException | None,
    stop: threading.Event,
) -> None:
    """Put ``item`` on the bounded queue, waiting for room; give up once ``stop`` is set."""
    while not stop.is_set():
        try:
            chunks.put(item, timeout=0.1)
        except queue.Full:
            continue
        return
    raise _DumpCancelledError


def compressed_dump(
    repo: Repository,
    fmt: RdfFormat,
    *,
    chunk_bytes: int = DUMP_CHUNK_BYTES,
    graphs: Sequence[str | None] | None = None,
) -> Iterator[bytes]:
    """The whole store in ``fmt`` (or only ``graphs``, in that order: a reader's readable
    graphs, see :func:`r2p_graph.services.visibility.dump_graphs`), gzip-compressed, as chunks
    of at most ``chunk_bytes``.

    The store writes its dump in a thread of its own into a short queue, so no more than a few
    chunks are held in memory however large the store is. Closing the iterator early (the
    client went away) stops the dump."""
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=_QUEUED_CHUNKS)
    stop = threading.Event()

    def produce() -> None:
        sink = _GzipSink(chunks, stop, chunk_bytes)
        try:
            # The sink has what dump() uses: write, flush.
            repo.dump(cast("BinaryIO", sink), fmt, graphs=graphs)
            sink.finish()
            _put(chunks, None, stop)
        except _DumpCancelledError:
            return
        except BaseException as error:  # handed to the reader, which raises it
            if stop.is_set():
                return
            try:
                _put(chunks, error, stop)
            except _DumpCancelledError:
                return

    producer = threading.Thread(target=produce, name="r2p-dump", daemon=True)
    producer.start()
    try:
        while True:
            item = chunks.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        # The writer notices within a tenth of a second and ends; nobody waits for it here,
        # as this may run on the event loop when an abandoned stream is collected.
        stop.set()


# -- helpers ----------------------------------------------------------------------------------
