"""Point lookups: queries that are one triple pattern matching few quads, whatever they ask.

A query goes to a query worker so that it can be stopped at its deadline
(:mod:`r2p_graph.store.query_pool`); that hand-over costs more than the whole evaluation of the
commonest request a linked-data client sends, "the label of this IRI". Such a query cannot run
long: its work is one index scan, bounded by the number of quads its pattern matches. So a query
is a *point lookup*, and may be answered in the server process without a deadline, when

* its text is exactly a prologue of ``PREFIX`` declarations, then ``SELECT`` with plain
  variables or ``*`` (optionally ``LIMIT``), or ``ASK``, over a group holding one triple pattern
  whose IRIs are absolute and whose prefixes are declared: no ``FROM``, ``FILTER``, ``OPTIONAL``,
  paths, expressions, ``DISTINCT``, ``ORDER BY``, ``OFFSET``, comments, ``BASE``...; and
* the pattern, with its variables and literals left open, matches at most
  :data:`MAX_LOOKUP_QUADS` quads in the whole store (counted lazily: the count stops there).

The recogniser is deliberately narrow: it reads a small grammar, token by token, and anything it
does not know makes the query an ordinary one. A false "no" costs a worker's round trip; a false
"yes" is impossible for any text the grammar does not describe exactly.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

MAX_LOOKUP_QUADS: Final = 1000
"""The most quads a point lookup's pattern may match in the whole store."""

RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_TOKEN: Final = re.compile(
    r"""
    (?P<space>\s+)
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<string>"(?:[^"\\\n\r]|\\[tbnrf"'\\])*"|'(?:[^'\\\n\r]|\\[tbnrf"'\\])*')
    |(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<datatype>\^\^)
    |(?P<var>[?$][A-Za-z0-9_]+)
    |(?P<pname>(?:[A-Za-z][\w-]*)?:(?:[\w-](?:[\w.-]*[\w-])?)?)
    |(?P<number>[+-]?(?:\d*\.\d+(?:[eE][+-]?\d+)?|\d+(?:\.\d*)?[eE][+-]?\d+|\d+))
    |(?P<word>[A-Za-z]+)
    |(?P<punct>[{}.*])
    """,
    re.VERBOSE,
)
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class LookupPattern:
    """The constant parts of a point lookup's one pattern (``None``: a variable or a literal)."""

    subject: ox.NamedNode | None
    predicate: ox.NamedNode | None
    object: ox.NamedNode | None

    def matches_at_most(self, store: ox.Store, limit: int = MAX_LOOKUP_QUADS) -> bool:
        """Whether the pattern matches at most ``limit`` quads of ``store``, in any graph; reads
        at most ``limit + 1`` of them.

        >>> store = ox.Store()
        >>> a, p = ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p")
        >>> store.extend([ox.Quad(a, p, ox.Literal(str(n))) for n in range(3)])
        >>> LookupPattern(a, p, None).matches_at_most(store, 3)
        True
        >>> LookupPattern(None, p, None).matches_at_most(store, 2)
        False
        """
        quads = store.quads_for_pattern(self.subject, self.predicate, self.object, None)
        return sum(1 for _ in itertools.islice(quads, limit + 1)) <= limit


class _NotALookupError(Exception):
    """The text is not in the point-lookup grammar."""


@functools.lru_cache(maxsize=1024)
def lookup_pattern(sparql: str) -> LookupPattern | None:
    """The pattern of ``sparql`` if its text is a point lookup's (see the module), else ``None``.

    >>> lookup_pattern(
    ...     "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    ...     "SELECT ?label WHERE { <http://e/a> rdfs:label ?label }")
    LookupPattern(subject=<NamedNode value=http://e/a>, predicate=<NamedNode \
value=http://www.w3.org/2000/01/rdf-schema#label>, object=None)
    >>> lookup_pattern("ASK { ?s a <http://e/C> . }").predicate.value
    'http://www.w3.org/1999/02/22-rdf-syntax-ns#type'
    >>> lookup_pattern("SELECT * { ?s ?p ?o . ?o ?q ?r }") is None
    True
    >>> lookup_pattern("SELECT * { ?s ?p ?o } # }") is None
    True
    """
    try:
        return _Reader(_tokens(sparql)).query()
    except _NotALookupError:
        return None


def _tokens(sparql: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    while position < len(sparql):
        match = _TOKEN.match(sparql, position)
        if match is None:
            raise _NotALookupError
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append((kind, match.group()))
        position = match.end()
    return tokens


class _Reader:
    """Reads the point-lookup grammar from tokens, raising at the first surprise."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self._tokens = tokens
        self._at = 0
        self._prefixes: dict[str, str] = {}

    def query(self) -> LookupPattern:
        while self._word_is("PREFIX"):
            self._next()
            name = self._expect("pname")
            if not name.endswith(":"):
                raise _NotALookupError
            self._prefixes[name[:-1]] = self._absolute(self._expect("iri")[1:-1])
        if self._word_is("SELECT"):
            self._next()
            if self._peek() == ("punct", "*"):
                self._next()
            else:
                self._expect("var")
                while self._peek()[0] == "var":
                    self._next()
            pattern = self._group()
            if self._word_is("LIMIT"):
                self._next()
                if not self._expect("number").isdigit():
                    raise _NotALookupError
        elif self._word_is("ASK"):
            self._next()
            pattern = self._group()
        else:
            raise _NotALookupError
        if self._at != len(self._tokens):
            raise _NotALookupError
        return pattern

    def _group(self) -> LookupPattern:
        if self._word_is("WHERE"):
            self._next()
        self._punct("{")
        subject = self._resource()
        if self._peek() == ("word", "a"):
            self._next()
            predicate: ox.NamedNode | None = ox.NamedNode(RDF_TYPE)
        else:
            predicate = self._resource()
        value = self._object()
        if self._peek() == ("punct", "."):
            self._next()
        self._punct("}")
        return LookupPattern(subject, predicate, value)

    def _resource(self) -> ox.NamedNode | None:
        kind, text = self._next()
        if kind == "var":
            return None
        if kind == "iri":
            return ox.NamedNode(self._absolute(text[1:-1]))
        if kind == "pname":
            prefix, _, local = text.partition(":")
            if prefix not in self._prefixes:
                raise _NotALookupError
            return ox.NamedNode(self._prefixes[prefix] + local)
        raise _NotALookupError

    def _object(self) -> ox.NamedNode | None:
        kind, text = self._peek()
        if kind == "string":
            self._next()
            if self._peek()[0] == "lang":
                self._next()
            elif self._peek()[0] == "datatype":
                self._next()
                self._resource()
            return None
        if kind == "number" or (kind == "word" and text in ("true", "false")):
            self._next()
            return None
        return self._resource()

    def _absolute(self, iri: str) -> str:
        if _SCHEME.match(iri) is None:
            raise _NotALookupError
        return iri

    def _word_is(self, keyword: str) -> bool:
        kind, text = self._peek()
        return kind == "word" and text.upper() == keyword

    def _punct(self, char: str) -> None:
        if self._next() != ("punct", char):
            raise _NotALookupError

    def _expect(self, kind: str) -> str:
        found, text = self._next()
        if found != kind:
            raise _NotALookupError
        return text

    def _peek(self) -> tuple[str, str]:
        return self._tokens[self._at] if self._at < len(self._tokens) else ("end", "")

    def _next(self) -> tuple[str, str]:
        token = self._peek()
        if token[0] == "end":
            raise _NotALookupError
        self._at += 1
        return token
