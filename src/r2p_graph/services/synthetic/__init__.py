"""Synthetic data: an invented but plausible atrocity-prevention field, for tests and benchmarks.

Every IRI it mints is under ``https://w3id.org/r2p-graph/id/synthetic/``, every label starts
with "Synthetic", web addresses are on ``example.org``; it refers only to countries, risk
factors, indicators, response steps and code-list concepts that ship with r2p-graph. Output is
deterministic (the same scale and seed give the same bytes) and streamed.

Modules, one concept each:

* :mod:`.spec`         how many of each thing a scale gives (:func:`plan`)
* :mod:`.vocabulary`   the bundled concepts the data may refer to
* :mod:`.world`        the planned organisations, focus countries and pools
* :mod:`.actors`       organisations, sites, memberships, people and posts
* :mod:`.activities`   agreements, programmes and their participations
* :mod:`.events`       events
* :mod:`.assessments`  situations, observations, assessments, scenarios, reports
* :mod:`.writer`       the streaming N-Triples / N-Quads writer
* :mod:`.generator`    :func:`generate`, which runs them all

>>> import io
>>> out = io.BytesIO()
>>> generate(out, scale=3, seed=0) == out.getvalue().count(b"\\n")
True
>>> plan(3).organizations
3
"""

from r2p_graph.services.synthetic.generator import SYNTHETIC_GRAPH, generate
from r2p_graph.services.synthetic.spec import SyntheticSpec, plan

__all__ = ["SYNTHETIC_GRAPH", "SyntheticSpec", "generate", "plan"]
