"""Tooling, never deployed: simulated bedside devices writing readings into RDS (with labelled deterioration
episodes), the labelled alarm scenarios, and the scoring of alarms against those labels. The demo, the benchmarks,
the chaos run and the tests use it; ``python -m simulation devices`` runs the devices on their own."""
