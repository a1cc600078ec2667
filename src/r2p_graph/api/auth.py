"""Who may do what over HTTP: writes need ``Authorization: Bearer TOKEN``; reads are open to
all, and a partner or curator token lets its holder read more
(:mod:`r2p_graph.services.visibility`).

Routes declare the least role they need with the typed dependencies below; a request without a
valid token gets 401 (with ``WWW-Authenticate: Bearer``), one whose role is too low gets 403. A
read with an invalid token also gets 401, rather than being answered as if anonymous.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from r2p_graph.errors import R2PError
from r2p_graph.services.tokens import Principal, Role, TokenRegistry
from r2p_graph.services.visibility import Visibility, clearance


class UnauthorizedError(R2PError):
    """No valid token was given (401)."""


class ForbiddenError(R2PError):
    """The token's role is too low for this request (403)."""


def get_tokens(request: Request) -> TokenRegistry:
    """The token registry of the service's data directory."""
    tokens: TokenRegistry = request.app.state.tokens
    return tokens


def require(role: Role) -> Callable[[Request], Principal]:
    """A dependency that admits holders of ``role`` or higher."""

    def check(request: Request) -> Principal:
        principal = reader(request)
        if principal is None:
            raise UnauthorizedError("this request needs an 'Authorization: Bearer <token>' header")
        if principal.role < role:
            raise ForbiddenError(
                f"this request needs the {role.name.lower()} role; "
                f"the token of {principal.name!r} has {principal.role.name.lower()}"
            )
        return principal

    return check


def reader(request: Request) -> Principal | None:
    """The holder of the request's bearer token; ``None`` without an ``Authorization`` header;
    401 when the header is malformed or the token is not valid."""
    header = request.headers.get("authorization", "")
    if not header.strip():
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise UnauthorizedError("give the token as 'Authorization: Bearer <token>'")
    principal = get_tokens(request).authenticate(secret.strip())
    if principal is None:
        raise UnauthorizedError("the token is not valid (unknown or revoked)")
    return principal


def reader_clearance(request: Request) -> Visibility:
    """What the request's reader may read: public data, or more with a partner or curator
    token."""
    return clearance(reader(request))


ClearanceDep = Annotated[Visibility, Depends(reader_clearance)]
ContributorDep = Annotated[Principal, Depends(require(Role.CONTRIBUTOR))]
CuratorDep = Annotated[Principal, Depends(require(Role.CURATOR))]
AdminDep = Annotated[Principal, Depends(require(Role.ADMIN))]
