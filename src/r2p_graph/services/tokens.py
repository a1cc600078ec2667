"""Access tokens: who may write, in which role, and whether they may read partners' data.

A token is shown once, when it is created; only its SHA-256 hash is kept, in
``<data-dir>/tokens.json``. Roles are ordered: a higher role may do all a lower one may.

Being a partner is a flag on the token, not a role: it says what its holder may *read* (data
whose visibility is ``partners``, see :mod:`r2p_graph.services.visibility`), while the role
says what they may *write*. A partner organisation's reader token and its contributor token can
both carry it; curators and admins read everything anyway.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     tokens = TokenRegistry(Path(folder) / "tokens.json")
...     secret = tokens.create("alice", Role.CONTRIBUTOR)
...     found = tokens.authenticate(secret)
...     found.name, found.role.name, tokens.authenticate("wrong")
('alice', 'CONTRIBUTOR', None)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path

from r2p_graph.errors import InputError


class Role(IntEnum):
    """What a token may do; each role includes the ones below it."""

    READER = 1
    CONTRIBUTOR = 2
    CURATOR = 3
    ADMIN = 4

    @classmethod
    def named(cls, name: str) -> Role:
        """The role called ``name`` (case-insensitive); ``InputError`` otherwise."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            known = ", ".join(r.name.lower() for r in cls)
            raise InputError(f"unknown role {name!r} (known: {known})") from None


@dataclass(frozen=True, slots=True)
class Principal:
    """The holder of a valid token."""

    name: str
    role: Role
    created: str
    partner: bool = False


class TokenRegistry:
    """The tokens of one data directory. Safe to use from several threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def create(self, name: str, role: Role, *, partner: bool = False) -> str:
        """Make a token for ``name`` with ``role`` and return it; it cannot be shown again.
        With ``partner``, its holder also reads the data kept for partners."""
        if not name.strip():
            raise InputError("a token needs a name")
        secret = "r2p_" + secrets.token_urlsafe(32)
        with self._lock:
            entries = self._read()
            if any(e["name"] == name for e in entries):
                raise InputError(f"a token named {name!r} exists already; revoke it first")
            entries.append(
                {
                    "name": name,
                    "role": role.name.lower(),
                    "hash": _digest(secret),
                    "created": datetime.now(UTC).isoformat(timespec="seconds"),
                    **({"partner": True} if partner else {}),
                }
            )
            self._write(entries)
        return secret

    def holders(self) -> list[Principal]:
        """Every token's holder, role and creation time (never the token)."""
        with self._lock:
            return [_principal(e) for e in self._read()]

    def revoke(self, name: str) -> None:
        """Remove the token called ``name``; ``InputError`` when there is none."""
        with self._lock:
            entries = self._read()
            kept = [e for e in entries if e["name"] != name]
            if len(kept) == len(entries):
                raise InputError(f"no token named {name!r}")
            self._write(kept)

    def authenticate(self, secret: str) -> Principal | None:
        """The holder of ``secret``, or ``None`` when it is not a valid token."""
        digest = _digest(secret)
        with self._lock:
            entries = self._read()
        for entry in entries:
            if hmac.compare_digest(str(entry["hash"]), digest):
                return _principal(entry)
        return None

    def _read(self) -> list[dict[str, object]]:
        if not self.path.is_file():
            return []
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return list(data.get("tokens", []))

    def _write(self, entries: list[dict[str, object]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as file:
            json.dump({"tokens": entries}, file, indent=2)
            file.flush()
            os.fsync(file.fileno())
        partial.chmod(0o600)
        partial.replace(self.path)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _principal(entry: dict[str, object]) -> Principal:
    return Principal(
        str(entry["name"]),
        Role.named(str(entry["role"])),
        str(entry["created"]),
        partner=entry.get("partner") is True,
    )
