"""SPARQL updates under reasoning: checked before they run, followed by a refresh of only the
inferences resting on what they changed (equal to a full derivation), kept in the right tier;
the fingerprint that tells whether the inferred graphs are current."""

from __future__ import annotations

from pathlib import Path

import pytest

from r2p_graph.services.inference import InconsistentDataError, InferringRepository, inferred_graph
from r2p_graph.services.inference.state import recorded_fingerprint
from r2p_graph.services.inference.tiers import ACCESS_GRAPH, VISIBILITY
from r2p_graph.services.inference.update_effect import update_effect
from r2p_graph.services.visibility import Visibility
from r2p_graph.store import OxigraphRepository, QueryDataset, RdfFormat
from tests.conftest import dump_bytes

EX = "http://example.org/synthetic/"
ORG = "http://www.w3.org/ns/org#"
R2P = "https://w3id.org/r2p-graph/ontology#"
DATA = "https://w3id.org/r2p-graph/graph/test-data"
PREFIXES = f"PREFIX org: <{ORG}> PREFIX r2p: <{R2P}> PREFIX ex: <{EX}>\n"


def update(repo: InferringRepository, text: str) -> None:
    repo.update(PREFIXES + text)


def ask(repo: InferringRepository, pattern: str, dataset: QueryDataset | None = None) -> bool:
    result = repo.query(PREFIXES + f"ASK {{ {pattern} }}", dataset=dataset)
    return bool(getattr(result, "value", False))


def assert_same_as_full_derivation(repo: InferringRepository) -> None:
    """Deriving everything again finds nothing to add or remove."""
    change = repo.refresh(None)
    assert (change.added, change.removed) == ({}, {})


SUBSIDIARIES = f"""INSERT DATA {{ GRAPH <{DATA}> {{
    ex:unit org:subOrganizationOf ex:office . ex:office org:subOrganizationOf ex:agency .
    ex:agency a r2p:GovernmentBody . ex:ngo a r2p:NonGovernmentalOrganization .
    ex:ana a r2p:Person .
    ex:m a r2p:Membership ; org:member ex:agency ; org:organization ex:network .
}} }}"""


def test_an_update_adding_a_sub_organisation_link_is_seen_by_the_next_query(
    repo: InferringRepository,
) -> None:
    update(repo, SUBSIDIARIES)
    update(
        repo, f"INSERT DATA {{ GRAPH <{DATA}> {{ ex:agency org:subOrganizationOf ex:ministry }} }}"
    )
    assert ask(repo, "ex:unit org:transitiveSubOrganizationOf ex:ministry")
    assert ask(repo, "ex:ministry org:hasSubOrganization ex:agency")  # an inverse
    assert ask(repo, "ex:unit org:memberOf ex:network")  # through its parent organisation
    assert repo.last_change.focused > 0  # derived for the subjects it touches, not in full
    assert_same_as_full_derivation(repo)


