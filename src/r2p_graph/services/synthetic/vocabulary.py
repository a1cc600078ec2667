"""The concepts synthetic data may refer to, read from the bundled ontology and data files.

Everything the generator points at outside its own ``id/synthetic/`` IRIs comes from here:
sovereign countries with their points, risk factors, indicators with their scales, response
steps, and the r2p code lists (checked against ``r2p.ttl``). Every list is sorted, so the
generator's choices depend only on its seed.

>>> vocab = load_vocabulary()
>>> len(vocab.countries) > 150, vocab.countries[0].iri.startswith("<https://w3id.org/r2p-graph/id/country/")
(True, True)
>>> {i.scale for i in vocab.indicators} == set(Scale)
True
>>> sorted(i.notation for i in vocab.triggers)[:2]
['8.1', '8.10']
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from r2p_graph.ontology.bundle import DATA_DIR, ONTOLOGY_DIR
from r2p_graph.ontology.namespaces import GEO, R2P
from r2p_graph.services.synthetic.terms import Term, iri

_POINT = re.compile(r"POINT\s*\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)")
TRIGGER_RISK_FACTOR = "8"
"""The notation of the Framework's risk factor of triggering factors (elections, ...)."""


class Scale(Enum):
    """How an indicator is read (``r2p:scale``)."""

    QUALITATIVE = "qualitativeScale"
    COUNT = "countScale"
    PROPORTION = "proportionScale"
    INDEX = "indexScale"


