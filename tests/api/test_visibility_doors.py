"""Visibility tiers at every door, on a real server: attempts to read hidden data, kept as data.

The store holds, besides public data, one contribution kept for partners and one restricted
contribution (each in its own named graph, with its access record and its provenance, written
through the store as the contribution service writes them). Every attempt below is made
anonymously, with reader, contributor, partner and curator tokens, against the restricted and
the partner contribution: the attempt reveals the data exactly when the token's clearance
allows it. "Reveals" means the answer holds the contribution's own value, or its person's or
graph's IRI where the request did not name it, or says yes or a count above zero.

All data here is synthetic.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDF, RDFS

from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.visibility import (
    ACCESS_GRAPH,
    CONTRIBUTIONS_GRAPH,
    Visibility,
    visibility_quads,
)
from r2p_graph.store import OxigraphRepository
from r2p_graph.store.repository import Quad
from tests.servers import create_token, running_server

ID = "https://w3id.org/r2p-graph/id/"
CONTRIBUTION = "https://w3id.org/r2p-graph/graph/contribution/"
PUBLIC_GRAPH = "https://w3id.org/r2p-graph/graph/synthetic-public"
ORGANISATION = URIRef(ID + "organization/synthetic-open-network")
PROV = "http://www.w3.org/ns/prov#"
ORG_MEMBER = URIRef("http://www.w3.org/ns/org#memberOf")
VOID = Namespace("http://rdfs.org/ns/void#")


@dataclass(frozen=True)
class Target:
    """One hidden contribution: its graph, the person it describes, a value only it holds."""

    tier: Visibility
    slug: str
    person: str
    mark: str

    @property
    def graph(self) -> str:
        return CONTRIBUTION + self.slug


RESTRICTED = Target(
    Visibility.RESTRICTED,
    "0f3c9a1e7b2d4c6a8e0f1a2b3c4d5e6f",
    ID + "person/synthetic-defender-7",
    "SYNTHETIC-RESTRICTED-7731",
)
PARTNERS = Target(
    Visibility.PARTNERS,
    "9a8b7c6d5e4f30211f2e3d4c5b6a7980",
    ID + "person/synthetic-focal-point-4",
    "SYNTHETIC-PARTNERS-4410",
)


def _contribution(target: Target) -> list[Quad]:
    person, graph = URIRef(target.person), URIRef(target.graph)
    provenance = URIRef(CONTRIBUTIONS_GRAPH)
    return [
        (person, RDF.type, R2P.Person, graph),
        (person, FOAF.name, Literal(target.mark), graph),
        (person, RDFS.label, Literal(target.mark, lang="en"), graph),
        (person, ORG_MEMBER, ORGANISATION, graph),
        (graph, RDF.type, URIRef(PROV + "Entity"), provenance),
        (graph, URIRef(PROV + "wasAttributedTo"), Literal("synthetic-ngo"), provenance),
        *visibility_quads(target.graph, target.tier),
    ]


@dataclass(frozen=True)
class Attempt:
    """One way to ask for a target's data. ``{G}``, ``{P}``, ``{M}``, ``{SLUG}`` in the path,
    parameters and body stand for the target's graph, person, value and id. ``check`` says how
    an answer reveals: ``data`` (value, or unasked-for IRIs), ``yes`` (ASK true), ``rows``
    (at least one solution or a count above zero), ``found`` (status 200). ``system`` marks
    attempts on the system graphs, which only curators read."""

    name: str
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    content_type: str | None = None
    form: dict[str, str] | None = None
    accept: str | None = None
    check: str = "data"
    system: bool = False


def _q(query: str) -> dict[str, str]:
    return {"query": query}


NOTE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
ATTEMPTS: tuple[Attempt, ...] = (
    Attempt("union of all graphs", "GET", "/sparql", _q(NOTE)),
    Attempt(
        "catalogue query: the network's members",
        "GET",
        "/queries/coalition-membership",
        {"network": str(ORGANISATION)},
        accept="application/sparql-results+json",
    ),
    Attempt(
        "catalogue query as an HTML table",
        "GET",
        "/queries/coalition-membership",
        {"network": str(ORGANISATION), "format": "html"},
    ),
    Attempt("FROM the hidden graph", "GET", "/sparql", _q("SELECT * FROM <{G}> { ?s ?p ?o }")),
    Attempt(
        "FROM NAMED the hidden graph",
        "POST",
        "/sparql",
        body="SELECT * FROM NAMED <{G}> { GRAPH ?g { ?s ?p ?o } }",
        content_type="application/sparql-query",
    ),
    Attempt("GRAPH <hidden>", "GET", "/sparql", _q("SELECT * { GRAPH <{G}> { ?s ?p ?o } }")),
    Attempt("GRAPH ?g", "GET", "/sparql", _q("SELECT * { GRAPH ?g { ?s ?p ?o } }")),
    Attempt("list the named graphs", "GET", "/sparql", _q("SELECT DISTINCT ?g { GRAPH ?g { } }")),
    Attempt(
        "default-graph-uri",
        "GET",
        "/sparql",
        {"query": NOTE, "default-graph-uri": "{G}"},
    ),
    Attempt(
        "named-graph-uri",
        "POST",
        "/sparql",
        {"named-graph-uri": "{G}"},
        body="SELECT * { GRAPH ?g { ?s ?p ?o } }",
        content_type="application/sparql-query",
    ),
    Attempt(
        "form POST with FROM",
        "POST",
        "/sparql",
        form={"query": "SELECT ?o FROM <{G}> { ?s ?p ?o }"},
    ),
    Attempt("DESCRIBE the person", "GET", "/sparql", _q("DESCRIBE <{P}>"), accept="text/turtle"),
    Attempt(
        "CONSTRUCT the person",
        "GET",
        "/sparql",
        _q("CONSTRUCT WHERE { <{P}> ?p ?o }"),
        accept="application/n-triples",
    ),
    Attempt(
        "ASK whether the person is described",
        "GET",
        "/sparql",
        _q("ASK { <{P}> ?p ?o }"),
        check="yes",
    ),
    Attempt(
        "a point lookup of the person (answered in the server process)",
        "GET",
        "/sparql",
        _q("SELECT ?p ?o WHERE { <{P}> ?p ?o }"),
    ),
    Attempt(
        "a point lookup of the value",
        "GET",
        "/sparql",
        _q("ASK { <{P}> ?p '{M}' }"),
        check="yes",
    ),
    Attempt(
        "ASK for the value",
        "GET",
        "/sparql",
        _q("ASK { GRAPH ?g { ?s ?p '{M}' } }"),
        check="yes",
    ),
    Attempt(
        "COUNT the hidden graph",
        "GET",
        "/sparql",
        _q("SELECT (COUNT(*) AS ?n) { GRAPH <{G}> { ?s ?p ?o } }"),
        check="rows",
    ),
    Attempt(
        "FILTER EXISTS",
        "GET",
        "/sparql",
        _q("SELECT ?x { VALUES ?x { 1 } FILTER EXISTS { <{P}> ?p ?o } }"),
        check="rows",
    ),
    Attempt(
        "prefixed name in FROM",
        "GET",
        "/sparql",
        _q(f"PREFIX c: <{CONTRIBUTION}> SELECT ?o FROM c:{{SLUG}} {{ ?s ?p ?o }}"),
    ),
    Attempt(
        "relative IRI in FROM under BASE",
        "GET",
        "/sparql",
        _q(f"BASE <{CONTRIBUTION}> SELECT ?o FROM <{{SLUG}}> {{ ?s ?p ?o }}"),
    ),
    Attempt(
        "public and hidden FROM together",
        "GET",
        "/sparql",
        _q(f"SELECT ?o FROM <{PUBLIC_GRAPH}> FROM <{{G}}> {{ ?s ?p ?o }}"),
    ),
    Attempt(
        "VALUES over the graph name",
        "GET",
        "/sparql",
        _q("SELECT ?o { VALUES ?g { <{G}> } GRAPH ?g { ?s ?p ?o } }"),
    ),
    Attempt(
        "sub-query",
        "GET",
        "/sparql",
        _q("SELECT ?o { { SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } } } }"),
    ),
    Attempt(
        "property path from the organisation",
        "GET",
        "/sparql",
        _q(f"SELECT ?o {{ <{ORGANISATION}> ^<{ORG_MEMBER}>/(!<http://e/none>) ?o }}"),
    ),
    Attempt(
        "CSV results",
        "GET",
        "/sparql",
        {"query": "SELECT ?o { ?s ?p ?o }", "format": "csv"},
    ),
    Attempt(
        "the access records",
        "GET",
        "/sparql",
        _q(f"SELECT * {{ GRAPH <{ACCESS_GRAPH}> {{ ?s ?p ?o }} }}"),
        system=True,
    ),
    Attempt(
        "the provenance of contributions",
        "GET",
        "/sparql",
        _q(f"SELECT * FROM <{CONTRIBUTIONS_GRAPH}> {{ ?s ?p ?o }}"),
        system=True,
    ),
    Attempt(
        "Graph Store GET",
        "GET",
        "/graph-store",
        {"graph": "{G}"},
        accept="text/turtle",
    ),
    Attempt("Graph Store HEAD", "HEAD", "/graph-store", {"graph": "{G}"}, check="found"),
    Attempt(
        "Graph Store GET of the access records",
        "GET",
        "/graph-store",
        {"graph": ACCESS_GRAPH},
        system=True,
    ),
    Attempt("linked-data page as Turtle", "GET", "/id/{PID}", accept="text/turtle"),
    Attempt("linked-data page as HTML", "GET", "/id/{PID}", accept="text/html"),
    Attempt("linked-data page as JSON-LD", "GET", "/id/{PID}", {"format": "jsonld"}),
    Attempt(
        "the public organisation's page lists its members",
        "GET",
        "/id/organization/synthetic-open-network",
        accept="text/turtle",
    ),
    Attempt("N-Quads dump", "GET", "/dump", {"format": "nquads"}),
    Attempt("Turtle dump", "GET", "/dump", {"format": "turtle"}),
    Attempt("VoID lists and counts graphs", "GET", "/.well-known/void", accept="text/turtle"),
)


def _fill(text: str, target: Target) -> str:
    return (
        text.replace("{G}", target.graph)
        .replace("{P}", target.person)
        .replace("{PID}", target.person.removeprefix(ID))
        .replace("{M}", target.mark)
        .replace("{SLUG}", target.slug)
    )


def _send(server: str, attempt: Attempt, target: Target, token: str | None) -> httpx.Response:
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if attempt.accept:
        headers["Accept"] = attempt.accept
    if attempt.content_type:
        headers["Content-Type"] = attempt.content_type
    params = {key: _fill(value, target) for key, value in attempt.params.items()}
    body = None if attempt.body is None else _fill(attempt.body, target)
    if attempt.form is not None:
        body = urlencode({key: _fill(value, target) for key, value in attempt.form.items()})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return httpx.request(
        attempt.method,
        server + _fill(attempt.path, target),
        params=params,
        content=body,
        headers=headers,
        timeout=60,
    )


def revealed(attempt: Attempt, target: Target, response: httpx.Response) -> bool:
    """Whether the answer lets its reader learn something of ``target``."""
    assert response.status_code < 500, response.text
    if attempt.check == "found":
        return response.status_code == 200
    if response.status_code != 200:
        return False
    content = response.content
    if content[:2] == b"\x1f\x8b":
        content = gzip.decompress(content)
    text = content.decode("utf-8")
    if attempt.check == "yes":
        return bool(json.loads(text)["boolean"])
    if attempt.check == "rows":
        rows = json.loads(text)["results"]["bindings"]
        return any(int(row["n"]["value"]) > 0 if "n" in row else True for row in rows) and bool(
            rows
        )
    asked = " ".join(
        [attempt.path, *attempt.params.values(), attempt.body or "", *(attempt.form or {}).values()]
    )
    asked = _fill(asked, target)
    unasked_iris = [iri for iri in (target.graph, target.person) if iri not in asked]
    return target.mark in text or any(iri in text for iri in unasked_iris)


@dataclass(frozen=True)
class Served:
    base: str
    tokens: dict[str, str | None]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A server over public data, a partners' contribution and a restricted one."""
    data_dir = tmp_path_factory.mktemp("visibility") / "store"
    with OxigraphRepository.open(data_dir) as repo:
        public = URIRef(PUBLIC_GRAPH)
        repo.add(
            [
                (ORGANISATION, RDF.type, R2P.Organization, public),
                (ORGANISATION, RDF.type, R2P.Network, public),
                (ORGANISATION, RDFS.label, Literal("Synthetic open network", lang="en"), public),
                (URIRef(ID + "person/synthetic-public-8"), ORG_MEMBER, ORGANISATION, public),
            ]
        )
        repo.add(_contribution(PARTNERS))
        repo.add(_contribution(RESTRICTED))
    tokens: dict[str, str | None] = {"anonymous": None}
    for role in ("reader", "contributor", "partner", "curator"):
        tokens[role] = create_token(data_dir, f"synthetic-{role}", role)
    with running_server(data_dir) as base:
        yield Served(base, tokens)