def test_a_delete_where_takes_away_what_rested_on_it(repo: InferringRepository) -> None:
    update(repo, SUBSIDIARIES)
    assert ask(repo, "ex:unit org:transitiveSubOrganizationOf ex:agency")
    assert ask(repo, "ex:agency a r2p:Organization")
    update(
        repo,
        f"DELETE {{ GRAPH <{DATA}> {{ ?x org:subOrganizationOf ?y }} }} "
        f"WHERE {{ GRAPH <{DATA}> {{ ?x org:subOrganizationOf ?y FILTER (?y = ex:agency) }} }}",
    )
    assert not ask(repo, "ex:unit org:transitiveSubOrganizationOf ex:agency")
    assert not ask(repo, "ex:office org:memberOf ex:network")
    assert ask(repo, "ex:unit org:transitiveSubOrganizationOf ex:office")
    update(repo, f"DELETE WHERE {{ GRAPH <{DATA}> {{ ex:agency a ?class }} }}")
    assert not ask(repo, "ex:agency a r2p:Organization")
    assert repo.last_change.focused > 0
    assert_same_as_full_derivation(repo)


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        pytest.param(
            "INSERT DATA { GRAPH <%s> { ex:ngo a r2p:Person } }",
            ("Organization", "Person"),
            id="stated, and through a subclass",
        ),
        pytest.param(
            "INSERT { GRAPH <%s> { ?x r2p:operatingLevel r2p:national } } "
            "WHERE { GRAPH <%s> { ?x a r2p:Person } }",
            ("Organization", "Person"),
            id="through the domain of a property, in INSERT WHERE",
        ),
        pytest.param(
            "INSERT DATA { GRAPH <%s> { ex:deal a r2p:Treaty , r2p:MemorandumOfUnderstanding } }",
            ("MemorandumOfUnderstanding", "Treaty"),
            id="two disjoint classes in one update",
        ),
    ],
)
def test_an_update_making_data_inconsistent_is_refused_with_nothing_written(
    repo: InferringRepository, text: str, classes: tuple[str, str]
) -> None:
    update(repo, SUBSIDIARIES)
    before = dump_bytes(repo)
    with pytest.raises(InconsistentDataError) as refused:
        update(repo, text.replace("%s", DATA))
    message = str(refused.value)
    assert all(f"#{name}>" in message for name in classes), message
    assert "nothing was written" in message
    assert dump_bytes(repo) == before


def test_an_update_replacing_a_class_by_a_disjoint_one_is_accepted(
    repo: InferringRepository,
) -> None:
    update(repo, SUBSIDIARIES)
    update(
        repo,
        f"DELETE {{ GRAPH <{DATA}> {{ ex:ngo a ?c }} }} "
        f"INSERT {{ GRAPH <{DATA}> {{ ex:ngo a r2p:Person }} }} "
        f"WHERE {{ GRAPH <{DATA}> {{ ex:ngo a ?c }} }}",
    )
    assert ask(repo, "ex:ngo a r2p:Person")
    assert not ask(repo, "ex:ngo a r2p:Organization")
    assert_same_as_full_derivation(repo)


def test_graph_operations_refresh_what_the_graphs_held(repo: InferringRepository) -> None:
    update(repo, SUBSIDIARIES)
    other = "https://w3id.org/r2p-graph/graph/test-other"
    update(repo, f"COPY <{DATA}> TO <{other}> ; DROP GRAPH <{DATA}>")
    assert ask(repo, "ex:unit org:transitiveSubOrganizationOf ex:agency")
    update(repo, f"CLEAR GRAPH <{other}>")
    assert not ask(repo, "ex:unit org:transitiveSubOrganizationOf ex:agency")
    assert_same_as_full_derivation(repo)


def test_inferences_of_an_update_to_a_partner_graph_stay_with_partners(
    repo: InferringRepository,
) -> None:
    partners = "https://w3id.org/r2p-graph/graph/contribution/partners"
    update(repo, f"INSERT DATA {{ GRAPH <{ACCESS_GRAPH}> {{ <{partners}> <{VISIBILITY}> "
           f"<{Visibility.PARTNERS.iri}> }} }}")  # fmt: skip
    update(repo, SUBSIDIARIES)
    update(
        repo, f"INSERT DATA {{ GRAPH <{partners}> {{ ex:agency org:subOrganizationOf ex:un }} }}"
    )
    partner_inferences = f"GRAPH <{inferred_graph(Visibility.PARTNERS)}>"
    assert ask(repo, f"{partner_inferences} {{ ex:unit org:transitiveSubOrganizationOf ex:un }}")
    assert not ask(
        repo, f"GRAPH <{inferred_graph(Visibility.PUBLIC)}> {{ ?x ?p ex:un }}"
    )  # fmt: skip
    assert_same_as_full_derivation(repo)


