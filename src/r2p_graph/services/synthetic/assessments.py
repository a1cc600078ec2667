"""Country by country: situations, indicator observations, risk assessments based on them with
their scenarios, and reports.

Observations come in series (one indicator, one country, consecutive periods up to 2025, values
that drift), and a few readings of trigger indicators (risk factor 8, such as elections) fall in
future periods. Only the current country's past observations are kept in memory, for the
assessments that rest on them.

>>> import io
>>> from r2p_graph.services.synthetic.spec import plan
>>> from r2p_graph.services.synthetic.vocabulary import load_vocabulary
>>> from r2p_graph.services.synthetic.world import build_world
>>> world = build_world(plan(20), 5, load_vocabulary())
>>> write_assessments(world, TripleWriter(io.BytesIO()))
>>> world.numbers["observation"] == plan(20).observations
True
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Final

from r2p_graph.services.synthetic.randomness import (
    sample_up_to,
    spread,
    spread_weighted,
    weighted,
)
from r2p_graph.services.synthetic.terms import (
    C,
    P,
    Term,
    date_term,
    decimal_term,
    example_iri,
    literal_en,
    synthetic_iri,
)
from r2p_graph.services.synthetic.timeline import TODAY, add_days, day_between
from r2p_graph.services.synthetic.vocabulary import (
    CRIME_TYPES,
    INDICATOR_LEVELS,
    RISK_LEVELS,
    Indicator,
    Scale,
)
from r2p_graph.services.synthetic.world import World
from r2p_graph.services.synthetic.writer import TripleWriter

SERIES_FIRST_YEAR: Final = 2005
SERIES_MONTHS: Final = 21 * 12
"""Series run from January 2005 to December 2025."""
ELECTIONS: Final = "8.9"
_RISK_WEIGHTS: Final = tuple(zip(RISK_LEVELS.terms, (0.3, 0.35, 0.25, 0.1), strict=True))
_SCENARIOS: Final = (
    "continued tension",
    "violence around contested elections",
    "negotiated settlement",
    "escalation into mass violence",
    "spill-over from a neighbouring conflict",
)
_METHOD: Final = (
    'Synthetic method: weighed {n} indicator observations against the "Framework of Analysis '
    'for Atrocity Crimes";\nread invented sources only.'
)

Reading = tuple[Term, Term]
"""The measure of an observation: ``(r2p:level, level)`` or ``(r2p:numericValue, number)``."""


@dataclass(frozen=True, slots=True)
class Quota:
    """How many things of each kind one focus country gets."""

    situations: int
    observations: int
    triggers: int
    assessments: int
    scenarios: int
    reports: int


def write_assessments(world: World, writer: TripleWriter) -> None:
    """Situations, observations, assessments, scenarios and reports of every focus country."""
    rng = world.rng("assessments")
    for country, quota in zip(world.focus, _quotas(world, rng), strict=True):
        for _ in range(quota.situations):
            _write_situation(world, writer, rng, country)
        past = _write_series(world, writer, rng, country, quota.observations)
        for _ in range(quota.triggers):
            _write_trigger(world, writer, rng, country)
        for scenarios in spread(rng, quota.scenarios, quota.assessments):
            _write_assessment(world, writer, rng, country, past=past, scenarios=scenarios)
        for _ in range(quota.reports):
            _write_report(world, writer, rng, country)


def _quotas(world: World, rng: random.Random) -> list[Quota]:
    """Share the planned counts out over the focus countries, hot spots getting more; every
    country with an assessment gets at least two observations to base it on."""
    spec, weights = world.spec, world.focus_weights
    assessments = spread_weighted(rng, spec.assessments, weights)
    floor = [2 if count else 0 for count in assessments]
    regular = spec.observations - spec.trigger_observations
    extra = spread_weighted(rng, max(0, regular - sum(floor)), weights)
    columns = zip(
        spread_weighted(rng, spec.situations, weights),
        (f + e for f, e in zip(floor, extra, strict=True)),
        spread_weighted(rng, spec.trigger_observations, weights),
        assessments,
        spread_weighted(rng, spec.scenarios, assessments),
        spread_weighted(rng, spec.reports, weights),
        strict=True,
    )
    return [Quota(*column) for column in columns]


def _write_situation(world: World, writer: TripleWriter, rng: random.Random, country: int) -> None:
    number = world.next_number("situation")
    place = world.vocab.countries[country]
    subject = synthetic_iri("situation", number)
    start = day_between(rng, dt.date(2005, 1, 1), TODAY)
    writer.add(subject, P.TYPE, C.SITUATION)
    writer.label(subject, f"Synthetic situation {number} in {place.label}")
    writer.add(subject, P.COUNTRY, place.iri)
    writer.add(subject, P.START_DATE, date_term(start))
    writer.add_all(subject, P.CRIME_TYPE, sample_up_to(rng, CRIME_TYPES.terms, 1, 2))
    if start < add_days(TODAY, -60) and rng.random() < 0.35:
        writer.add(subject, P.END_DATE, date_term(day_between(rng, add_days(start, 30), TODAY)))


def _write_series(
    world: World, writer: TripleWriter, rng: random.Random, country: int, total: int
) -> list[tuple[Term, dt.date]]:
    """``total`` observations in series; returns each observation with its last day."""
    indicators = world.vocab.indicators
    chosen = rng.sample(indicators, min(len(indicators), max(1, -(-total // 8))))
    written: list[tuple[Term, dt.date]] = []
    lengths = spread(rng, total, len(chosen), cap=SERIES_MONTHS)
    for indicator, length in zip(chosen, lengths, strict=True):
        source = example_iri("source", world.next_number("source"))
        state = _first_state(rng, indicator.scale)
        for start, end in _periods(rng, length):
            reading = _reading(indicator.scale, state)
            observation = _write_observation(
                world,
                writer,
                country,
                indicator=indicator,
                days=(start, end),
                source=source,
                reading=reading,
            )
            written.append((observation, end))
            state = _drift(rng, indicator.scale, state)
    return written


def _periods(rng: random.Random, count: int) -> list[tuple[dt.date, dt.date]]:
    """``count`` consecutive periods between 2005 and 2025: years, or quarters or months when
    years are too few."""
    months = 12 if count <= SERIES_MONTHS // 12 else 3 if count <= SERIES_MONTHS // 3 else 1
    offset = rng.randint(0, (SERIES_MONTHS - count * months) // months) * months
    return [
        (_month_start(offset + i * months), add_days(_month_start(offset + (i + 1) * months), -1))
        for i in range(count)
    ]


def _month_start(months: int) -> dt.date:
    return dt.date(SERIES_FIRST_YEAR + months // 12, months % 12 + 1, 1)


def _write_trigger(world: World, writer: TripleWriter, rng: random.Random, country: int) -> None:
    """A reading of a risk-factor-8 indicator (elections most often) in a future period."""
    triggers = world.vocab.triggers
    elections = [i for i in triggers if i.notation == ELECTIONS]
    indicator = elections[0] if elections and rng.random() < 0.5 else rng.choice(triggers)
    start = day_between(rng, add_days(TODAY, 1), dt.date(2028, 6, 30))
    end = add_days(start, rng.randint(30, 180))
    source = example_iri("source", world.next_number("source"))
    state = _first_state(rng, indicator.scale, high=True)
    reading = _reading(indicator.scale, state)
    _write_observation(
        world,
        writer,
        country,
        indicator=indicator,
        days=(start, end),
        source=source,
        reading=reading,
    )


def _write_observation(
    world: World,
    writer: TripleWriter,
    country: int,
    *,
    indicator: Indicator,
    days: tuple[dt.date, dt.date],
    source: Term,
    reading: Reading,
) -> Term:
    subject = synthetic_iri("observation", world.next_number("observation"))
    writer.add(subject, P.TYPE, C.OBSERVATION)
    writer.add(subject, P.INDICATOR, indicator.iri)
    writer.add(subject, P.COUNTRY, world.vocab.countries[country].iri)
    writer.add(subject, P.START_DATE, date_term(days[0]))
    writer.add(subject, P.END_DATE, date_term(days[1]))
    writer.add(subject, P.SOURCE, source)
    writer.add(subject, *reading)
    return subject


def _first_state(rng: random.Random, scale: Scale, *, high: bool = False) -> float:
    """Where a series starts, in the units of its scale (a level index for qualitative)."""
    if scale is Scale.QUALITATIVE:
        return float(rng.randint(2, 4) if high else rng.randint(0, 3))
    if scale is Scale.COUNT:
        return float(int(rng.lognormvariate(4.0, 1.5)))
    if scale is Scale.PROPORTION:
        return rng.uniform(0.3, 0.8) if high else rng.uniform(0.0, 0.4)
    return rng.uniform(5.0, 10.0) if high else rng.uniform(0.0, 8.0)


def _drift(rng: random.Random, scale: Scale, state: float) -> float:
    """The next value of a series, staying on its scale."""
    if scale is Scale.QUALITATIVE:
        return max(0.0, min(4.0, state + rng.choice((-1, 0, 0, 1))))
    if scale is Scale.COUNT:
        return float(max(0, round(state * rng.uniform(0.6, 1.5)) + rng.randint(-5, 5)))
    if scale is Scale.PROPORTION:
        return max(0.0, min(1.0, state + rng.uniform(-0.05, 0.05)))
    return max(0.0, min(10.0, state + rng.uniform(-0.8, 0.8)))


def _reading(scale: Scale, state: float) -> Reading:
    """The measure for ``state``: a level, a whole count, a share in 0..1 or an index in 0..10."""
    if scale is Scale.QUALITATIVE:
        return P.LEVEL, INDICATOR_LEVELS.terms[int(state)]
    if scale is Scale.COUNT:
        return P.NUMERIC_VALUE, decimal_term(str(max(0, round(state))))
    if scale is Scale.PROPORTION:
        return P.NUMERIC_VALUE, decimal_term(f"{max(0.0, min(1.0, state)):.3f}")
    return P.NUMERIC_VALUE, decimal_term(f"{max(0.0, min(10.0, state)):.1f}")


def _write_assessment(
    world: World,
    writer: TripleWriter,
    rng: random.Random,
    country: int,
    *,
    past: list[tuple[Term, dt.date]],
    scenarios: int,
) -> None:
    """An assessment made after the observations it rests on, with its scenarios."""
    place = world.vocab.countries[country]
    based = sample_up_to(rng, past, 1, 5)
    latest = max((end for _, end in based), default=dt.date(2005, 1, 1))
    day = min(add_days(latest, rng.randint(0, 200)), TODAY)
    number = world.next_number("assessment")
    subject = synthetic_iri("assessment", number)
    writer.add(subject, P.TYPE, C.RISK_ASSESSMENT)
    writer.label(subject, f"Synthetic risk assessment {number} of {place.label} ({day.year})")
    writer.add(subject, P.COUNTRY, place.iri)
    writer.add(subject, P.ASSESSMENT_DATE, date_term(day))
    assessors = sample_up_to(rng, world.pools.assessors, 1, 2)
    writer.add_all(subject, P.ASSESSOR, (world.org_iri(org) for org in assessors))
    writer.add(subject, P.RISK_LEVEL, weighted(rng, _RISK_WEIGHTS))
    writer.add(subject, P.METHOD, literal_en(_METHOD.format(n=len(based))))
    writer.add_all(subject, P.BASED_ON, (observation for observation, _ in based))
    for _ in range(scenarios):
        scenario = synthetic_iri("scenario", world.next_number("scenario"))
        writer.add(scenario, P.TYPE, C.SCENARIO)
        writer.label(scenario, f"Synthetic scenario for {place.label}: {rng.choice(_SCENARIOS)}")
        writer.add(scenario, P.COUNTRY, place.iri)
        writer.add(scenario, P.SCENARIO_OF, subject)
        writer.add(scenario, P.LIKELIHOOD, weighted(rng, _RISK_WEIGHTS))


def _write_report(world: World, writer: TripleWriter, rng: random.Random, country: int) -> None:
    place = world.vocab.countries[country]
    number = world.next_number("report")
    subject = synthetic_iri("report", number)
    writer.add(subject, P.TYPE, C.REPORT)
    writer.add(subject, P.TYPE, C.PUBLICATION)
    writer.label(subject, f"Synthetic report {number} on atrocity risks in {place.label}")
    if rng.random() < 0.8:
        writer.add(subject, P.AUTHOR, world.org_iri(rng.choice(world.pools.assessors)))
    else:
        writer.add(subject, P.AUTHOR, synthetic_iri("person", rng.randint(1, world.spec.people)))
    writer.add(subject, P.PUBLICATION_DATE, date_term(day_between(rng, dt.date(2005, 1, 1), TODAY)))
    writer.add(subject, P.ABOUT, place.iri)
