"""Benchmarks that print JSON (docs/performance.md). Entry point: `python -m bench`."""
