"""Benchmarks: they print figures and compare against a baseline in the same run."""
