"""What a worker measures, as dataclasses that go to and come back from JSON."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class QueryMeasure:
    """The timings of one query on one backend, and what it answered.

    ``first_s`` is the first (warm-up) run, whose rows are counted and digested; ``samples_s``
    are the timed runs the statistics use (the first run alone when it was too slow to repeat,
    see ``note``).
    """

    rows: int
    digest: str
    first_s: float
    samples_s: list[float]
    note: str | None = None

    @property
    def median_s(self) -> float:
        """Median of the timed runs."""
        return statistics.median(self.samples_s)

    @property
    def p95_s(self) -> float | None:
        """95th percentile (linear interpolation) when there are at least five timed runs."""
        if len(self.samples_s) < 5:
            return None
        return statistics.quantiles(self.samples_s, n=20, method="inclusive")[18]


@dataclass(slots=True)
class Phase:
    """One pass over the five queries on one backend in one state."""

    backend: str
    queries: dict[str, QueryMeasure]


@dataclass(slots=True)
class WorkerResult:
    """Everything one worker process measured.

    Peak resident set sizes (KiB): ``peak_rss_kib`` over the whole process (``ru_maxrss``),
    ``peak_rss_load_kib`` up to the end of the load, ``peak_rss_queries_kib`` from then on (the
    high-water mark is reset after the load; 0 for a worker that only loads).
    """

    kind: str
    load_s: float
    quads: int
    peak_rss_kib: int
    peak_rss_load_kib: int
    peak_rss_queries_kib: int
    phases: list[Phase] = field(default_factory=list)
    extra: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON values."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkerResult:
        """Rebuild a result that :meth:`to_json` wrote."""
        phases = [
            Phase(
                backend=phase["backend"],
                queries={name: QueryMeasure(**q) for name, q in phase["queries"].items()},
            )
            for phase in data["phases"]
        ]
        return cls(
            kind=data["kind"],
            load_s=data["load_s"],
            quads=data["quads"],
            peak_rss_kib=data["peak_rss_kib"],
            peak_rss_load_kib=data["peak_rss_load_kib"],
            peak_rss_queries_kib=data["peak_rss_queries_kib"],
            phases=phases,
            extra=dict(data["extra"]),
        )
