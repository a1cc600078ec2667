"""The W3C SPARQL 1.1 Protocol and Graph Store HTTP Protocol test suites, run against a real server.

The tests themselves are data: ``protocol.json`` and ``graph_store.json`` in this directory, one
entry per W3C test (see each file's ``conventions``). This module only sends each entry's
requests with httpx and checks what comes back.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.w3c.conftest import EmptyServer

HERE = Path(__file__).parent
SRX = "{http://www.w3.org/2005/sparql-results#}"

RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "text/n3": "n3",
}
"""rdflib's parser for each RDF graph media type a response may come in."""


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / name).read_text(encoding="utf-8"))
    return data


PROTOCOL = _load("protocol.json")
GRAPH_STORE = _load("graph_store.json")


def _cases(suite: Mapping[str, Any]) -> list[Any]:
    cases = []
    for test in suite["tests"]:
        marks = [pytest.mark.skip(reason=test["skip"])] if "skip" in test else []
        cases.append(pytest.param(test, id=test["id"], marks=marks))
    return cases


# -- sending -------------------------------------------------------------------------------------


@dataclass
class Run:
    """One test's run: where to send requests, and what earlier responses told."""

    server: EmptyServer
    test_id: str
    captured: dict[str, str] = field(default_factory=dict)

    def fill(self, text: str) -> str:
        return text.replace("{graph_store}", self.server.graph_store)

    def url(self, request: Mapping[str, Any]) -> str:
        endpoint = request["endpoint"]
        if endpoint == "sparql":
            url = self.server.sparql
        elif endpoint == "graph-store":
            url = self.server.graph_store
        elif endpoint in self.captured:
            url = self.captured[endpoint]
        else:
            pytest.fail(f"{self.test_id}: no {endpoint!r} was captured by an earlier request")
        if "query_string" in request:
            url += ("&" if "?" in url else "?") + self.fill(request["query_string"])
        return url

    def body(self, request: Mapping[str, Any]) -> bytes | None:
        if "body" not in request:
            return None
        body = request["body"]
        text = body if isinstance(body, str) else request.get("line_ending", "\n").join(body)
        return self.fill(text).encode(request.get("body_encoding", "utf-8"))

    def send(self, request: Mapping[str, Any]) -> httpx.Response:
        headers = dict(request.get("headers", {}))
        if "auth" in request:
            headers.update(self.server.bearer(request["auth"]))
        params = [(name, self.fill(value)) for name, value in request.get("params", [])]
        response = httpx.request(
            request["method"],
            self.url(request),
            params=params or None,
            headers=headers,
            content=self.body(request),
            timeout=60,
            follow_redirects=False,
        )
        for name, header in request.get("capture", {}).items():
            if header in response.headers:
                self.captured[name] = urljoin(str(response.url), response.headers[header])
        return response


# -- checking ------------------------------------------------------------------------------------


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _status_matches(status: int, wanted: int | str) -> bool:
    if isinstance(wanted, int):
        return status == wanted
    return str(status)[0] == wanted[0] and wanted[1:].lower() == "xx"


def _boolean(response: httpx.Response) -> bool | None:
    media_type = _media_type(response)
    if media_type.endswith("json"):
        value = response.json().get("boolean")
        return value if isinstance(value, bool) else None
    if media_type.endswith("xml"):
        element = ET.fromstring(response.content).find(f"{SRX}boolean")
        return None if element is None else element.text == "true"
    return None


Term = tuple[str, str]
"""A result term as (kind, value): uri, literal or bnode ('' when the format cannot tell)."""


def _solutions(response: httpx.Response) -> list[dict[str, Term]]:
    media_type = _media_type(response)
    if media_type.endswith("json"):
        rows = response.json()["results"]["bindings"]
        return [{v: (t["type"], t["value"]) for v, t in row.items()} for row in rows]
    if media_type.endswith("xml"):
        results = ET.fromstring(response.content).find(f"{SRX}results")
        assert results is not None, "no <results> element"
        solutions = []
        for result in results.iter(f"{SRX}result"):
            row = {}
            for binding in result.iter(f"{SRX}binding"):
                term = binding[0]
                kind = term.tag.removeprefix(SRX)
                row[binding.attrib["name"]] = ("uri" if kind == "uri" else kind, term.text or "")
            solutions.append(row)
        return solutions
    delimiter = "\t" if media_type == "text/tab-separated-values" else ","
    reader = csv.reader(io.StringIO(response.text), delimiter=delimiter)
    header, *rows = list(reader)
    names = [name.lstrip("?") for name in header]
    return [{n: ("", value) for n, value in zip(names, row, strict=True) if value} for row in rows]


def _graph(response: httpx.Response) -> Graph:
    media_type = _media_type(response)
    if media_type not in RDF_PARSERS:
        raise AssertionError(f"{media_type!r} is not an RDF graph format this runner reads")
    return Graph().parse(data=response.content, format=RDF_PARSERS[media_type])


