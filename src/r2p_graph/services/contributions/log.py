"""The ordered log of contributions: every accepted change, in the order it was committed.

One JSON file per change in ``<data-dir>/contributions/log/`` (``00000001.json``, ...), holding
the graphs it dropped and the quads it removed and added, terms written in N-Triples syntax. The
store can be rebuilt by replaying it (:func:`replay`).

Write-ahead: an entry is written and flushed to disk as ``<n>.json.pending`` before its change
is committed to the store, and renamed to ``<n>.json`` after. A process killed in between leaves
the pending file; :meth:`ContributionLog.recover` then keeps it if the store holds the change
(the commit happened) and deletes it if not, so the log and the store agree again.

>>> import tempfile
>>> from r2p_graph.store import OxigraphRepository
>>> with tempfile.TemporaryDirectory() as folder:
...     log = ContributionLog(Path(folder))
...     entry = LogEntry(log.next_sequence(), ChangeKind.ADDED, "0" * 32, None,
...                      "2026-01-01T00:00:00Z", Visibility.PUBLIC, (), (), ())
...     with log.writing(entry):
...         pass
...     [e.sequence for e in log.entries()]
[1]
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib.term import BNode, Literal, URIRef
from rdflib.util import from_n3

from r2p_graph.errors import StoreError
from r2p_graph.services.contributions.model import ChangeKind
from r2p_graph.services.visibility import Visibility
from r2p_graph.store.repository import Node, Quad, Repository

_PENDING = ".json.pending"


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One committed change: what it did to which contribution, when, and its quads."""

    sequence: int
    change: ChangeKind
    contribution: str
    replaces: str | None
    time: str
    visibility: Visibility
    drop_graphs: tuple[str, ...]
    remove: tuple[Quad, ...]
    add: tuple[Quad, ...]

    @property
    def name(self) -> str:
        """The file name of the entry once committed."""
        return f"{self.sequence:08d}.json"

    def to_json(self) -> dict[str, object]:
        """The entry as a JSON object."""
        return {
            "sequence": self.sequence,
            "change": self.change.value,
            "contribution": self.contribution,
            "replaces": self.replaces,
            "time": self.time,
            "visibility": self.visibility.value,
            "dropGraphs": list(self.drop_graphs),
            "remove": [_quad_text(q) for q in self.remove],
            "add": [_quad_text(q) for q in self.add],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> LogEntry:
        """The entry written by :meth:`to_json`."""
        return cls(
            sequence=int(str(data["sequence"])),
            change=ChangeKind(str(data["change"])),
            contribution=str(data["contribution"]),
            replaces=None if data.get("replaces") is None else str(data["replaces"]),
            time=str(data["time"]),
            visibility=Visibility(str(data["visibility"])),
            drop_graphs=tuple(str(g) for g in _list(data["dropGraphs"])),
            remove=tuple(_quad_of(q) for q in _list(data["remove"])),
            add=tuple(_quad_of(q) for q in _list(data["add"])),
        )


def _list(value: object) -> list[object]:
    assert isinstance(value, list)
    return value


def _quad_text(quad: Quad) -> list[str | None]:
    s, p, o, g = quad
    return [s.n3(), p.n3(), o.n3(), None if g is None else str(g)]


def _quad_of(value: object) -> Quad:
    s, p, o, g = _list(value)
    terms = [from_n3(str(t)) for t in (s, p, o)]
    for term in terms:
        if not isinstance(term, URIRef | Literal | BNode):
            raise StoreError(f"the contribution log holds a term it cannot read: {term!r}")
    subject, predicate, obj = terms
    assert isinstance(subject, URIRef | BNode) and isinstance(predicate, URIRef)
    node: Node = obj  # type: ignore[assignment]
    return (subject, predicate, node, None if g is None else URIRef(str(g)))


class ContributionLog:
    """The log in ``folder`` (created when first written)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def entries(self, *, since: int = 0) -> Iterator[LogEntry]:
        """The committed entries with a sequence number above ``since``, in order."""
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.json")):
            if int(path.stem) > since:
                yield LogEntry.from_json(json.loads(path.read_text(encoding="utf-8")))

    def next_sequence(self) -> int:
        """The sequence number the next entry gets."""
        if not self.folder.is_dir():
            return 1
        numbers = [int(p.name.split(".")[0]) for p in self.folder.glob("*.json*")]
        return max(numbers, default=0) + 1

    @contextmanager
    def writing(self, entry: LogEntry) -> Iterator[None]:
        """Write ``entry`` ahead, run the block (the commit), then mark the entry committed.
        When the block fails, the entry is removed again."""
        self.folder.mkdir(parents=True, exist_ok=True)
        pending = self.folder / (entry.name.removesuffix(".json") + _PENDING)
        with pending.open("w", encoding="utf-8") as out:
            json.dump(entry.to_json(), out, ensure_ascii=False, indent=1)
            out.flush()
            os.fsync(out.fileno())
        try:
            yield
        except BaseException:
            pending.unlink(missing_ok=True)
            raise
        pending.rename(self.folder / entry.name)
        _sync_folder(self.folder)

    def recover(self, committed: Callable[[LogEntry], bool]) -> list[LogEntry]:
        """Settle entries left pending by a killed process: keep those whose change the store
        holds (``committed``), delete the others. Returns the entries kept."""
        kept: list[LogEntry] = []
        if not self.folder.is_dir():
            return kept
        for pending in sorted(self.folder.glob("*" + _PENDING)):
            try:
                entry = LogEntry.from_json(json.loads(pending.read_text(encoding="utf-8")))
            except (ValueError, KeyError):
                pending.unlink()  # cut short while written: its commit never started
                continue
            if committed(entry):
                pending.rename(self.folder / entry.name)
                kept.append(entry)
            else:
                pending.unlink()
        _sync_folder(self.folder)
        return kept


def apply_entry(repo: Repository, entry: LogEntry) -> None:
    """Apply the change of ``entry`` to ``repo`` in one transaction."""
    if entry.drop_graphs or entry.remove:
        repo.change(drop_graphs=entry.drop_graphs, remove=entry.remove, add=entry.add)
    else:
        repo.add(entry.add)


def replay(repo: Repository, log: ContributionLog) -> int:
    """Apply every committed entry of ``log`` to ``repo``, in order; returns how many."""
    count = 0
    for entry in log.entries():
        apply_entry(repo, entry)
        count += 1
    return count


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
