"""Memoranda of understanding, the programmes they set up, programme clusters, and events.

Programmes come in two ways. Running agreements (not dormant ones) set up programmes in which
two of their parties take part, so an agreement leads to work between its parties. The other
programmes come in *clusters*: programmes in the same country whose periods overlap and that
share a response step, a risk factor and a partner organisation, the overlaps that coordination
queries look for. Dormant agreements are signed between organisations kept out of every
programme and event.

>>> import io
>>> from r2p_graph.services.synthetic.spec import plan
>>> from r2p_graph.services.synthetic.vocabulary import load_vocabulary
>>> from r2p_graph.services.synthetic.world import build_world
>>> world = build_world(plan(20), 5, load_vocabulary())
>>> out = io.BytesIO()
>>> write_activities(world, TripleWriter(out))
>>> world.numbers["programme"] == plan(20).programmes, world.numbers["event"] == plan(20).events
(True, True)
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from r2p_graph.services.synthetic.events import write_event
from r2p_graph.services.synthetic.randomness import sample_up_to, spread, weighted
from r2p_graph.services.synthetic.terms import C, P, Term, date_term, synthetic_iri
from r2p_graph.services.synthetic.timeline import (
    NEXT_YEAR_END,
    TODAY,
    add_days,
    day_between,
)
from r2p_graph.services.synthetic.vocabulary import AGREEMENT_STATUSES, PARTICIPATION_ROLES
from r2p_graph.services.synthetic.world import World
from r2p_graph.services.synthetic.writer import TripleWriter

DRAFT, SIGNED, IN_FORCE, EXPIRED, TERMINATED = AGREEMENT_STATUSES.terms
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = PARTICIPATION_ROLES.terms
_RUNNING: Final = (IN_FORCE, EXPIRED, TERMINATED)
_STATUS_WEIGHTS: Final = (
    (IN_FORCE, 0.55),
    (EXPIRED, 0.18),
    (TERMINATED, 0.10),
    (SIGNED, 0.09),
    (DRAFT, 0.08),
)
_DORMANT_STATUS_WEIGHTS: Final = ((IN_FORCE, 0.7), (EXPIRED, 0.3))
_MAX_PROGRAMMES_PER_AGREEMENT: Final = 3
_MAX_EVENTS_PER_PROGRAMME: Final = 8


@dataclass(frozen=True, slots=True)
class Agreement:
    """A planned memorandum of understanding; dates follow from its status and "today"."""

    parties: tuple[int, ...]
    status: Term
    signing: dt.date
    start: dt.date
    end: dt.date | None
    countries: tuple[int, ...]
    themes: tuple[int, ...]
    dormant: bool


@dataclass(frozen=True, slots=True)
class ProgrammeDraft:
    """A programme about to be written: who takes part in which role, where, when, on what."""

    joint: bool
    countries: tuple[int, ...]
    steps: tuple[int, ...]
    factors: tuple[int, ...]
    cast: tuple[tuple[int, Term], ...]
    start: dt.date
    end: dt.date | None


def write_activities(world: World, writer: TripleWriter) -> None:
    """All agreements, programmes (with their participations and events) and other events."""
    spec = world.spec
    rng = world.rng("activities")
    events_rng = world.rng("events")
    dormant = set(rng.sample(range(spec.agreements), spec.dormant_agreements))
    agreements = [_plan_agreement(world, rng, i in dormant) for i in range(spec.agreements)]
    running = [i for i, a in enumerate(agreements) if a.status in _RUNNING and not a.dormant]
    budget = min(spec.established_programmes, spec.programmes)
    shares = spread(rng, budget, len(running), cap=_MAX_PROGRAMMES_PER_AGREEMENT)
    established = dict(zip(running, shares, strict=True))
    events = spread(rng, spec.programme_events, spec.programmes, cap=_MAX_EVENTS_PER_PROGRAMME)
    for index, agreement in enumerate(agreements):
        numbers = [world.next_number("programme") for _ in range(established.get(index, 0))]
        _write_agreement(world, writer, index + 1, agreement, numbers)
        for number in numbers:
            draft = _established_draft(world, rng, agreement)
            _write_programme(
                world, writer, number, draft, events=events[number - 1], events_rng=events_rng
            )
    while (remaining := spec.programmes - world.numbers.get("programme", 0)) > 0:
        for draft in _cluster(world, rng, min(remaining, rng.randint(2, 5))):
            number = world.next_number("programme")
            _write_programme(
                world, writer, number, draft, events=events[number - 1], events_rng=events_rng
            )
    _write_other_events(world, writer, events_rng)


def _plan_agreement(world: World, rng: random.Random, dormant: bool) -> Agreement:
    quiet = world.pools.quiet
    dormant = dormant and len(quiet) >= 2
    parties = sample_up_to(rng, quiet if dormant else world.pools.active, 2, 4)
    status = weighted(rng, _DORMANT_STATUS_WEIGHTS if dormant else _STATUS_WEIGHTS)
    signing, start, end = _agreement_dates(rng, status)
    countries = {world.pick_focus(rng) for _ in range(1 if rng.random() < 0.8 else 2)}
    steps = sample_up_to(rng, range(len(world.vocab.steps)), 1, 2)
    return Agreement(
        parties=tuple(parties),
        status=status,
        signing=signing,
        start=start,
        end=end,
        countries=tuple(sorted(countries)),
        themes=tuple(steps),
        dormant=dormant,
    )


def _agreement_dates(rng: random.Random, status: Term) -> tuple[dt.date, dt.date, dt.date | None]:
    """Signing, start and end days consistent with ``status`` on :data:`TODAY`."""
    if status == DRAFT:
        signing = day_between(rng, add_days(TODAY, 1), NEXT_YEAR_END)
        return signing, add_days(signing, rng.randint(0, 90)), None
    if status == SIGNED:
        signing = day_between(rng, add_days(TODAY, -300), TODAY)
        start = day_between(rng, add_days(TODAY, 1), add_days(TODAY, 200))
        return signing, start, add_days(start, 3 * 365) if rng.random() < 0.5 else None
    if status == IN_FORCE:
        signing = day_between(rng, dt.date(2008, 1, 1), add_days(TODAY, -30))
        start = min(add_days(signing, rng.randint(0, 60)), TODAY)
        end = day_between(rng, TODAY, dt.date(2028, 12, 31)) if rng.random() < 0.5 else None
        return signing, start, end
    if status == EXPIRED:
        signing = day_between(rng, dt.date(2005, 1, 1), dt.date(2022, 12, 31))
        start = add_days(signing, rng.randint(0, 60))
        return signing, start, min(add_days(start, rng.randint(365, 4 * 365)), add_days(TODAY, -1))
    signing = day_between(rng, dt.date(2005, 1, 1), dt.date(2024, 6, 30))
    start = add_days(signing, rng.randint(0, 60))
    last = min(add_days(start, 3 * 365), add_days(TODAY, -1))
    return signing, start, day_between(rng, add_days(start, 100), last)


def _write_agreement(
    world: World, writer: TripleWriter, number: int, agreement: Agreement, programmes: list[int]
) -> None:
    subject = synthetic_iri("agreement", number)
    country = world.vocab.countries[agreement.countries[0]]
    step = world.vocab.steps[agreement.themes[0]]
    writer.add(subject, P.TYPE, C.MOU)
    writer.add(subject, P.TYPE, C.AGREEMENT)
    writer.label(
        subject,
        f"Synthetic memorandum of understanding {number} on {step.label} in {country.label}",
    )
    writer.add_all(subject, P.PARTY, (world.org_iri(i) for i in agreement.parties))
    writer.add(subject, P.SIGNING_DATE, date_term(agreement.signing))
    writer.add(subject, P.START_DATE, date_term(agreement.start))
    if agreement.end is not None:
        writer.add(subject, P.END_DATE, date_term(agreement.end))
    writer.add(subject, P.AGREEMENT_STATUS, agreement.status)
    writer.add_all(
        subject, P.COVERS_COUNTRY, (world.vocab.countries[c].iri for c in agreement.countries)
    )
    writer.add_all(subject, P.THEME, (world.vocab.steps[s].iri for s in agreement.themes))
    writer.add_all(subject, P.ESTABLISHES, (synthetic_iri("programme", n) for n in programmes))


def _established_draft(world: World, rng: random.Random, agreement: Agreement) -> ProgrammeDraft:
    """A programme two parties of a running agreement carry out, after it was signed."""
    joint = rng.random() < 0.6
    cast = _cast(world, rng, rng.sample(agreement.parties, 2), agreement.countries[0], joint)
    latest = add_days(TODAY, 365)
    last = latest if agreement.end is None else min(agreement.end, latest)
    start = day_between(rng, agreement.start, last)
    return ProgrammeDraft(
        joint=joint and len(cast) >= 2,
        countries=agreement.countries,
        steps=_with_extra(rng, agreement.themes, len(world.vocab.steps)),
        factors=_with_extra(rng, (), len(world.vocab.risk_factors)),
        cast=cast,
        start=start,
        end=_programme_end(rng, start),
    )


def _cluster(world: World, rng: random.Random, size: int) -> list[ProgrammeDraft]:
    """Programmes in one country with overlapping periods that share a response step, a risk
    factor and a partner organisation."""
    country = world.pick_focus(rng)
    step = rng.randrange(len(world.vocab.steps))
    factor = rng.randrange(len(world.vocab.risk_factors))
    local = world.pools.by_country.get(country, ())
    partners = list(
        dict.fromkeys(sample_up_to(rng, local, 1, 2) + rng.sample(world.pools.implementers, 1))
    )
    base = day_between(rng, dt.date(2007, 1, 1), dt.date(2026, 6, 30))
    drafts: list[ProgrammeDraft] = []
    for _ in range(size):
        joint = rng.random() < 0.15
        required = [partners[0], *rng.sample(partners[1:], min(1, len(partners) - 1))]
        cast = _cast(world, rng, required[: 2 if joint else 1], country, joint)
        start = add_days(base, rng.randint(0, 365))
        extra_country = (world.pick_focus(rng),) if rng.random() < 0.25 else ()
        drafts.append(
            ProgrammeDraft(
                joint=joint and len(cast) >= 2,
                countries=tuple(dict.fromkeys((country, *extra_country))),
                steps=_with_extra(rng, (step,), len(world.vocab.steps)),
                factors=_with_extra(rng, (factor,), len(world.vocab.risk_factors)),
                cast=cast,
                start=start,
                end=_programme_end(rng, start),
            )
        )
    return drafts


def _with_extra(rng: random.Random, given: Sequence[int], size: int) -> tuple[int, ...]:
    """``given`` and up to two more distinct indexes below ``size``: one to three in all."""
    extra = sample_up_to(rng, range(size), 0 if given else 1, 2)
    return tuple(dict.fromkeys((*given, *extra)))[:3]


def _programme_end(rng: random.Random, start: dt.date) -> dt.date | None:
    """One to four years after ``start``; open-ended for about one programme in eight."""
    if rng.random() < 0.12:
        return None
    return add_days(start, rng.randint(365, 4 * 365))


def _cast(
    world: World, rng: random.Random, required: Sequence[int], country: int, joint: bool
) -> tuple[tuple[int, Term], ...]:
    """Distinct participants with roles: one implementer (two for a joint programme, the
    required organisations first), often a funder, sometimes an accountable government and an
    extending agency."""
    pools = world.pools
    wanted = 2 if joint else 1
    cast: list[tuple[int, Term]] = []
    used: list[int] = []

    def take(org: int | None, role: Term) -> None:
        if org is not None and org not in used:
            used.append(org)
            cast.append((org, role))

    for position, org in enumerate(required):
        take(org, IMPLEMENTING if position < wanted else FUNDING)
    local = pools.by_country.get(country, ())
    while sum(role == IMPLEMENTING for _, role in cast) < wanted:
        pool = local if local and rng.random() < 0.5 else pools.implementers
        found = _unused(rng, pool, used)
        if found is None:
            found = _unused(rng, pools.active, used)
        if found is None:
            break
        take(found, IMPLEMENTING)
    if all(role != FUNDING for _, role in cast) and rng.random() < 0.7:
        take(_unused(rng, pools.funders, used), FUNDING)
    if rng.random() < 0.35:
        take(_unused(rng, pools.accountable.get(country, ()), used), ACCOUNTABLE)
    if rng.random() < 0.15:
        take(_unused(rng, pools.extenders, used), EXTENDING)
    return tuple(cast)


def _unused(rng: random.Random, pool: Sequence[int], used: Sequence[int]) -> int | None:
    """A random member of ``pool`` not in ``used``, or ``None`` after a few misses."""
    for _ in range(8 if pool else 0):
        org = rng.choice(pool)
        if org not in used:
            return org
    return None


def _write_programme(
    world: World,
    writer: TripleWriter,
    number: int,
    draft: ProgrammeDraft,
    *,
    events: int,
    events_rng: random.Random,
) -> None:
    subject = synthetic_iri("programme", number)
    vocab = world.vocab
    writer.add(subject, P.TYPE, C.JOINT_PROGRAMME if draft.joint else C.PROGRAMME)
    if draft.joint:
        writer.add(subject, P.TYPE, C.PROGRAMME)
    kind = "joint programme" if draft.joint else "programme"
    topic, place = vocab.steps[draft.steps[0]].label, vocab.countries[draft.countries[0]].label
    writer.label(subject, f"Synthetic {kind} {number} on {topic} in {place}")
    for org, role in draft.cast:
        participation = synthetic_iri("participation", world.next_number("participation"))
        writer.add(subject, P.HAS_PARTICIPATION, participation)
        writer.add(participation, P.TYPE, C.PARTICIPATION)
        writer.add(participation, P.PARTICIPANT, world.org_iri(org))
        writer.add(participation, P.PARTICIPATION_ROLE, role)
    writer.add_all(subject, P.RECIPIENT_COUNTRY, (vocab.countries[c].iri for c in draft.countries))
    writer.add(subject, P.START_DATE, date_term(draft.start))
    if draft.end is not None:
        writer.add(subject, P.END_DATE, date_term(draft.end))
    writer.add_all(subject, P.TARGETS_STEP, (vocab.steps[s].iri for s in draft.steps))
    writer.add_all(
        subject, P.ADDRESSES_RISK_FACTOR, (vocab.risk_factors[f].iri for f in draft.factors)
    )
    for _ in range(events):
        _write_programme_event(world, writer, events_rng, subject, draft)


def _write_programme_event(
    world: World,
    writer: TripleWriter,
    rng: random.Random,
    programme: Term,
    draft: ProgrammeDraft,
) -> None:
    """An event of a programme, organised by one participant and attended by the others."""
    orgs = [org for org, _ in draft.cast]
    organizer = rng.choice(orgs)
    others = [org for org in orgs if org != organizer][:3]
    guests = [g for g in sample_up_to(rng, world.pools.active, 0, 2) if g not in orgs]
    last = draft.end if draft.end is not None else add_days(draft.start, 4 * 365)
    start = day_between(rng, draft.start, last)
    end = min(add_days(start, rng.randint(0, 3)), last)
    write_event(
        world,
        writer,
        rng,
        organizer=organizer,
        attendees=others + guests,
        country=rng.choice(draft.countries),
        days=(start, end),
        topic=world.vocab.steps[draft.steps[0]].label,
        programme=programme,
    )


def _write_other_events(world: World, writer: TripleWriter, rng: random.Random) -> None:
    """Events outside programmes; some of them planned in the next twelve months."""
    spec, active = world.spec, world.pools.active
    count = spec.events - spec.programme_events
    planned = set(rng.sample(range(count), min(spec.planned_events, count)))
    for index in range(count):
        organizer = rng.choice(active)
        if index in planned:
            start = day_between(rng, add_days(TODAY, 1), NEXT_YEAR_END)
        else:
            start = day_between(rng, dt.date(2006, 1, 1), TODAY)
        attendees = [org for org in sample_up_to(rng, active, 1, 4) if org != organizer]
        write_event(
            world,
            writer,
            rng,
            organizer=organizer,
            attendees=attendees,
            country=world.pick_focus(rng),
            days=(start, add_days(start, rng.randint(0, 3))),
            topic=rng.choice(world.vocab.steps).label,
            programme=None,
        )
