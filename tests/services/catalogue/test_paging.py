"""Paged catalogue queries: a ``page`` parameter chooses an ``OFFSET`` after the query's one
``LIMIT``, and the pages of a query, read in turn, are its whole answer."""

from __future__ import annotations

import datetime as dt

import pytest

from r2p_graph.errors import InputError
from r2p_graph.services.catalogue import Catalogue, parse_query
from r2p_graph.store import Repository, SelectResult
from tests.services.catalogue.conftest import Row, short

HEADER = """# title: Paging
# description: Pages of things.
# audience: tests
# parameter: page
#   type: page
#   default: 1
# parameter: kind
#   type: iri
"""
BODY = """SELECT ?thing ?name WHERE {
  { SELECT ?thing WHERE { ?thing a ?kind } ORDER BY ?thing LIMIT 10 }
  ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?name .
}
"""


def test_page_n_starts_n_minus_one_pages_in() -> None:
    query = parse_query("paging", HEADER + BODY)
    assert query.page_size == 10
    assert "LIMIT 10 OFFSET 0 }" in query.bind({})
    assert "LIMIT 10 OFFSET 20 }" in query.bind({"page": ["3"]})
    # The page is not a variable of the query: no VALUES binds it.
    assert "?page" not in query.bind({"page": ["3"]})
    assert query.page({"page": ["3"]}) == 3 and query.page({}) == 1


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (["0"], "parameter 'page': '0' is not a page number, 1 for the first"),
        (["-2"], "parameter 'page': '-2' is not a page number, 1 for the first"),
        (["two"], "parameter 'page': 'two' is not a page number, 1 for the first"),
        (["1.5"], "parameter 'page': '1.5' is not a page number, 1 for the first"),
        (["1000000"], "parameter 'page': '1000000' is not a page number, 1 for the first"),
        (["1", "2"], "parameter 'page' takes one value, not 2"),
    ],
)
def test_a_page_that_is_not_a_whole_number_from_one_is_refused(
    given: list[str], message: str
) -> None:
    query = parse_query("paging", HEADER + BODY)
    with pytest.raises(InputError) as refused:
        query.bind({"page": given})
    assert refused.value.message == message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (BODY.replace(" LIMIT 10", ""), "exactly one LIMIT (the page size), not 0"),
        (BODY + "LIMIT 5\n", "exactly one LIMIT (the page size), not 2"),
        (BODY.replace("LIMIT 10", "LIMIT 0"), "LIMIT (the page size) is at least 1"),
        (BODY.replace("LIMIT 10", "LIMIT 10 OFFSET 5"), "no OFFSET of its own"),
        (BODY.replace("LIMIT 10", "OFFSET 5 LIMIT 10"), "no OFFSET of its own"),
    ],
)
def test_a_paged_query_has_one_limit_and_no_offset_of_its_own(body: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_query("paging", HEADER + body)
    assert message in refused.value.message
    assert refused.value.location is not None and refused.value.location.source == "paging.rq"


def test_a_paged_query_has_one_page_parameter() -> None:
    second = "# parameter: also\n#   type: page\n"
    with pytest.raises(InputError, match="one 'page' parameter"):
        parse_query("paging", HEADER + second + BODY)
    several = HEADER.replace("#   default: 1\n", "#   multiple: yes\n")
    with pytest.raises(InputError, match="one 'page' parameter"):
        parse_query("paging", several + BODY)


def test_limit_and_offset_in_comments_and_strings_are_not_clauses() -> None:
    body = BODY.replace(
        "?thing <http://www.w3.org/2000/01/rdf-schema#label> ?name .",
        '?thing <http://example.org/v#LIMIT> "OFFSET 3 LIMIT 4" . # LIMIT 7 OFFSET 2',
    )
    query = parse_query("paging", HEADER + body)
    assert query.page_size == 10
    assert "LIMIT 10 OFFSET 10 }" in query.bind({"page": ["2"]})


def test_the_catalogue_says_which_queries_are_paged_and_by_how_many() -> None:
    sizes = {q.name: q.describe()["page_size"] for q in Catalogue.bundled().queries()}
    assert sizes.pop("coalition-membership") == 25
    assert set(sizes.values()) == {None}


def _pages(repo: Repository, text: str, **params: str) -> list[list[Row]]:
    """Every page of the coalition membership query with ``text`` (to the first empty one)."""
    query = parse_query("coalition-membership", text)
    pages: list[list[Row]] = []
    while not pages or pages[-1]:
        given = {k: [v] for k, v in params.items()} | {"page": [str(len(pages) + 1)]}
        result = repo.query(query.bind(given, today=dt.date(2026, 6, 30)))
        assert isinstance(result, SelectResult)
        pages.append([tuple(short(v) for v in row) for row in result.rows()])
    return pages[:-1]


def test_pages_of_coalition_membership_read_in_turn_are_the_whole_list(
    fixture_repo: Repository, catalogue: Catalogue
) -> None:
    shipped = catalogue.get("coalition-membership").sparql
    (whole,) = _pages(fixture_repo, shipped)
    # The same query one network a page: Alpha with its five members, then Beta with its one.
    one_a_page = _pages(fixture_repo, shipped.replace("LIMIT 25", "LIMIT 1"))
    assert [len(page) for page in one_a_page] == [5, 1]
    assert {row[0] for row in one_a_page[0]} == {"ex:net1"}
    assert [row for page in one_a_page for row in page] == whole
    # The pages of one organisation's memberships hold only the networks it belongs to.
    org1 = _pages(fixture_repo, shipped.replace("LIMIT 25", "LIMIT 1"), organisation=_ORG1)
    assert [[(row[0], row[4]) for row in page] for page in org1] == [
        [("ex:net1", "through a member network")],
        [("ex:net2", "direct")],
    ]


_ORG1 = "https://w3id.org/r2p-graph/id/fixture/org1"
