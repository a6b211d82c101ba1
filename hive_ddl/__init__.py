"""The Hive schema of the pipeline: the ``health`` database and the tables it writes.

The numbered ``*.sql`` files beside this module are applied in order through
HiveServer2 (pyhive), so analysts' Hive and the pipeline share one definition.
Every statement is idempotent (``IF NOT EXISTS``).

The stream's tables are sub-partitioned by ``stream_batch`` (the micro-batch
id): a batch that Spark runs again after a crash overwrites exactly its own
partitions, so rows are written once even across kill -9 (exactly-once into
plain Parquet tables, without a transactional table format).
"""
