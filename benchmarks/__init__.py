"""Benchmarks: figures for speed and request counts, not pass/fail tests."""