def _ids(attempt: Attempt) -> str:
    return attempt.name.replace(" ", "-")


def test_there_are_at_least_twenty_distinct_attempts() -> None:
    assert len({a.name for a in ATTEMPTS}) == len(ATTEMPTS) >= 20


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=_ids)
@pytest.mark.parametrize("target", [RESTRICTED, PARTNERS], ids=["restricted", "partners"])
def test_anonymous_readers_learn_nothing(served: Served, attempt: Attempt, target: Target) -> None:
    response = _send(served.base, attempt, target, None)
    # Refused as unknown (404) or answered without the data, never failed as a bad request.
    assert response.status_code in (200, 404), response.text[:2000]
    assert not revealed(attempt, target, response), response.text[:2000]


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=_ids)
@pytest.mark.parametrize("role", ["reader", "contributor"])
def test_tokens_without_the_partner_flag_learn_nothing(
    served: Served, attempt: Attempt, role: str
) -> None:
    response = _send(served.base, attempt, PARTNERS, served.tokens[role])
    assert not revealed(attempt, PARTNERS, response), response.text[:2000]


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=_ids)
def test_curators_see_the_restricted_data(served: Served, attempt: Attempt) -> None:
    response = _send(served.base, attempt, RESTRICTED, served.tokens["curator"])
    assert revealed(attempt, RESTRICTED, response), response.text[:2000]


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=_ids)
def test_partners_see_partner_data_and_not_restricted_data(
    served: Served, attempt: Attempt
) -> None:
    token = served.tokens["partner"]
    partner_answer = _send(served.base, attempt, PARTNERS, token)
    assert revealed(attempt, PARTNERS, partner_answer) is not attempt.system
    restricted_answer = _send(served.base, attempt, RESTRICTED, token)
    assert not revealed(attempt, RESTRICTED, restricted_answer), restricted_answer.text[:2000]


