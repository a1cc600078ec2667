"""The r2p-graph model: namespaces, bundled ontology and data files, and the OWL reasoner check."""
