"""The vocabulary every stage shares: vitals and reading fields, alert kinds, the alert record, severities.

Producers, the stream, the batch jobs, the notifier, tests and benchmarks import
these names instead of spelling them again, so adding a vital or an alert field
is one edit here (see docs/ARCHITECTURE.md). Pure Python: no Spark, no I/O.
"""
