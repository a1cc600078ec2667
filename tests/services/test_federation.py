"""Which SERVICE calls a query may make: the allow-list and the resolved addresses."""

from __future__ import annotations

import pytest

from r2p_graph.errors import InputError
from r2p_graph.services.federation import check_service_calls

PUBLIC = "https://query.example.org/sparql"
ALLOWED = (PUBLIC, "http://10.1.2.3:3030/ds/sparql", "https://inside.example.org/sparql")
DNS = {
    "query.example.org": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "inside.example.org": ["93.184.216.35", "10.0.0.7"],
}


def fake_dns(host: str, port: int) -> list[str]:
    if host not in DNS:
        raise InputError(f"the SERVICE endpoint's host {host!r} does not resolve")
    return DNS[host]


def check(query: str, allowed: tuple[str, ...] = ALLOWED) -> None:
    check_service_calls(query, allowed, base_iri="http://127.0.0.1:8000/sparql", resolver=fake_dns)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p ?o }",
        f"SELECT * {{ SERVICE <{PUBLIC}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{PUBLIC}> {{ ?s ?p ?o }} }}",
        "PREFIX q: <https://query.example.org/> SELECT * { SERVICE q:sparql { ?s ?p ?o } }",
        "SELECT * { SERVICE <HTTPS://QUERY.EXAMPLE.ORG/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <http://10.1.2.3:3030/ds/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s <http://e/p> 'SERVICE <http://evil/>' }",
    ],
)
def test_allowed_calls(query: str) -> None:
    check(query)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * { SERVICE <http://other.example.org/sparql> {} }", "not an endpoint"),
        ("SELECT * { SERVICE <http://127.0.0.1:8000/sparql> {} }", "not an endpoint"),
        ("SELECT * { SERVICE <sparql> {} }", "not an endpoint"),
        ("SELECT * { SERVICE ?endpoint {} }", "variable endpoint"),
        ("SELECT * { SERVICE undeclared:x {} }", "not an IRI"),
        (
            f"SELECT * {{ SERVICE <{PUBLIC}> {{}} SERVICE <http://169.254.169.254/> {{}} }}",
            "not an endpoint",
        ),
        (
            "SELECT * { SERVICE <https://inside.example.org/sparql> {} }",
            "internal address 10.0.0.7",
        ),
    ],
)
def test_refused_calls(query: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check(query)


def test_service_is_off_without_an_allow_list() -> None:
    with pytest.raises(InputError, match="turned off"):
        check(f"SELECT * {{ SERVICE <{PUBLIC}> {{ }} }}", ())


def test_an_allowed_name_that_resolves_to_loopback_is_refused() -> None:
    with pytest.raises(InputError, match="resolves to the internal address"):
        check_service_calls(
            "SELECT * { SERVICE <http://localhost:9/sparql> { } }",
            ("http://localhost:9/sparql",),
        )


def test_an_unresolvable_host_is_refused() -> None:
    with pytest.raises(InputError, match="does not resolve"):
        check_service_calls(
            "SELECT * { SERVICE <http://no-such-host.invalid/sparql> { } }",
            ("http://no-such-host.invalid/sparql",),
        )
