"""Helpers for tests, benchmarks and the demo: isolated scratch surroundings, an SNS inbox, a reference evaluator.

Tooling only: no runtime package imports this one.
"""
