"""What a contributor is told: the gate's results as JSON (with the CSV cell behind each, when
the data came from a template) or as a W3C SHACL validation report in Turtle.

>>> from r2p_graph.services.validation import ValidationResult, Severity
>>> result = ValidationResult("https://w3id.org/r2p-graph/id/organization/a",
...     "https://w3id.org/r2p-graph/ontology#basedIn", "https://w3id.org/r2p-graph/id/country/XX",
...     "Unknown country", Severity.VIOLATION, "_:shape")
>>> result_json(result, None, blocking=True)["severity"]
'Violation'
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF, SH
from rdflib.term import BNode, Literal, Node

from r2p_graph.services.contributions.gate import GateReport
from r2p_graph.services.contributions.templates import CellIndex
from r2p_graph.services.validation import ValidationResult


def result_json(
    result: ValidationResult, cells: CellIndex | None, *, blocking: bool
) -> dict[str, object]:
    """One result as JSON; ``row`` and ``column`` name the CSV cell when there is one."""
    body: dict[str, object] = {
        "focusNode": result.focus,
        "path": result.path,
        "value": result.value,
        "message": result.message,
        "severity": result.severity.value,
        "sourceShape": result.shape,
        "blocking": blocking,
    }
    if cells is not None:
        row, column = cells.locate(result.focus, result.path)
        body["row"] = row
        body["column"] = column
    return body


def report_json(report: GateReport, cells: CellIndex | None = None) -> dict[str, object]:
    """The gate's report as JSON: whether it passes, the counts, and every result (violations
    first). A violation the store already had is listed with ``blocking: false``."""
    blocking = set(report.blocking)
    return {
        "conforms": report.accepted,
        "violations": len(blocking),
        "warnings": len(report.warnings),
        "results": [result_json(r, cells, blocking=r in blocking) for r in report.report.results],
    }


def report_graph(report: GateReport) -> Graph:
    """The SHACL validation report (``sh:ValidationReport``) of the results about the
    contribution's focus nodes, as pySHACL wrote them."""
    source = report.results_graph
    graph = Graph()
    graph.bind("sh", SH)
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(report.accepted)))
    shown = {_shown(n) for n in report.focus_nodes}
    values = {_shown(n) for n in report.value_nodes}
    for result in source.subjects(RDF.type, SH.ValidationResult):
        focus = source.value(result, SH.focusNode)
        shape = source.value(result, SH.sourceShape)
        if focus is None:
            continue
        nested = _shown(focus) in values and str(shape) in report.nested_shapes
        if _shown(focus) not in shown and not nested:
            continue
        graph.add((node, SH.result, result))
        _copy(source, result, graph)
    return graph


def _copy(source: Graph, node: Node, into: Graph) -> None:
    pending = [node]
    seen = set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for s, p, o in source.triples((current, None, None)):
            into.add((s, p, o))
            if isinstance(o, BNode) and p != SH.sourceShape:
                pending.append(o)


def _shown(node: Node) -> str:
    return "_:" + str(node) if isinstance(node, BNode) else str(node)
