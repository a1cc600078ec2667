"""Federated queries: which ``SERVICE`` calls a query may make.

``SERVICE`` is off unless the operator lists the endpoints it may reach (the
``service_endpoints`` setting). When it is on, every ``SERVICE`` of a query must name one of
them literally (not a variable, which could point anywhere), and the endpoint's host must
resolve only to public addresses — never to a loopback, private, link-local or otherwise
internal one — unless the allow-list gives it by its address (``http://10.0.0.5:3030/sparql``),
which is the operator saying so. The resolved addresses are checked, not the host name, so a
public-looking name that points inside is refused. The engine calls endpoints without following
redirects, so an allowed endpoint cannot send the call elsewhere.

Calls carry only the pattern inside ``SERVICE`` and no token: a remote endpoint sees what its
anonymous readers may see, and the local part of the query runs over the reader's readable
graphs only (:mod:`r2p_graph.services.visibility`), so restricted data neither comes in from
another r2p-graph nor leaves through a call.

>>> check_service_calls("SELECT * { ?s ?p ?o }", ())
>>> check_service_calls("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }", ())
Traceback (most recent call last):
...
r2p_graph.errors.InputError: SERVICE (federated query) is turned off on this server
>>> check_service_calls(
...     "SELECT * { SERVICE <http://127.0.0.1:7001/sparql> { ?s ?p ?o } }",
...     ("http://127.0.0.1:7001/sparql",))
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from r2p_graph.errors import InputError
from r2p_graph.store.sparql_clauses import UnreadableClauseError, service_endpoints
from r2p_graph.store.sparql_text import calls_service

Resolver = Callable[[str, int], list[str]]
"""The addresses a host name resolves to (for tests, a stand-in for DNS)."""


def resolve(host: str, port: int) -> list[str]:
    """The IP addresses ``host`` resolves to; ``InputError`` when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise InputError(f"the SERVICE endpoint's host {host!r} does not resolve") from error
    return sorted({str(info[4][0]) for info in infos})


def check_service_calls(
    sparql: str,
    allowed: Sequence[str],
    *,
    base_iri: str | None = None,
    resolver: Resolver = resolve,
) -> None:
    """``InputError`` (a 400 over HTTP) unless every ``SERVICE`` of ``sparql`` calls an endpoint
    of ``allowed`` whose host resolves only to public addresses (or is given by its address in
    ``allowed``). Nothing to check when the query has no ``SERVICE``."""
    if not calls_service(sparql):
        return
    if not allowed:
        raise InputError("SERVICE (federated query) is turned off on this server")
    try:
        endpoints = service_endpoints(sparql, base_iri=base_iri)
    except UnreadableClauseError as error:
        raise InputError(f"SERVICE: {error}") from error
    if not endpoints:
        raise InputError("SERVICE: cannot tell which endpoint the query calls")
    permitted = {_normal(iri) for iri in allowed}
    listing = ", ".join(f"<{iri}>" for iri in allowed)
    for endpoint in endpoints:
        if endpoint is None:
            raise InputError(
                "SERVICE with a variable endpoint is not allowed: name one of the endpoints "
                f"this server may call ({listing})"
            )
        if _normal(endpoint) not in permitted:
            raise InputError(
                f"SERVICE <{endpoint}> is not an endpoint this server may call; "
                f"it calls only {listing}"
            )
        _check_addresses(endpoint, resolver)


def _normal(iri: str) -> str:
    parts = urlsplit(iri)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def _check_addresses(endpoint: str, resolver: Resolver) -> None:
    parts = urlsplit(endpoint)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"SERVICE <{endpoint}> is not an http(s) endpoint")
    try:
        ipaddress.ip_address(parts.hostname)
    except ValueError:
        pass
    else:
        return  # given by its address in the allow-list: the operator's choice
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    for address in resolver(parts.hostname, port):
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise InputError(
                f"SERVICE <{endpoint}>: its host {parts.hostname} resolves to the internal "
                f"address {address}; this server calls internal addresses only when the "
                "allow-list gives the endpoint by its address"
            )
