"""The ``r2p-graph`` command line."""
