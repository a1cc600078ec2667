"""Governed contributions: partners' data checked by the gate, committed whole in a named graph
of its own with its provenance, withdrawn or replaced by curators, and logged in order."""
