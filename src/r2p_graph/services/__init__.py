"""What users ask r2p-graph to do: load, validate, generate, export, reason. Built on the store."""
