"""Helpers of the r2p-graph benchmark (``bench/run.py``): data, measurements, workers, report."""
