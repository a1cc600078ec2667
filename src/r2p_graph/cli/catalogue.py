"""The command line's side of the query catalogue: listing it and running a query by name."""

from __future__ import annotations

import sys

import typer

from r2p_graph.cli import output
from r2p_graph.errors import InputError
from r2p_graph.services.catalogue import Catalogue, CatalogueQuery
from r2p_graph.store import Repository, ResultFormat, SelectResult


def parse_params(pairs: list[str]) -> dict[str, list[str]]:
    """``key=value`` options as a parameter mapping; ``InputError`` for one without ``=``.

    >>> parse_params(["country=SI", "step=early-warning", "country=HU"])
    {'country': ['SI', 'HU'], 'step': ['early-warning']}
    """
    params: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param takes key=value, not {pair!r}")
        params.setdefault(key.strip(), []).append(value)
    return params


def run_named(repo: Repository, name: str, pairs: list[str], fmt: str) -> None:
    """Run the catalogue query ``name`` with ``--param`` values and print its results in
    ``fmt`` (``table``, ``csv``, ``tsv``, ``json`` or ``xml``)."""
    query = Catalogue.bundled().get(name)
    result = repo.query(query.bind(parse_params(pairs)))
    assert isinstance(result, SelectResult)
    if fmt == "table":
        output.print_result_table(result)
    else:
        result.serialize(sys.stdout.buffer, ResultFormat.from_name(fmt))
        sys.stdout.buffer.flush()


def print_catalogue(name: str | None) -> None:
    """Print the catalogue (one line per query) or, for ``name``, one query in full."""
    catalogue = Catalogue.bundled()
    if name is None:
        for query in catalogue.queries():
            typer.echo(f"{query.name}\t{query.title}")
        return
    _print_query(catalogue.get(name))


def _print_query(query: CatalogueQuery) -> None:
    typer.echo(f"{query.name}: {query.title}\n\n{query.description}\n")
    typer.echo(f"Audience: {', '.join(query.audience)}")
    if not query.parameters:
        typer.echo("Parameters: none")
    for parameter in query.parameters:
        details = [parameter.type.hint]
        if parameter.required:
            details.append("required")
        if parameter.multiple:
            details.append("several values separated by commas")
        if parameter.default is not None:
            details.append(f"default {parameter.default}")
        if parameter.example is not None:
            details.append(f"example {parameter.example}")
        typer.echo(
            f"  --param {parameter.name}=...  {parameter.description} ({'; '.join(details)})"
        )
