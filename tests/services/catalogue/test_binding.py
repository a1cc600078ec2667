"""Where :meth:`CatalogueQuery.bind` puts a parameter's ``VALUES``: in the query's own
``WHERE`` when its text uses the parameter outside its sub-queries, and in each sub-query that
uses it."""

from __future__ import annotations

import re

from r2p_graph.services.catalogue import Catalogue, parse_query

HEADER = """# title: Binding
# description: Where parameters go.
# audience: tests
# parameter: country
#   type: country
#   multiple: yes
# parameter: least
#   type: integer
#   default: 2
"""


def _wheres(text: str) -> list[str]:
    """What each WHERE clause starts with: the VALUES blocks put there (on a line of their
    own), or else the rest of its line."""
    starts = []
    for part in text.split("WHERE {")[1:]:
        line, _, rest = part.partition("\n")
        starts.append(line.strip() or rest.split("\n")[0].strip())
    return starts


def test_a_sub_query_gets_only_the_parameters_it_uses() -> None:
    query = parse_query(
        "binding",
        HEADER
        + """SELECT ?x ?n WHERE {
  { SELECT ?x WHERE { ?x a ?kind } }
  { SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x HAVING (COUNT(*) >= ?least) }
  FILTER (?x != ?country)
}
""",
    )
    bound = query.bind({"country": ["SI", "HU"]})
    top, first, second = _wheres(bound)
    # Two countries in a sub-query that does not use them would repeat its rows.
    assert top.startswith("VALUES ?country {") and "?least" not in top
    assert first == "?x a ?kind } }"
    # The sub-query's HAVING uses ?least, so it gets its value.
    assert second == 'VALUES ?least { "2"^^<http://www.w3.org/2001/XMLSchema#integer> }'
    assert bound.count("VALUES ?country") == 1


def test_braces_in_strings_and_hashes_in_iris_do_not_end_a_sub_query() -> None:
    query = parse_query(
        "binding",
        HEADER
        + """SELECT ?x WHERE {
  { SELECT ?x WHERE { ?x <http://example.org/v#p> "}" } }
  { SELECT ?x WHERE { ?x <http://example.org/v#q> ?y FILTER (?y > ?least) } }
}
""",
    )
    _, first, second = _wheres(query.bind({}))
    assert first.startswith("?x <http://example.org/v#p>")
    assert second.startswith("VALUES ?least")


def test_catalogue_parameters_used_only_in_sub_queries_are_not_bound_outside() -> None:
    dormant = Catalogue.bundled().get("dormant-agreements").bind({"months": ["6"]})
    top = _wheres(dormant)[0]
    assert "VALUES" not in top
    assert dormant.count('VALUES ?months { "6"^^') == 3


def test_triggers_ahead_lists_a_month_for_every_month_it_may_be_asked_about() -> None:
    # The readings are looked up by the days of the coming months, which the query lists: a
    # larger maximum for ``months`` needs a longer list.
    query = Catalogue.bundled().get("triggers-ahead")
    maximum = query.parameter("months").maximum
    for listed in re.findall(r"VALUES \?monthStep \{([^}]*)\}", query.sparql):
        assert [int(n) for n in listed.split()] == list(range((maximum or 0) + 1))
    assert query.sparql.count("VALUES ?monthStep") == 2


def test_a_parameter_named_only_in_a_comment_or_a_string_is_not_bound_there() -> None:
    query = parse_query(
        "binding",
        HEADER
        + """SELECT ?x WHERE {
  # ?country is chosen in the sub-query; WHERE{ here opens nothing.
  ?x <http://example.org/v#note> "?least" .
  { SELECT ?x WHERE { ?x <http://example.org/v#in> ?country } }
}
""",
    )
    top, inner = _wheres(query.bind({"country": ["SI"]}))
    assert top.startswith("# ?country is chosen")
    assert inner.startswith("VALUES ?country {") and "?least" not in inner
