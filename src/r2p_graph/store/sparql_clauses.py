"""The IRIs a SPARQL query names in its dataset clauses (``FROM``, ``FROM NAMED``) and its
``SERVICE`` calls, read from its text before it runs.

Oxigraph does not hand parsed queries to Python. The visibility rules restrict the dataset of
every query to the graphs its reader may read, and must then narrow that to what the query asks
for with ``FROM``; federation must know which endpoints a query would call. Both read the text
with a small tokenizer that knows strings, comments, IRIs, prefixed names, ``BASE`` and
``PREFIX``. A query this tokenizer misreads can only see less (its ``FROM`` graphs intersected
with the readable ones), and a ``SERVICE`` whose endpoint cannot be read is refused, never let
through.

>>> clause = dataset_clause(
...     "PREFIX g: <http://e/g/> SELECT * FROM g:one FROM NAMED <two> { ?s ?p ?o }",
...     base_iri="http://e/g/")
>>> clause.default_graphs, clause.named_graphs
(('http://e/g/one',), ('http://e/g/two',))
>>> dataset_clause("SELECT * { ?s ?p ?o }") is None
True
>>> service_endpoints("SELECT * { SERVICE SILENT <http://e/sparql> { ?s ?p ?o } }")
('http://e/sparql',)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

_TOKEN = re.compile(
    r'(?P<string>"""(?:[^\\]|\\.)*?"""|\'\'\'(?:[^\\]|\\.)*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*')"
    r"|(?P<comment>#[^\n]*)"
    r'|(?P<iri><[^<>"{}|^`\\\s]*>)'
    r"|(?P<variable>[?$][\w]+)"
    r"|(?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:"
    r"(?:[\w\-:%\u00B7\u00C0-\uFFFF]|\\.|\.(?=[\w\-:%]))*)"
    r"|(?P<word>[A-Za-z_][\w]*)"
    r"|(?P<brace>[{}])"
    r"|(?P<other>\S)",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class DatasetClause:
    """The graphs a query's ``FROM`` (default graph) and ``FROM NAMED`` clauses name."""

    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


class UnreadableClauseError(ValueError):
    """A ``FROM`` or ``SERVICE`` is not followed by something the tokenizer can read as an
    IRI (for ``SERVICE`` it may be a variable, which gives ``None``)."""


def _tokens(sparql: str) -> list[tuple[str, str, int]]:
    """``(kind, text, brace depth)`` of each token, comments dropped."""
    tokens = []
    depth = 0
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        text = match.group()
        if kind == "comment":
            continue
        if kind == "brace":
            if text == "}":
                depth -= 1
            tokens.append((kind, text, depth))
            if text == "{":
                depth += 1
            continue
        tokens.append((kind, text, depth))
    return tokens


class _Resolver:
    """Turns IRI tokens and prefixed names into absolute IRIs, as the query's prologue says."""

    def __init__(self, tokens: list[tuple[str, str, int]], base_iri: str | None) -> None:
        self.base = base_iri or ""
        self.prefixes: dict[str, str] = {}
        for index, (kind, text, _) in enumerate(tokens):
            if kind != "word":
                continue
            keyword = text.upper()
            following = tokens[index + 1 : index + 3]
            if keyword == "BASE" and following and following[0][0] == "iri":
                self.base = self._absolute(following[0][1][1:-1])
            elif (
                keyword == "PREFIX"
                and len(following) == 2
                and following[0][0] == "pname"
                and following[0][1].endswith(":")
                and following[1][0] == "iri"
            ):
                self.prefixes[following[0][1][:-1]] = self._absolute(following[1][1][1:-1])

    def _absolute(self, iri: str) -> str:
        return urljoin(self.base, iri) if self.base else iri

    def resolve(self, kind: str, text: str) -> str | None:
        if kind == "iri":
            return self._absolute(text[1:-1])
        if kind == "pname":
            prefix, _, local = text.partition(":")
            if prefix in self.prefixes:
                return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return None


def dataset_clause(sparql: str, *, base_iri: str | None = None) -> DatasetClause | None:
    """The graphs named by the query's ``FROM`` / ``FROM NAMED`` clauses, or ``None`` when it
    has none. ``UnreadableClauseError`` when a ``FROM`` is followed by no readable IRI.

    >>> dataset_clause("ASK FROM NAMED <http://e/a> { GRAPH ?g { ?s ?p ?o } }")
    DatasetClause(default_graphs=(), named_graphs=('http://e/a',))
    """
    tokens = _tokens(sparql)
    resolver = _Resolver(tokens, base_iri)
    defaults: list[str] = []
    named: list[str] = []
    found = False
    for index, (kind, text, depth) in enumerate(tokens):
        if kind != "word" or depth != 0 or text.upper() != "FROM":
            continue
        found = True
        position = index + 1
        target = named if _word(tokens, position) == "NAMED" else defaults
        if target is named:
            position += 1
        if position >= len(tokens):
            raise UnreadableClauseError("FROM is not followed by a graph IRI")
        iri = resolver.resolve(tokens[position][0], tokens[position][1])
        if iri is None:
            raise UnreadableClauseError(f"FROM is followed by {tokens[position][1]!r}, not an IRI")
        target.append(iri)
    if not found:
        return None
    return DatasetClause(tuple(defaults), tuple(named))


