"""The age-banded threshold rules at run time: their row layout and validation, the HBase table, the repository.

hbase_setup loads rules into HBase; the stream and the batch re-check read them through this package.
"""
