"""HTML pages for people: a described thing, a vocabulary, the dataset.

Pages are built from a :class:`~r2p_graph.services.description.Description` with the standard
library only; every piece of data goes through :func:`html.escape`. IRIs become links through
an ``href`` function, so that r2p-graph's own IRIs lead to their pages on this server and a
reader can walk from a thing to its neighbours.

>>> from rdflib import Graph, Literal, URIRef
>>> from rdflib.namespace import RDFS
>>> thing = URIRef("https://w3id.org/r2p-graph/id/x/1")
>>> graph = Graph()
>>> graph.add((thing, RDFS.label, Literal("<b>bold</b>")))
<Graph identifier=... (<class 'rdflib.graph.Graph'>)>
>>> page = resource_page(Description(thing, graph, {thing: "<b>bold</b>"}), href=str)
>>> "<b>bold" in page, "&lt;b&gt;bold&lt;/b&gt;" in page
(False, True)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from html import escape
from typing import Final

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import BNode, Node

from r2p_graph.ontology.namespaces import PREFIXES
from r2p_graph.services.description import INBOUND_LIMIT, Description, Vocabulary
from r2p_graph.services.void import DCAT, SD, VOID

Href = Callable[[str], str]
"""Where a link to an IRI points."""

_CURIE_PREFIXES: Final = sorted(
    {**PREFIXES, "void": str(VOID), "dcat": str(DCAT), "sd": str(SD)}.items(),
    key=lambda item: -len(item[1]),
)
_DCTERMS: Final = PREFIXES["dcterms"]
_FIRST_PROPERTIES: Final = (
    RDF.type,
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.notation,
    SKOS.definition,
    RDFS.comment,
    URIRef(_DCTERMS + "title"),
    URIRef(_DCTERMS + "description"),
)
_DEFINITIONS: Final = (SKOS.definition, RDFS.comment, URIRef(_DCTERMS + "description"))
_TERM_KINDS: Final = (
    ((OWL.Class, RDFS.Class), "Classes"),
    ((OWL.ObjectProperty,), "Object properties"),
    ((OWL.DatatypeProperty,), "Datatype properties"),
    ((OWL.AnnotationProperty, RDF.Property), "Annotation and other properties"),
    ((SKOS.ConceptScheme,), "Concept schemes"),
    ((SKOS.Collection, SKOS.OrderedCollection), "Collections"),
    ((SKOS.Concept,), "Concepts"),
)
_NESTING: Final = 4
_LINKABLE: Final = ("http://", "https://", "ftp://", "mailto:", "/")
"""What a link may point to; IRIs of other schemes are shown as text, never followed."""
_NAVIGATION: Final = (
    ("Ontology", "ontology"),
    ("Framework", "vocab/framework"),
    ("Steps", "vocab/steps"),
    ("Quantitative indicators", "vocab/quantitative"),
    ("Dataset", ".well-known/void"),
    ("SPARQL", "sparql"),
)

_STYLE: Final = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
.iri { color: #555; font-family: ui-monospace, monospace; font-size: 0.9rem;
       word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem;
         border-bottom: 1px solid #ddd; }
th { width: 14rem; font-weight: 600; }
td table { margin: 0; font-size: 0.95rem; }
ul.values { list-style: none; margin: 0; padding: 0; }
.tag { color: #777; font-size: 0.8rem; margin-left: 0.3rem; }
nav, footer { font-size: 0.9rem; color: #555; }
nav a, footer a { margin-right: 0.6rem; }
"""


def resource_page(
    description: Description,
    *,
    href: Href,
    alternates: Sequence[tuple[str, str]] = (),
    expand: Collection[Node] = (),
    root: str = "/",
) -> str:
    """The page of one described thing: its label, its facts grouped by property (values that
    are IRIs as links), and the things that link to it. Nodes in ``expand`` (and blank nodes)
    are shown in place with their own facts."""
    view = _View(description, href, expand)
    resource = description.resource
    title = description.label or view.curie(resource)
    parts = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="iri">{escape(str(resource))}</p>',
        view.facts(resource, depth=0),
        view.inbound(),
        _sources(description.sources, root),
    ]
    return _document(title, parts, alternates, root)


_CONTRIBUTION_GRAPH = "https://w3id.org/r2p-graph/graph/contribution/"


def _sources(graphs: Sequence[str], root: str) -> str:
    """Where the facts come from: each contribution links to its provenance."""
    if not graphs:
        return ""
    items = []
    for graph in graphs:
        if graph.startswith(_CONTRIBUTION_GRAPH):
            name = graph.removeprefix(_CONTRIBUTION_GRAPH)
            href = f"{root}contributions/{name}"
            items.append(f'<li>contribution <a href="{escape(href)}">{escape(name)}</a></li>')
        else:
            items.append(f"<li>{escape(graph)}</li>")
    return '<h2>Sources</h2>\n<ul class="sources">' + "".join(items) + "</ul>"


def vocabulary_page(
    description: Description,
    vocabulary: Vocabulary,
    *,
    href: Href,
    alternates: Sequence[tuple[str, str]] = (),
    root: str = "/",
) -> str:
    """The page of a vocabulary or the ontology: what it says about itself, then its classes,
    properties, schemes, collections and concepts with their labels and definitions."""
    view = _View(description, href, ())
    resource = description.resource
    title = description.label or view.curie(resource)
    parts = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="iri">{escape(str(resource))}</p>',
        view.facts(resource, depth=0),
    ]
    graph = description.graph
    for kinds, heading in _TERM_KINDS:
        terms = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
        named = {t for t in terms if isinstance(t, URIRef) and t != resource}
        if not named:
            continue
        rows = [
            view.term_row(term, vocabulary.namespace)
            for term in sorted(named, key=lambda t: view.sort_key(t, vocabulary.namespace))
        ]
        parts.append(
            f"<h2>{escape(heading)} ({len(rows)})</h2>\n<table>\n" + "\n".join(rows) + "\n</table>"
        )
    return _document(title, parts, alternates, root)


