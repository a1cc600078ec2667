"""r2p-graph: a knowledge graph of the people and institutions working to prevent mass atrocities.

The package is layered; imports flow one way only::

    cli (and, later, the HTTP api)  ->  services  ->  store, ontology  ->  errors

``store`` is the one place that knows the RDF engine; ``ontology`` knows the model's IRIs and the
bundled files; ``services`` do the work users ask for (loading, validation, generation, export).
"""

__version__ = "0.1.0"
