"""The query catalogue: named, parameterised, explained SPARQL queries for coordinators.

Each question is one ``.rq`` file in ``queries/`` whose leading comment is a header::

    # title: Dormant agreements
    # description: Memoranda of understanding in force with no joint programme or event
    #   between their parties in the last months.
    # audience: coordinators
    # parameter: months
    #   type: integer
    #   default: 12
    #   example: 24
    #   minimum: 1
    #   description: How many months back count as recent.

``title``, ``description`` and ``audience`` are required; each ``parameter`` block gives its
``type`` (see :class:`~r2p_graph.services.catalogue_parameters.ParameterType`), and optionally
``default``, ``example``, ``required``, ``multiple``, ``minimum``, ``maximum`` and
``description``. ``# parameters: none`` says there are none. A line indented under a field
continues it.

Parameters are variables of the query. :meth:`CatalogueQuery.bind` checks and types the values
given and returns the query with one ``VALUES`` block per parameter at the start of every
``WHERE`` clause (the query's and its sub-queries', so that a parameter is in scope wherever it
is used); a parameter left without value is bound to ``UNDEF`` and so matches anything.

A query that lists more than one answers at once is paged: it declares one parameter of type
``page`` and has exactly one ``LIMIT`` (in the query or in the sub-query that chooses what a
page holds), whose number is the page size. Page *n* is that ``LIMIT`` with an ``OFFSET`` of
*n* - 1 pages, as in grlc's ``pagination`` decorator; SPARQL has no variable ``OFFSET``, so this
number, worked out from a checked whole number, is the one value written into the text.

>>> catalogue = Catalogue.bundled()
>>> "dormant-agreements" in catalogue.names()
True
>>> query = catalogue.get("dormant-agreements")
>>> 'VALUES ?months { "24"^^<http://www.w3.org/2001/XMLSchema#integer> }' in query.bind(
...     {"months": ["24"]})
True
>>> query.bind({"months": ["many"]})
Traceback (most recent call last):
...
r2p_graph.errors.InputError: parameter 'months': 'many' is not a whole number
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from r2p_graph.errors import InputError, Location, MissingInputError
from r2p_graph.ontology.bundle import QUERIES_DIR
from r2p_graph.services.catalogue_parameters import Parameter, ParameterType
from r2p_graph.store.sparql_text import masked

_FIELD = re.compile(r"^#\s?(?P<key>[a-z_]+):\s*(?P<value>.*)$")
_SUBFIELD = re.compile(r"^#\s{2,}(?P<key>[a-z_]+):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_LIMIT = re.compile(r"\bLIMIT\s+(\d+)", re.IGNORECASE)
_OFFSET = re.compile(r"\bOFFSET\b", re.IGNORECASE)
_PARAMETER_FIELDS = frozenset(
    {"type", "default", "example", "required", "multiple", "minimum", "maximum", "description"}
)


class UnknownQueryError(MissingInputError):
    """No catalogue query has the name asked for."""


@dataclass(frozen=True, slots=True)
class CatalogueQuery:
    """One named query of the catalogue: what it answers, for whom, with which parameters."""

    name: str
    title: str
    description: str
    audience: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    sparql: str

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; ``InputError`` listing the known ones otherwise."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "no parameters"
        raise InputError(f"query {self.name!r} has no parameter {name!r} (it takes: {known})")

    def bind(self, given: Mapping[str, Sequence[str]], *, today: dt.date | None = None) -> str:
        """The query text with the ``given`` values (text, as from a URL) bound by ``VALUES``
        (and a page chosen by an ``OFFSET``: see the module docstring).

        Unknown parameters, missing required ones and values that do not parse are refused
        with an ``InputError`` that names the parameter."""
        for name in given:
            self.parameter(name)
        blocks: list[tuple[Parameter, str]] = []
        for parameter in self.parameters:
            texts = [t for t in given.get(parameter.name, ()) if t.strip()]
            if not texts and parameter.default is not None:
                texts = [parameter.default]
            if not texts and parameter.required:
                raise InputError(
                    f"query {self.name!r} needs parameter {parameter.name!r} "
                    f"({parameter.type.hint})"
                )
            if parameter.type is ParameterType.PAGE:
                continue  # not a variable: see page()
            terms = parameter.parse_all(texts, today=today)
            values = " ".join(term.n3() for term in terms) or "UNDEF"
            blocks.append((parameter, f"VALUES ?{parameter.name} {{ {values} }}"))
        text = self._with_values(blocks)
        page = self.page(given)
        return text if page is None else _paged(text, page)

    def page(self, given: Mapping[str, Sequence[str]]) -> int | None:
        """The page number asked for in ``given`` (1 when none is), for a paged query; ``None``
        for the others. ``InputError`` naming the parameter for a value that is not a page.

        >>> query = Catalogue.bundled().get("coalition-membership")
        >>> query.page({}), query.page({"page": ["3"]})
        (1, 3)
        """
        for parameter in self.parameters:
            if parameter.type is ParameterType.PAGE:
                texts = [t for t in given.get(parameter.name, ()) if t.strip()]
                terms = parameter.parse_all(texts or [parameter.default or "1"])
                return int(terms[0])
        return None

    @property
    def page_size(self) -> int | None:
        """How many answers a page holds (the number of the query's one ``LIMIT``), for a
        paged query; ``None`` for the others."""
        if not any(p.type is ParameterType.PAGE for p in self.parameters):
            return None
        return int(_limits(self.sparql)[0][1])

    def _with_values(self, blocks: list[tuple[Parameter, str]]) -> str:
        """The query text with each ``VALUES`` block at the start of the ``WHERE`` clauses
        that use its parameter."""
        if not blocks:
            return self.sparql
        # Found in the masked text (strings, IRIs and comments blanked, positions kept), so
        # that a word in a comment is neither a clause nor a use of a parameter.
        plain = masked(self.sparql)
        wheres = _where_braces(plain)
        spans = {where: _subquery(plain, where) for where in wheres[1:]}
        # The query itself uses what its text uses outside its sub-queries.
        outer = plain
        for start, end in spans.values():
            outer = outer[:start] + " " * (end - start) + outer[end:]
        text = self.sparql
        for where in reversed(wheres):
            # Each WHERE gets only the parameters it uses: a VALUES block it does not need would
            # be one more join for the engine (with several values, repeated rows), and rdflib
            # answers an OPTIONAL sub-query wrongly when its variable is also bound outside.
            start, end = spans.get(where, (0, len(plain)))
            scope = outer if where == wheres[0] else plain[start:end]
            used = [block for parameter, block in blocks if _mentions(scope, parameter.name)]
            if used:
                text = f"{text[:where]}\n  {' '.join(used)}\n{text[where:]}"
        return text

    def describe(self) -> dict[str, object]:
        """The query's metadata as the catalogue publishes it (JSON)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "audience": list(self.audience),
            "parameters": [p.describe() for p in self.parameters],
            "page_size": self.page_size,
        }


