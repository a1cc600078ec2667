"""The parameters of catalogue queries: their types, and turning a user's text into an RDF term.

A parameter's value never becomes query text as the user wrote it: it is parsed into a typed
RDF term (an IRI checked against the IRI grammar, an ``xsd:date``, an ``xsd:integer``, a plain
string) and only that term's own serialisation is bound, in a ``VALUES`` block. A ``page`` is
the one exception: SPARQL has no variable ``OFFSET``, so the page number, checked to be a whole
number from 1 to 999,999, becomes the number of an ``OFFSET`` (see
:meth:`~r2p_graph.services.catalogue.CatalogueQuery.bind`).

>>> Parameter("country", ParameterType.COUNTRY).parse("si")
rdflib.term.URIRef('https://w3id.org/r2p-graph/id/country/SI')
>>> Parameter("risk_factor", ParameterType.RISK_FACTOR).parse("8")
rdflib.term.URIRef('https://w3id.org/r2p-graph/vocab/framework/risk-factor-8')
>>> Parameter("months", ParameterType.INTEGER, minimum=1).parse("0")
Traceback (most recent call last):
...
r2p_graph.errors.InputError: parameter 'months': 0 is less than 1
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

from rdflib.namespace import XSD
from rdflib.term import Literal, URIRef

from r2p_graph.errors import InputError
from r2p_graph.ontology.namespaces import FRAMEWORK, R2P, STEPS, local_iri

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_LEVELS = ("international", "regional", "national", "local")
_RISK_LEVELS = {"low": "lowRisk", "moderate": "moderateRisk", "high": "highRisk"}
_RISK_LEVELS["very-high"] = "veryHighRisk"
_KINDS = {
    "ngo": "NonGovernmentalOrganization",
    "government": "GovernmentBody",
    "network": "Network",
    "igo": "IntergovernmentalOrganization",
    "regional": "RegionalOrganization",
    "academic": "AcademicInstitution",
    "npm": "NationalPreventionMechanism",
}
_ROLES = ("funding", "accountable", "extending", "implementing")
MAX_TEXT = 200

Term = URIRef | Literal


class ParameterType(Enum):
    """What kind of value a parameter takes, and how it is written."""

    STRING = "string"
    INTEGER = "integer"
    DATE = "date"
    IRI = "iri"
    COUNTRY = "country"
    STEP = "step"
    RISK_FACTOR = "risk-factor"
    LEVEL = "level"
    RISK_LEVEL = "risk-level"
    KIND = "kind"
    ROLE = "role"
    PAGE = "page"

    @property
    def hint(self) -> str:
        """How a value of this type is written, for error messages and the catalogue."""
        return _HINTS[self]


_HINTS = {
    ParameterType.STRING: f"text of at most {MAX_TEXT} characters",
    ParameterType.INTEGER: "a whole number",
    ParameterType.DATE: "a date as YYYY-MM-DD, or 'today'",
    ParameterType.IRI: "an absolute IRI",
    ParameterType.COUNTRY: "an ISO 3166-1 alpha-2 code (SI) or a country IRI",
    ParameterType.STEP: "a response step of the continuum (early-warning) or its IRI",
    ParameterType.RISK_FACTOR: "a risk factor of the Framework of Analysis (1-14) or its IRI",
    ParameterType.LEVEL: "an operating level: " + ", ".join(_LEVELS),
    ParameterType.RISK_LEVEL: "a risk level: " + ", ".join(_RISK_LEVELS),
    ParameterType.KIND: "a kind of organisation: " + ", ".join(_KINDS),
    ParameterType.ROLE: "a participation role: " + ", ".join(_ROLES),
    ParameterType.PAGE: "a page number, 1 for the first",
}


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of a catalogue query, as its header declares it.

    ``default`` is the text used when the caller gives no value (``None``: the parameter is
    left unbound, which means "any"); ``multiple`` parameters take a comma-separated list."""

    name: str
    type: ParameterType
    description: str = ""
    default: str | None = None
    example: str | None = None
    required: bool = False
    multiple: bool = False
    minimum: int | None = None
    maximum: int | None = None

    def parse(self, text: str, *, today: dt.date | None = None) -> Term:
        """The RDF term ``text`` stands for; ``InputError`` naming the parameter otherwise."""
        value = text.strip()
        try:
            return _PARSERS[self.type](self, value, today or dt.date.today())
        except InputError:
            raise
        except ValueError as error:
            raise InputError(f"parameter {self.name!r}: {error}") from None

    def parse_all(self, texts: list[str], *, today: dt.date | None = None) -> list[Term]:
        """The terms of the values given (a list of one or more unless ``multiple``)."""
        items = [t for text in texts for t in (text.split(",") if self.multiple else [text])]
        if len(items) > 1 and not self.multiple:
            raise InputError(f"parameter {self.name!r} takes one value, not {len(items)}")
        if self.multiple and len(items) > 100:
            raise InputError(f"parameter {self.name!r} takes at most 100 values")
        return [
            self.parse(item, today=today) for item in items if item.strip() or not self.multiple
        ]

    def describe(self) -> dict[str, object]:
        """The parameter as the catalogue publishes it (JSON)."""
        return {
            "name": self.name,
            "type": self.type.value,
            "format": self.type.hint,
            "description": self.description,
            "default": self.default,
            "example": self.example,
            "required": self.required,
            "multiple": self.multiple,
            "minimum": self.minimum,
            "maximum": self.maximum,
        }


