"""The ``r2p-graph`` command: every sub-command works on the store in ``--data-dir``.

Errors a user can cause (a missing or malformed file, an unknown format, a SPARQL syntax error)
are printed as one line naming where the problem is, the exit code is 2, and the store is left as
it was. ``validate`` exits 1 when the data has violations.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, ParamSpec

import typer
from pydantic import ValidationError
from rich.console import Console

from r2p_graph.cli import catalogue, output
from r2p_graph.errors import InputError, Location, R2PError, SparqlSyntaxError
from r2p_graph.services.bundled import load_bundled
from r2p_graph.services.context import CombinedContext, RepositoryContext, ValidationContext
from r2p_graph.services.inference import InferringRepository
from r2p_graph.services.loading import load_files
from r2p_graph.services.reasoning import check_consistency, ontology_graph
from r2p_graph.services.synthetic import generate as generate_synthetic
from r2p_graph.services.tokens import Role, TokenRegistry
from r2p_graph.services.validation import (
    bundled_context,
    parse_rdf,
    repository_graph,
    validate_graph,
)
from r2p_graph.settings import Settings
from r2p_graph.store import QueryForm, RdfFormat, Repository, ResultFormat, open_repository

app = typer.Typer(
    name="r2p-graph",
    help="A knowledge graph of the people and institutions working to prevent mass atrocities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", "-d", help="Store directory (default: $R2P_DATA_DIR or ./r2p-data)."
    ),
]


P = ParamSpec("P")


def _reports_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Turn a user's error into one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except R2PError as error:
            err.print(f"error: {error}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        except OSError as error:
            err.print(f"error: {error}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in error.errors()
            )
            err.print(f"error: configuration: {problems}", markup=False, highlight=False)
            raise typer.Exit(2) from None

    return wrapper


@contextmanager
def _repository(data_dir: Path | None) -> Iterator[Repository]:
    settings = Settings()
    with open_repository(data_dir or settings.data_dir) as repo:
        if not settings.reasoning:
            yield repo
            return
        reasoner = InferringRepository(repo)
        try:
            yield reasoner
        finally:
            reasoner.close()  # records the fingerprint of the data it wrote


@app.command()
@_reports_errors
def init(
    data_dir: DataDir = None, replace: bool = typer.Option(False, help="Reload bundled graphs.")
) -> None:
    """Load the bundled ontology, vocabularies and data into the store (once)."""
    with _repository(data_dir) as repo:
        loaded = load_bundled(repo, replace=replace)
        for source in loaded:
            err.print(f"loaded {source.path.name} into <{source.graph}>")
        if not loaded:
            err.print("the bundled graphs are already loaded")
        output.print_stats(repo.stats())


@app.command()
@_reports_errors
def load(
    files: Annotated[
        list[Path],
        typer.Argument(help="RDF files (.ttl .nt .nq .trig .rdf .jsonld, optionally .gz)."),
    ],
    graph: Annotated[str | None, typer.Option(help="Named graph IRI for triple formats.")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Format of all files (default: from extensions).")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Load RDF files into the store: all of them, or none when one is malformed."""
    rdf_format = RdfFormat.from_name(fmt) if fmt else None
    total = sum(p.stat().st_size for p in files if p.is_file())
    with _repository(data_dir) as repo, output.byte_progress("loading", total) as advance:
        loaded = load_files(repo, files, fmt=rdf_format, graph=graph, progress=advance)
    for item in loaded:
        where = f"<{item.graph}>" if item.graph else "the graphs it names"
        err.print(f"{item.path}: {item.added} triples into {where}")


@app.command()
@_reports_errors
def validate(
    files: Annotated[list[Path], typer.Argument(help="RDF files to check against the shapes.")],
    fmt: Annotated[str | None, typer.Option("--format", help="Format of all files.")] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", "-d", help="Also resolve references against this store."),
    ] = None,
) -> None:
    """Check RDF files against r2p-graph's SHACL shapes (exit 1 when there are violations).

    References resolve against the bundled data and, with --data-dir, the store's data too."""
    with ExitStack() as stack:
        context: ValidationContext = bundled_context()
        if data_dir is not None:
            repo = stack.enter_context(open_repository(data_dir))
            context = CombinedContext(context, RepositoryContext(repo))
        violations = 0
        for path in files:
            file_format = RdfFormat.from_name(fmt) if fmt else RdfFormat.from_path(path)
            data = parse_rdf(path, file_format, source_name=str(path))
            report = validate_graph(data, context=context)
            output.print_report(path, report)
            violations += len(report.violations)
    if violations:
        raise typer.Exit(1)


