"""The Hive schema of the pipeline: the ``health`` database and the tables it writes.

The numbered ``*.sql`` files beside this module are applied in order through
HiveServer2 (pyhive), so analysts' Hive and the pipeline share one definition.
Every statement is idempotent (``IF NOT EXISTS``).
"""
