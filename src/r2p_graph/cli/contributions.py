"""``r2p-graph contribute``, ``withdraw`` and ``rebuild``: governed contributions from the
command line, on the store in ``--data-dir`` (while no server holds it).

``contribute`` prints the gate's report as JSON on stdout and exits 1 when the contribution is
refused (nothing is written then), like ``validate``.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer

from r2p_graph.cli.app import DataDir, _reports_errors, app, err
from r2p_graph.errors import InputError
from r2p_graph.services.contributions.intake import CSV, read_submission
from r2p_graph.services.contributions.model import Metadata
from r2p_graph.services.contributions.rebuild import rebuild as rebuild_store
from r2p_graph.services.contributions.rebuild import same_dump
from r2p_graph.services.contributions.report import report_json
from r2p_graph.services.contributions.service import (
    ContributionRejectedError,
    ContributionService,
)
from r2p_graph.services.visibility import Visibility
from r2p_graph.settings import Settings
from r2p_graph.store import RdfFormat, open_repository


def _log_folder(data_dir: Path) -> Path:
    return data_dir / "contributions" / "log"


def _media_type(path: Path, fmt: str | None, kind: str | None) -> str:
    if kind is not None or path.suffix.lower() == ".csv":
        return CSV
    return (RdfFormat.from_name(fmt) if fmt else RdfFormat.from_path(path)).media_type


@app.command()
@_reports_errors
def contribute(
    file: Annotated[Path, typer.Argument(help="RDF file, or a filled CSV template (.csv).")],
    *,
    kind: Annotated[
        str | None, typer.Option(help="CSV template: organisations, people, agreements, ...")
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="RDF format of FILE.")] = None,
    source: Annotated[str | None, typer.Option(help="Where the data comes from.")] = None,
    licence: Annotated[str | None, typer.Option(help="Licence of the data.")] = None,
    organisation: Annotated[str | None, typer.Option(help="Organisation contributing.")] = None,
    visibility: Annotated[str, typer.Option(help="public, partners or restricted.")] = "public",
    contributor: Annotated[
        str | None, typer.Option("--as", help="Contributor name (default: your user name).")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Contribute a file through the gate: committed whole, or refused whole (exit 1)."""
    if not file.is_file():
        raise InputError(f"no such file: {file}")
    media_type = _media_type(file, fmt, kind)
    if media_type == CSV and kind is None:
        raise InputError("a CSV file is a filled template: give --kind organisations, ...")
    submission = read_submission(file.read_bytes(), media_type, kind=kind, source_name=str(file))
    metadata = Metadata(
        source=source,
        licence=licence,
        organisation=organisation,
        visibility=Visibility.named(visibility),
        media_type=submission.media_type,
    )
    folder = data_dir or Settings().data_dir
    with open_repository(folder) as repo:
        service = ContributionService(repo, _log_folder(folder))
        name = contributor or getpass.getuser()
        try:
            accepted = service.submit(submission.graph, metadata, name)
        except ContributionRejectedError as error:
            typer.echo(json.dumps(report_json(error.report, submission.cells), indent=2))
            err.print(f"error: {file}: {error.message}", markup=False, highlight=False)
            raise typer.Exit(1) from None
    body = {
        "contribution": accepted.record.as_json(),
        "report": report_json(accepted.report, submission.cells),
    }
    typer.echo(json.dumps(body, indent=2))
    err.print(f"committed contribution {accepted.record.id} ({accepted.record.triples} triples)")


@app.command()
@_reports_errors
def withdraw(
    contribution: Annotated[str, typer.Argument(help="The contribution's id.")],
    curator: Annotated[
        str | None, typer.Option("--as", help="Curator name (default: your user name).")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Withdraw a contribution: its triples leave the graph, its provenance stays."""
    folder = data_dir or Settings().data_dir
    with open_repository(folder) as repo:
        service = ContributionService(repo, _log_folder(folder))
        withdrawn = service.withdraw(contribution, curator or getpass.getuser())
    body = {"contribution": withdrawn.record.as_json(), "report": report_json(withdrawn.report)}
    typer.echo(json.dumps(body, indent=2))
    if withdrawn.report.blocking:
        err.print(
            f"warning: without it, {len(withdrawn.report.blocking)} result(s) of other data "
            "break the shapes (see the report)"
        )


@app.command()
@_reports_errors
def rebuild(
    into: Annotated[Path, typer.Option(help="Empty directory for the rebuilt store.")],
    data_dir: DataDir = None,
) -> None:
    """Rebuild the store from its sources and the ordered log of contributions into another
    directory, and check that its dump equals the live store's (exit 1 if not)."""
    folder = data_dir or Settings().data_dir
    if into.exists() and any(into.iterdir()):
        raise InputError(f"{into} is not empty; rebuild into a new directory")
    with open_repository(folder) as live, open_repository(into) as target:
        service = ContributionService(live, _log_folder(folder))
        done = rebuild_store(live, service.log, target)
        equal = same_dump(live, target)
    err.print(f"copied {done.sources} quads of sources, replayed {done.entries} log entries")
    if not equal:
        err.print("error: the rebuilt store's dump differs from the live store's")
        raise typer.Exit(1)
    err.print(f"the rebuilt store in {into} dumps the same as the live store")
