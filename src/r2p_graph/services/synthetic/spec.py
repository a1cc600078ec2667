"""How much of each thing a synthetic dataset of a given scale holds.

``scale`` is the number of organisations; everything else grows with it, so that a dataset has
about a hundred triples per organisation.

>>> spec = plan(1000)
>>> spec.organizations, spec.networks, spec.people, spec.programmes
(1000, 79, 1400, 500)
>>> sum(count for _, count in spec.organization_kinds) == spec.organizations
True
>>> plan(3).organization_kinds
(('NonGovernmentalOrganization', 1), ('GovernmentBody', 1), ('Network', 1))
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

MAX_FOCUS_COUNTRIES: Final = 150


class OrgKind(Enum):
    """A kind of organisation: its r2p class, the word its synthetic names use, its share."""

    NGO = ("NonGovernmentalOrganization", "NGO", 0.34)
    GOVERNMENT = ("GovernmentBody", "Ministry", 0.18)
    NETWORK = ("Network", "Network", 0.07)
    IGO = ("IntergovernmentalOrganization", "Intergovernmental Office", 0.06)
    ACADEMIC = ("AcademicInstitution", "Institute", 0.14)
    REGIONAL = ("RegionalOrganization", "Regional Organisation", 0.05)
    NPM = ("NationalPreventionMechanism", "National Committee", 0.05)

    def __init__(self, class_name: str, word: str, share: float) -> None:
        self.class_name = class_name
        self.word = word
        self.share = share


@dataclass(frozen=True, slots=True)
class SyntheticSpec:
    """The numbers of things a synthetic dataset holds.

    Counts are exact except ``established_programmes`` (at most that many programmes are set up
    by agreements; the rest are written in country clusters) and ``focus_countries`` (at most
    the number of sovereign countries bundled).
    """

    scale: int
    organizations: int
    organization_kinds: tuple[tuple[str, int], ...]
    duplicates: int
    quiet: int
    people: int
    memberships: int
    agreements: int
    dormant_agreements: int
    programmes: int
    established_programmes: int
    events: int
    programme_events: int
    planned_events: int
    focus_countries: int
    situations: int
    observations: int
    trigger_observations: int
    assessments: int
    scenarios: int
    reports: int

    @property
    def networks(self) -> int:
        """How many of the organisations are networks."""
        return dict(self.organization_kinds).get(OrgKind.NETWORK.class_name, 0)


def plan(scale: int) -> SyntheticSpec:
    """The counts of a dataset with ``scale`` organisations (``scale`` >= 1)."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, not {scale}")
    kinds = _kind_counts(scale)
    networks = dict(kinds).get(OrgKind.NETWORK.class_name, 0)
    agreements = max(1, round(0.1 * scale)) if scale >= 2 else 0
    dormant = round(0.2 * agreements) if scale >= 10 else 0
    programmes = max(1, round(0.5 * scale))
    events = max(1, round(0.6 * scale))
    observations = max(2, round(6 * scale))
    assessments = max(1, round(0.3 * scale))
    return SyntheticSpec(
        scale=scale,
        organizations=scale,
        organization_kinds=kinds,
        duplicates=round(0.02 * scale) if scale >= 10 else 0,
        quiet=max(2, round(0.03 * scale)) if dormant else 0,
        people=max(1, round(1.4 * scale)),
        memberships=min(round(0.8 * scale), (scale - networks) * networks),
        agreements=agreements,
        dormant_agreements=dormant,
        programmes=programmes,
        established_programmes=programmes // 3,
        events=events,
        programme_events=round(0.6 * events),
        planned_events=max(1, round(0.08 * events)),
        focus_countries=min(MAX_FOCUS_COUNTRIES, max(3, round(scale / 8))),
        situations=max(1, round(0.05 * scale)),
        observations=observations,
        trigger_observations=max(1, round(0.05 * observations)),
        assessments=assessments,
        scenarios=round(1.5 * assessments),
        reports=max(1, round(0.2 * scale)),
    )


def _kind_counts(scale: int) -> tuple[tuple[str, int], ...]:
    """One organisation of each kind first, then the rest by share (largest remainder)."""
    kinds = list(OrgKind)
    counts = [1 if i < scale else 0 for i in range(len(kinds))]
    rest = scale - sum(counts)
    total_share = sum(k.share for k in kinds)
    quotas = [rest * k.share / total_share for k in kinds]
    floors = [int(q) for q in quotas]
    by_remainder = sorted(range(len(kinds)), key=lambda i: (floors[i] - quotas[i], i))
    for i in by_remainder[: rest - sum(floors)]:
        floors[i] += 1
    return tuple(
        (kind.class_name, count + extra)
        for kind, count, extra in zip(kinds, counts, floors, strict=True)
        if count + extra
    )