def _problems(run: Run, response: httpx.Response, expect: Mapping[str, Any]) -> list[str]:
    """What in ``response`` does not meet ``expect`` (empty when all is well)."""
    status = response.status_code
    if not any(_status_matches(status, wanted) for wanted in expect.get("status", ["2xx"])):
        return [f"status {status}, expected {' or '.join(map(str, expect['status']))}"]
    if status in expect.get("not_status", []):
        return [f"status {status}: the token was refused, not the request"]
    problems = []
    if "content_type" in expect and _media_type(response) not in expect["content_type"]:
        problems.append(
            f"Content-Type {response.headers.get('content-type')!r}, "
            f"expected one of {', '.join(expect['content_type'])}"
        )
    for header in expect.get("headers_present", []):
        if header not in response.headers:
            problems.append(f"no {header} header")
    if expect.get("empty_body") and response.content:
        problems.append(f"a body of {len(response.content)} bytes, expected none")
    if problems:
        return problems
    try:
        problems += _body_problems(run, response, expect)
    except (ValueError, KeyError, AssertionError, ET.ParseError, SyntaxError) as error:
        problems.append(f"the body could not be read as expected: {error!r}")
    return problems


def _body_problems(run: Run, response: httpx.Response, expect: Mapping[str, Any]) -> list[str]:
    problems = []
    form = expect.get("result_form")
    if form == "boolean":
        value = _boolean(response)
        if value is None:
            problems.append("the body is not a SPARQL boolean result")
        elif "boolean" in expect and value is not expect["boolean"]:
            problems.append(
                f"boolean {str(value).lower()}, expected {str(expect['boolean']).lower()}"
            )
    elif form == "tabular":
        solutions = _solutions(response)
        bindings = expect.get("bindings", {})
        if "count" in bindings and len(solutions) != bindings["count"]:
            problems.append(f"{len(solutions)} solutions, expected {bindings['count']}")
        elif "variable" in bindings:
            kind, value = solutions[0].get(bindings["variable"], ("unbound", ""))
            if kind != "uri" or value == bindings["iri_not"]:
                problems.append(
                    f"?{bindings['variable']} is {kind} {value!r}, expected an IRI other than "
                    f"<{bindings['iri_not']}>"
                )
    elif form == "rdf":
        _graph(response)
    if "graph" in expect:
        got = _graph(response)
        wanted = expect["graph"]
        if "triples" in wanted and len(got) != wanted["triples"]:
            problems.append(f"{len(got)} triples, expected {wanted['triples']}")
        if "turtle" in wanted:
            turtle = run.fill("\n".join(wanted["turtle"]))
            expected = Graph().parse(data=turtle, format="turtle")
            if not isomorphic(got, expected):
                problems.append(
                    "the graph differs from the expected one; got:\n"
                    + got.serialize(format="nt")
                    + "expected:\n"
                    + expected.serialize(format="nt")
                )
    return problems


def _describe(request: Mapping[str, Any], response: httpx.Response) -> str:
    excerpt = response.text[:400].strip() if response.content else "(no body)"
    return (
        f"{request['method']} {response.url} -> {response.status_code} "
        f"{response.headers.get('content-type', '')}\n{excerpt}"
    )


def _perform(run: Run, requests: Sequence[Mapping[str, Any]], stage: str) -> None:
    for index, request in enumerate(requests, start=1):
        response = run.send(request)
        problems = _problems(run, response, request.get("expect", {}))
        if problems:
            where = f"{stage} request {index} of {len(requests)}"
            pytest.fail(
                f"{run.test_id}, {where}: "
                + "; ".join(problems)
                + "\n"
                + _describe(request, response),
                pytrace=False,
            )


def _load_graph_data(run: Run, files: Sequence[str]) -> None:
    """The test's ut:graphData, loaded with one INSERT DATA through the SPARQL endpoint."""
    if not files:
        return
    available = PROTOCOL["graph_data_files"]
    blocks = [
        f"GRAPH <{available[name]['graph']}> {{ {available[name]['ntriples']} }}" for name in files
    ]
    update = {
        "method": "POST",
        "endpoint": "sparql",
        "auth": "contributor",
        "headers": {"Content-Type": "application/sparql-update"},
        "body": "INSERT DATA {\n" + "\n".join(blocks) + "\n}",
        "expect": {"status": ["2xx"]},
    }
    _perform(run, [update], "graph data")


# -- the suites ----------------------------------------------------------------------------------


@pytest.mark.parametrize("test", _cases(PROTOCOL))
def test_protocol(w3c_server: EmptyServer, test: Mapping[str, Any]) -> None:
    """One test of the SPARQL 1.1 Protocol suite (``protocol.json``)."""
    run = Run(w3c_server, test["id"])
    _load_graph_data(run, test.get("graph_data", []))
    _perform(run, test.get("setup", []), "setup")
    _perform(run, test["requests"], "test")


@pytest.mark.parametrize("test", _cases(GRAPH_STORE))
def test_graph_store(w3c_server: EmptyServer, test: Mapping[str, Any]) -> None:
    """One test of the SPARQL 1.1 Graph Store HTTP Protocol suite (``graph_store.json``)."""
    run = Run(w3c_server, test["id"])
    _perform(run, test.get("setup", []), "setup")
    _perform(run, test["requests"], "test")


def test_the_data_files_hold_the_suites() -> None:
    """Each W3C test is there once, under the manifest's own name."""
    protocol_ids = [test["id"] for test in PROTOCOL["tests"]]
    graph_store_ids = [test["id"] for test in GRAPH_STORE["tests"]]
    assert len(set(protocol_ids)) == len(protocol_ids) == 35
    assert sum("origin" not in test for test in PROTOCOL["tests"]) == 34
    assert len(set(graph_store_ids)) == len(graph_store_ids) == 20
    assert sum("revision" not in test for test in GRAPH_STORE["tests"]) == 19