@dataclass(frozen=True, slots=True)
class CodeList:
    """One r2p code list: its concept scheme and the local names of the concepts used."""

    scheme: str
    names: tuple[str, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        """The concepts as N-Triples terms, in the order given."""
        return tuple(iri(str(R2P) + name) for name in self.names)


OPERATING_LEVELS = CodeList("OperatingLevels", ("international", "regional", "national", "local"))
VISIBILITY = CodeList("VisibilityLevels", ("public", "partners", "restricted"))
AGREEMENT_STATUSES = CodeList(
    "AgreementStatuses", ("draft", "signed", "inForce", "expired", "terminated")
)
PARTICIPATION_ROLES = CodeList(
    "ParticipationRoles", ("fundingRole", "accountableRole", "extendingRole", "implementingRole")
)
RISK_LEVELS = CodeList("RiskLevels", ("lowRisk", "moderateRisk", "highRisk", "veryHighRisk"))
INDICATOR_LEVELS = CodeList(
    "IndicatorLevels", ("absentLevel", "lowLevel", "moderateLevel", "highLevel", "severeLevel")
)
CRIME_TYPES = CodeList(
    "CrimeTypes", ("genocide", "crimesAgainstHumanity", "warCrimes", "ethnicCleansing")
)
POST_TYPES = CodeList(
    "PostTypes",
    (
        "r2pFocalPoint",
        "director",
        "specialAdviser",
        "researcher",
        "programmeOfficer",
        "humanRightsDefender",
    ),
)
MEMBERSHIP_ROLES = CodeList("MembershipRoles", ("fullMember", "steeringMember", "observer"))
CODE_LISTS = (
    OPERATING_LEVELS,
    VISIBILITY,
    AGREEMENT_STATUSES,
    PARTICIPATION_ROLES,
    RISK_LEVELS,
    INDICATOR_LEVELS,
    CRIME_TYPES,
    POST_TYPES,
    MEMBERSHIP_ROLES,
)


@dataclass(frozen=True, slots=True)
class Country:
    """A sovereign country: ISO code, IRI, English name and representative point."""

    code: str
    iri: Term
    label: str
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class Concept:
    """A risk factor or response step: IRI, notation and English name."""

    iri: Term
    notation: str
    label: str


@dataclass(frozen=True, slots=True)
class Indicator:
    """An early-warning indicator with the risk factor it informs and its scale."""

    iri: Term
    notation: str
    risk_factor: str
    scale: Scale


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The sorted bundled concepts the generator refers to."""

    countries: tuple[Country, ...]
    risk_factors: tuple[Concept, ...]
    indicators: tuple[Indicator, ...]
    steps: tuple[Concept, ...]

    @property
    def triggers(self) -> tuple[Indicator, ...]:
        """The indicators of risk factor 8 (triggers), read in future periods too."""
        return tuple(i for i in self.indicators if i.risk_factor == TRIGGER_RISK_FACTOR)


class VocabularyError(RuntimeError):
    """The bundled files lack a concept the generator needs."""


@functools.cache
def load_vocabulary(ontology_dir: Path = ONTOLOGY_DIR, data_dir: Path = DATA_DIR) -> Vocabulary:
    """Read and check the bundled concepts (cached: the files do not change while running)."""
    model = _parse(ontology_dir / "r2p.ttl", ontology_dir / "indicators.ttl")
    _check_code_lists(model)
    steps_graph = _parse(ontology_dir / "steps.ttl")
    vocab = Vocabulary(
        countries=_countries(_parse(data_dir / "countries.ttl")),
        risk_factors=_concepts(model, R2P.RiskFactor),
        indicators=_indicators(model),
        steps=_concepts(steps_graph, R2P.ResponseStep),
    )
    if not (vocab.countries and vocab.risk_factors and vocab.steps and vocab.triggers):
        raise VocabularyError("bundled files lack countries, risk factors, steps or triggers")
    return vocab


def _parse(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def _check_code_lists(model: Graph) -> None:
    for code_list in CODE_LISTS:
        scheme = R2P[code_list.scheme]
        for name in code_list.names:
            if (R2P[name], SKOS.inScheme, scheme) not in model:
                raise VocabularyError(f"r2p:{name} is not a concept of r2p:{code_list.scheme}")
    if (R2P.Organization, RDF.type, OWL.Class) not in model:
        raise VocabularyError("r2p.ttl does not declare r2p:Organization")


def _english(graph: Graph, subject: URIRef, *predicates: URIRef) -> str:
    """The English value of the first of ``predicates`` that has one (the least, if several)."""
    for predicate in predicates:
        values = sorted(
            str(value)
            for value in graph.objects(subject, predicate)
            if isinstance(value, Literal) and value.language == "en"
        )
        if values:
            return values[0]
    return str(subject).rsplit("/", 1)[-1]


def _countries(graph: Graph) -> tuple[Country, ...]:
    countries: list[Country] = []
    for subject in graph.subjects(R2P.sovereign, Literal(True)):
        if not isinstance(subject, URIRef):
            continue
        match = _POINT.search(str(graph.value(graph.value(subject, GEO.hasGeometry), GEO.asWKT)))
        if match is None:
            continue
        countries.append(
            Country(
                code=str(graph.value(subject, R2P.isoAlpha2)),
                iri=iri(str(subject)),
                label=_english(graph, subject, RDFS.label),
                lon=float(match.group(1)),
                lat=float(match.group(2)),
            )
        )
    return tuple(sorted(countries, key=lambda c: c.iri))


def _concepts(graph: Graph, cls: URIRef) -> tuple[Concept, ...]:
    concepts = [
        Concept(
            iri=iri(str(s)),
            notation=str(graph.value(s, SKOS.notation)),
            label=_english(graph, s, SKOS.prefLabel, RDFS.label),
        )
        for s in graph.subjects(RDF.type, cls)
        if isinstance(s, URIRef)
    ]
    return tuple(sorted(concepts, key=lambda c: c.iri))


def _indicators(graph: Graph) -> tuple[Indicator, ...]:
    indicators: list[Indicator] = []
    for subject in graph.subjects(RDF.type, R2P.Indicator):
        scale = graph.value(subject, R2P.scale)
        factor = graph.value(subject, R2P.riskFactor)
        if not isinstance(subject, URIRef) or scale is None or factor is None:
            continue
        indicators.append(
            Indicator(
                iri=iri(str(subject)),
                notation=str(graph.value(subject, SKOS.notation)),
                risk_factor=str(graph.value(factor, SKOS.notation)),
                scale=Scale(str(scale).removeprefix(str(R2P))),
            )
        )
    return tuple(sorted(indicators, key=lambda i: i.iri))