def test_an_invalid_token_is_refused_not_treated_as_anonymous(served: Served) -> None:
    answer = httpx.get(
        served.base + "/sparql", params=_q(NOTE), headers={"Authorization": "Bearer nope"}
    )
    assert answer.status_code == 401


def test_a_hidden_graph_reads_as_a_graph_that_does_not_exist(served: Served) -> None:
    missing = Target(Visibility.RESTRICTED, "0" * 32, ID + "person/synthetic-nobody", "-")
    naming = [a for a in ATTEMPTS if not a.system and ("{G}" in str(a) or "{SLUG}" in str(a))]
    assert len(naming) >= 10
    for attempt in naming:
        hidden = _send(served.base, attempt, RESTRICTED, None)
        absent = _send(served.base, attempt, missing, None)
        assert hidden.status_code == absent.status_code, attempt.name
        if attempt.path == "/sparql":
            assert hidden.content == absent.content, attempt.name


UPDATES = (
    "INSERT { GRAPH <{PUB}> { ?s ?p ?o } } WHERE { GRAPH <{G}> { ?s ?p ?o } }",
    "ADD <{G}> TO <{PUB}>",
    "COPY <{G}> TO <{PUB}>",
    "DELETE WHERE { GRAPH <{G}> { ?s ?p ?o } }",
    "INSERT DATA { GRAPH <{G}> { <http://e/a> <http://e/b> 'tampered' } }",
    "DROP GRAPH <{G}>",
    "LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <{PUB}>",
    f"INSERT DATA {{ GRAPH <{ACCESS_GRAPH}> {{ <{{PUB}}> <{R2P.visibility}> <{R2P.Public}> }} }}",
    "PREFIX g: <https://w3id.org/r2p-graph/graph/> INSERT DATA { GRAPH g:contributions { "
    "<http://e/a> <http://e/b> 'tampered' } }",
)