def test_the_effect_of_an_update_is_worked_out_before_it_runs(
    repo: InferringRepository,
) -> None:
    update(repo, SUBSIDIARIES)
    effect = update_effect(
        repo, PREFIXES + f"WITH <{DATA}> DELETE {{ ?x a ?c }} INSERT {{ ?x a r2p:Network }} "
        "WHERE { ?x a ?c FILTER (?c = r2p:GovernmentBody) }",
    )  # fmt: skip
    assert effect is not None
    assert [(str(q[0]), str(q[2]), str(q[3])) for q in effect.added] == [
        (EX + "agency", R2P + "Network", DATA)
    ]
    assert [str(q[2]) for q in effect.removed] == [R2P + "GovernmentBody"]
    # LOAD reads its document only when it runs; a WHERE after a write would see that write.
    assert update_effect(repo, "LOAD <http://example.org/synthetic/data.ttl>") is None
    both = "INSERT DATA { ex:a ex:p 1 } ; DELETE WHERE { ex:a ex:p ?o }"
    assert update_effect(repo, PREFIXES + both) is None


def test_an_update_whose_effect_is_unknown_is_followed_by_a_full_derivation(
    repo: InferringRepository,
) -> None:
    update(
        repo,
        f"INSERT DATA {{ GRAPH <{DATA}> {{ ex:a org:subOrganizationOf ex:b }} }} ; "
        f"INSERT {{ GRAPH <{DATA}> {{ ?y org:subOrganizationOf ex:c }} }} "
        f"WHERE {{ GRAPH <{DATA}> {{ ?x org:subOrganizationOf ?y }} }}",
    )
    assert ask(repo, "ex:a org:transitiveSubOrganizationOf ex:c")
    assert repo.last_change.focused == 0


def test_the_fingerprint_tells_when_inferred_graphs_must_be_derived_again(
    repo: InferringRepository,
) -> None:
    update(repo, SUBSIDIARIES)
    assert recorded_fingerprint(repo) is None  # taken away by the first write
    assert repo.ensure_inferred() is not None  # none recorded: derived again
    assert recorded_fingerprint(repo) == repo.fingerprint()
    assert repo.ensure_inferred() is None  # current: nothing to do
    # Data loaded by other means (the store without reasoning): stale, derived again.
    repo.inner.load(
        f"<{EX}net> <{ORG}subOrganizationOf> <{EX}unit> .".encode(),
        RdfFormat.TURTLE,
        graph=DATA,
    )
    assert not ask(repo, "ex:net org:transitiveSubOrganizationOf ex:agency")
    change = repo.ensure_inferred()
    assert change is not None and change.total_added > 0
    assert ask(repo, "ex:net org:transitiveSubOrganizationOf ex:agency")
    update(repo, f"DELETE DATA {{ GRAPH <{DATA}> {{ ex:net org:subOrganizationOf ex:unit }} }}")
    assert recorded_fingerprint(repo) is None


def test_closing_after_writes_records_the_fingerprint(tmp_path: Path) -> None:
    repo = InferringRepository(OxigraphRepository.open(tmp_path))
    update(repo, SUBSIDIARIES)
    repo.close()
    with OxigraphRepository.open(tmp_path) as reopened:
        assert recorded_fingerprint(reopened) == InferringRepository(reopened).fingerprint()
        assert InferringRepository(reopened).ensure_inferred() is None


def test_removing_everything_about_a_thing_takes_its_inferences(
    repo: InferringRepository,
) -> None:
    update(repo, SUBSIDIARIES)
    assert ask(repo, "ex:unit org:memberOf ex:network")
    update(repo, f"DELETE WHERE {{ GRAPH <{DATA}> {{ ex:unit ?p ?o }} }}")
    assert not ask(repo, "ex:unit ?p ?o")  # nothing inferred about it is left either
    assert repo.last_change.focused > 0
    assert_same_as_full_derivation(repo)
