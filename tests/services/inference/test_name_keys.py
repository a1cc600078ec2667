"""Organisations' name keys: derived for every label of an organisation, kept current on every
write (a new or changed label gets its key, a withdrawn label or type loses it), in the inferred
graph of the tier of what they rest on, and used by the duplicate-candidates query."""

from __future__ import annotations

from rdflib import URIRef

from r2p_graph.services.catalogue import Catalogue
from r2p_graph.services.inference import InferringRepository, inferred_graph
from r2p_graph.services.inference.state import fingerprint, record_fingerprint
from r2p_graph.services.inference.tiers import ACCESS_GRAPH, VISIBILITY
from r2p_graph.services.visibility import Visibility, readable_graphs
from r2p_graph.store import SelectResult

EX = "http://example.org/synthetic/"
R2P = "https://w3id.org/r2p-graph/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DATA = "https://w3id.org/r2p-graph/graph/test-data"
PARTNERS = "https://w3id.org/r2p-graph/graph/contribution/partners"
PREFIXES = f"PREFIX r2p: <{R2P}> PREFIX ex: <{EX}> PREFIX rdfs: <{RDFS}>\n"
KEYS = "SELECT ?s ?key WHERE { ?s r2p:nameKey ?key } ORDER BY ?s ?key"


def update(repo: InferringRepository, text: str) -> None:
    repo.update(PREFIXES + text)


def keys(
    repo: InferringRepository, clearance: Visibility = Visibility.RESTRICTED
) -> list[tuple[str, str]]:
    text = PREFIXES + KEYS
    dataset = readable_graphs(repo, clearance).dataset(text)
    result = repo.query(text, dataset=dataset)
    assert isinstance(result, SelectResult)
    return [(str(s).removeprefix(EX), str(k)) for s, k in result.rows()]


def assert_same_as_full_derivation(repo: InferringRepository) -> None:
    change = repo.refresh(None)
    assert (change.added, change.removed) == ({}, {})


def test_a_new_label_of_an_organisation_gets_its_key(repo: InferringRepository) -> None:
    update(
        repo,
        f"""INSERT DATA {{ GRAPH <{DATA}> {{
        ex:net a r2p:Network ; rdfs:label "The Network for Peace & Justice"@en ,
                                          "Réseau pour la paix"@fr .
        ex:ngo a r2p:NonGovernmentalOrganization ; rdfs:label "NGO_One (no. 1)" .
        ex:ana a r2p:Person ; rdfs:label "Ana of the Network" . }} }}""",
    )
    # Lower case, without the small words and without what is neither a letter nor a digit;
    # a person's label gets no key.
    assert keys(repo) == [
        ("net", "networkpeacejustice"),
        ("net", "réseaupourlapaix"),
        ("ngo", "ngoone1"),
    ]
    assert repo.last_change.focused > 0
    located = repo.query(
        PREFIXES + f"ASK {{ GRAPH <{inferred_graph(Visibility.PUBLIC)}> "
        '{ ex:ngo r2p:nameKey "ngoone1" } }'
    )
    assert getattr(located, "value", False)
    assert_same_as_full_derivation(repo)


def test_a_removed_label_loses_its_key(repo: InferringRepository) -> None:
    update(
        repo,
        f"""INSERT DATA {{ GRAPH <{DATA}> {{ ex:ngo a r2p:NonGovernmentalOrganization ;
        rdfs:label "Peace Watch" , "Watch for Peace" . }} }}""",
    )
    assert keys(repo) == [("ngo", "peacewatch"), ("ngo", "watchpeace")]
    update(repo, f'DELETE DATA {{ GRAPH <{DATA}> {{ ex:ngo rdfs:label "Watch for Peace" }} }}')
    assert keys(repo) == [("ngo", "peacewatch")]
    # A renamed organisation: the old key goes, the new one comes.
    update(
        repo,
        f"""DELETE {{ GRAPH <{DATA}> {{ ex:ngo rdfs:label ?old }} }}
        INSERT {{ GRAPH <{DATA}> {{ ex:ngo rdfs:label "Atrocity Watch" }} }}
        WHERE {{ GRAPH <{DATA}> {{ ex:ngo rdfs:label ?old }} }}""",
    )
    assert keys(repo) == [("ngo", "atrocitywatch")]
    # No longer typed an organisation: no key either.
    update(repo, f"DELETE DATA {{ GRAPH <{DATA}> {{ ex:ngo a r2p:NonGovernmentalOrganization }} }}")
    assert keys(repo) == []
    assert_same_as_full_derivation(repo)


def test_a_partner_tier_label_key_is_not_visible_anonymously(repo: InferringRepository) -> None:
    repo.add(
        [(URIRef(PARTNERS), URIRef(VISIBILITY), Visibility.PARTNERS.iri, URIRef(ACCESS_GRAPH))]
    )
    update(
        repo,
        f"""INSERT DATA {{ GRAPH <{DATA}> {{
        ex:a a r2p:NonGovernmentalOrganization ; rdfs:label "Peace Watch"@en .
        ex:b a r2p:NonGovernmentalOrganization ; rdfs:label "Atrocity Watch"@en . }} }}""",
    )
    update(repo, f'INSERT DATA {{ GRAPH <{PARTNERS}> {{ ex:b rdfs:label "The Peace-Watch" }} }}')
    assert keys(repo, Visibility.PUBLIC) == [("a", "peacewatch"), ("b", "atrocitywatch")]
    assert keys(repo, Visibility.PARTNERS) == [
        ("a", "peacewatch"),
        ("b", "atrocitywatch"),
        ("b", "peacewatch"),
    ]
    partner_key = repo.query(
        PREFIXES + f"ASK {{ GRAPH <{inferred_graph(Visibility.PARTNERS)}> "
        '{ ex:b r2p:nameKey "peacewatch" } }'
    )
    assert getattr(partner_key, "value", False)
    # The duplicate-candidates query pairs them for partners only.
    text = Catalogue.bundled().get("duplicate-candidates").bind({})
    pairs = {}
    for clearance in (Visibility.PUBLIC, Visibility.PARTNERS):
        result = repo.query(text, dataset=readable_graphs(repo, clearance).dataset(text))
        assert isinstance(result, SelectResult)
        pairs[clearance] = [(str(r[0]), str(r[2]), str(r[5])) for r in result.rows()]
    assert pairs[Visibility.PUBLIC] == []
    assert pairs[Visibility.PARTNERS] == [(EX + "a", EX + "b", "name variant")]
    # Withdrawn from the partners' graph: the partners' key goes with it.
    update(repo, f"DROP GRAPH <{PARTNERS}>")
    assert keys(repo, Visibility.PARTNERS) == [("a", "peacewatch"), ("b", "atrocitywatch")]
    assert_same_as_full_derivation(repo)


def test_a_store_derived_before_name_keys_existed_gets_them_at_start(
    repo: InferringRepository,
) -> None:
    update(
        repo,
        f"""INSERT DATA {{ GRAPH <{DATA}> {{
        ex:ngo a r2p:NonGovernmentalOrganization ; rdfs:label "Peace Watch" . }} }}""",
    )
    # The inferred graphs of an earlier release: no keys, and its rules' fingerprint.
    repo.inner.update(PREFIXES + "DELETE WHERE { GRAPH ?g { ?s r2p:nameKey ?key } }")
    record_fingerprint(repo.inner, fingerprint(repo.inner, "an earlier release's rules"))
    change = repo.ensure_inferred()
    assert change is not None and change.total_added == 1
    assert keys(repo) == [("ngo", "peacewatch")]
    assert repo.ensure_inferred() is None  # recorded with the current rules
