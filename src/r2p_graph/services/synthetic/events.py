"""Events: workshops, seminars, skills-building exercises and conferences.

>>> [kind for kind, _ in EVENT_KINDS]
['Workshop', 'Seminar', 'SkillsBuildingExercise', 'Conference']
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Final

from r2p_graph.services.synthetic.terms import C, P, Term, date_term, r2p, synthetic_iri
from r2p_graph.services.synthetic.world import World
from r2p_graph.services.synthetic.writer import TripleWriter

EVENT_KINDS: Final = (
    ("Workshop", "workshop"),
    ("Seminar", "seminar"),
    ("SkillsBuildingExercise", "skills-building exercise"),
    ("Conference", "conference"),
)


def write_event(
    world: World,
    writer: TripleWriter,
    rng: random.Random,
    *,
    organizer: int,
    attendees: Sequence[int],
    country: int,
    days: tuple[dt.date, dt.date],
    topic: str,
    programme: Term | None,
) -> None:
    """One event, with some people attending besides the organisations ``attendees`` (one other
    organisation at least, where there is one)."""
    number = world.next_number("event")
    kind, word = rng.choice(EVENT_KINDS)
    place = world.vocab.countries[country]
    subject = synthetic_iri("event", number)
    writer.add(subject, P.TYPE, r2p(kind))
    writer.add(subject, P.TYPE, C.EVENT)
    writer.label(subject, f"Synthetic {word} {number} on {topic} in {place.label}")
    writer.add(subject, P.ORGANIZER, world.org_iri(organizer))
    if not attendees:
        attendees = _another(rng, world.pools.active, organizer)
    writer.add_all(subject, P.ATTENDEE, (world.org_iri(org) for org in attendees))
    people = range(1, world.spec.people + 1)
    for person in sorted(rng.sample(people, min(len(people), rng.randint(0, 3)))):
        writer.add(subject, P.ATTENDEE, synthetic_iri("person", person))
    writer.add(subject, P.COUNTRY, place.iri)
    writer.add(subject, P.START_DATE, date_term(days[0]))
    writer.add(subject, P.END_DATE, date_term(days[1]))
    if programme is not None:
        writer.add(subject, P.PART_OF_PROGRAMME, programme)


def _another(rng: random.Random, pool: Sequence[int], organizer: int) -> list[int]:
    """One member of ``pool`` other than ``organizer`` (none if there is no other)."""
    others = [org for org in pool if org != organizer]
    return [rng.choice(others)] if others else []
