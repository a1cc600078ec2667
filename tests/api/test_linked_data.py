"""Linked data on a real server: ``/id/...``, ``/ontology``, ``/vocab/...`` and the JSON-LD
context dereference, negotiated between HTML and RDF formats."""

from __future__ import annotations

import re

import httpx
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS
from starlette.requests import Request

from r2p_graph.api.html import resource_page
from r2p_graph.api.problems import NotAcceptableError
from r2p_graph.api.representations import Site, serialize
from r2p_graph.ontology.namespaces import PREFIXES
from r2p_graph.services.description import INBOUND_LIMIT, Description, describe
from r2p_graph.settings import Settings
from r2p_graph.store import OxigraphRepository, RdfFormat

ID = "https://w3id.org/r2p-graph/id/"
R2P = "https://w3id.org/r2p-graph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
CENTRE = "organization/budapest-centre"
SITE = "site/budapest-centre-budapest"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDFLIB_NAMES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
RDF_TYPES = tuple(RDFLIB_NAMES)
PAGES = [
    "/id/" + CENTRE,
    "/id/country/HU",
    "/id/" + SITE,
    "/ontology",
    "/vocab/framework",
    "/vocab/quantitative",
    "/vocab/steps",
    "/vocab/framework/risk-factor-1",
    "/vocab/steps/monitoring",
]


def get(server: str, path: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(server + path, headers=headers, params=params, timeout=30)


def parse(response: httpx.Response) -> Graph:
    assert response.status_code == 200, response.text
    media_type = response.headers["content-type"].split(";")[0]
    return Graph().parse(data=response.text, format=RDFLIB_NAMES[media_type])


def links(response: httpx.Response) -> dict[str, str]:
    """The ``Link`` header as {rel or type: URL}."""
    found = {}
    for url, params in re.findall(r"<([^>]*)>((?:\s*;\s*[^,;]+)*)", response.headers["link"]):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', params))
        key = attributes["type"] if attributes["rel"] == "alternate" else attributes["rel"]
        found[key] = url
    return found


def construct(server: str, query: str) -> Graph:
    response = httpx.get(
        server + "/sparql", params={"query": query}, headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.text, format="turtle")


# -- negotiation ----------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, "*/*", "text/*;q=0.5, application/json;q=0.1"])
def test_turtle_is_the_default(server: str, accept: str | None) -> None:
    response = get(server, "/id/" + CENTRE, accept)
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    graph = parse(response)
    assert (URIRef(ID + CENTRE), RDF.type, URIRef(R2P + "NonGovernmentalOrganization")) in graph


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (BROWSER, "text/html"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/turtle;q=0.5, application/n-triples", "application/n-triples"),
        ("application/rdf+xml;q=0.9, text/html;q=0.1", "application/rdf+xml"),
        ("text/html;q=0, */*", "text/turtle"),
        ("text/plain", "application/n-triples"),
    ],
)
def test_accept_with_q_values(server: str, accept: str, media_type: str) -> None:
    response = get(server, "/id/country/HU", accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("ttl", "text/turtle"),
        ("html", "text/html"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
        ("application/rdf+xml", "application/rdf+xml"),
    ],
)
def test_format_parameter_wins_over_accept(server: str, name: str, media_type: str) -> None:
    response = get(server, "/id/country/HU", "image/png", format=name)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


def test_link_header_names_every_other_format(server: str) -> None:
    response = get(server, "/id/" + CENTRE, BROWSER)
    alternates = links(response)
    assert set(alternates) == set(RDF_TYPES)
    assert alternates["text/turtle"] == f"{server}/id/{CENTRE}?format=ttl"
    for media_type, url in alternates.items():
        followed = httpx.get(url)
        assert followed.headers["content-type"].split(";")[0] == media_type
    assert links(get(server, "/id/" + CENTRE))["text/html"] == f"{server}/id/{CENTRE}?format=html"


def test_nothing_acceptable_is_406(server: str) -> None:
    response = get(server, "/id/country/HU", "image/png")
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert "text/turtle" in response.json()["detail"]
    assert get(server, "/ontology", "image/png").status_code == 406


def test_unknown_format_is_400(server: str) -> None:
    response = get(server, "/id/country/HU", format="png")
    assert response.status_code == 400
    assert "ttl" in response.json()["detail"]
    twice = httpx.get(server + "/id/country/HU", params={"format": ["ttl", "nt"]})
    assert twice.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/id/organization/no-such-organisation",
        "/id/",
        "/id/a%20b",
        "/id/%3Cscript%3E",
        "/vocab/no-such-vocabulary",
        "/vocab/framework/no-such-concept",
        "/vocab/steps/",
    ],
)
def test_unknown_things_are_404(server: str, path: str) -> None:
    response = get(server, path)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_head_has_the_headers_of_get_and_no_body(server: str) -> None:
    for path in ("/id/country/HU", "/ontology", "/vocab/steps/monitoring"):
        for accept in (None, BROWSER):
            full = get(server, path, accept)
            head = httpx.head(server + path, headers={"Accept": accept} if accept else {})
            assert head.status_code == 200
            assert head.content == b""
            assert head.headers["content-type"] == full.headers["content-type"]
            assert head.headers["link"] == full.headers["link"]
            assert int(head.headers["content-length"]) == len(full.content)
    assert httpx.head(server + "/id/nothing").status_code == 404


