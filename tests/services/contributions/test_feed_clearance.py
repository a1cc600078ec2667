"""Who sees which contributions in the change feed: as who may read their graphs."""

from __future__ import annotations

import pytest

from r2p_graph.services.contributions.feed import may_see
from r2p_graph.services.tokens import Principal, Role
from r2p_graph.services.visibility import Visibility

ANONYMOUS = None
CONTRIBUTOR = Principal("ngo", Role.CONTRIBUTOR, "2026-01-01")
PARTNER = Principal("partner-db", Role.READER, "2026-01-01", partner=True)
CURATOR = Principal("centre", Role.CURATOR, "2026-01-01")


@pytest.mark.parametrize(
    ("principal", "public", "partners", "restricted"),
    [
        (ANONYMOUS, True, False, False),
        (CONTRIBUTOR, True, False, False),
        (PARTNER, True, True, False),
        (CURATOR, True, True, True),
    ],
)
def test_the_feed_shows_what_the_reader_may_read(
    principal: Principal | None, public: bool, partners: bool, restricted: bool
) -> None:
    assert may_see(Visibility.PUBLIC, principal) is public
    assert may_see(Visibility.PARTNERS, principal) is partners
    assert may_see(Visibility.RESTRICTED, principal) is restricted
