"""Real r2p-graph servers for tests: started on a free port of 127.0.0.1, stopped afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def create_token(data_dir: Path, name: str, role: str) -> str:
    """A bearer token of ``role`` made with the CLI, as an operator would."""
    command = [sys.executable, "-m", "r2p_graph", "token", "create", "--name", name]
    command += ["--role", role, "--data-dir", str(data_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


@contextmanager
def running_server(data_dir: Path, settings: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``r2p-graph serve`` on a free port of 127.0.0.1 and stop it afterwards."""
    port = free_port()
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


def post_update(client: httpx.Client, sparql: str, token: str) -> httpx.Response:
    """Send a SPARQL update to ``/sparql`` of the server ``client`` talks to, as ``token``."""
    return client.post(
        "/sparql",
        content=sparql,
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {token}"},
    )