class Catalogue:
    """The catalogue queries of a folder, by name (the file name without ``.rq``)."""

    def __init__(self, queries: Sequence[CatalogueQuery]) -> None:
        self._queries = {q.name: q for q in sorted(queries, key=lambda q: q.name)}

    @classmethod
    def load(cls, folder: Path) -> Catalogue:
        """Read every ``*.rq`` of ``folder``; ``InputError`` naming the file and line of a
        malformed header."""
        return cls(
            [parse_query(path.stem, path.read_text("utf-8")) for path in folder.glob("*.rq")]
        )

    @classmethod
    def bundled(cls) -> Catalogue:
        """The catalogue that ships with r2p-graph (``queries/``)."""
        return cls.load(QUERIES_DIR)

    def names(self) -> list[str]:
        """The query names, sorted."""
        return list(self._queries)

    def queries(self) -> list[CatalogueQuery]:
        """The queries, sorted by name."""
        return list(self._queries.values())

    def get(self, name: str) -> CatalogueQuery:
        """The query called ``name``; ``UnknownQueryError`` (404) otherwise."""
        try:
            return self._queries[name]
        except KeyError:
            raise UnknownQueryError(
                f"no catalogue query is called {name!r}; the catalogue has: "
                + ", ".join(self._queries)
            ) from None


def parse_query(name: str, text: str) -> CatalogueQuery:
    """A catalogue query from the text of its ``.rq`` file (see the module docstring)."""
    if not _NAME.match(name):
        raise InputError(f"a catalogue query name is lower-case words joined by '-': {name!r}")
    fields: dict[str, str] = {}
    blocks: list[dict[str, str]] = []
    last: dict[str, str] | None = None
    last_key = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        where = Location(f"{name}.rq", number)
        if block_field := _SUBFIELD.match(line):
            key, value = block_field["key"], block_field["value"].strip()
            if blocks and last is blocks[-1] and key in _PARAMETER_FIELDS:
                blocks[-1][key] = value
                last_key = key
                continue
        if continuation := _CONTINUATION.match(line):
            if last is None:
                raise InputError("a continued line needs a field before it", where)
            last[last_key] = f"{last[last_key]} {continuation['value'].strip()}"
            continue
        field = _FIELD.match(line)
        if field is None:
            if line.strip("# ") == "":
                continue
            raise InputError(f"expected 'key: value' in the header, not {line!r}", where)
        key, value = field["key"], field["value"].strip()
        if key == "parameter":
            blocks.append({"name": value, "_line": str(number)})
            last, last_key = blocks[-1], "name"
        elif key in ("title", "description", "audience", "parameters"):
            fields[key] = value
            last, last_key = fields, key
        else:
            raise InputError(f"unknown header field {key!r}", where)
    for required in ("title", "description", "audience"):
        if not fields.get(required):
            raise InputError(f"the header has no {required!r}", Location(f"{name}.rq"))
    parameters = tuple(_parameter(name, block) for block in blocks)
    query = CatalogueQuery(
        name=name,
        title=fields["title"],
        description=fields["description"],
        audience=tuple(a.strip() for a in fields["audience"].split(",") if a.strip()),
        parameters=parameters,
        sparql=text,
    )
    if parameters and not _where_braces(masked(text)):
        raise InputError(f"catalogue query {name!r} has no WHERE clause to bind parameters in")
    _check_paging(query)
    return query


