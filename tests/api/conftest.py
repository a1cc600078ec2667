"""A real r2p-graph server on 127.0.0.1, started once for the API tests and stopped after."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import create_token, running_server


@dataclass(frozen=True)
class Tokens:
    """Bearer tokens of each role on the test server."""

    reader: str
    contributor: str
    curator: str

    def header(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, role)}"}


@pytest.fixture(scope="session")
def served_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("served") / "store"


@pytest.fixture(scope="session")
def tokens(served_dir: Path) -> Tokens:
    """One token per role, made with the CLI before the server starts."""

    def create(role: str) -> str:
        return create_token(served_dir, f"test-{role}", role)

    return Tokens(create("reader"), create("contributor"), create("curator"))


@pytest.fixture(scope="session")
def server(served_dir: Path, tokens: Tokens) -> Iterator[str]:
    """The base URL of a running ``r2p-graph serve`` holding the bundled data."""
    with running_server(served_dir, {"R2P_MAX_BODY_BYTES": str(1 << 20)}) as base:
        yield base
