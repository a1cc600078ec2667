"""Loading user files into the store, all of them or none.

One file is loaded with the repository's bulk loader, which is atomic on its own. Several files
are first read through once to prove they all parse, so that a malformed last file cannot leave
the first ones loaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from r2p_graph.errors import InputError, MissingInputError
from r2p_graph.ontology.namespaces import graph_iri
from r2p_graph.store import check_syntax
from r2p_graph.store.formats import RdfFormat
from r2p_graph.store.repository import Progress, Repository


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """One file that was loaded: where to, and how many quads the store gained."""

    path: Path
    fmt: RdfFormat
    graph: str | None
    added: int


def default_graph_for(path: Path) -> str:
    """The named graph a file goes to when none is given: ``graph/<file name stem>``.

    >>> default_graph_for(Path("data/My Partners.ttl"))
    'https://w3id.org/r2p-graph/graph/my-partners'
    """
    stem = path.name.split(".")[0]
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._") or "upload"
    return graph_iri(slug)


def load_files(
    repo: Repository,
    paths: Sequence[Path],
    *,
    fmt: RdfFormat | None = None,
    graph: str | None = None,
    progress: Progress | None = None,
) -> list[LoadedFile]:
    """Load ``paths`` into ``repo``; a triple-format file goes into ``graph`` or, by default,
    into the graph named after the file. Either every file is loaded or none is."""
    plans = []
    for path in paths:
        if not path.is_file():
            raise MissingInputError(f"no such file: {path}")
        file_format = fmt or RdfFormat.from_path(path)
        if graph is not None and file_format.is_dataset:
            raise InputError(
                f"{path}: --graph applies to triple formats; "
                f"{file_format.name} names its own graphs"
            )
        target = None if file_format.is_dataset else (graph or default_graph_for(path))
        plans.append((path, file_format, target))
    if len(plans) > 1:
        for path, file_format, _ in plans:
            check_syntax(path, file_format)
    return [
        LoadedFile(
            path,
            file_format,
            target,
            repo.bulk_load(path, file_format, graph=target, progress=progress),
        )
        for path, file_format, target in plans
    ]
