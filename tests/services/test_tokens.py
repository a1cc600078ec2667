"""Tokens: shown once, stored hashed, revocable, roles ordered."""

from __future__ import annotations

from pathlib import Path

import pytest

from r2p_graph.errors import InputError
from r2p_graph.services.tokens import Role, TokenRegistry


def test_tokens_are_stored_as_hashes_only(tmp_path: Path) -> None:
    registry = TokenRegistry(tmp_path / "tokens.json")
    secret = registry.create("partner", Role.CURATOR)
    assert secret not in (tmp_path / "tokens.json").read_text()
    principal = registry.authenticate(secret)
    assert principal is not None and principal.role is Role.CURATOR
    assert Role.CURATOR > Role.CONTRIBUTOR > Role.READER


def test_revoked_token_no_longer_works(tmp_path: Path) -> None:
    registry = TokenRegistry(tmp_path / "tokens.json")
    secret = registry.create("partner", Role.CONTRIBUTOR)
    registry.revoke("partner")
    assert registry.authenticate(secret) is None
    assert registry.holders() == []
    with pytest.raises(InputError, match="no token named"):
        registry.revoke("partner")


def test_names_are_unique_and_roles_known(tmp_path: Path) -> None:
    registry = TokenRegistry(tmp_path / "tokens.json")
    registry.create("partner", Role.READER)
    with pytest.raises(InputError, match="exists already"):
        registry.create("partner", Role.ADMIN)
    with pytest.raises(InputError, match="unknown role"):
        Role.named("boss")
