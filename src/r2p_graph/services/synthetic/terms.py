"""RDF terms in N-Triples syntax: IRIs, literals and the vocabulary the generator writes.

A :data:`Term` is a string that is already a complete N-Triples term, so writing a triple is
joining three of them. Literals are escaped here, once.

>>> literal_en('Synthetic "A"\\nB')
'"Synthetic \\\\"A\\\\"\\\\nB"@en'
>>> synthetic_iri("organization", 7)
'<https://w3id.org/r2p-graph/id/synthetic/organization/7>'
>>> date_term(dt.date(2026, 11, 21))
'"2026-11-21"^^<http://www.w3.org/2001/XMLSchema#date>'
"""

from __future__ import annotations

import datetime as dt
from typing import Final, NewType

from r2p_graph.ontology.namespaces import GEO, ID_BASE, ORG, R2P, SF

Term = NewType("Term", str)
"""A complete N-Triples term: ``<iri>``, ``"text"@en`` or ``"lexical"^^<datatype>``."""

RDF_NS: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS: Final = "http://www.w3.org/2000/01/rdf-schema#"
XSD_NS: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS: Final = "http://www.w3.org/2004/02/skos/core#"
FOAF_NS: Final = "http://xmlns.com/foaf/0.1/"
DCTERMS_NS: Final = "http://purl.org/dc/terms/"
VOID_NS: Final = "http://rdfs.org/ns/void#"
SYNTHETIC_BASE: Final = ID_BASE + "synthetic/"
EXAMPLE_BASE: Final = "https://example.org/synthetic/"

_ESCAPES: Final = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> Term:
    """The N-Triples form of an IRI."""
    return Term(f"<{value}>")


def escape(text: str) -> str:
    """``text`` with the characters N-Triples string literals must escape escaped.

    >>> escape('a\\\\b"c')
    'a\\\\\\\\b\\\\"c'
    """
    return text.translate(_ESCAPES)


def literal_en(text: str) -> Term:
    """An English language-tagged string literal."""
    return Term(f'"{escape(text)}"@en')


def typed_literal(lexical: str, datatype: str) -> Term:
    """A literal with a datatype IRI."""
    return Term(f'"{escape(lexical)}"^^<{datatype}>')


def date_term(day: dt.date) -> Term:
    """An ``xsd:date`` literal."""
    return typed_literal(day.isoformat(), XSD_NS + "date")


def decimal_term(lexical: str) -> Term:
    """An ``xsd:decimal`` literal from its lexical form (``"3"``, ``"0.25"``)."""
    return typed_literal(lexical, XSD_NS + "decimal")


def wkt_point(lon: float, lat: float) -> Term:
    """A GeoSPARQL WKT point literal (CRS84: longitude first)."""
    return typed_literal(f"POINT({lon:.4f} {lat:.4f})", str(GEO) + "wktLiteral")


def synthetic_iri(kind: str, number: int) -> Term:
    """The IRI of synthetic thing number ``number`` of ``kind``."""
    return iri(f"{SYNTHETIC_BASE}{kind}/{number}")


def example_iri(kind: str, number: int) -> Term:
    """An ``example.org`` web address for a synthetic thing (homepages, sources)."""
    return iri(f"{EXAMPLE_BASE}{kind}/{number}")


def r2p(name: str) -> Term:
    """The term ``r2p:name``."""
    return iri(str(R2P) + name)