@pytest.mark.parametrize("update", UPDATES)
def test_contributors_cannot_copy_or_touch_hidden_graphs_with_updates(
    served: Served, update: str
) -> None:
    copy = CONTRIBUTION + "synthetic-copy"
    text = _fill(update, RESTRICTED).replace("{PUB}", copy)
    answer = httpx.post(
        served.base + "/sparql",
        content=text,
        headers={
            "Content-Type": "application/sparql-update",
            "Authorization": f"Bearer {served.tokens['contributor']}",
        },
    )
    assert answer.status_code == 403, answer.text
    assert "curator" in answer.json()["detail"] or "may read" in answer.json()["detail"]
    everything = httpx.get(
        served.base + "/dump", headers={"Authorization": f"Bearer {served.tokens['curator']}"}
    )
    assert b"tampered" not in gzip.decompress(everything.content)


def test_contributors_may_still_insert_data_into_graphs_they_read(served: Served) -> None:
    graph = CONTRIBUTION + "synthetic-open-addition"
    answer = httpx.post(
        served.base + "/sparql",
        content=f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/a> <http://e/b> 'added' }} }}",
        headers={
            "Content-Type": "application/sparql-update",
            "Authorization": f"Bearer {served.tokens['contributor']}",
        },
    )
    assert answer.status_code == 204, answer.text
    seen = httpx.get(served.base + "/graph-store", params={"graph": graph})
    assert seen.status_code == 200 and "added" in seen.text


