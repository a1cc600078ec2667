"""How one query job is evaluated on one store: in a query worker, or in the server process
when it is a point lookup (:mod:`r2p_graph.store.point_lookup`)."""

from __future__ import annotations

import pyoxigraph as ox

from r2p_graph.errors import QueryEvaluationError
from r2p_graph.store.parsing import sparql_syntax_error
from r2p_graph.store.repository import CappedBuffer, QueryForm, QueryJob
from r2p_graph.store.terms import RDF_FORMATS, RESULT_FORMATS, dataset_options


def evaluate_job(store: ox.Store, job: QueryJob) -> tuple[QueryForm, bytes]:
    """The answer's form and its serialisation. Raises what Oxigraph raises (``SyntaxError``,
    ``OSError``...), and ``ResultTooLargeError`` past ``job.max_bytes``; reads one state of
    ``store`` (Oxigraph queries see a snapshot).

    >>> from r2p_graph.store.formats import RdfFormat, ResultFormat
    >>> from r2p_graph.store.repository import QueryDataset
    >>> store = ox.Store()
    >>> job = QueryJob("ASK { ?s ?p ?o }", QueryDataset(), ResultFormat.JSON, RdfFormat.TURTLE)
    >>> evaluate_job(store, job)
    (<QueryForm.ASK: 'ask'>, b'{"head":{},"boolean":false}')
    """
    options = dataset_options(job.sparql, job.dataset)
    result = store.query(job.sparql, base_iri=job.base_iri, **options)  # type: ignore[arg-type]
    out = CappedBuffer(job.max_bytes)
    if isinstance(result, ox.QueryTriples):
        graph_format = RDF_FORMATS[job.graph_format]
        out.serialize(lambda sink: result.serialize(sink, graph_format))
        return QueryForm.GRAPH, out.getvalue()
    select_format = RESULT_FORMATS[job.select_format]
    out.serialize(lambda sink: result.serialize(sink, select_format))
    form = QueryForm.ASK if isinstance(result, ox.QueryBoolean) else QueryForm.SELECT
    return form, out.getvalue()


def answer_job_here(store: ox.Store, job: QueryJob) -> tuple[QueryForm, bytes]:
    """:func:`evaluate_job` with Oxigraph's errors turned into r2p-graph's, as a worker's
    answer would carry them: ``SparqlSyntaxError``, ``QueryEvaluationError``,
    ``ResultTooLargeError``."""
    try:
        return evaluate_job(store, job)
    except SyntaxError as error:
        raise sparql_syntax_error(error, "query") from error
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryEvaluationError(str(error)) from error
