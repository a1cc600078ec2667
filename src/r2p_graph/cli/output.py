"""How the command line shows things to a person: tables, reports and progress bars."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib.term import Literal
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from r2p_graph.services.reasoning import ReasonerReport
from r2p_graph.services.validation import ValidationReport
from r2p_graph.store import AskResult, GraphResult, SelectResult, StoreStats

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@contextmanager
def byte_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr counting bytes; yields the function that advances it."""
    columns = (
        TextColumn(label),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=total or None)
        yield lambda done: bar.advance(task, done)


@contextmanager
def count_progress(label: str, expected: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr counting items against an expected total."""
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=expected)
        yield lambda done: bar.advance(task, done)


def print_stats(stats: StoreStats) -> None:
    """Triples per graph and the most common classes."""
    graphs = Table("graph", "triples", title=f"{stats.total_triples} triples")
    for g in stats.graphs:
        graphs.add_row(g.graph or "(default graph)", str(g.triples))
    out.print(graphs)
    classes = Table("class", "instances", title="most common classes")
    for name, count in stats.classes[:15]:
        classes.add_row(name, str(count))
    out.print(classes)


def print_result_table(result: SelectResult | AskResult | GraphResult) -> None:
    """SELECT rows as a table, ASK as yes/no."""
    if isinstance(result, AskResult):
        out.print("yes" if result.value else "no")
        return
    assert isinstance(result, SelectResult)
    table = Table(*result.variables)
    rows = 0
    for row in result.rows():
        table.add_row(*("" if v is None else _cell(v) for v in row))
        rows += 1
    out.print(table)
    err.print(f"{rows} rows")


def _cell(value: object) -> str:
    if isinstance(value, Literal) and value.language:
        return f"{value}@{value.language}"
    return str(value)


def print_report(path: Path, report: ValidationReport) -> None:
    """A validation report, one line per result, then a summary line."""
    for result in report.results:
        out.print(f"{path}: {result}", markup=False, highlight=False)
    verdict = "conforms" if report.conforms else "does NOT conform"
    out.print(
        f"{path}: {verdict} ({len(report.violations)} violations, {len(report.warnings)} warnings)",
        markup=False,
    )


def print_reasoner_report(report: ReasonerReport) -> None:
    """HermiT's verdict."""
    out.print(
        f"HermiT: {'consistent' if report.consistent else 'INCONSISTENT'}; "
        f"{report.classes} classes, {len(report.unsatisfiable)} unsatisfiable; "
        f"{report.triples} triples in {report.seconds:.1f} s"
    )
    for name in report.unsatisfiable:
        out.print(f"unsatisfiable: {name}")
