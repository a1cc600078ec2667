"""Organisations with their headquarters, network memberships, people and their posts.

>>> import io
>>> from r2p_graph.services.synthetic.spec import plan
>>> from r2p_graph.services.synthetic.vocabulary import load_vocabulary
>>> from r2p_graph.services.synthetic.world import build_world
>>> world = build_world(plan(10), 3, load_vocabulary())
>>> out = io.BytesIO()
>>> writer = TripleWriter(out)
>>> write_organisations(world, writer)
>>> writer.close() > 10 * 12, b'"Synthetic NGO 1 for' in out.getvalue()
(True, True)
"""

from __future__ import annotations

import random
from typing import Final

from r2p_graph.services.synthetic.randomness import spread, weighted
from r2p_graph.services.synthetic.spec import OrgKind
from r2p_graph.services.synthetic.terms import (
    SYNTHETIC_BASE,
    C,
    P,
    Term,
    date_term,
    example_iri,
    iri,
    literal_en,
    r2p,
    synthetic_iri,
    wkt_point,
)
from r2p_graph.services.synthetic.timeline import TODAY, add_days, day_between, year_end, year_start
from r2p_graph.services.synthetic.vocabulary import (
    MEMBERSHIP_ROLES,
    OPERATING_LEVELS,
    POST_TYPES,
    VISIBILITY,
)
from r2p_graph.services.synthetic.world import World
from r2p_graph.services.synthetic.writer import TripleWriter

FOCAL_POINT, DIRECTOR, SPECIAL_ADVISER, RESEARCHER, OFFICER, DEFENDER = POST_TYPES.terms
_POST_WORDS: Final = {
    FOCAL_POINT: "R2P focal point",
    DIRECTOR: "director",
    SPECIAL_ADVISER: "special adviser",
    RESEARCHER: "researcher",
    OFFICER: "programme officer",
    DEFENDER: "human-rights defender",
}
_POSTS_BY_KIND: Final[dict[OrgKind, tuple[tuple[Term, float], ...]]] = {
    OrgKind.GOVERNMENT: ((FOCAL_POINT, 0.4), (DIRECTOR, 0.3), (OFFICER, 0.3)),
    OrgKind.NPM: ((FOCAL_POINT, 0.3), (DIRECTOR, 0.4), (OFFICER, 0.3)),
    OrgKind.NGO: ((DIRECTOR, 0.25), (OFFICER, 0.35), (DEFENDER, 0.4)),
    OrgKind.ACADEMIC: ((RESEARCHER, 0.7), (DIRECTOR, 0.3)),
    OrgKind.IGO: ((OFFICER, 0.45), (DIRECTOR, 0.2), (RESEARCHER, 0.25), (SPECIAL_ADVISER, 0.1)),
    OrgKind.REGIONAL: ((OFFICER, 0.5), (DIRECTOR, 0.2), (RESEARCHER, 0.2), (SPECIAL_ADVISER, 0.1)),
    OrgKind.NETWORK: ((DIRECTOR, 0.4), (OFFICER, 0.6)),
}
PUBLIC, PARTNERS, RESTRICTED = VISIBILITY.terms
_VISIBILITY_WEIGHTS: Final = ((PUBLIC, 0.80), (PARTNERS, 0.15), (RESTRICTED, 0.05))
_ROLE_WEIGHTS: Final = tuple(zip(MEMBERSHIP_ROLES.terms, (0.75, 0.10, 0.15), strict=True))


def write_organisations(world: World, writer: TripleWriter) -> None:
    """Every planned organisation with its headquarters site and point."""
    for index in range(len(world.orgs)):
        _write_org(world, writer, index)
        _write_site(world, writer, index)