def test_graph_store_writes_to_a_hidden_graph_are_refused(served: Served) -> None:
    auth = {"Authorization": f"Bearer {served.tokens['contributor']}"}
    params = {"graph": RESTRICTED.graph}
    put = httpx.put(
        served.base + "/graph-store",
        params=params,
        content="<http://e/a> <http://e/b> 'replaced' .",
        headers={**auth, "Content-Type": "text/turtle"},
    )
    assert put.status_code == 403
    assert (
        httpx.delete(served.base + "/graph-store", params=params, headers=auth).status_code == 404
    )
    curator = {"Authorization": f"Bearer {served.tokens['curator']}"}
    still = httpx.get(served.base + "/graph-store", params=params, headers=curator)
    assert still.status_code == 200 and RESTRICTED.mark in still.text


def _void_triples(served: Served, token: str | None) -> int:
    headers = {"Accept": "text/turtle"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    answer = httpx.get(served.base + "/.well-known/void", headers=headers)
    assert answer.status_code == 200
    graph = Graph().parse(data=answer.text, format="turtle")
    dataset = next(s for s in graph.subjects(RDF.type, VOID.Dataset) if str(s).endswith("#dataset"))
    total = graph.value(dataset, VOID.triples)
    assert isinstance(total, Literal)
    return int(total)


def _dumped_quads(served: Served, token: str | None) -> int:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    answer = httpx.get(served.base + "/dump", params={"format": "nquads"}, headers=headers)
    assert answer.status_code == 200
    return len([line for line in gzip.decompress(answer.content).splitlines() if line.strip()])


def test_void_counts_only_what_the_reader_may_read(served: Served) -> None:
    anonymous = _void_triples(served, None)
    partner = _void_triples(served, served.tokens["partner"])
    curator = _void_triples(served, served.tokens["curator"])
    assert anonymous == _dumped_quads(served, None)
    assert partner == _dumped_quads(served, served.tokens["partner"])
    assert curator == _dumped_quads(served, served.tokens["curator"])
    # Partners read the graphs recorded as partners-only on top: the partners' contribution
    # (4 triples) and what inference derived from it once a write made it run. The restricted
    # contribution, its provenance and the access records come on top for curators.
    partners_only = httpx.get(
        served.base + "/sparql",
        params={
            "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ACCESS_GRAPH}> "
            f"{{ ?g <{R2P.visibility}> <{R2P.PartnersOnly}> }} GRAPH ?g {{ ?s ?p ?o }} }}"
        },
        headers={"Authorization": f"Bearer {served.tokens['curator']}"},
    ).json()["results"]["bindings"][0]["n"]["value"]
    assert partner - anonymous == int(partners_only) >= 4
    assert curator - partner >= 4 + 2 * 2 + 2
