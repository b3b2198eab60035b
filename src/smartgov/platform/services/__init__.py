"""Writes of the shared kernel, one module per area: plain typed functions, one transaction each."""
