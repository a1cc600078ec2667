"""Fixtures shared by the whole suite."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from r2p_graph.services.bundled import load_bundled
from r2p_graph.store import OxigraphRepository, RdfFormat, Repository


@pytest.fixture
def memory_repo() -> Iterator[Repository]:
    """An empty in-memory repository."""
    with OxigraphRepository.in_memory() as repo:
        yield repo


@pytest.fixture
def disk_repo(tmp_path: Path) -> Iterator[OxigraphRepository]:
    """An empty on-disk repository in a temporary directory."""
    with OxigraphRepository.open(tmp_path / "store") as repo:
        yield repo


@pytest.fixture(scope="session")
def bundled_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store directory holding the bundled graphs (built once per session; copy to write)."""
    path = tmp_path_factory.mktemp("bundled") / "store"
    with OxigraphRepository.open(path) as repo:
        load_bundled(repo)
    return path


def dump_bytes(repo: Repository) -> bytes:
    """The whole store as N-Quads, for before/after comparisons."""
    buffer = io.BytesIO()
    repo.dump(buffer, RdfFormat.N_QUADS)
    return buffer.getvalue()