def _bad(parameter: Parameter, value: str) -> InputError:
    shown = value if len(value) <= 60 else value[:57] + "..."
    return InputError(f"parameter {parameter.name!r}: {shown!r} is not {parameter.type.hint}")


def _iri(parameter: Parameter, value: str) -> URIRef:
    if not _IRI.match(value) or len(value) > 2000:
        raise _bad(parameter, value)
    return URIRef(value)


def _string(parameter: Parameter, value: str, _: dt.date) -> Term:
    if not value or len(value) > MAX_TEXT:
        raise _bad(parameter, value)
    return Literal(value)


def _page(parameter: Parameter, value: str, _: dt.date) -> Term:
    if not re.fullmatch(r"\+?\d{1,6}", value) or int(value) < 1:
        raise _bad(parameter, value)
    return Literal(int(value))


def _integer(parameter: Parameter, value: str, _: dt.date) -> Term:
    if not re.fullmatch(r"[+-]?\d{1,9}", value):
        raise _bad(parameter, value)
    number = int(value)
    if parameter.minimum is not None and number < parameter.minimum:
        raise InputError(f"parameter {parameter.name!r}: {number} is less than {parameter.minimum}")
    if parameter.maximum is not None and number > parameter.maximum:
        raise InputError(f"parameter {parameter.name!r}: {number} is more than {parameter.maximum}")
    return Literal(number)


def _date(parameter: Parameter, value: str, today: dt.date) -> Term:
    if value.lower() == "today":
        return Literal(today.isoformat(), datatype=XSD.date)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise _bad(parameter, value)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        message = f"parameter {parameter.name!r}: {value!r} is not a day of the calendar"
        raise InputError(message) from None
    return Literal(day.isoformat(), datatype=XSD.date)


def _any_iri(parameter: Parameter, value: str, _: dt.date) -> Term:
    return _iri(parameter, value)


def _country(parameter: Parameter, value: str, _: dt.date) -> Term:
    if _COUNTRY.match(value):
        return URIRef(local_iri("country", value.upper()))
    if value.startswith(("http://", "https://")):
        return _iri(parameter, value)
    raise _bad(parameter, value)


def _step(parameter: Parameter, value: str, _: dt.date) -> Term:
    if _SLUG.match(value):
        return STEPS[value]
    if value.startswith(("http://", "https://")):
        return _iri(parameter, value)
    raise _bad(parameter, value)


def _risk_factor(parameter: Parameter, value: str, _: dt.date) -> Term:
    if re.fullmatch(r"\d{1,2}", value) and 1 <= int(value) <= 14:
        return FRAMEWORK[f"risk-factor-{int(value)}"]
    if value.startswith(("http://", "https://")):
        return _iri(parameter, value)
    raise _bad(parameter, value)


def _level(parameter: Parameter, value: str, _: dt.date) -> Term:
    if value.lower() not in _LEVELS:
        raise _bad(parameter, value)
    return R2P[value.lower()]


def _risk_level(parameter: Parameter, value: str, _: dt.date) -> Term:
    if value.lower() not in _RISK_LEVELS:
        raise _bad(parameter, value)
    return R2P[_RISK_LEVELS[value.lower()]]


def _kind(parameter: Parameter, value: str, _: dt.date) -> Term:
    if value.lower() not in _KINDS:
        raise _bad(parameter, value)
    return R2P[_KINDS[value.lower()]]


def _role(parameter: Parameter, value: str, _: dt.date) -> Term:
    if value.lower() not in _ROLES:
        raise _bad(parameter, value)
    return R2P[f"{value.lower()}Role"]


_PARSERS = {
    ParameterType.KIND: _kind,
    ParameterType.ROLE: _role,
    ParameterType.STRING: _string,
    ParameterType.INTEGER: _integer,
    ParameterType.DATE: _date,
    ParameterType.IRI: _any_iri,
    ParameterType.COUNTRY: _country,
    ParameterType.STEP: _step,
    ParameterType.RISK_FACTOR: _risk_factor,
    ParameterType.LEVEL: _level,
    ParameterType.RISK_LEVEL: _risk_level,
    ParameterType.PAGE: _page,
}