@app.command()
@_reports_errors
def query(  # noqa: PLR0917 (typer passes options as arguments)
    text: Annotated[str | None, typer.Argument(help="SPARQL query text.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from a file.")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="table, csv, tsv, json or xml (graphs: turtle, nt, ...)."),
    ] = "table",
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Run this catalogue query (see `queries`).")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="A catalogue parameter, key=value.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Run a SPARQL query (text, --file, or a catalogue query by --name) over all graphs of the
    store and print its results."""
    if name is not None:
        if text is not None or file is not None:
            raise InputError("give either a query (text or --file) or --name, not both")
        with _repository(data_dir) as repo:
            catalogue.run_named(repo, name, param or [], fmt)
        return
    if param:
        raise InputError("--param goes with --name (a catalogue query)")
    sparql, source = _query_text(text, file)
    with _repository(data_dir) as repo:
        try:
            result = repo.query(sparql)
        except SparqlSyntaxError as error:
            if error.location is not None:  # name the file the query came from
                error.location = Location(source, error.location.line, error.location.column)
            raise
        out = sys.stdout.buffer
        if result.form is QueryForm.GRAPH:
            result.serialize(out, RdfFormat.TURTLE if fmt == "table" else RdfFormat.from_name(fmt))
        elif fmt == "table":
            output.print_result_table(result)
        else:
            result.serialize(out, ResultFormat.from_name(fmt))
        out.flush()


@app.command("queries")
@_reports_errors
def queries(
    name: Annotated[str | None, typer.Argument(help="Show this query in full.")] = None,
) -> None:
    """List the query catalogue, or show one query with its parameters."""
    catalogue.print_catalogue(name)


def _query_text(text: str | None, file: Path | None) -> tuple[str, str]:
    if (text is None) == (file is None):
        raise InputError("give the query either as text or with --file, not both")
    if file is not None:
        if not file.is_file():
            raise InputError(f"no such file: {file}")
        return file.read_text(encoding="utf-8"), str(file)
    assert text is not None
    return text, "query"


@app.command()
@_reports_errors
def export(
    fmt: Annotated[
        str, typer.Option("--format", help="nquads, trig or turtle (turtle merges all graphs).")
    ] = "nquads",
    graph: Annotated[str | None, typer.Option(help="Export only this named graph.")] = None,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Write the store (or one graph) as N-Quads, TriG or Turtle."""
    rdf_format = RdfFormat.from_name(fmt)
    if rdf_format not in (RdfFormat.N_QUADS, RdfFormat.TRIG, RdfFormat.TURTLE, RdfFormat.N_TRIPLES):
        raise InputError(f"export writes nquads, trig, turtle or ntriples, not {fmt}")
    with _repository(data_dir) as repo:
        if out is None:
            repo.dump(sys.stdout.buffer, rdf_format, graph=graph)
            sys.stdout.buffer.flush()
        else:
            partial = out.with_name(out.name + ".partial")
            with partial.open("wb") as stream:
                repo.dump(stream, rdf_format, graph=graph)
            partial.replace(out)


@app.command()
@_reports_errors
def stats(data_dir: DataDir = None) -> None:
    """Show how many triples each named graph holds and the most common classes."""
    with _repository(data_dir) as repo:
        output.print_stats(repo.stats())


@app.command()
@_reports_errors
def generate(
    scale: Annotated[
        int, typer.Option(min=1, help="Number of organisations (~100 triples each).")
    ] = 100,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = 1,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (.nt or .nq; default: stdout).")
    ] = None,
) -> None:
    """Write a deterministic synthetic dataset (invented data, clearly marked) of any size."""
    rdf_format = RdfFormat.from_path(out) if out else RdfFormat.N_TRIPLES
    if rdf_format not in (RdfFormat.N_TRIPLES, RdfFormat.N_QUADS):
        raise InputError("generate writes N-Triples (.nt) or N-Quads (.nq)")
    if out is None:
        count = generate_synthetic(sys.stdout.buffer, scale=scale, seed=seed, fmt=rdf_format)
    else:
        partial = out.with_name(out.name + ".partial")
        with (
            partial.open("wb") as stream,
            output.count_progress("generating", scale * 100) as advance,
        ):
            count = generate_synthetic(
                stream, scale=scale, seed=seed, fmt=rdf_format, progress=advance
            )
        partial.replace(out)
    err.print(f"{count} synthetic triples written")


