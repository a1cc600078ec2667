"""The change feed: contributions added, replaced and withdrawn, in log order, so that partner
databases can stay in sync (``GET /changes?since=...``).

``since`` is a sequence number (the last entry a client has seen) or a time (``xsd:dateTime``);
a reader sees only the changes to contributions it may see (:func:`may_see`).

>>> may_see(Visibility.RESTRICTED, None), may_see(Visibility.PUBLIC, None)
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from r2p_graph.errors import InputError
from r2p_graph.services.contributions.log import ContributionLog
from r2p_graph.services.contributions.model import ChangeKind, contribution_iri
from r2p_graph.services.tokens import Principal
from r2p_graph.services.visibility import Visibility, clearance


def may_see(tier: Visibility, principal: Principal | None) -> bool:
    """Whether ``principal`` (``None``: anonymous) may see a contribution of ``tier``: as it may
    read that contribution's graph (see :func:`r2p_graph.services.visibility.clearance`)."""
    return clearance(principal).permits(tier)


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the feed."""

    sequence: int
    change: ChangeKind
    contribution: str
    replaces: str | None
    time: str
    triples: int

    def as_json(self) -> dict[str, object]:
        """The entry as JSON."""
        return {
            "sequence": self.sequence,
            "change": self.change.value,
            "contribution": self.contribution,
            "iri": str(contribution_iri(self.contribution)),
            "replaces": self.replaces,
            "time": self.time,
            "triples": self.triples,
        }


def parse_since(text: str | None) -> int | datetime:
    """``since`` as a sequence number or an aware time; ``InputError`` otherwise.

    >>> parse_since("12"), parse_since(None)
    (12, 0)
    """
    if text is None or not text.strip():
        return 0
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"since={text!r} is neither a sequence number nor a time such as 2026-01-31T12:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise InputError(f"since={text!r} needs a time zone, e.g. 2026-01-31T12:00:00Z")
    return moment


def changes(
    log: ContributionLog | None,
    *,
    since: int | datetime,
    principal: Principal | None,
    limit: int,
) -> list[Change]:
    """The changes after ``since`` that ``principal`` may see, at most ``limit``."""
    if log is None:
        return []
    found: list[Change] = []
    after = since if isinstance(since, int) else 0
    for entry in log.entries(since=after):
        if isinstance(since, datetime) and _moment(entry.time) <= since:
            continue
        if not may_see(entry.visibility, principal):
            continue
        graph_triples = sum(1 for q in entry.add if q[3] is not None and "/contribution/" in q[3])
        found.append(
            Change(
                entry.sequence,
                entry.change,
                entry.contribution,
                entry.replaces,
                entry.time,
                graph_triples,
            )
        )
        if len(found) >= limit:
            break
    return found


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
