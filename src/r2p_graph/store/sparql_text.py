"""What the text of a SPARQL query or update tells before it runs.

Oxigraph does not hand parsed queries to Python, and two decisions need a look at the text: a
query with its own ``FROM`` keeps its dataset, and an update that mints terms cannot be replayed
on the memory mirror. The first skips strings, IRIs and comments; the second errs on the safe
side (a false alarm only costs a rebuild of the mirror).
"""

from __future__ import annotations

import re

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


def declares_dataset(sparql: str) -> bool:
    """Whether a query has its own dataset clause (``FROM`` / ``FROM NAMED``).

    >>> declares_dataset("SELECT * FROM <http://g> WHERE { ?s ?p ?o }")
    True
    >>> declares_dataset("SELECT ?from WHERE { ?s ex:FROM 'FROM' } # FROM")
    False
    """
    return _FROM.search(_QUOTED_OR_COMMENT.sub(" ", sparql)) is not None