# -- the same graph in every format ---------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_rdf_format_carries_the_same_triples(server: str, path: str) -> None:
    turtle = parse(get(server, path, "text/turtle"))
    assert len(turtle) > 5
    for media_type in RDF_TYPES[1:]:
        other = parse(get(server, path, media_type))
        assert isomorphic(turtle, other), f"{path} as {media_type}"
        assert ground(other) == ground(turtle)


def ground(graph: Graph) -> set[tuple[object, object, object]]:
    """The triples without blank nodes."""
    return {t for t in graph if not any(isinstance(term, BNode) for term in t)}


# -- what a description holds ---------------------------------------------------------------


def test_description_holds_facts_labels_of_neighbours_and_inbound_links(server: str) -> None:
    graph = parse(get(server, "/id/" + SITE))
    site, hungary = URIRef(ID + SITE), URIRef(ID + "country/HU")
    assert (site, URIRef(R2P + "country"), hungary) in graph
    assert (hungary, RDFS.label, Literal("Hungary", lang="en")) in graph
    assert (URIRef(ID + CENTRE), URIRef(R2P + "headquarters"), site) in graph
    assert (URIRef(ID + CENTRE), RDFS.label, None) in graph
    # Only labels of neighbours, not their other facts.
    assert (hungary, URIRef(R2P + "isoAlpha2"), None) not in graph


def test_description_matches_the_store(server: str) -> None:
    iri = f"<{ID}{CENTRE}>"
    own = construct(server, f"CONSTRUCT {{ {iri} ?p ?o }} WHERE {{ {iri} ?p ?o }}")
    linking = construct(server, f"CONSTRUCT {{ ?s ?p {iri} }} WHERE {{ ?s ?p {iri} }}")
    graph = parse(get(server, "/id/" + CENTRE))
    assert set(own) <= set(graph)
    assert set(linking) <= set(graph)
    mous = {s for s, _, _ in linking if "/agreement/" in str(s)}
    assert len(mous) == 2


def test_concepts_are_described_like_things(server: str) -> None:
    graph = parse(get(server, "/vocab/framework/risk-factor-1"))
    concept = URIRef("https://w3id.org/r2p-graph/vocab/framework/risk-factor-1")
    assert (concept, URIRef(SKOS + "notation"), Literal("1")) in graph
    assert any(graph.triples((None, URIRef(SKOS + "broader"), concept)))  # its indicators


# -- HTML -----------------------------------------------------------------------------------


def test_html_page_links_to_neighbours_on_this_server(server: str) -> None:
    response = get(server, "/id/" + CENTRE, BROWSER)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert "<h1>Budapest Centre for Mass Atrocities Prevention</h1>" in page
    # outbound: its seat; inbound: its MoUs; types and properties with their ontology labels.
    assert f'href="{server}/id/{SITE}"' in page
    assert f'href="{server}/id/agreement/budapest-centre-osapg-mou"' in page
    assert f'href="{server}/id/agreement/budapest-centre-icglr-mou"' in page
    assert "Linked from" in page
    assert f'href="{server}/ontology#headquarters"' in page
    assert "Non-governmental organisation" in page
    assert 'href="https://www.genocideprevention.eu/"' in page


def test_a_reader_can_walk_from_the_centre_to_hungary(server: str) -> None:
    centre = get(server, "/id/" + CENTRE, BROWSER).text
    site_url = f"{server}/id/{SITE}"
    assert f'href="{site_url}"' in centre
    site = httpx.get(site_url, headers={"Accept": BROWSER}).text
    assert f'href="{server}/id/country/HU" title="{ID}country/HU">Hungary</a>' in site
    hungary = httpx.get(f"{server}/id/country/HU", headers={"Accept": BROWSER}).text
    assert "ISO 3166-1 alpha-2 code" in hungary  # property label from the ontology
    assert f'href="{site_url}"' in hungary  # inbound: the site in Hungary


def test_ontology_page_lists_classes_and_properties(server: str) -> None:
    page = get(server, "/ontology", BROWSER).text
    assert "<h1>r2p-graph ontology</h1>" in page
    for heading in ("Classes", "Object properties", "Datatype properties"):
        assert f"<h2>{heading} (" in page
    assert 'id="Organization"' in page and 'id="party"' in page
    assert "An organisation, state body or other agent bound by an agreement." in page


def test_vocabulary_pages_link_to_their_concepts(server: str) -> None:
    page = get(server, "/vocab/framework", BROWSER).text
    assert "<h2>Concepts (" in page and "<h2>Collections (" in page
    assert f'href="{server}/vocab/framework/risk-factor-1"' in page
    steps = get(server, "/vocab/steps", BROWSER).text
    assert f'href="{server}/vocab/steps/monitoring"' in steps


