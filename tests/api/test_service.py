"""The service around the protocols: health, documentation, access logs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx


def test_health_and_docs(server: str) -> None:
    assert httpx.get(server + "/health").json() == {"status": "ok"}
    assert httpx.get(server + "/docs").status_code == 200
    paths = httpx.get(server + "/openapi.json").json()["paths"]
    assert {"/sparql", "/graph-store", "/health"} <= set(paths)


def test_every_request_is_logged_as_json(server: str, served_dir: Path) -> None:
    httpx.get(server + "/health", params={"probe": "access-log"})
    log = served_dir.parent / "server.log"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        entries = [
            json.loads(line[line.index("{") :])
            for line in log.read_text().splitlines()
            if "r2p_graph.access" in line
        ]
        if any(e["path"] == "/health" and e["status"] == 200 for e in entries):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"no access log entry for /health in {log}")
    entry = next(e for e in entries if e["path"] == "/health")
    assert set(entry) == {"method", "path", "status", "ms", "client", "bytes"}
    assert entry["client"] == "127.0.0.1"