def service_endpoints(sparql: str, *, base_iri: str | None = None) -> tuple[str | None, ...]:
    """The endpoint of every ``SERVICE`` in the query, in order (``None`` for a variable).
    ``UnreadableClauseError`` when a ``SERVICE`` is followed by neither an IRI nor a variable.

    >>> service_endpoints("SELECT * { SERVICE ?where { ?s ?p ?o } }")
    (None,)
    """
    tokens = _tokens(sparql)
    resolver = _Resolver(tokens, base_iri)
    endpoints: list[str | None] = []
    for index, (kind, text, _) in enumerate(tokens):
        if kind != "word" or text.upper() != "SERVICE":
            continue
        position = index + 1
        if _word(tokens, position) == "SILENT":
            position += 1
        if position >= len(tokens):
            raise UnreadableClauseError("SERVICE is not followed by an endpoint")
        target_kind, target_text, _ = tokens[position]
        if target_kind == "variable":
            endpoints.append(None)
            continue
        iri = resolver.resolve(target_kind, target_text)
        if iri is None:
            raise UnreadableClauseError(f"SERVICE is followed by {target_text!r}, not an IRI")
        endpoints.append(iri)
    return tuple(endpoints)


def _word(tokens: list[tuple[str, str, int]], position: int) -> str | None:
    if position < len(tokens) and tokens[position][0] == "word":
        return tokens[position][1].upper()
    return None


_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "DATA", "WHERE", "USING", "WITH", "LOAD", "CLEAR", "DROP", "CREATE"}
    | {"ADD", "MOVE", "COPY", "GRAPH", "DEFAULT", "NAMED", "ALL", "SERVICE", "TO", "INTO"}
    | {"SILENT"}
)


@dataclass(frozen=True, slots=True)
class UpdateShape:
    """What an update does, as far as access is concerned: the update keywords it uses (upper
    case, outside strings and comments) and every graph IRI it names after ``GRAPH``,
    ``USING``, ``WITH``, ``INTO``, ``TO`` or a graph operation."""

    keywords: frozenset[str]
    graphs: tuple[str, ...]


_NAMES_GRAPH = frozenset({"GRAPH", "USING", "NAMED", "WITH", "INTO", "TO", "ADD", "MOVE", "COPY"})
_NAMES_GRAPH |= {"CLEAR", "DROP", "CREATE", "SILENT"}


def update_shape(update: str, *, base_iri: str | None = None) -> UpdateShape:
    """The keywords and graph IRIs of a SPARQL update.

    >>> shape = update_shape("INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> 1 } }")
    >>> sorted(shape.keywords), shape.graphs
    (['DATA', 'GRAPH', 'INSERT'], ('http://e/g',))
    """
    tokens = _tokens(update)
    resolver = _Resolver(tokens, base_iri)
    keywords: set[str] = set()
    graphs: list[str] = []
    for index, (kind, text, _) in enumerate(tokens):
        if kind != "word" or text.upper() not in _UPDATE_KEYWORDS:
            continue
        keyword = text.upper()
        keywords.add(keyword)
        if keyword in _NAMES_GRAPH and index + 1 < len(tokens):
            following_kind, following_text, _ = tokens[index + 1]
            iri = resolver.resolve(following_kind, following_text)
            if iri is not None:
                graphs.append(iri)
    return UpdateShape(frozenset(keywords), tuple(graphs))


def names_its_graphs(update: str) -> bool:
    """Whether every ``GRAPH`` in ``update`` is followed by an IRI (or a prefixed name its
    prologue declares), so that the graphs it may write are among those it names (and the
    default graph); ``False`` for ``GRAPH ?g`` and whatever this tokenizer cannot read.

    >>> names_its_graphs("DELETE { GRAPH <http://e/g> { ?s ?p 1 } } WHERE { ?s ?p 1 }")
    True
    >>> names_its_graphs("DELETE { GRAPH ?g { ?s ?p 1 } } WHERE { GRAPH ?g { ?s ?p 1 } }")
    False
    """
    tokens = _tokens(update)
    resolver = _Resolver(tokens, None)
    for index, (kind, text, _) in enumerate(tokens):
        if kind == "word" and text.upper() == "GRAPH":
            if index + 1 >= len(tokens):
                return False
            following_kind, following_text, _ = tokens[index + 1]
            if following_kind != "iri" and resolver.resolve(following_kind, following_text) is None:
                return False
    return True
