"""An r2p-graph server of its own for the W3C suites: started with ``--empty``, emptied per test.

The suites expect a store that holds nothing but what each test puts there, so this is not the
server of ``tests/api`` (which holds the bundled data). The way it is started and its tokens made
follows ``tests/api/conftest.py``: ``python -m r2p_graph token create`` before the server starts,
then ``python -m r2p_graph serve`` on a free port of 127.0.0.1, polled on ``/health``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROLES = ("reader", "contributor")
"""The roles the suites send tokens of (writes need ``contributor``)."""

START_TIMEOUT = 60.0

_EVERYTHING = "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


@dataclass(frozen=True)
class EmptyServer:
    """A running ``r2p-graph serve --empty`` and a bearer token per role."""

    base: str
    tokens: dict[str, str]

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    @property
    def graph_store(self) -> str:
        return self.base + "/graph-store"

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def drop_all(self) -> None:
        """Empty the store with ``DROP ALL`` and check that it holds nothing any more."""
        headers = {"Content-Type": "application/sparql-update", **self.bearer("contributor")}
        dropped = httpx.post(self.sparql, content=b"DROP ALL", headers=headers, timeout=30)
        if dropped.status_code != 204:
            pytest.fail(f"DROP ALL before the test: {dropped.status_code} {dropped.text[:300]}")
        check = httpx.get(
            self.sparql,
            params={"query": _EVERYTHING},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        if check.status_code != 200 or check.json().get("boolean") is not False:
            pytest.fail(f"the store is not empty after DROP ALL: {check.text[:300]}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _create_token(data_dir: Path, role: str) -> str:
    command = [sys.executable, "-m", "r2p_graph", "token", "create", "--name", f"w3c-{role}"]
    command += ["--role", role, "--data-dir", str(data_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmptyServer]:
    """A fresh ``r2p-graph serve --empty`` for one test module, stopped after it."""
    data_dir = tmp_path_factory.mktemp("w3c") / "store"
    tokens = {role: _create_token(data_dir, role) for role in ROLES}
    port = _free_port()
    command = [sys.executable, "-m", "r2p_graph", "serve", "--empty", "--data-dir", str(data_dir)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    log_path = data_dir.parent / "server.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited; see {log_path}")
                try:
                    if httpx.get(base + "/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer within 60 s; see {log_path}")
                time.sleep(0.1)
            yield EmptyServer(base, tokens)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


@pytest.fixture
def w3c_server(empty_server: EmptyServer) -> EmptyServer:
    """The module's empty server, emptied again before each test."""
    empty_server.drop_all()
    return empty_server
