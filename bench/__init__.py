"""Ombuds benchmarks: `python -m bench [submission|verify] [--quick]` (see README.md)."""