class _View:
    """Rendering helpers bound to one description."""

    def __init__(self, description: Description, href: Href, expand: Collection[Node]) -> None:
        self.description = description
        self.graph: Graph = description.graph
        self.labels: dict[Node, str] = dict(description.labels.items())
        self.href = href
        self.expand = expand

    def curie(self, node: Node) -> str:
        text = str(node)
        for prefix, namespace in _CURIE_PREFIXES:
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace) :]}"
        return text

    def name(self, node: Node) -> str:
        return self.labels.get(node) or self.curie(node)

    def sort_key(self, node: Node, namespace: str = "") -> tuple[bool, str]:
        return (not str(node).startswith(namespace), self.name(node).casefold())

    def link(self, iri: Node) -> str:
        target = self.href(str(iri))
        if not target.lower().startswith(_LINKABLE):  # javascript:, data:, urn:, ...
            return f'<span title="{escape(str(iri))}">{escape(self.name(iri))}</span>'
        return f'<a href="{escape(target)}" title="{escape(str(iri))}">{escape(self.name(iri))}</a>'

    def value(self, node: Node, depth: int) -> str:
        if isinstance(node, Literal):
            tag = ""
            if node.language:
                tag = f'<span class="tag">@{escape(node.language)}</span>'
            elif node.datatype is not None:
                tag = f'<span class="tag">{escape(self.curie(node.datatype))}</span>'
            return f"{escape(str(node))}{tag}"
        nested = isinstance(node, BNode) or node in self.expand
        if nested and depth < _NESTING and (node, None, None) in self.graph:
            return self.facts(node, depth=depth + 1)
        if isinstance(node, URIRef):
            return self.link(node)
        return escape(f"_:{node}")

    def facts(self, subject: Node, *, depth: int) -> str:
        by_property: dict[Node, list[Node]] = defaultdict(list)
        for p, o in self.graph.predicate_objects(subject):
            by_property[p].append(o)
        if not by_property:
            return "" if depth else "<p>No facts are recorded about this.</p>"
        rows = []
        for p in sorted(by_property, key=self._property_order):
            values = sorted(by_property[p], key=self._value_order)
            items = "".join(f"<li>{self.value(v, depth)}</li>" for v in values)
            rows.append(f'<tr><th>{self.link(p)}</th><td><ul class="values">{items}</ul></td></tr>')
        return "<table>\n" + "\n".join(rows) + "\n</table>"

    def inbound(self) -> str:
        resource = self.description.resource
        by_property: dict[Node, list[Node]] = defaultdict(list)
        for s, p in self.graph.subject_predicates(resource):
            by_property[p].append(s)
        if not by_property:
            return ""
        rows = []
        for p in sorted(by_property, key=self._property_order):
            subjects = sorted(by_property[p], key=self._value_order)
            items = "".join(f"<li>{self.value(s, _NESTING)}</li>" for s in subjects)
            rows.append(
                f'<tr><th>{self.link(p)} of this</th><td><ul class="values">{items}</ul></td></tr>'
            )
        note = ""
        if not self.description.inbound_complete:
            note = (
                f"<p>Only the first {INBOUND_LIMIT} links are shown; ask the SPARQL endpoint "
                "for all of them.</p>"
            )
        return "<h2>Linked from</h2>\n" + note + "<table>\n" + "\n".join(rows) + "\n</table>"

    def term_row(self, term: URIRef, namespace: str) -> str:
        text = str(term)
        anchor = text[len(namespace) :] if text.startswith(namespace) else self.curie(term)
        definition = _best(self.graph, term, _DEFINITIONS)
        return (
            f'<tr id="{escape(anchor)}"><th>{self.link(term)}</th>'
            f'<td><span class="iri">{escape(self.curie(term))}</span>'
            + (f"<br>{escape(definition)}" if definition else "")
            + "</td></tr>"
        )

    def _property_order(self, p: Node) -> tuple[int, str]:
        first = _FIRST_PROPERTIES.index(p) if p in _FIRST_PROPERTIES else len(_FIRST_PROPERTIES)
        return first, self.name(p).casefold()

    def _value_order(self, node: Node) -> tuple[int, str, str]:
        if isinstance(node, Literal):
            return 1, (node.language or ""), str(node)
        return 0, self.name(node).casefold(), str(node)


def _best(graph: Graph, subject: Node, properties: Iterable[URIRef]) -> str | None:
    """The English (else untagged, else any) value of the first property that has one."""
    for p in properties:
        values = [o for o in graph.objects(subject, p) if isinstance(o, Literal)]
        if values:
            values.sort(key=lambda v: (v.language not in ("en", None), v.language is not None))
            return str(values[0])
    return None


def _document(
    title: str, parts: Sequence[str], alternates: Sequence[tuple[str, str]], root: str
) -> str:
    other = " ".join(
        f'<a href="{escape(url)}" rel="alternate">{escape(name)}</a>' for name, url in alternates
    )
    nav = (
        "<nav>"
        + "".join(f'<a href="{escape(root + path)}">{name}</a>' for name, path in _NAVIGATION)
        + "</nav>"
    )
    footer = f"<footer>Also as: {other}</footer>" if other else ""
    body = "\n".join(part for part in parts if part)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · r2p-graph</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n{nav}\n{body}\n{footer}\n</body>\n</html>\n"
    )