def test_vocabularies_sharing_a_graph_are_kept_apart(server: str) -> None:
    framework = parse(get(server, "/vocab/framework"))
    quantitative = parse(get(server, "/vocab/quantitative"))
    assert not any("vocab/quantitative" in str(s) for s in framework.subjects())
    assert not any("vocab/framework" in str(s) for s in quantitative.subjects())
    indicators = construct(
        server,
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/r2p-graph/graph/indicators> "
        "{ ?s ?p ?o } }",
    )
    assert len(framework) + len(quantitative) == len(indicators)


@pytest.mark.parametrize(("path", "graph"), [("/ontology", "ontology"), ("/vocab/steps", "steps")])
def test_vocabulary_documents_are_their_named_graphs(server: str, path: str, graph: str) -> None:
    stored = construct(
        server,
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <https://w3id.org/r2p-graph/graph/{graph}> "
        "{ ?s ?p ?o } }",
    )
    assert isomorphic(parse(get(server, path)), stored)


# -- JSON-LD --------------------------------------------------------------------------------


def test_the_context_is_published(server: str) -> None:
    response = httpx.get(server + "/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.json() == {"@context": PREFIXES}


def test_jsonld_uses_the_published_context(server: str) -> None:
    response = get(server, "/id/" + CENTRE, "application/ld+json")
    document = response.json()
    assert document["@context"] == f"{server}/context.jsonld"
    assert links(response)["http://www.w3.org/ns/json-ld#context"] == f"{server}/context.jsonld"
    text = response.text
    assert '"rdfs:label"' in text and '"r2p:headquarters"' in text  # compacted with prefixes


# -- pages built without a server -----------------------------------------------------------


def request_for(url: str) -> Request:
    scheme, rest = url.split("://")
    host, _, port = rest.partition(":")
    return Request(
        {
            "type": "http",
            "scheme": scheme,
            "server": (host, int(port or 80)),
            "path": "/id/x",
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", rest.encode())],
        }
    )


def test_links_follow_base_iri() -> None:
    here = Site(request_for("http://example.org:8080"), Settings(empty=True))
    assert here.href(ID + "country/HU") == "http://example.org:8080/id/country/HU"
    assert here.href(R2P + "Country") == "http://example.org:8080/ontology#Country"
    assert (
        here.href("https://w3id.org/r2p-graph/vocab/steps/monitoring")
        == "http://example.org:8080/vocab/steps/monitoring"
    )
    assert here.href("http://www.wikidata.org/entity/Q28") == "http://www.wikidata.org/entity/Q28"
    versioned = "https://w3id.org/r2p-graph/ontology/0.1.0"
    assert here.href(versioned) == versioned
    proxied = Site(request_for("http://example.org"), Settings(base_iri=ID))
    assert proxied.href(ID + "country/HU") == ID + "country/HU"


def test_pages_escape_everything() -> None:
    thing = URIRef(ID + "x/1")
    evil = '<script>alert("x")</script>'
    graph = Graph()
    graph.add((thing, RDFS.label, Literal(evil, lang="en")))
    graph.add((thing, RDFS.comment, Literal("a & b < c")))
    graph.add((thing, URIRef(R2P + "link"), URIRef('http://example.org/?a=1&b="2"')))
    graph.add((URIRef("http://example.org/other"), URIRef(R2P + "link"), thing))
    graph.add((thing, URIRef(R2P + "link"), URIRef("javascript:alert(1)")))
    labels = {thing: evil, URIRef(R2P + "link"): "<i>link</i>"}
    page = resource_page(Description(thing, graph, labels), href=str)
    assert "<script>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "a &amp; b &lt; c" in page
    assert 'href="http://example.org/?a=1&amp;b=&quot;2&quot;"' in page
    assert "javascript:alert(1)" in page and 'href="javascript:' not in page


def test_a_graph_rdf_xml_cannot_hold_is_not_acceptable() -> None:
    graph = Graph()
    graph.add((URIRef(ID + "x/1"), URIRef("http://example.org/properties/1"), Literal("one")))
    site = Site(request_for("http://example.org"), Settings(empty=True))
    with pytest.raises(NotAcceptableError, match="text/turtle"):
        serialize(graph, RdfFormat.RDF_XML, site)
    turtle = serialize(graph, RdfFormat.TURTLE, site)
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), graph)


def test_inbound_links_are_cut_at_the_limit() -> None:
    hub = URIRef(ID + "x/hub")
    lines = [f"<{ID}x/{i}> <{R2P}about> <{hub}> ." for i in range(INBOUND_LIMIT + 5)]
    lines += [f'<{ID}x/{i}> <{RDFS.label}> "thing {i}"@en .' for i in range(3)]
    with OxigraphRepository.in_memory() as repo:
        repo.load("\n".join(lines).encode(), RdfFormat.N_TRIPLES, graph="http://example.org/g")
        description = describe(repo, str(hub))
    assert not description.inbound_complete
    assert len(set(description.graph.subjects(URIRef(R2P + "about"), hub))) == INBOUND_LIMIT
    page = resource_page(description, href=str)
    assert f"Only the first {INBOUND_LIMIT} links are shown" in page
