"""What a SPARQL update will change, worked out before it runs.

Oxigraph applies an update whole or not at all but cannot say what it changed, and what it will
write is needed beforehand: to refuse it when it would make the data inconsistent (nothing may
be written then) and, afterwards, to derive again only the inferences resting on what changed.
So the update is read (rdflib's SPARQL 1.1 Update parser: terms resolved against the prologue)
and each operation's effect is evaluated against the store as it is:

* ``INSERT DATA`` / ``DELETE DATA``: their quads;
* ``DELETE WHERE`` and ``DELETE``/``INSERT`` ... ``WHERE``: the ``WHERE`` pattern runs as a
  ``SELECT`` over the operation's dataset (``USING``, ``WITH``, else the default graph, as in
  the update itself), and the templates are filled with each solution; a blank node of an
  ``INSERT`` template is a new one per solution;
* ``CLEAR``, ``DROP``, ``ADD``, ``COPY``, ``MOVE``: they only take triples away or copy triples
  already in the store, so they cannot make a thing a member of a class it is not in yet; their
  effect is the predicates of the graphs they touch, the triples themselves are not listed;
* ``CREATE``: nothing.

The effect is unknown (``None``) for ``LOAD`` (its document is read only when it runs), for an
operation that reads the data after an earlier operation of the same request changed it (its
``WHERE`` would see that change, which is not written yet), and for text the parser does not
read; such updates are run as they are and all inferences are derived again.

The evaluated effect is what the update does to the store, with one exception: values made
fresh at each run (``NOW()``, ``RAND()``, ``UUID()``, blank nodes) differ; their predicates and
classes do not.

>>> from r2p_graph.store import OxigraphRepository, RdfFormat
>>> repo = OxigraphRepository.in_memory()
>>> _ = repo.load(b"<http://e/a> <http://e/p> <http://e/b> .", RdfFormat.TURTLE)
>>> effect = update_effect(repo, "INSERT { ?o a <http://e/C> } WHERE { ?s <http://e/p> ?o }")
>>> [tuple(str(t) for t in quad[:3]) for quad in effect.added]
[('http://e/b', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type', 'http://e/C')]
>>> update_effect(repo, "LOAD <http://e/data.ttl>") is None
True
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import BNode, Literal, URIRef, Variable

from r2p_graph.errors import R2PError
from r2p_graph.store import OxigraphRepository, QueryDataset, Repository, SelectResult
from r2p_graph.store.repository import Node, Quad
from r2p_graph.store.sparql_text import block_end
from r2p_graph.store.sparql_text import masked as sparql_masked

log = logging.getLogger(__name__)

_READS = frozenset({"Modify", "DeleteWhere", "Add", "Copy", "Move"})
_GRAPH_PREDICATES = "SELECT DISTINCT ?p ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_DEFAULT_PREDICATES = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"

Template = tuple[Node | Variable, Node | Variable, Node | Variable, Node | Variable | None]


@dataclass(slots=True)
class UpdateEffect:
    """What an update adds and removes: quads where they are known, predicates always.

    ``added`` and ``removed`` list the quads of ``INSERT``/``DELETE`` operations (a removed quad
    may not be in the store: removing it changes nothing). ``graph_predicates`` are the
    predicates of whole graphs cleared, dropped or copied, whose triples are not listed."""

    added: list[Quad] = field(default_factory=list)
    removed: list[Quad] = field(default_factory=list)
    graph_predicates: set[str] = field(default_factory=set)

    @property
    def predicates(self) -> set[str]:
        """Every predicate whose triples the update may change."""
        listed = {str(quad[1]) for quad in (*self.added, *self.removed)}
        return listed | self.graph_predicates

    @property
    def whole_graphs(self) -> bool:
        """Whether the update changes triples that are not listed (whole graphs)."""
        return bool(self.graph_predicates)


def update_effect(
    repo: Repository, update: str, *, base_iri: str | None = None
) -> UpdateEffect | None:
    """The effect ``update`` would have on ``repo`` now, or ``None`` when it cannot be known
    before it runs (see the module docstring). Reads only; call it with writes serialised, so
    that the store does not change between this and the update."""
    operations = _operations(update)
    if operations is None:
        return None
    effect = UpdateEffect()
    wrote = False
    for prologue, text in operations:
        data = _DATA.match(text)
        if data is not None:
            quads = _data_quads(prologue, text[data.end() :], base_iri)
            if quads is None:
                return None
            (effect.removed if data.group(1).upper() == "DELETE" else effect.added).extend(quads)
            wrote = True
            continue
        try:
            parsed = translateUpdate(parseUpdate(f"{prologue}\n{text}"), base=base_iri)
        except Exception:  # the parser raises many kinds; Oxigraph reports the error itself
            log.debug("an update operation was not read before it ran", exc_info=True)
            return None
        for operation in parsed.algebra:
            kind = operation.name
            if kind == "Load" or (kind in _READS and wrote):
                return None
            if kind in ("DeleteWhere", "Modify"):
                where = _where_block(prologue, text)
                if where is None:
                    return None
                _evaluate(repo, operation, where, effect)
            elif kind in ("Clear", "Drop"):
                effect.graph_predicates |= _predicates(repo, _graphs_of(repo, operation.graphiri))
            elif kind in ("Add", "Copy", "Move"):
                graphs = [None if g == "DEFAULT" else str(g) for g in operation.graph]
                effect.graph_predicates |= _predicates(repo, graphs)
            wrote = wrote or kind != "Create"
    return effect


def _data_quads(prologue: str, block: str, base_iri: str | None) -> list[Quad] | None:
    """The quads of an ``INSERT DATA`` or ``DELETE DATA`` block, read by the store's own
    parser (in a scratch store: the text is inserted there and read back)."""
    scratch = OxigraphRepository.in_memory()
    try:
        scratch.update(f"{prologue}\nINSERT DATA {block}", base_iri=base_iri)
    except R2PError:
        return None
    return list(scratch.quads_matching())


def _field(value: CompValue, key: str) -> Any:
    # CompValue.get answers a missing key with the key itself.
    return value[key] if key in value else None  # noqa: SIM401 (see above)


def _templates(clause: CompValue | None, default: URIRef | None) -> list[Template]:
    if clause is None:
        return []
    found: list[Template] = [(s, p, o, default) for s, p, o in _field(clause, "triples") or ()]
    for graph, triples in (_field(clause, "quads") or {}).items():
        found += [(s, p, o, graph) for s, p, o in triples]
    return found


def _evaluate(repo: Repository, operation: CompValue, where: str, effect: UpdateEffect) -> None:
    with_graph = _field(operation, "withClause")
    default = URIRef(str(with_graph)) if with_graph is not None else None
    if operation.name == "DeleteWhere":
        deleting, inserting = _templates(operation, None), []
    else:
        deleting = _templates(_field(operation, "delete"), default)
        inserting = _templates(_field(operation, "insert"), default)
    result = repo.query(where, dataset=_dataset(operation, default))
    assert isinstance(result, SelectResult)
    names = [Variable(v) for v in result.variables]
    for row in result.rows():
        solution = {
            name: value for name, value in zip(names, row, strict=True) if value is not None
        }
        effect.removed += _fill(deleting, solution, {})
        effect.added += _fill(inserting, solution, {})


def _dataset(operation: CompValue, default: URIRef | None) -> QueryDataset:
    using = _field(operation, "using") or []
    defaults = [str(u["default"]) for u in using if _field(u, "default") is not None]
    named = [str(u["named"]) for u in using if _field(u, "named") is not None]
    if defaults or named:
        return QueryDataset(default_graphs=defaults, named_graphs=named)
    # As in the update: WITH names the default graph; without it, the store's own.
    return QueryDataset(default_graphs=[None if default is None else str(default)])


def _fill(
    templates: Sequence[Template], solution: Mapping[Variable, Node], fresh: dict[BNode, BNode]
) -> list[Quad]:
    quads: list[Quad] = []
    for template in templates:
        terms: list[Node | None] = []
        for term in template:
            if isinstance(term, Variable):
                terms.append(solution.get(term))
                if terms[-1] is None:
                    break
            elif isinstance(term, BNode):
                terms.append(fresh.setdefault(term, BNode()))
            else:
                terms.append(term)
        else:
            s, p, o, g = terms
            if (
                s is None
                or isinstance(s, Literal)
                or not isinstance(p, URIRef)
                or o is None
                or (g is not None and not isinstance(g, URIRef))
            ):
                continue  # an ill-formed instance is left out, as the update leaves it out
            quads.append((s, p, o, g))
    return quads


def _graphs_of(repo: Repository, target: object) -> list[str | None]:
    if target == "DEFAULT":
        return [None]
    if target == "NAMED":
        return list(repo.named_graphs())
    if target == "ALL":
        return [None, *repo.named_graphs()]
    return [str(target)]


def _predicates(repo: Repository, graphs: Iterable[str | None]) -> set[str]:
    found: set[str] = set()
    for graph in graphs:
        if graph is None:
            result = repo.query(_DEFAULT_PREDICATES, dataset=QueryDataset(default_graphs=[None]))
        else:
            result = repo.query(_GRAPH_PREDICATES, bindings={"g": URIRef(graph)})
        assert isinstance(result, SelectResult)
        found |= {str(row[0]) for row in result.rows() if row[0] is not None}
    return found


# -- the text of an operation's WHERE ----------------------------------------------------------

_PROLOGUE = re.compile(r"(?<![\w:?$-])(PREFIX|BASE)(?![\w:-])", re.IGNORECASE)
_WHERE = re.compile(r"(?<![\w:?$-])WHERE(?![\w:-])", re.IGNORECASE)
_DELETE_WHERE = re.compile(r"DELETE\s+WHERE(?![\w:-])", re.IGNORECASE)
_DATA = re.compile(r"(INSERT|DELETE)\s+DATA(?![\w:-])", re.IGNORECASE)


def _operations(update: str) -> list[tuple[str, str]] | None:
    """Each operation of ``update`` as its text and the prologue declared before it."""
    masked = sparql_masked(update, "x")
    depth = 0
    cuts = [0]
    for position, char in enumerate(masked):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == ";" and depth == 0:
            cuts.append(position + 1)
    if depth != 0:
        return None
    cuts.append(len(update) + 1)
    operations = []
    for begin, end in itertools.pairwise(cuts):
        declarations = list(_PROLOGUE.finditer(masked, begin, end - 1))
        start = begin
        for match in declarations:
            iri_end = update.find(">", match.end())
            if iri_end < 0 or iri_end >= end - 1:
                return None
            start = iri_end + 1
        text = update[start : end - 1].strip()
        prologue = " ".join(_declarations(update, masked, 0, start))
        if text:
            operations.append((prologue, text))
    return operations


def _where_block(prologue: str, text: str) -> str | None:
    """``SELECT * WHERE { ... }`` of one operation's pattern; ``None`` when the text cannot
    be cut so."""
    masked = sparql_masked(text, "x")
    match = _DELETE_WHERE.match(masked) or _WHERE.search(masked)
    if match is None:
        return None
    open_at = masked.find("{", match.end())
    close_at = _closing_brace(masked, open_at) if open_at >= 0 else -1
    if close_at < 0:
        return None
    return f"{prologue}\nSELECT * WHERE {text[open_at : close_at + 1]}"


def _declarations(update: str, masked: str, begin: int, end: int) -> list[str]:
    """The ``PREFIX`` and ``BASE`` declarations between ``begin`` and ``end``, as written."""
    found = []
    for match in _PROLOGUE.finditer(masked, begin, end):
        iri_end = update.find(">", match.end())
        if 0 <= iri_end < end:
            found.append(update[match.start() : iri_end + 1])
    return found


def _closing_brace(masked: str, start: int) -> int:
    try:
        return block_end(masked, start)
    except ValueError:
        return -1
