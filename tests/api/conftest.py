"""A real r2p-graph server on 127.0.0.1, started once for the API tests and stopped after."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
        command = [sys.executable, "-m", "r2p_graph", "token", "create", "--name", f"test-{role}"]
        command += ["--role", role, "--data-dir", str(served_dir)]
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
        return done.stdout.strip()

    return Tokens(create("reader"), create("contributor"), create("curator"))


@contextmanager
def running_server(data_dir: Path, settings: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``r2p-graph serve`` on a free port of 127.0.0.1 and stop it afterwards."""
    port = _free_port()
    env = {**os.environ, **(settings or {})}
    command = [sys.executable, "-m", "r2p_graph", "serve", "--data-dir", str(data_dir)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    log = (data_dir.parent / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited; see {log.name}")
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer within 60 s; see {log.name}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def server(served_dir: Path, tokens: Tokens) -> Iterator[str]:
    """The base URL of a running ``r2p-graph serve`` holding the bundled data."""
    with running_server(served_dir, {"R2P_MAX_BODY_BYTES": str(1 << 20)}) as base:
        yield base
