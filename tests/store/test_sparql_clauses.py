"""Reading FROM / FROM NAMED and SERVICE endpoints from the text of a query."""

from __future__ import annotations

import pytest

from r2p_graph.store.sparql_clauses import (
    DatasetClause,
    UnreadableClauseError,
    dataset_clause,
    service_endpoints,
)

G = "http://example.org/g/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", None),
        (f"SELECT * FROM <{G}a> WHERE {{ ?s ?p ?o }}", DatasetClause((f"{G}a",), ())),
        (f"select * from named <{G}a> {{ }}", DatasetClause((), (f"{G}a",))),
        (f"SELECT * FROM<{G}a>FROM NAMED<{G}b>{{}}", DatasetClause((f"{G}a",), (f"{G}b",))),
        (
            f"CONSTRUCT {{ ?s ?p ?o }} FROM <{G}a> WHERE {{ ?s ?p ?o }}",
            DatasetClause((f"{G}a",), ()),
        ),
        (f"DESCRIBE <{G}x> FROM <{G}a>", DatasetClause((f"{G}a",), ())),
        (f"ASK FROM <{G}a> {{ ?s ?p ?o }}", DatasetClause((f"{G}a",), ())),
        (
            f"PREFIX g: <{G}> SELECT * FROM g:a FROM NAMED g:b {{}}",
            DatasetClause((f"{G}a",), (f"{G}b",)),
        ),
        (f"PREFIX : <{G}> SELECT * FROM :a {{}}", DatasetClause((f"{G}a",), ())),
        (f"BASE <{G}> SELECT * FROM <a> {{}}", DatasetClause((f"{G}a",), ())),
        (f"# FROM <{G}x>\nSELECT * {{ ?s ?p 'FROM <{G}y>' }}", None),
        ('SELECT * { ?s ?p """FROM\n<x>""" }', None),
        ("SELECT ?from { ?from <http://e/FROM> ?x }", None),
        (f"PREFIX e: <{G}> SELECT * {{ ?s e:FROM ?o }}", None),
    ],
)
def test_dataset_clause(query: str, expected: DatasetClause | None) -> None:
    assert dataset_clause(query) == expected


def test_relative_iris_resolve_against_the_endpoint() -> None:
    clause = dataset_clause("SELECT * FROM <graph/a> {}", base_iri="http://host/sparql")
    assert clause == DatasetClause(("http://host/graph/a",), ())


def test_unreadable_from_is_an_error() -> None:
    with pytest.raises(UnreadableClauseError):
        dataset_clause("SELECT * FROM undeclared:a { }")
    with pytest.raises(UnreadableClauseError):
        dataset_clause("SELECT * FROM")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { ?s ?p ?o }", ()),
        ("SELECT * { SERVICE <http://a/sparql> { ?s ?p ?o } }", ("http://a/sparql",)),
        ("SELECT * { service silent <http://a/sparql> { } }", ("http://a/sparql",)),
        ("PREFIX e: <http://a/> SELECT * { SERVICE e:sparql { } }", ("http://a/sparql",)),
        ("SELECT * { SERVICE ?where { } }", (None,)),
        (
            "SELECT * { { SELECT * { SERVICE <http://a/1> {} } } SERVICE <http://b/2> {} }",
            ("http://a/1", "http://b/2"),
        ),
        ("SELECT * { ?s <http://e/SERVICE> 'SERVICE <http://c/>' } # SERVICE <http://d/>", ()),
    ],
)
def test_service_endpoints(query: str, expected: tuple[str | None, ...]) -> None:
    assert service_endpoints(query) == expected


def test_unreadable_service_is_an_error() -> None:
    with pytest.raises(UnreadableClauseError):
        service_endpoints("SELECT * { SERVICE nope:x { } }")