def _check_paging(query: CatalogueQuery) -> None:
    """``InputError`` unless a paged query has one ``page`` parameter, one ``LIMIT`` and no
    ``OFFSET`` of its own (see the module docstring)."""
    pages = [p for p in query.parameters if p.type is ParameterType.PAGE]
    if not pages:
        return
    where = Location(f"{query.name}.rq")
    limits = _limits(query.sparql)
    if len(pages) > 1 or pages[0].multiple:
        raise InputError("a paged query has one 'page' parameter, taking one value", where)
    if len(limits) != 1:
        raise InputError(
            f"a paged query has exactly one LIMIT (the page size), not {len(limits)}", where
        )
    if int(limits[0][1]) < 1:
        raise InputError("a paged query's LIMIT (the page size) is at least 1", where)
    if _OFFSET.search(masked(query.sparql)):
        raise InputError("a paged query has no OFFSET of its own: the page sets it", where)


def _limits(text: str) -> list[re.Match[str]]:
    """The ``LIMIT`` clauses of ``text`` (not in comments or strings)."""
    return list(_LIMIT.finditer(masked(text)))


def _paged(text: str, page: int) -> str:
    """``text`` with page ``page`` chosen: an ``OFFSET`` of ``page - 1`` pages after its one
    ``LIMIT``."""
    (limit,) = _limits(text)
    offset = (page - 1) * int(limit[1])
    return f"{text[: limit.end()]} OFFSET {offset}{text[limit.end() :]}"


def _parameter(query: str, block: dict[str, str]) -> Parameter:
    where = Location(f"{query}.rq", int(block["_line"]))
    try:
        kind = ParameterType(block.get("type", ""))
    except ValueError:
        kinds = ", ".join(t.value for t in ParameterType)
        raise InputError(
            f"parameter {block['name']!r} needs a type, one of {kinds}", where
        ) from None
    parameter = Parameter(
        name=block["name"],
        type=kind,
        description=block.get("description", ""),
        default=None if block.get("default", "none") == "none" else block["default"],
        example=block.get("example"),
        required=block.get("required", "no") == "yes",
        multiple=block.get("multiple", "no") == "yes",
        minimum=int(block["minimum"]) if "minimum" in block else None,
        maximum=int(block["maximum"]) if "maximum" in block else None,
    )
    if parameter.name == "format":
        raise InputError(
            "'format' chooses the result format; a parameter cannot be called so", where
        )
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", parameter.name):
        raise InputError(f"a parameter name is a SPARQL variable name: {parameter.name!r}", where)
    for sample in (parameter.default, parameter.example):
        if sample is not None:
            try:
                parameter.parse_all([sample])
            except InputError as error:
                raise InputError(error.message, where) from None
    return parameter


def _mentions(text: str, variable: str) -> bool:
    """Whether SPARQL ``text`` uses ``?variable`` (or ``$variable``)."""
    return re.search(rf"[?$]{re.escape(variable)}(?![A-Za-z0-9_])", text) is not None


def _subquery(plain: str, where: int) -> tuple[int, int]:
    """Where the sub-query whose ``WHERE {`` ends at ``where`` in a masked text is: from its
    ``SELECT`` to the end of the group around it (its projection and ``HAVING`` may use a
    parameter too)."""
    selects = [m.start() for m in _SELECT.finditer(plain, 0, where)]
    start = selects[-1] if selects else 0
    return start, _group_end(plain, _group_end(plain, where) + 1)


def _group_end(plain: str, start: int) -> int:
    """The position of the ``}`` that closes the group open at ``start`` in a masked text (its
    end when the group is not closed)."""
    depth = 1
    for position in range(start, len(plain)):
        if plain[position] == "{":
            depth += 1
        elif plain[position] == "}":
            depth -= 1
            if depth == 0:
                return position
    return len(plain)


def _where_braces(plain: str) -> list[int]:
    """The positions just after each ``{`` that opens a ``WHERE`` clause in a masked text."""
    return [match.end() for match in _WHERE.finditer(plain)]