class P:
    """The properties the generator writes."""

    TYPE: Final = iri(RDF_NS + "type")
    LABEL: Final = iri(RDFS_NS + "label")
    COMMENT: Final = iri(RDFS_NS + "comment")
    ALT_LABEL: Final = iri(SKOS_NS + "altLabel")
    HOMEPAGE: Final = iri(FOAF_NS + "homepage")
    DESCRIPTION: Final = iri(DCTERMS_NS + "description")
    SUB_ORGANIZATION_OF: Final = iri(str(ORG) + "subOrganizationOf")
    MEMBER: Final = iri(str(ORG) + "member")
    ORGANIZATION: Final = iri(str(ORG) + "organization")
    ROLE: Final = iri(str(ORG) + "role")
    MEMBER_DURING: Final = iri(str(ORG) + "memberDuring")
    POST_IN: Final = iri(str(ORG) + "postIn")
    HOLDS: Final = iri(str(ORG) + "holds")
    HAS_GEOMETRY: Final = iri(str(GEO) + "hasGeometry")
    AS_WKT: Final = iri(str(GEO) + "asWKT")
    OPERATING_LEVEL: Final = r2p("operatingLevel")
    HEADQUARTERS: Final = r2p("headquarters")
    COUNTRY: Final = r2p("country")
    VISIBILITY: Final = r2p("visibility")
    POST_TYPE: Final = r2p("postType")
    START_DATE: Final = r2p("startDate")
    END_DATE: Final = r2p("endDate")
    PARTY: Final = r2p("party")
    SIGNING_DATE: Final = r2p("signingDate")
    AGREEMENT_STATUS: Final = r2p("agreementStatus")
    COVERS_COUNTRY: Final = r2p("coversCountry")
    THEME: Final = r2p("theme")
    ESTABLISHES: Final = r2p("establishes")
    HAS_PARTICIPATION: Final = r2p("hasParticipation")
    PARTICIPANT: Final = r2p("participant")
    PARTICIPATION_ROLE: Final = r2p("participationRole")
    RECIPIENT_COUNTRY: Final = r2p("recipientCountry")
    TARGETS_STEP: Final = r2p("targetsStep")
    ADDRESSES_RISK_FACTOR: Final = r2p("addressesRiskFactor")
    ORGANIZER: Final = r2p("organizer")
    ATTENDEE: Final = r2p("attendee")
    PART_OF_PROGRAMME: Final = r2p("partOfProgramme")
    AUTHOR: Final = r2p("author")
    PUBLICATION_DATE: Final = r2p("publicationDate")
    ABOUT: Final = r2p("about")
    CRIME_TYPE: Final = r2p("crimeType")
    ASSESSMENT_DATE: Final = r2p("assessmentDate")
    ASSESSOR: Final = r2p("assessor")
    RISK_LEVEL: Final = r2p("riskLevel")
    METHOD: Final = r2p("method")
    BASED_ON: Final = r2p("basedOn")
    SCENARIO_OF: Final = r2p("scenarioOf")
    LIKELIHOOD: Final = r2p("likelihood")
    INDICATOR: Final = r2p("indicator")
    LEVEL: Final = r2p("level")
    NUMERIC_VALUE: Final = r2p("numericValue")
    SOURCE: Final = r2p("source")


class C:
    """The classes the generator writes."""

    DATASET: Final = iri(VOID_NS + "Dataset")
    GEOMETRY: Final = iri(str(GEO) + "Geometry")
    POINT: Final = iri(str(SF) + "Point")
    ORGANIZATION: Final = r2p("Organization")
    SITE: Final = r2p("Site")
    MEMBERSHIP: Final = r2p("Membership")
    PERIOD: Final = r2p("Period")
    PERSON: Final = r2p("Person")
    POST: Final = r2p("Post")
    AGREEMENT: Final = r2p("Agreement")
    MOU: Final = r2p("MemorandumOfUnderstanding")
    PROGRAMME: Final = r2p("Programme")
    JOINT_PROGRAMME: Final = r2p("JointProgramme")
    PARTICIPATION: Final = r2p("Participation")
    EVENT: Final = r2p("Event")
    SITUATION: Final = r2p("Situation")
    RISK_ASSESSMENT: Final = r2p("RiskAssessment")
    SCENARIO: Final = r2p("Scenario")
    OBSERVATION: Final = r2p("IndicatorObservation")
    PUBLICATION: Final = r2p("Publication")
    REPORT: Final = r2p("Report")