@app.command()
@_reports_errors
def reason(
    check: Annotated[
        bool, typer.Option("--check", help="Check consistency and class satisfiability.")
    ] = False,
    with_data: Annotated[
        bool, typer.Option("--with-data", help="Include the store's data.")
    ] = False,
    materialise: Annotated[
        bool,
        typer.Option("--materialise", help="Derive the store's inferred graphs again, in full."),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Check with HermiT that the ontology (and data) is consistent, every class satisfiable;
    or derive the inferred graphs again."""
    if materialise:
        with _repository(data_dir) as repo:
            reasoner = repo if isinstance(repo, InferringRepository) else InferringRepository(repo)
            change = reasoner.refresh(None)
            reasoner.record_state()
        err.print(
            f"inferred graphs: {change.total_added} triples added, {change.total_removed} "
            f"removed, in {change.seconds:.1f} s"
        )
        if not check:
            return
    if not check:
        raise InputError("say what to do: --check or --materialise")
    graph = ontology_graph()
    if with_data:
        with _repository(data_dir) as repo:
            graph += repository_graph(repo)
    report = check_consistency(graph)
    output.print_reasoner_report(report)
    if not report.ok:
        raise typer.Exit(1)


token_app = typer.Typer(help="Access tokens for writing over HTTP (shown once, stored hashed).")
app.add_typer(token_app, name="token")


def _tokens(data_dir: Path | None) -> TokenRegistry:
    return TokenRegistry((data_dir or Settings().data_dir) / "tokens.json")


@token_app.command("create")
@_reports_errors
def token_create(
    name: Annotated[str, typer.Option(help="Who holds the token (a person or partner).")],
    role: Annotated[
        str,
        typer.Option(help="reader, contributor, curator or admin ('partner': reader --partner)."),
    ],
    partner: Annotated[
        bool, typer.Option("--partner", help="The holder also reads data kept for partners.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Create a token and print it once; only its hash is kept."""
    if role.strip().lower() == "partner":
        role, partner = "reader", True
    secret = _tokens(data_dir).create(name, Role.named(role), partner=partner)
    typer.echo(secret)
    kind = f"{role}, partner" if partner else role
    err.print(f"token for {name!r} ({kind}) created; it will not be shown again")


@token_app.command("list")
@_reports_errors
def token_list(data_dir: DataDir = None) -> None:
    """List token holders, roles and creation times (never the tokens)."""
    for holder in _tokens(data_dir).holders():
        role = holder.role.name.lower() + (" partner" if holder.partner else "")
        typer.echo(f"{holder.name}\t{role}\t{holder.created}")


@token_app.command("revoke")
@_reports_errors
def token_revoke(
    name: Annotated[str, typer.Option(help="The holder whose token to revoke.")],
    data_dir: DataDir = None,
) -> None:
    """Revoke a token: requests carrying it are refused from now on."""
    _tokens(data_dir).revoke(name)
    err.print(f"token of {name!r} revoked")


@app.command()
@_reports_errors
def serve(
    data_dir: DataDir = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    empty: Annotated[bool, typer.Option("--empty", help="Start without the bundled data.")] = False,
) -> None:
    """Serve the store over HTTP: SPARQL 1.1 Protocol at /sparql, OpenAPI docs at /docs."""
    # The web stack is imported only here, so that the other commands start quickly.
    import uvicorn  # noqa: PLC0415

    from r2p_graph.api.app import create_app  # noqa: PLC0415

    overrides: dict[str, object] = {"empty": empty} if empty else {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = Settings(**overrides)  # type: ignore[arg-type]
    for name, value in settings.model_dump().items():
        err.print(f"{name} = {value}", markup=False, highlight=False)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # r2p-graph writes its own structured access log; uvicorn's would repeat it.
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=False,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` and return its exit code."""
    try:
        app(args=argv, prog_name="r2p-graph")
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0
    return 0


def run() -> None:
    """Console-script entry point."""
    app(prog_name="r2p-graph")


# Governed contributions have their own module; importing it registers its commands.
from r2p_graph.cli import contributions as _contributions  # noqa: E402, F401
