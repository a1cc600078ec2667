"""The planned cast of a synthetic dataset: its organisations, focus countries and pools.

Only small per-organisation and per-country records are kept in memory; everything else is
written as soon as it is made.

>>> from r2p_graph.services.synthetic.spec import plan
>>> from r2p_graph.services.synthetic.vocabulary import load_vocabulary
>>> world = build_world(plan(30), 1, load_vocabulary())
>>> len(world.orgs), len(world.focus), sum(org.original >= 0 for org in world.orgs)
(30, 4, 1)
>>> world.org_label(0).startswith("Synthetic NGO 1 for ")
True
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from r2p_graph.services.synthetic.randomness import stream, weighted
from r2p_graph.services.synthetic.spec import OrgKind, SyntheticSpec
from r2p_graph.services.synthetic.terms import Term, synthetic_iri
from r2p_graph.services.synthetic.vocabulary import Vocabulary

INTERNATIONAL, REGIONAL, NATIONAL, LOCAL = range(4)
"""Indexes into :data:`~r2p_graph.services.synthetic.vocabulary.OPERATING_LEVELS`."""

THEMES: Final = (
    "Human Rights",
    "Atrocity Prevention",
    "Peace and Dialogue",
    "Early Warning",
    "Transitional Justice",
    "Civilian Protection",
    "Minority Rights",
    "Genocide Studies",
)
MAX_SUB_DEPTH: Final = 3

_FIRST_LEVEL: Final = {
    OrgKind.NGO: LOCAL,
    OrgKind.GOVERNMENT: NATIONAL,
    OrgKind.NETWORK: REGIONAL,
    OrgKind.IGO: INTERNATIONAL,
    OrgKind.ACADEMIC: NATIONAL,
    OrgKind.REGIONAL: REGIONAL,
    OrgKind.NPM: NATIONAL,
}
_LEVELS: Final[dict[OrgKind, tuple[tuple[int, float], ...]]] = {
    OrgKind.NGO: ((INTERNATIONAL, 0.15), (REGIONAL, 0.15), (NATIONAL, 0.4), (LOCAL, 0.3)),
    OrgKind.GOVERNMENT: ((NATIONAL, 0.9), (LOCAL, 0.1)),
    OrgKind.NETWORK: ((INTERNATIONAL, 0.4), (REGIONAL, 0.3), (NATIONAL, 0.3)),
    OrgKind.IGO: ((INTERNATIONAL, 0.8), (REGIONAL, 0.2)),
    OrgKind.ACADEMIC: ((INTERNATIONAL, 0.3), (NATIONAL, 0.5), (LOCAL, 0.2)),
    OrgKind.REGIONAL: ((REGIONAL, 1.0),),
    OrgKind.NPM: ((NATIONAL, 1.0),),
}
_NESTING_KINDS: Final = (OrgKind.GOVERNMENT, OrgKind.ACADEMIC, OrgKind.NGO, OrgKind.IGO)
_FUNDERS: Final = (OrgKind.IGO, OrgKind.REGIONAL, OrgKind.GOVERNMENT)
_IMPLEMENTERS: Final = (OrgKind.NGO, OrgKind.ACADEMIC, OrgKind.NPM, OrgKind.NETWORK, OrgKind.IGO)
_EXTENDERS: Final = (OrgKind.IGO, OrgKind.REGIONAL, OrgKind.NGO)
_ACCOUNTABLE: Final = (OrgKind.GOVERNMENT, OrgKind.NPM)
_ASSESSORS: Final = (OrgKind.NGO, OrgKind.ACADEMIC, OrgKind.IGO, OrgKind.REGIONAL, OrgKind.NETWORK)
_NAME_VARIANTS: Final = 5


@dataclass(slots=True)
class Org:
    """What is planned for one organisation (number ``index + 1``)."""

    kind: OrgKind
    level: int
    country: int
    theme: int
    lon: float
    lat: float
    parent: int = -1
    depth: int = 0
    original: int = -1
    quiet: bool = False


@dataclass(frozen=True, slots=True)
class Pools:
    """Organisation indexes by the part they can play (quiet organisations left out)."""

    active: tuple[int, ...]
    quiet: tuple[int, ...]
    members: tuple[int, ...]
    networks: tuple[int, ...]
    funders: tuple[int, ...]
    implementers: tuple[int, ...]
    extenders: tuple[int, ...]
    assessors: tuple[int, ...]
    accountable: dict[int, tuple[int, ...]]
    by_country: dict[int, tuple[int, ...]]


@dataclass(slots=True)
class World:
    """The shared state of one generation run."""

    spec: SyntheticSpec
    seed: int
    vocab: Vocabulary
    focus: tuple[int, ...]
    focus_weights: tuple[float, ...]
    orgs: list[Org]
    pools: Pools
    numbers: dict[str, int] = field(default_factory=dict)

    def next_number(self, kind: str) -> int:
        """The next free number for a synthetic IRI of ``kind`` (1, 2, ...)."""
        number = self.numbers.get(kind, 0) + 1
        self.numbers[kind] = number
        return number

    def rng(self, section: str) -> random.Random:
        """The random stream of one section of the output."""
        return stream(self.seed, section)

    def pick_focus(self, rng: random.Random) -> int:
        """A focus country (an index into the vocabulary's countries), hot spots more often."""
        return rng.choices(self.focus, self.focus_weights)[0]

    def org_iri(self, index: int) -> Term:
        """The IRI of organisation ``index``."""
        return synthetic_iri("organization", index + 1)

    def org_label(self, index: int) -> str:
        """The English name of organisation ``index`` (a variant of its original's for a
        near-duplicate)."""
        org = self.orgs[index]
        named = index if org.original < 0 else org.original
        base = self.orgs[named]
        parts = (
            base.kind.word,
            named + 1,
            THEMES[base.theme],
            self.vocab.countries[base.country].label,
        )
        return _name(*parts) if org.original < 0 else _variant(index % _NAME_VARIANTS, *parts)

    def org_alt_label(self, index: int) -> str:
        """A short name: the kind's initials and the (original's) number."""
        org = self.orgs[index]
        named = index if org.original < 0 else org.original
        initials = "".join(word[0] for word in self.orgs[named].kind.word.split())
        return f"S{initials} {named + 1}"


def _name(word: str, number: int, theme: str, country: str) -> str:
    return f"Synthetic {word} {number} for {theme} in {country}"


def _variant(which: int, word: str, number: int, theme: str, country: str) -> str:
    variants = (
        f"Synthetic {word} {number} for {theme} ({country})",
        f"Synthetic {word} {number} for {theme.lower()} in {country}",
        f"Synthetic {word} no. {number} for {theme} in {country}",
        f"Synthetic {word} {number} \u2013 {theme} \u2013 {country}",
        f"Synthetic {word} {number} for {theme.replace(' and ', ' & ')} in {country}.",
    )
    return variants[which]


def build_world(spec: SyntheticSpec, seed: int, vocab: Vocabulary) -> World:
    """Plan the focus countries and organisations of a dataset."""
    rng = stream(seed, "world")
    count = min(spec.focus_countries, len(vocab.countries))
    focus = tuple(sorted(rng.sample(range(len(vocab.countries)), count)))
    weights = tuple(round(0.05 + rng.random() ** 2, 6) for _ in focus)
    orgs = _plan_orgs(spec, vocab, focus, weights, rng)
    _mark_quiet(orgs, spec.quiet, rng)
    return World(spec, seed, vocab, focus, weights, orgs, _pools(orgs))


def _kind_sequence(spec: SyntheticSpec, rng: random.Random) -> list[OrgKind]:
    """One organisation of each kind first (in a fixed order), then the rest shuffled."""
    by_name = {kind.class_name: kind for kind in OrgKind}
    counts = {by_name[name]: n for name, n in spec.organization_kinds}
    first = [kind for kind in OrgKind if counts.get(kind, 0)]
    rest = [kind for kind in OrgKind for _ in range(counts.get(kind, 0) - (kind in first))]
    rng.shuffle(rest)
    return first + rest


def _plan_orgs(
    spec: SyntheticSpec,
    vocab: Vocabulary,
    focus: Sequence[int],
    weights: Sequence[float],
    rng: random.Random,
) -> list[Org]:
    kinds = _kind_sequence(spec, rng)
    template = len(set(kinds))
    duplicates = min(spec.duplicates, len(kinds) - template)
    duplicate_at = set(rng.sample(range(template, len(kinds)), duplicates))
    orgs: list[Org] = []
    originals: dict[OrgKind, list[int]] = {kind: [] for kind in OrgKind}
    nestable: dict[OrgKind, list[int]] = {kind: [] for kind in OrgKind}
    for index, kind in enumerate(kinds):
        if index in duplicate_at:
            org = _duplicate(orgs, rng.choice(originals[kind]), rng)
        else:
            level = _FIRST_LEVEL[kind] if index < template else weighted(rng, _LEVELS[kind])
            org = _new_org(kind, level, vocab=vocab, focus=focus, weights=weights, rng=rng)
            if index >= template and kind in _NESTING_KINDS and rng.random() < 0.15:
                _nest(org, orgs, nestable[kind], rng)
            originals[kind].append(index)
            if org.depth < MAX_SUB_DEPTH:
                nestable[kind].append(index)
        orgs.append(org)
    return orgs


def _new_org(
    kind: OrgKind,
    level: int,
    *,
    vocab: Vocabulary,
    focus: Sequence[int],
    weights: Sequence[float],
    rng: random.Random,
) -> Org:
    domestic = level in (NATIONAL, LOCAL) or kind in _ACCOUNTABLE
    if domestic and rng.random() < 0.7:
        country = rng.choices(focus, weights)[0]
    else:
        country = rng.randrange(len(vocab.countries))
    home = vocab.countries[country]
    return Org(
        kind=kind,
        level=level,
        country=country,
        theme=rng.randrange(len(THEMES)),
        lon=_wrap(home.lon + rng.uniform(-0.6, 0.6)),
        lat=max(-89.9, min(89.9, home.lat + rng.uniform(-0.6, 0.6))),
    )


def _duplicate(orgs: list[Org], original: int, rng: random.Random) -> Org:
    base = orgs[original]
    return Org(
        kind=base.kind,
        level=base.level,
        country=base.country,
        theme=base.theme,
        lon=_wrap(base.lon + rng.uniform(-0.01, 0.01)),
        lat=max(-89.9, min(89.9, base.lat + rng.uniform(-0.01, 0.01))),
        original=original,
    )


def _nest(org: Org, orgs: list[Org], candidates: list[int], rng: random.Random) -> None:
    """Make ``org`` a sub-organisation of an earlier one (so no cycles), in its country."""
    if not candidates:
        return
    deep = [i for i in candidates[-50:] if orgs[i].depth > 0]
    parent = rng.choice(deep) if deep and rng.random() < 0.4 else rng.choice(candidates)
    org.parent = parent
    org.depth = orgs[parent].depth + 1
    org.country = orgs[parent].country
    org.lon = _wrap(orgs[parent].lon + rng.uniform(-0.05, 0.05))
    org.lat = max(-89.9, min(89.9, orgs[parent].lat + rng.uniform(-0.05, 0.05)))


def _mark_quiet(orgs: list[Org], count: int, rng: random.Random) -> None:
    """Keep ``count`` organisations out of programmes and events (parties of dormant MoUs)."""
    kinds_seen: set[OrgKind] = set()
    candidates: list[int] = []
    for index, org in enumerate(orgs):
        if org.kind in kinds_seen and org.original < 0 and org.kind is not OrgKind.NETWORK:
            candidates.append(index)
        kinds_seen.add(org.kind)
    for index in rng.sample(candidates, min(count, len(candidates))):
        orgs[index].quiet = True


def _pools(orgs: list[Org]) -> Pools:
    active = tuple(i for i, org in enumerate(orgs) if not org.quiet)

    def of(kinds: tuple[OrgKind, ...]) -> tuple[int, ...]:
        return tuple(i for i in active if orgs[i].kind in kinds) or active

    accountable: dict[int, list[int]] = {}
    by_country: dict[int, list[int]] = {}
    for i in active:
        by_country.setdefault(orgs[i].country, []).append(i)
        if orgs[i].kind in _ACCOUNTABLE:
            accountable.setdefault(orgs[i].country, []).append(i)
    return Pools(
        active=active,
        quiet=tuple(i for i, org in enumerate(orgs) if org.quiet),
        members=tuple(i for i, org in enumerate(orgs) if org.kind is not OrgKind.NETWORK),
        networks=tuple(i for i, org in enumerate(orgs) if org.kind is OrgKind.NETWORK),
        funders=of(_FUNDERS),
        implementers=of(_IMPLEMENTERS),
        extenders=of(_EXTENDERS),
        assessors=of(_ASSESSORS),
        accountable={c: tuple(v) for c, v in accountable.items()},
        by_country={c: tuple(v) for c, v in by_country.items()},
    )


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0
