"""``/contributions`` and ``/changes`` over HTTP, against a real server of their own."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree as ET

import httpx
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from tests.servers import create_token, running_server

ORGANISATION = b"""
@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/r2p-graph/id/organization/http-synthetic> a r2p:NonGovernmentalOrganization ;
    rdfs:label "HTTP Synthetic Centre"@en ; r2p:operatingLevel r2p:local ;
    r2p:basedIn <https://w3id.org/r2p-graph/id/country/HU> .
"""
BAD = ORGANISATION.replace(b"country/HU", b"country/XX")
TURTLE = {"Content-Type": "text/turtle"}


@dataclass(frozen=True)
class Served:
    base: str
    reader: str
    contributor: str
    curator: str

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, role)}"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("contributions") / "store"
    tokens = [create_token(data_dir, f"http-{r}", r) for r in ("reader", "contributor", "curator")]
    with running_server(data_dir) as base:
        yield Served(base, *tokens)


def _dump(served: Served) -> bytes:
    response = httpx.get(served.base + "/dump?format=nquads", timeout=60)
    assert response.status_code == 200
    return gzip.decompress(response.content)


def _post(
    served: Served, body: bytes, *, role: str = "contributor", **kwargs: object
) -> httpx.Response:
    headers = {**TURTLE, **served.auth(role), **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return httpx.post(
        served.base + "/contributions", content=body, headers=headers, timeout=60, **kwargs
    )  # type: ignore[arg-type]


def test_contribute_read_and_trace(served: Served) -> None:
    response = _post(
        served,
        ORGANISATION,
        params={"source": "https://example.org/list", "licence": "CC-BY-4.0"},
    )
    assert response.status_code == 201, response.text
    record = response.json()["contribution"]
    assert response.headers["location"].endswith(f"/contributions/{record['id']}")
    assert (record["contributor"], record["triples"], record["status"]) == (
        "http-contributor",
        4,
        "accepted",
    )
    shown = httpx.get(response.headers["location"], timeout=30).json()
    assert shown["contribution"]["source"] == "https://example.org/list"
    assert len(shown["triples"]) == 4
    as_turtle = httpx.get(
        response.headers["location"], headers={"Accept": "text/turtle"}, timeout=30
    )
    graph = Graph().parse(data=as_turtle.text, format="turtle")
    assert len(graph) > 4  # its triples and its provenance
    subject = "https://w3id.org/r2p-graph/id/organization/http-synthetic"
    traced = httpx.get(served.base + "/contributions", params={"subject": subject}, timeout=30)
    assert [c["id"] for c in traced.json()["contributions"]] == [record["id"]]
    page = httpx.get(
        served.base + "/id/organization/http-synthetic", headers={"Accept": "text/html"}, timeout=30
    )
    assert f"/contributions/{record['id']}" in page.text and "Sources" in page.text


def test_refused_contribution_is_422_and_changes_nothing(served: Served) -> None:
    before = _dump(served)
    response = _post(served, BAD)
    assert response.status_code == 422
    results = response.json()["report"]["results"]
    assert [r["focusNode"] for r in results if r["blocking"]] == [
        "https://w3id.org/r2p-graph/id/country/XX"
    ]
    as_turtle = _post(served, BAD, headers={"Accept": "text/turtle"})
    assert as_turtle.status_code == 422 and as_turtle.headers["content-type"].startswith(
        "text/turtle"
    )
    report = Graph().parse(data=as_turtle.text, format="turtle")
    assert len(list(report.subjects(RDF.type, SH.ValidationReport))) == 1
    assert len(list(report.subjects(RDF.type, SH.ValidationResult))) == 1
    assert _dump(served) == before


def test_csv_with_one_bad_row_is_refused_naming_the_cell(served: Served) -> None:
    before = _dump(served)
    rows = (
        b"id,name_en,operating_level,based_in\n"
        b"csv-one,CSV One (synthetic),national,HU\n"
        b"csv-two,CSV Two (synthetic),nationwide,AT\n"
    )
    response = _post(
        served, rows, headers={"Content-Type": "text/csv"}, params={"kind": "organisations"}
    )
    assert response.status_code == 422
    cells = [(r["row"], r["column"]) for r in response.json()["report"]["results"] if r["blocking"]]
    assert cells == [(3, "operating_level")]
    assert _dump(served) == before


@pytest.mark.parametrize(
    ("body", "headers", "params", "status", "detail"),
    [
        (b"<a> <b> .", TURTLE, {}, 400, "No scheme found"),
        (ORGANISATION, {"Content-Type": "application/pdf"}, {}, 400, "a contribution is sent as"),
        (b"id\nx\n", {"Content-Type": "text/csv"}, {}, 400, "names its template"),
        (
            b"id,colour\nx,red\n",
            {"Content-Type": "text/csv"},
            {"kind": "people"},
            400,
            "unknown column",
        ),
        (ORGANISATION, TURTLE, {"visibility": "secret"}, 400, "unknown visibility"),
        (b"", TURTLE, {}, 400, "no triples"),
    ],
)
def test_bad_requests(
    served: Served,
    *,
    body: bytes,
    headers: dict[str, str],
    params: dict[str, str],
    status: int,
    detail: str,
) -> None:
    before = _dump(served)
    response = _post(served, body, headers=headers, params=params)
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]
    assert _dump(served) == before


def test_roles(served: Served) -> None:
    anonymous = httpx.post(
        served.base + "/contributions", content=ORGANISATION, headers=TURTLE, timeout=30
    )
    assert anonymous.status_code == 401
    assert _post(served, ORGANISATION, role="reader").status_code == 403
    assert (
        httpx.delete(
            served.base + "/contributions/" + "0" * 32,
            headers=served.auth("contributor"),
            timeout=30,
        ).status_code
        == 403
    )
    assert (
        httpx.delete(
            served.base + "/contributions/" + "0" * 32, headers=served.auth("curator"), timeout=30
        ).status_code
        == 404
    )
    assert httpx.get(served.base + "/contributions/not-an-id", timeout=30).status_code == 400


def test_templates(served: Served) -> None:
    for kind in ("organisations", "people", "agreements", "programmes", "events", "observations"):
        response = httpx.get(f"{served.base}/contributions/templates/{kind}.csv", timeout=30)
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "text/csv"
        )
        assert response.text.startswith("id,")
    assert (
        httpx.get(served.base + "/contributions/templates/cats.csv", timeout=30).status_code == 404
    )


def test_restricted_contribution_is_hidden_from_the_public(served: Served) -> None:
    body = ORGANISATION.replace(b"http-synthetic", b"http-restricted")
    response = _post(served, body, params={"visibility": "restricted"})
    assert response.status_code == 201
    location = response.headers["location"]
    identifier = response.json()["contribution"]["id"]
    assert httpx.get(location, timeout=30).status_code == 404
    assert httpx.get(location, headers=served.auth("reader"), timeout=30).status_code == 404
    assert httpx.get(location, headers=served.auth("curator"), timeout=30).status_code == 200
    public = httpx.get(served.base + "/changes", timeout=30).json()["changes"]
    assert identifier not in [c["contribution"] for c in public]
    curated = httpx.get(served.base + "/changes", headers=served.auth("curator"), timeout=30).json()
    assert identifier in [c["contribution"] for c in curated["changes"]]
    listed = httpx.get(served.base + "/contributions", timeout=30).json()["contributions"]
    assert identifier not in [c["id"] for c in listed]


def test_replace_withdraw_and_the_change_feed(served: Served) -> None:
    first = _post(served, ORGANISATION.replace(b"http-synthetic", b"http-versioned")).json()[
        "contribution"
    ]
    start = first["sequence"] - 1
    second = httpx.put(
        f"{served.base}/contributions/{first['id']}",
        content=ORGANISATION.replace(b"http-synthetic", b"http-versioned").replace(
            b"r2p:local", b"r2p:national"
        ),
        headers={**TURTLE, **served.auth("curator")},
        timeout=60,
    )
    assert second.status_code == 201, second.text
    new = second.json()["contribution"]
    assert new["revisionOf"] == first["id"]
    old = httpx.get(f"{served.base}/contributions/{first['id']}", timeout=30).json()
    assert old["contribution"]["status"] == "replaced" and old["triples"] == []
    withdrawn = httpx.delete(
        f"{served.base}/contributions/{new['id']}", headers=served.auth("curator"), timeout=30
    )
    assert withdrawn.json()["contribution"]["status"] == "withdrawn"
    again = httpx.delete(
        f"{served.base}/contributions/{new['id']}", headers=served.auth("curator"), timeout=30
    )
    assert again.status_code == 400
    feed = httpx.get(served.base + "/changes", params={"since": str(start)}, timeout=30).json()
    assert [(c["change"], c["contribution"]) for c in feed["changes"]] == [
        ("added", first["id"]),
        ("replaced", new["id"]),
        ("withdrawn", new["id"]),
    ]
    page = httpx.get(
        served.base + "/changes", params={"since": str(start), "limit": "2"}, timeout=30
    ).json()
    assert len(page["changes"]) == 2 and page["next"] is not None
    rest = httpx.get(page["next"], timeout=30).json()
    assert [c["change"] for c in rest["changes"]] == ["withdrawn"]
    atom = httpx.get(
        served.base + "/changes",
        params={"since": str(start)},
        headers={"Accept": "application/atom+xml"},
        timeout=30,
    )
    assert atom.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 3
    by_time = httpx.get(
        served.base + "/changes", params={"since": feed["changes"][-1]["time"]}, timeout=30
    )
    assert by_time.json()["changes"] == []
    assert (
        httpx.get(served.base + "/changes", params={"since": "yesterday"}, timeout=30).status_code
        == 400
    )
