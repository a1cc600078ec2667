"""Normalised name keys of organisations, materialised beside the inferences.

Curators look for organisations recorded twice under name variants ("Fixture NGO One" and
"fixture ngo one."). Normalising every name in the query costs two passes over all labels of
all organisations at each call (about 90 ms each at 10 000 organisations). So each label of an
organisation gets a stored key, ``r2p:nameKey``: the label in lower case, without the small
words 'the', 'for', 'in', 'of', 'no', 'and' and without what is neither a letter nor a digit.
The duplicate-candidates query then pairs organisations by equal keys.

The key is one more derivation of the :class:`~r2p_graph.services.inference.Materialiser`:
it reads ``rdfs:label`` and ``rdf:type`` (an organisation is a thing typed ``r2p:Organization``
or one of its subclasses), so a write touching either refreshes the keys of the subjects it
touched only, a withdrawn label loses its key, and a key lands in the inferred graph of the
tier of what it rests on (a partners-only label's key is not public).

The normalisation is SPARQL's ``REPLACE`` with the pattern :data:`SMALL_WORDS_AND_SYMBOLS`,
written with ``[\\W_]`` rather than ``\\p{L}`` so that every engine reads it the same way.

>>> from r2p_graph.store import OxigraphRepository, RdfFormat
>>> from r2p_graph.services.inference import Materialiser, OntologyRules
>>> from r2p_graph.services.reasoning import ontology_graph
>>> repo = OxigraphRepository.in_memory()
>>> _ = repo.load(b'''@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .
...   @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...   <http://e/a> a r2p:Network ; rdfs:label "The Network for Peace & Justice"@en .''',
...   RdfFormat.TURTLE, graph="http://e/data")
>>> _ = Materialiser(OntologyRules.from_graph(ontology_graph())).refresh(repo)
>>> [str(row[0]) for row in repo.query(
...     "SELECT ?k WHERE { <http://e/a> <https://w3id.org/r2p-graph/ontology#nameKey> ?k }").rows()]
['networkpeacejustice']
"""

from __future__ import annotations

from typing import Final

from rdflib.namespace import RDF, RDFS

from r2p_graph.ontology.namespaces import R2P
from r2p_graph.services.inference.rules import Derivation, OntologyRules

NAME_KEY: Final = str(R2P.nameKey)
ORGANIZATION: Final = str(R2P.Organization)
SMALL_WORDS_AND_SYMBOLS: Final = r"\\b(the|for|in|of|no|and)\\b|[\\W_]"
"""The pattern (as written inside a SPARQL string) whose matches a name key leaves out."""


def name_key_derivation(rules: OntologyRules) -> Derivation:
    """The derivation giving every label of every organisation its normalised key.

    >>> from r2p_graph.services.reasoning import ontology_graph
    >>> derivation = name_key_derivation(OntologyRules.from_graph(ontology_graph()))
    >>> sorted(derivation.reads) == sorted([str(RDF.type), str(RDFS.label)])
    True
    """
    classes = " ".join(
        f"<{c}>"
        for c in sorted(
            {ORGANIZATION} | {c for c in rules.subclass_of if ORGANIZATION in rules.superclasses(c)}
        )
    )
    return Derivation(
        name="organisation name keys",
        head=NAME_KEY,
        reads=frozenset({str(RDF.type), str(RDFS.label)}),
        sparql=(
            f"CONSTRUCT {{ ?x <{NAME_KEY}> ?key }} WHERE {{ "
            f"VALUES ?c {{ {classes} }} ?x a ?c . ?x <{RDFS.label}> ?label "
            f'BIND (REPLACE(LCASE(STR(?label)), "{SMALL_WORDS_AND_SYMBOLS}", "") AS ?key) }}'
        ),
        subject="x",  # a key follows from its subject's own labels and types only
    )
