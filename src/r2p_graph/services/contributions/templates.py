"""CSV templates: filled in a spreadsheet, turned into RDF by a declarative mapping.

Each kind of template (organisations, people, agreements, programmes, events, observations) is a
mapping file, ``templates/<kind>.toml``, that lists its columns in order: the column's name, the
predicate it fills, and how a cell becomes a term (``iri`` template, ``datatype``, ``language``),
whether it holds several values (``separator``), and whether it describes a node of its own
linked from the row's subject (``node``: a post, a participation). One engine reads every kind;
adding a template is adding a file.

Every triple made remembers its row and column, so that a validation result about it can name
the cell to fix. Rows are numbered as a spreadsheet shows them: the header is row 1.

>>> template = template_named("organisations")
>>> template.header()[:3]
['id', 'type', 'name_en']
>>> rows = b"id,name_en,operating_level\\nalpha,Alpha (synthetic),national\\n"
>>> converted = template.convert(rows)
>>> len(converted.graph), converted.cells.locate("https://w3id.org/r2p-graph/id/organization/alpha",
...     "https://w3id.org/r2p-graph/ontology#operatingLevel")
(3, (2, 'operating_level'))
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from rdflib import Graph
from rdflib.term import Literal, URIRef

from r2p_graph.errors import InputError, Location
from r2p_graph.ontology.namespaces import PREFIXES

KINDS = ("organisations", "people", "agreements", "programmes", "events", "observations")
"""The kinds of CSV templates, each a mapping file ``templates/<kind>.toml``."""

_IRI_UNSAFE = re.compile(r'[\s<>"{}|^`\\]')
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True, slots=True)
class NestedNode:
    """A node of its own that a column describes, linked from the row's subject."""

    link: URIRef
    iri: str
    type: URIRef | None
    fixed: tuple[tuple[URIRef, URIRef], ...]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a template and how its cells become triples."""

    name: str
    doc: str
    example: str = ""
    predicate: URIRef | None = None
    iri: str | None = None
    datatype: URIRef | None = None
    language: str | None = None
    language_column: str | None = None
    separator: str | None = None
    default: str | None = None
    node: NestedNode | None = None


@dataclass(slots=True)
class CellIndex:
    """Where in the CSV each triple came from, to name the cell a validation result is about."""

    by_statement: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    by_node: dict[str, int] = field(default_factory=dict)
    by_predicate: dict[str, str] = field(default_factory=dict)
    by_value: dict[str, tuple[int, str]] = field(default_factory=dict)

    def note(
        self, subject: URIRef, predicate: URIRef, obj: URIRef | Literal, row: int, column: str
    ) -> None:
        """Remember that the triple ``subject predicate obj`` came from ``row``/``column``."""
        self.by_statement.setdefault((str(subject), str(predicate)), (row, column))
        self.by_node.setdefault(str(subject), row)
        self.by_predicate.setdefault(str(predicate), column)
        if isinstance(obj, URIRef):
            self.by_value.setdefault(str(obj), (row, column))

    def locate(self, focus: str, path: str | None) -> tuple[int | None, str | None]:
        """The row and column behind a result about ``focus`` (and ``path``): the cell that made
        the statement, else the row of the node and the column that fills ``path``."""
        if path is not None and (focus, path) in self.by_statement:
            return self.by_statement[(focus, path)]
        if focus not in self.by_node and focus in self.by_value:
            # A node the CSV points at (an unknown country): the cell that names it.
            return self.by_value[focus]
        row = self.by_node.get(focus)
        column = None if path is None else self.by_predicate.get(path)
        return row, column


@dataclass(frozen=True, slots=True)
class Converted:
    """The RDF made from a CSV, and where each statement came from."""

    graph: Graph
    cells: CellIndex


@dataclass(frozen=True, slots=True)
class CsvTemplate:
    """One kind of template: a subject IRI template and its columns."""

    kind: str
    title: str
    subject: str
    columns: tuple[Column, ...]

    def header(self) -> list[str]:
        """The column names, in order: the template's header row."""
        return [c.name for c in self.columns]

    def blank(self) -> str:
        """The template as a CSV file: the header row and one synthetic example row."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.header())
        writer.writerow([c.example for c in self.columns])
        return out.getvalue()

    def convert(self, data: bytes, *, source_name: str = "input.csv") -> Converted:
        """Turn a filled template into RDF. ``InputError`` naming the row and column for a
        header that does not fit the template or a cell that cannot be a term."""
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError("a CSV template must be UTF-8", Location(source_name)) from error
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise InputError(
                "the CSV is empty: it needs the template's header row", Location(source_name)
            ) from None
        except csv.Error as error:
            raise InputError(f"not a CSV file: {error}", Location(source_name, 1)) from error
        columns = self._columns_of(header, source_name)
        graph = Graph()
        cells = CellIndex()
        try:
            for number, values in enumerate(reader, start=2):
                row = dict(zip(header, (v.strip() for v in values), strict=False))
                if len(values) > len(header):
                    raise InputError(
                        f"row {number} has {len(values)} cells, the header {len(header)}",
                        Location(source_name, number),
                    )
                if any(row.values()):
                    self._convert_row(
                        row,
                        columns=columns,
                        number=number,
                        graph=graph,
                        cells=cells,
                        source_name=source_name,
                    )
        except csv.Error as error:
            raise InputError(
                f"not a CSV file: {error}", Location(source_name, reader.line_num)
            ) from error
        if len(graph) == 0:
            raise InputError("the CSV has a header but no filled row", Location(source_name))
        return Converted(graph, cells)

    def _columns_of(self, header: list[str], source_name: str) -> list[Column]:
        known = {c.name: c for c in self.columns}
        unknown = [h for h in header if h not in known]
        if unknown:
            raise InputError(
                f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} in the "
                f"{self.kind} template; its columns are {', '.join(self.header())}",
                Location(source_name, 1),
            )
        if len(set(header)) != len(header):
            raise InputError("a column appears twice in the header", Location(source_name, 1))
        if "id" not in header:
            raise InputError("the header needs the id column", Location(source_name, 1))
        # Columns left out of the header still give their default (the type).
        return [known[h] for h in header] + [
            c for c in self.columns if c.name not in header and c.default is not None
        ]

    def _convert_row(
        self,
        row: dict[str, str],
        *,
        columns: list[Column],
        number: int,
        graph: Graph,
        cells: CellIndex,
        source_name: str,
    ) -> None:
        where = Location(source_name, number)
        identifier = row.get("id", "")
        if not identifier:
            raise InputError(f"row {number}: the id cell is empty (column id)", where)
        subject = _iri(self.subject, identifier, where, "id")
        for column in columns:
            if column.predicate is None:
                continue
            cell = row.get(column.name) or column.default or ""
            values = [cell] if column.separator is None else cell.split(column.separator)
            for index, value in enumerate((v.strip() for v in values), start=1):
                if not value:
                    continue
                obj = _term(column, value, row, where)
                target = subject
                if column.node is not None:
                    target = _nested(
                        column.node,
                        subject,
                        index=index,
                        graph=graph,
                        cells=cells,
                        number=number,
                        column=column,
                    )
                graph.add((target, column.predicate, obj))
                cells.note(target, column.predicate, obj, number, column.name)


def _nested(
    node: NestedNode,
    subject: URIRef,
    *,
    index: int,
    graph: Graph,
    cells: CellIndex,
    number: int,
    column: Column,
) -> URIRef:
    target = URIRef(node.iri.format(subject=subject, index=index))
    graph.add((subject, node.link, target))
    cells.note(subject, node.link, target, number, column.name)
    if node.type is not None:
        graph.add((target, _RDF_TYPE, node.type))
    for predicate, value in node.fixed:
        graph.add((target, predicate, value))
        cells.note(target, predicate, value, number, column.name)
    return target


_RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _term(column: Column, value: str, row: dict[str, str], where: Location) -> URIRef | Literal:
    if column.iri is not None:
        return _iri(column.iri, value, where, column.name)
    if column.datatype is not None:
        return Literal(value, datatype=column.datatype)
    language = column.language
    if column.language_column is not None:
        language = row.get(column.language_column) or None
        if language is None or not _LANGUAGE.match(language):
            raise InputError(
                f"row {where.line}: {column.language_column} must give the language of "
                f"{column.name} as a code such as hu (got {language or 'nothing'!r})",
                where,
            )
    return Literal(value, lang=language)


def _iri(template: str, value: str, where: Location, column: str) -> URIRef:
    """The IRI a cell stands for: an IRI or prefixed name as written, else ``template``
    filled with the cell."""
    if _IRI_UNSAFE.search(value):
        raise InputError(
            f"row {where.line}, column {column}: {value!r} cannot be part of an IRI "
            '(no spaces or <>"{}|^`\\)',
            where,
        )
    written = value if ":" in value else template.format(value)
    return URIRef(expand(written))


def expand(text: str) -> str:
    """A prefixed name (``r2p:national``, ``id:country/HU``) as a full IRI; IRIs unchanged.

    >>> expand("id:country/HU")
    'https://w3id.org/r2p-graph/id/country/HU'
    """
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return text


def _uri(text: object) -> URIRef:
    return URIRef(expand(str(text)))


@cache
def template_named(kind: str) -> CsvTemplate:
    """The template of ``kind`` (one of :data:`KINDS`); ``InputError`` for another kind."""
    if kind not in KINDS:
        raise InputError(f"no CSV template {kind!r}; there are: {', '.join(KINDS)}")
    path = resources.files(__package__) / "templates" / f"{kind}.toml"
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    columns = []
    for raw in spec["column"]:
        node = raw.get("node")
        columns.append(
            Column(
                name=raw["name"],
                doc=raw["doc"],
                example=raw.get("example", ""),
                predicate=_uri(raw["predicate"]) if "predicate" in raw else None,
                iri=raw.get("iri"),
                datatype=_uri(raw["datatype"]) if "datatype" in raw else None,
                language=raw.get("language"),
                language_column=raw.get("language_column"),
                separator=raw.get("separator"),
                default=raw.get("default"),
                node=None
                if node is None
                else NestedNode(
                    link=_uri(node["link"]),
                    iri=node["iri"],
                    type=_uri(node["type"]) if "type" in node else None,
                    fixed=tuple((_uri(p), _uri(v)) for p, v in node.get("fixed", {}).items()),
                ),
            )
        )
    return CsvTemplate(kind, spec["title"], spec["subject"], tuple(columns))
