"""``python -m r2p_graph`` runs the command line."""

from r2p_graph.cli.app import run

run()
