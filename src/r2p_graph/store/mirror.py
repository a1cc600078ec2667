"""An in-memory copy of the on-disk store that answers reads while it is known to be equal.

Oxigraph's in-memory store answers join-heavy queries several times faster than its RocksDB store
(``bench/RESULTS.md``). The disk store stays the durable truth; the mirror is a cache of it:

* After a write that can be replayed exactly (adding parsed quads, an update with no blank nodes
  and no ``BNODE``/``NOW``/``UUID``/``STRUUID``/``RAND``), the repository applies the same write to
  the mirror, which stays *fresh*.
* Any other write (a bulk load, an update that mints new terms) makes the mirror *stale*: reads go
  to the disk store, which is always right, while a background thread builds a new mirror (from
  the loaded file when the old mirror plus that file equals the disk, otherwise from a dump of the
  disk store) and installs it only if no write happened meanwhile.

So a reader sees the disk's committed state or an identical copy of it, never half of a write:
writes reach the disk first, and the mirror either receives the same transaction or is not read.
Writers are serialised by the repository; this class only guards its own state.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

log = logging.getLogger(__name__)

MirrorRefill = Callable[[ox.Store], None]
"""Loads into a mirror what the disk gained; run in the background on a mirror nobody reads."""


class MemoryMirror:
    """The in-memory copy of one disk store; see the module documentation.

    >>> disk = ox.Store()
    >>> disk.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal("c")))
    >>> mirror = MemoryMirror(disk)
    >>> mirror.wait_until_fresh(timeout=10)
    True
    >>> len(mirror.reader())
    1
    >>> mirror.close()
    """

    def __init__(self, disk: ox.Store) -> None:
        self._disk: ox.Store | None = disk
        self._store: ox.Store | None = None
        self._generation = 0
        self._lock = threading.Lock()
        self._fresh = threading.Event()
        self._closing = False
        self._worker: threading.Thread | None = None
        self._rebuild(refill=None, base=None)

    def reader(self) -> ox.Store | None:
        """The mirror to read from, or ``None`` while it is stale (read the disk store)."""
        return self._store

    def replay(self, write: Callable[[ox.Store], object]) -> None:
        """Apply to the mirror a write the disk store has just committed (a no-op while stale).

        If replaying fails, the mirror is dropped and rebuilt from the disk."""
        with self._lock:
            self._generation += 1
            store = self._store
        if store is None:
            return
        try:
            write(store)
        except Exception:  # the disk holds the truth; a mirror that missed a write is discarded
            log.exception("replaying a write on the memory mirror failed; rebuilding it")
            self.invalidate()

    def invalidate(self, refill: MirrorRefill | None = None) -> None:
        """The disk store changed in a way the mirror cannot replay: stop reading the mirror and
        rebuild it. With ``refill``, the old mirror plus what ``refill`` loads equals the disk."""
        with self._lock:
            self._generation += 1
            base = self._store
            self._store = None
            self._fresh.clear()
        self._rebuild(refill=refill, base=base if refill is not None else None)

    def wait_until_fresh(self, timeout: float | None = None) -> bool:
        """Block until the mirror answers reads again; ``False`` if ``timeout`` passed first."""
        return self._fresh.wait(timeout)

    def close(self) -> None:
        """Stop rebuilding and drop the mirror (waits for a rebuild in progress to finish)."""
        self._closing = True
        worker = self._worker
        if worker is not None:
            worker.join()
        self._worker = None
        self._store = None
        self._disk = None  # let the disk store go, so that its directory lock is released

    def _rebuild(self, *, refill: MirrorRefill | None, base: ox.Store | None) -> None:
        previous = self._worker
        with self._lock:
            generation = self._generation
        worker = threading.Thread(
            target=self._build,
            args=(generation, refill, base, previous),
            name="r2p-memory-mirror",
            daemon=True,
        )
        self._worker = worker
        worker.start()

    def _build(
        self,
        generation: int,
        refill: MirrorRefill | None,
        base: ox.Store | None,
        previous: threading.Thread | None,
    ) -> None:
        if previous is not None:
            previous.join()
        while not self._closing:
            try:
                if base is not None and refill is not None:
                    store = base
                    refill(store)
                else:
                    store = self._copy_of_disk()
            except Exception:  # reads keep going to the disk store, which is always right
                log.exception("building the memory mirror failed; reads stay on disk")
                return
            with self._lock:
                if generation == self._generation and not self._closing:
                    self._store = store
                    self._fresh.set()
                    return
                if self._worker is not threading.current_thread():
                    return  # a newer rebuild is queued behind this one and will finish the job
                # A write landed while we built: start again from the disk as it is now.
                generation = self._generation
                base = refill = None

    def _copy_of_disk(self) -> ox.Store:
        if self._disk is None:
            raise RuntimeError("the mirror is closed")
        store = ox.Store()
        with tempfile.TemporaryDirectory(prefix="r2p-mirror-") as folder:
            snapshot = Path(folder) / "snapshot.nq"
            self._disk.dump(str(snapshot), ox.RdfFormat.N_QUADS)
            store.bulk_load(path=str(snapshot), format=ox.RdfFormat.N_QUADS)
        return store
