"""What the text of a SPARQL query or update tells before it runs.

Oxigraph does not hand parsed queries to Python, and two decisions need a look at the text: a
query with its own ``FROM`` keeps its dataset, and an update that mints terms cannot be replayed
on the memory mirror. The first skips strings, IRIs and comments; the second errs on the safe
side (a false alarm only costs a rebuild of the mirror).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox

# Updates that mint terms give different results each time they run, so they cannot be replayed
# on the memory mirror: blank nodes in templates, and the functions that make new values.
_MINTS_TERMS = re.compile(r"_:|\[|\b(BNODE|NOW|UUID|STRUUID|RAND)\s*\(", re.IGNORECASE)


def mints_terms(update: str) -> bool:
    """Whether an update may give a different result each time it runs.

    >>> mints_terms("INSERT { ?s <http://e/id> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }")
    True
    >>> mints_terms("INSERT DATA { <http://e/a> <http://e/p> 1 }")
    False
    """
    return _MINTS_TERMS.search(update) is not None


# Strings, IRIs and comments, where the word FROM is not a keyword.
_QUOTED_OR_COMMENT = re.compile(
    r'"""(?:[^\\]|\\.)*?"""'
    r"|'''(?:[^\\]|\\.)*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*",
    re.DOTALL,
)
_FROM = re.compile(r"(?<![\w:?$-])FROM(?![\w:-])", re.IGNORECASE)
_SERVICE = re.compile(r"(?<![\w:?$-])SERVICE(?![\w:-])", re.IGNORECASE)


def declares_dataset(sparql: str) -> bool:
    """Whether a query has its own dataset clause (``FROM`` / ``FROM NAMED``).

    >>> declares_dataset("SELECT * FROM <http://g> WHERE { ?s ?p ?o }")
    True
    >>> declares_dataset("SELECT ?from WHERE { ?s ex:FROM 'FROM' } # FROM")
    False
    """
    return _FROM.search(_QUOTED_OR_COMMENT.sub(" ", sparql)) is not None


def replace_graph_update(graph: ox.NamedNode | None, quads: Sequence[ox.Quad]) -> str:
    """One SPARQL update that empties ``graph`` (``None``: the default graph) and inserts the
    triples of ``quads`` into it, so that the replacement is a single transaction. Terms are
    written by Oxigraph's own N-Triples serialisation, never copied from request text.

    >>> quad = ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"))
    >>> print(replace_graph_update(ox.NamedNode("http://e/g"), [quad]))
    DROP SILENT GRAPH <http://e/g> ;
    INSERT DATA { GRAPH <http://e/g> {
    <http://e/a> <http://e/p> "x" .
    } }
    """
    drop = "DROP SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH {graph}"
    if not quads:
        # An empty named graph still exists afterwards, as the Graph Store Protocol expects.
        return drop if graph is None else f"{drop} ;\nCREATE SILENT GRAPH {graph}"
    triples = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)
    if graph is None:
        return f"{drop} ;\nINSERT DATA {{\n{triples}}}"
    return f"{drop} ;\nINSERT DATA {{ GRAPH {graph} {{\n{triples}}} }}"


def change_update(
    drop_graphs: Sequence[ox.NamedNode], remove: Sequence[ox.Quad], insert: Sequence[ox.Quad]
) -> str:
    """One SPARQL update that drops graphs, then removes and inserts quads, so that the change is
    a single transaction. Terms are written by Oxigraph's own serialisation; blank nodes are
    refused, since an update would mint new ones instead of naming those given.

    >>> g = ox.NamedNode("http://e/g")
    >>> print(change_update([g], [], [ox.Quad(g, g, ox.Literal("x"), g)]))
    DROP SILENT GRAPH <http://e/g> ;
    INSERT DATA {
    GRAPH <http://e/g> { <http://e/g> <http://e/g> "x" }
    }
    """
    for quad in (*remove, *insert):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            raise TypeError("a change written as an update cannot name blank nodes")
    operations = [f"DROP SILENT GRAPH {graph}" for graph in drop_graphs]
    for keyword, quads in (("DELETE DATA", remove), ("INSERT DATA", insert)):
        if quads:
            body = "".join(_quad_pattern(q) for q in quads)
            operations.append(f"{keyword} {{\n{body}}}")
    return " ;\n".join(operations) if operations else "CLEAR SILENT GRAPH <urn:x-r2p:nothing>"


def _quad_pattern(quad: ox.Quad) -> str:
    triple = f"{quad.subject} {quad.predicate} {quad.object}"
    if isinstance(quad.graph_name, ox.DefaultGraph):
        return f"{triple} .\n"
    return f"GRAPH {quad.graph_name} {{ {triple} }}\n"


def calls_service(sparql: str) -> bool:
    """Whether a query or update asks another endpoint (``SERVICE``), outside strings,
    IRIs and comments.

    >>> calls_service("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> calls_service("SELECT * WHERE { ?s ex:service 'SERVICE' }")
    False
    """
    return _SERVICE.search(_QUOTED_OR_COMMENT.sub(" ", sparql)) is not None


_KEYWORD = re.compile(r"(?<![\w:?$-])(USING|WITH|WHERE|DELETE)(?![\w:-])", re.IGNORECASE)


def with_update_dataset(
    update: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
) -> str:
    """The update with the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` written
    in as ``USING`` / ``USING NAMED`` clauses of every operation that has a ``WHERE`` (a
    ``DELETE WHERE`` becomes ``DELETE {P} USING ... WHERE {P}``). The graphs are written as
    checked IRIs, never copied as text. ``ValueError`` when the update names its own dataset
    (``USING`` or ``WITH``): the protocol forbids both at once.

    >>> print(with_update_dataset(
    ...     "INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", ["http://e/g"], []))
    INSERT { ?s ?p 1 } USING <http://e/g> WHERE { ?s ?p ?o }
    >>> print(with_update_dataset("DELETE WHERE { ?s ?p ?o }", [], ["http://e/n"]))
    DELETE { ?s ?p ?o } USING NAMED <http://e/n> WHERE { ?s ?p ?o }
    """
    clauses = [f"USING {ox.NamedNode(g)}" for g in default_graphs]
    clauses += [f"USING NAMED {ox.NamedNode(g)}" for g in named_graphs]
    masked_update = masked(update)
    depth_at = _depths(masked_update)
    keywords = [m for m in _KEYWORD.finditer(masked_update) if depth_at[m.start()] == 0]
    if any(m.group(1).upper() in ("USING", "WITH") for m in keywords):
        raise ValueError("the update names its own dataset (USING or WITH)")
    pieces: list[str] = []
    last = 0
    for index, match in enumerate(keywords):
        if match.group(1).upper() != "WHERE":
            continue
        previous = keywords[index - 1] if index else None
        shortcut = (
            previous is not None
            and previous.group(1).upper() == "DELETE"
            and not masked_update[previous.end() : match.start()].strip()
        )
        if shortcut:
            assert previous is not None
            start = masked_update.index("{", match.end())
            end = block_end(masked_update, start)
            pattern = update[start : end + 1]
            pieces.append(update[last : previous.start()])
            pieces.append(f"DELETE {pattern} {' '.join(clauses)} WHERE {pattern}")
            last = end + 1
        else:
            pieces.append(update[last : match.start()])
            pieces.append(" ".join(clauses) + " ")
            last = match.start()
    pieces.append(update[last:])
    return "".join(pieces)


def masked(text: str, fill: str = " ") -> str:
    """``text`` with its strings, IRIs and comments overwritten by as many ``fill``
    characters, so that keywords and braces can be found by position.

    >>> masked("ASK { <http://e/a> ?p '}' } # }", "x")
    'ASK { xxxxxxxxxxxx ?p xxx } xxx'
    """
    return _QUOTED_OR_COMMENT.sub(lambda m: fill * len(m.group()), text)


def _depths(masked: str) -> list[int]:
    """The brace depth at each position of a masked text."""
    depths = []
    depth = 0
    for char in masked:
        if char == "}":
            depth -= 1
        depths.append(depth)
        if char == "{":
            depth += 1
    return depths


def block_end(masked: str, start: int) -> int:
    """The position of the brace that closes the one at ``start`` in a :func:`masked` text;
    ``ValueError`` when it is never closed.

    >>> block_end("{ { } } }", 0)
    6
    """
    depth = 0
    for position in range(start, len(masked)):
        if masked[position] == "{":
            depth += 1
        elif masked[position] == "}":
            depth -= 1
            if depth == 0:
                return position
    raise ValueError("unbalanced braces")
