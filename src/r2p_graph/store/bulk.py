"""Bulk loading a file into an Oxigraph store, split over the machine's cores when it can be.

Oxigraph's bulk loader keeps about one core busy. A line-based file (N-Triples, N-Quads) can be
cut at line ends into parts of at most 128 MiB that are loaded side by side, one per core, into the
same store: the result is the same set of quads, because each line stands alone. The exception
is blank nodes, whose labels the loader renames per call: a file that contains ``_:`` anywhere is
loaded in one piece, so that a blank node mentioned in two parts stays one node.
"""

from __future__ import annotations

import io
import itertools
import mmap
import os
import threading
from pathlib import Path

import pyoxigraph as ox

from r2p_graph.errors import Location, RdfSyntaxError
from r2p_graph.store.formats import RdfFormat
from r2p_graph.store.parsing import CountingReader, open_binary, rdf_syntax_error
from r2p_graph.store.repository import Progress
from r2p_graph.store.terms import RDF_FORMATS

_SPLITTABLE = (RdfFormat.N_TRIPLES, RdfFormat.N_QUADS)
_PART_BYTES = 128 << 20  # at most this much is held in memory per worker while it loads
_MIN_PART_BYTES = 8 << 20  # below this, splitting costs more than it saves
_READ_BUFFER = 1 << 20


def bulk_load(
    store: ox.Store,
    path: Path,
    fmt: RdfFormat,
    to_graph: ox.NamedNode | None,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
) -> None:
    """Bulk-load ``path`` into ``store`` (not atomic: the caller undoes a failed load).

    ``RdfSyntaxError`` names the file, line and column of the first error found.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder) / "data.nt"
    ...     _ = file.write_text("<http://a> <http://b> <http://c> .\\n")
    ...     store = ox.Store()
    ...     bulk_load(store, file, RdfFormat.N_TRIPLES, None)
    ...     len(store)
    1
    """
    workers = workers or os.cpu_count() or 1
    parts = line_parts(path, fmt, workers)
    if len(parts) <= 1:
        _load_whole(store, path, fmt, to_graph, progress)
        return
    pending = list(reversed(parts))
    lock = threading.Lock()
    errors: list[RdfSyntaxError] = []

    def work() -> None:
        while True:
            with lock:
                if not pending or errors:
                    return
                start, end = pending.pop()
            try:
                _load_bytes(store, path, fmt, to_graph, (start, end))
            except RdfSyntaxError as error:
                with lock:
                    errors.append(error)
                return
            if progress is not None:
                progress(end - start)

    threads = [threading.Thread(target=work, name="r2p-bulk-load") for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise min(errors, key=_line)


def line_parts(path: Path, fmt: RdfFormat, workers: int) -> list[tuple[int, int]]:
    """Byte ranges, cut at line ends, to be loaded side by side (one range: load it whole).

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".nt") as f:
    ...     _ = f.write(b"<http://a> <http://b> <http://c> .\\n" * 4); f.flush()
    ...     line_parts(Path(f.name), RdfFormat.N_TRIPLES, 2)
    [(0, 140)]
    """
    size = path.stat().st_size
    if fmt not in _SPLITTABLE or path.suffix == ".gz" or workers < 2 or size < 2 * _MIN_PART_BYTES:
        return [(0, size)]
    # A multiple of the workers, so that they all finish together.
    count = workers * -(-size // (workers * _PART_BYTES))
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data.find(b"_:") != -1:
            return [(0, size)]
        cuts = [0]
        for i in range(1, count):
            end = data.find(b"\n", i * size // count)
            if end == -1:
                break
            cuts.append(end + 1)
        cuts.append(size)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _load_whole(
    store: ox.Store,
    path: Path,
    fmt: RdfFormat,
    to_graph: ox.NamedNode | None,
    progress: Progress | None,
) -> None:
    try:
        if progress is None and path.suffix != ".gz":
            # Oxigraph reads the file itself, without a round trip through Python per block.
            store.bulk_load(path=str(path), format=RDF_FORMATS[fmt], to_graph=to_graph)
            return
        with open_binary(path) as raw:
            counted = (
                io.BufferedReader(CountingReader(raw, progress), _READ_BUFFER) if progress else raw
            )
            store.bulk_load(counted, RDF_FORMATS[fmt], to_graph=to_graph)
    except SyntaxError as error:
        raise rdf_syntax_error(error, str(path)) from error
    except (OSError, ValueError) as error:
        raise RdfSyntaxError(str(error), Location(str(path))) from error


def _load_bytes(
    store: ox.Store,
    path: Path,
    fmt: RdfFormat,
    to_graph: ox.NamedNode | None,
    part: tuple[int, int],
) -> None:
    start, end = part
    with path.open("rb") as file:
        data = os.pread(file.fileno(), end - start, start)
    try:
        # Loading from bytes keeps Python (and its lock) out of the loader's way.
        store.bulk_load(data, RDF_FORMATS[fmt], to_graph=to_graph)
    except SyntaxError as error:
        found = rdf_syntax_error(error, str(path))
        if found.location is not None and found.location.line is not None:
            found.location = Location(
                found.location.source,
                found.location.line + _lines_before(path, start),
                found.location.column,
            )
        raise found from error
    except (OSError, ValueError) as error:
        raise RdfSyntaxError(str(error), Location(str(path))) from error


def _lines_before(path: Path, offset: int) -> int:
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data[:offset].count(b"\n")


def _line(error: RdfSyntaxError) -> int:
    return error.location.line if error.location and error.location.line else 0