def _write_org(world: World, writer: TripleWriter, index: int) -> None:
    org = world.orgs[index]
    subject = world.org_iri(index)
    writer.add(subject, P.TYPE, r2p(org.kind.class_name))
    writer.add(subject, P.TYPE, C.ORGANIZATION)
    writer.label(subject, world.org_label(index))
    writer.add(subject, P.ALT_LABEL, literal_en(world.org_alt_label(index)))
    homepage = (index if org.original < 0 else org.original) + 1
    writer.add(subject, P.HOMEPAGE, example_iri("org", homepage))
    writer.add(subject, P.OPERATING_LEVEL, OPERATING_LEVELS.terms[org.level])
    writer.add(subject, P.HEADQUARTERS, synthetic_iri("site", index + 1))
    if org.parent >= 0:
        writer.add(subject, P.SUB_ORGANIZATION_OF, world.org_iri(org.parent))


def _write_site(world: World, writer: TripleWriter, index: int) -> None:
    org = world.orgs[index]
    country = world.vocab.countries[org.country]
    site = synthetic_iri("site", index + 1)
    point = iri(f"{SYNTHETIC_BASE}site/{index + 1}/point")
    writer.add(site, P.TYPE, C.SITE)
    writer.label(site, f"Synthetic site {index + 1} in {country.label}")
    writer.add(site, P.COUNTRY, country.iri)
    writer.add(site, P.HAS_GEOMETRY, point)
    writer.add(point, P.TYPE, C.GEOMETRY)
    writer.add(point, P.TYPE, C.POINT)
    writer.add(point, P.AS_WKT, wkt_point(org.lon, org.lat))


def write_memberships(world: World, writer: TripleWriter) -> None:
    """Memberships of organisations in networks, each with its role and period."""
    rng = world.rng("memberships")
    members, networks = world.pools.members, world.pools.networks
    if not networks:
        return
    counts = spread(rng, world.spec.memberships, len(members), cap=len(networks))
    for member, count in zip(members, counts, strict=True):
        for network in sorted(rng.sample(networks, count)):
            _write_membership(world, writer, rng, member, network)


def _write_membership(
    world: World, writer: TripleWriter, rng: random.Random, member: int, network: int
) -> None:
    membership = synthetic_iri("membership", world.next_number("membership"))
    period = synthetic_iri("period", world.next_number("period"))
    writer.add(membership, P.TYPE, C.MEMBERSHIP)
    writer.add(membership, P.MEMBER, world.org_iri(member))
    writer.add(membership, P.ORGANIZATION, world.org_iri(network))
    writer.add(membership, P.ROLE, weighted(rng, _ROLE_WEIGHTS))
    writer.add(membership, P.MEMBER_DURING, period)
    start = day_between(rng, year_start(2005), year_end(2025))
    writer.add(period, P.TYPE, C.PERIOD)
    writer.add(period, P.START_DATE, date_term(start))
    if rng.random() < 0.3:
        end = min(add_days(start, rng.randint(365, 8 * 365)), TODAY)
        writer.add(period, P.END_DATE, date_term(end))


def write_people(world: World, writer: TripleWriter) -> None:
    """People, each holding one post (some two) in an organisation."""
    rng = world.rng("people")
    for number in range(1, world.spec.people + 1):
        person = synthetic_iri("person", number)
        writer.add(person, P.TYPE, C.PERSON)
        writer.label(person, f"Synthetic Person {number}")
        writer.add(person, P.VISIBILITY, weighted(rng, _VISIBILITY_WEIGHTS))
        first = rng.randrange(len(world.orgs))
        writer.add(person, P.HOLDS, _write_post(world, writer, rng, first))
        if len(world.orgs) > 1 and rng.random() < 0.1:
            second = (first + rng.randrange(1, len(world.orgs))) % len(world.orgs)
            writer.add(person, P.HOLDS, _write_post(world, writer, rng, second))


def _write_post(world: World, writer: TripleWriter, rng: random.Random, index: int) -> Term:
    org = world.orgs[index]
    number = world.next_number("post")
    post = synthetic_iri("post", number)
    post_type = weighted(rng, _POSTS_BY_KIND[org.kind])
    writer.add(post, P.TYPE, C.POST)
    writer.label(post, f"Synthetic {_POST_WORDS[post_type]} post {number}")
    writer.add(post, P.POST_IN, world.org_iri(index))
    writer.add(post, P.POST_TYPE, post_type)
    if post_type == FOCAL_POINT:
        writer.add(post, P.COUNTRY, world.vocab.countries[org.country].iri)
    return post
