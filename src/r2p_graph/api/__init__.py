"""The HTTP service: SPARQL 1.1 Protocol over the repository (``r2p-graph serve``)."""
