"""The Markdown report of a benchmark run, and the checks that the backends agree."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from r2p_bench.data import Dataset
from r2p_bench.model import Phase, QueryMeasure, WorkerResult

LOADERS: Final = {
    "load-r2p": "r2p-graph `OxigraphRepository.open(dir).bulk_load(...)`",
    "load-pyoxigraph": "pyoxigraph `Store(dir).bulk_load(path=...)`",
}
R2P_PHASES: Final = ("on-disk", "on-disk optimized", "on-disk + mirror", "in-memory")
"""The r2p-graph backends, in report order; rdflib is compared with each."""
DISK_PHASES: Final = ("on-disk", "on-disk optimized", "on-disk + mirror")
"""The on-disk backends, compared with the in-memory store."""
MIB: Final = 1024


@dataclass(slots=True)
class SizeResult:
    """Everything measured at one size."""

    dataset: Dataset
    load_runs: list[WorkerResult]
    backends: dict[str, WorkerResult]

    def phases(self) -> dict[str, Phase]:
        """The query phases by backend name, in the order they ran."""
        return {p.backend: p for w in self.backends.values() for p in w.phases}

    def ratios(self) -> list[tuple[str, str]]:
        """The pairs (slow, fast) the report compares: rdflib against each r2p-graph backend,
        then each on-disk backend against the in-memory one."""
        present = self.phases()
        pairs = [("rdflib", b) for b in R2P_PHASES]
        pairs += [(b, "in-memory") for b in DISK_PHASES]
        return [(a, b) for a, b in pairs if a in present and b in present]

    def load_times(self, kind: str) -> list[float]:
        """The bulk-load times of one loader, in run order."""
        return [r.load_s for r in self.load_runs if r.kind == kind]

    def load_rate(self, kind: str) -> float:
        """Triples per second of one loader, from its median time."""
        return self.dataset.triples / statistics.median(self.load_times(kind))

    def best_rate(self, kind: str) -> float:
        """Triples per second of one loader, from its best time."""
        return self.dataset.triples / min(self.load_times(kind))

    def ratio(self, query: str, slow: str, fast: str) -> float:
        """How many times longer ``slow`` takes than ``fast`` for ``query`` (medians)."""
        phases = self.phases()
        return phases[slow].queries[query].median_s / phases[fast].queries[query].median_s

    def median_ratio(self, slow: str, fast: str) -> float:
        """The median over the queries of :meth:`ratio`."""
        names = list(self.phases()[slow].queries)
        return statistics.median(self.ratio(q, slow, fast) for q in names)

    def problems(self) -> list[str]:
        """Disagreements between backends, empty answers and wrong load counts."""
        found: list[str] = []
        phases = self.phases()
        reference = phases["on-disk"].queries
        for name, ref in reference.items():
            answers = {b: phase.queries[name] for b, phase in phases.items()}
            rows = {b: m.rows for b, m in answers.items()}
            if len(set(rows.values())) > 1:
                found.append(f"{name}: ROW COUNT MISMATCH {rows}")
            elif len({m.digest for m in answers.values()}) > 1:
                digests = {b: m.digest for b, m in answers.items()}
                found.append(f"{name}: same row count, DIFFERENT ROWS {digests}")
            if ref.rows == 0:
                found.append(f"{name}: EMPTY ANSWER on every backend")
        for result in [*self.load_runs, *self.backends.values()]:
            if result.quads != self.dataset.triples:
                found.append(
                    f"{result.kind}: holds {result.quads:,} triples, "
                    f"the file has {self.dataset.triples:,}"
                )
        return found


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    if ms < 10:
        return f"{ms:.2f}"
    if ms < 100:
        return f"{ms:.1f}"
    return f"{ms:,.0f}"


def _cell(measure: QueryMeasure) -> str:
    text = _ms(measure.median_s)
    p95 = measure.p95_s
    if p95 is not None:
        text += f" ({_ms(p95)})"
    if measure.note:
        text += " †"
    return text


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _mib(kib: float) -> str:
    return f"{kib / MIB:,.0f}"


def _summary(sizes: Sequence[SizeResult]) -> list[str]:
    pairs = [pair for pair in sizes[0].ratios() if pair[0] == "rdflib"] if sizes else []
    kinds = list(sizes[0].backends) if sizes else []
    rows = []
    for size in sizes:
        rows.append(
            [
                f"{size.dataset.triples:,}",
                f"{size.load_rate('load-r2p'):,.0f}",
                f"{size.load_rate('load-pyoxigraph'):,.0f}",
                f"{size.load_rate('load-r2p') / size.load_rate('load-pyoxigraph'):.2f}",
                *(f"{size.median_ratio(a, b):.1f}x" for a, b in pairs),
                " / ".join(_mib(size.backends[k].peak_rss_kib) for k in kinds),
                " / ".join(_mib(size.backends[k].peak_rss_queries_kib) for k in kinds),
            ]
        )
    header = [
        "triples",
        "r2p bulk load (triples/s)",
        "pyoxigraph bulk load (triples/s)",
        "r2p / pyoxigraph",
        *(f"{a} / {b}" for a, b in pairs),
        f"peak RSS MiB ({' / '.join(kinds)})",
        "peak RSS after the load MiB (same order)",
    ]
    return _table(header, rows)


def _loads(size: SizeResult) -> list[str]:
    rows = []
    for kind, label in LOADERS.items():
        runs = [r for r in size.load_runs if r.kind == kind]
        times = size.load_times(kind)
        rows.append(
            [
                label,
                ", ".join(f"{t:.2f}" for t in times),
                f"{statistics.median(times):.2f}",
                f"{size.load_rate(kind):,.0f}",
                f"{size.best_rate(kind):,.0f}",
                _mib(max(r.peak_rss_kib for r in runs)),
                f"{runs[0].extra['store_bytes'] / 2**20:,.0f}",
            ]
        )
    header = [
        "loader",
        "runs (s)",
        "median (s)",
        "triples/s (median)",
        "triples/s (best)",
        "peak RSS (MiB)",
        "store (MiB)",
    ]
    ratio = size.load_rate("load-r2p") / size.load_rate("load-pyoxigraph")
    best = size.best_rate("load-r2p") / size.best_rate("load-pyoxigraph")
    return [
        *_table(header, rows),
        "",
        f"r2p-graph / pyoxigraph load rate: **{ratio:.2f}** (medians), {best:.2f} (best runs).",
    ]


def _queries(size: SizeResult) -> list[str]:
    phases = size.phases()
    names = list(phases["on-disk"].queries)
    pairs = size.ratios()
    times = [
        [name, f"{phases['on-disk'].queries[name].rows:,}"]
        + [_cell(phase.queries[name]) for phase in phases.values()]
        for name in names
    ]
    ratios = [[name] + [f"{size.ratio(name, a, b):.2f}" for a, b in pairs] for name in names]
    ratios.append(
        ["**median of the five**"] + [f"**{size.median_ratio(a, b):.2f}**" for a, b in pairs]
    )
    lines = [
        "Milliseconds: median of the timed runs, p95 in brackets (when there are ≥ 5 runs).",
        "",
        *_table(["query", "rows", *phases], times),
        "",
        "Ratios of medians (> 1: the first backend is slower):",
        "",
        *_table(["query", *(f"{a} / {b}" for a, b in pairs)], ratios),
    ]
    notes = [
        f"† {b}, {name}: {m.note}"
        for b, phase in phases.items()
        for name, m in phase.queries.items()
        if m.note
    ]
    if notes:
        lines += ["", *notes]
    return lines


def _backends(size: SizeResult) -> list[str]:
    how = {
        "on-disk": "r2p `bulk_load` into a fresh directory",
        "on-disk-mirror": "r2p `bulk_load`, reopened with `read_from_memory=True`",
        "in-memory": "r2p `bulk_load` into `OxigraphRepository.in_memory()`",
        "rdflib": '`Graph().parse(path, format="nt")`',
    }
    rows = [
        [
            kind,
            how.get(kind, ""),
            f"{result.load_s:.2f}",
            f"{size.dataset.triples / result.load_s:,.0f}",
            _mib(result.peak_rss_load_kib),
            _mib(result.peak_rss_queries_kib),
            _mib(result.peak_rss_kib),
        ]
        for kind, result in size.backends.items()
    ]
    header = [
        "backend",
        "load",
        "load (s)",
        "triples/s",
        "peak RSS loading (MiB)",
        "peak RSS after the load (MiB)",
        "peak RSS overall (MiB)",
    ]
    lines = _table(header, [*rows])
    disk = size.backends.get("on-disk")
    if disk:
        lines += [
            "",
            f"On disk: store {disk.extra['store_bytes'] / 2**20:,.0f} MiB after the bulk "
            f"load, {disk.extra['store_bytes_optimized'] / 2**20:,.0f} MiB after "
            f"`optimize()`, which took {disk.extra['optimize_s']:.2f} s; reopening the store "
            f"took {disk.extra['reopen_s'] * 1000:.0f} ms.",
        ]
    mirror = size.backends.get("on-disk-mirror")
    if mirror:
        lines.append(
            f"With `read_from_memory=True`, the memory mirror answered reads "
            f"{mirror.extra['mirror_ready_s']:.2f} s after the store was opened (a dump of the "
            "disk store loaded into memory); its peak RSS after the load includes both stores."
        )
    return lines


def render(meta: Mapping[str, str], settings: Mapping[str, object], sizes: list[SizeResult]) -> str:
    """The whole report as Markdown."""
    lines = [
        f"# r2p-graph benchmark, {meta['date']}",
        "",
        f"Machine: {meta['machine']}.  ",
        f"Software: {meta['software']}.  ",
        "Settings: " + ", ".join(f"{k} {v}" for k, v in settings.items()) + ".",
        "",
        "## Summary",
        "",
        "Load rates from the median of the alternating bulk-load runs; rdflib ratios are the",
        "median over the five queries of (rdflib median time / r2p-graph median time).",
        "",
        *_summary(sizes),
    ]
    for size in sizes:
        ds = size.dataset
        lines += [
            "",
            f"## {ds.target:,} triples asked: {ds.triples:,} generated",
            "",
            f"Synthetic data, scale {ds.scale:,} (organisations), seed {ds.seed}: "
            f"{ds.file_bytes / 2**20:,.1f} MiB of N-Triples, generated in "
            f"{ds.generate_s:.2f} s.",
            "",
            "### Bulk load",
            "",
            *_loads(size),
            "",
            "### Queries",
            "",
            *_queries(size),
            "",
            "### Backends: load and memory (each in its own process)",
            "",
            *_backends(size),
            "",
            "### Checks",
            "",
        ]
        problems = size.problems()
        if problems:
            lines += [f"- **PROBLEM** {p}" for p in problems]
        else:
            lines.append(
                "All backends returned the same rows for every query (row counts and "
                "row digests), no answer was empty, and every store holds the file's triples."
            )
    return "\n".join(lines) + "\n"
