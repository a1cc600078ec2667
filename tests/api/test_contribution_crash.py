"""A server killed with SIGKILL while it commits a contribution restarts holding the whole
contribution or none of it, with its provenance and its log entry agreeing."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import create_token, free_port, running_server

ORGANISATIONS = 1000  # 4 triples each
_PREFIX = "https://w3id.org/r2p-graph/graph/contribution/"
# Restarted often: one query worker, no memory mirror to build.
_QUICK_START = {"R2P_QUERY_WORKERS": "1", "R2P_READ_FROM_MEMORY": "false"}
_COUNT = f"""
SELECT ?g (COUNT(*) AS ?n) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{_PREFIX}"))
}} GROUP BY ?g
"""


def _contribution(tag: str) -> bytes:
    lines = [
        "@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    for n in range(ORGANISATIONS):
        lines.append(
            f"<https://w3id.org/r2p-graph/id/organization/crash-{tag}-{n}> "
            f'a r2p:NonGovernmentalOrganization ; rdfs:label "Crash test {n} (synthetic)"@en ; '
            "r2p:operatingLevel r2p:local ; "
            "r2p:basedIn <https://w3id.org/r2p-graph/id/country/HU> ."
        )
    return "\n".join(lines).encode()


def _start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "r2p_graph", "serve", "--data-dir", str(data_dir)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    log = (data_dir.parent / f"server-{port}.log").open("wb")
    env = {**os.environ, **_QUICK_START}
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def _sizes(base: str) -> dict[str, int]:
    response = httpx.post(
        base + "/sparql",
        data={"query": _COUNT},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    rows = response.json()["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def _post(base: str, body: bytes, headers: dict[str, str]) -> None:
    with contextlib.suppress(httpx.TransportError):  # the server may be killed under it
        httpx.post(base + "/contributions", content=body, headers=headers, timeout=120)


@pytest.mark.slow
def test_sigkill_during_commit_keeps_all_or_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    token = create_token(data_dir, "crash-test", "contributor")
    headers = {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"}
    # How long a contribution takes from request to answer here, now (gate, then commit).
    with running_server(data_dir, _QUICK_START) as base:
        started = time.monotonic()
        _post(base, _contribution("calibration"), headers)
        duration = time.monotonic() - started
        assert len(_sizes(base)) == 1
    outcomes = []
    # Killed at moments spread over that time, the last ones around the commit at its end.
    for trial, fraction in enumerate((0.4, 0.9, 1.0, 1.1, 1.6)):
        port = free_port()
        process = _start(data_dir, port)
        base = f"http://127.0.0.1:{port}"
        sender = threading.Thread(target=_post, args=(base, _contribution(str(trial)), headers))
        sender.start()
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        sender.join(timeout=120)
        with running_server(data_dir, _QUICK_START) as restarted:
            sizes = _sizes(restarted)
            records = httpx.get(restarted + "/contributions", timeout=60).json()["contributions"]
            log = sorted((data_dir / "contributions" / "log").glob("*"))
        # Every contribution graph is whole, and has its provenance and its log entry.
        assert all(n == ORGANISATIONS * 4 for n in sizes.values()), sizes
        assert sorted(_PREFIX + r["id"] for r in records) == sorted(sizes)
        assert [p.suffix for p in log] == [".json"] * len(records)
        outcomes.append(len(sizes))
    # Some kills came before the commit, some after it.
    assert outcomes[0] == 1 and outcomes[-1] >= 2, outcomes
