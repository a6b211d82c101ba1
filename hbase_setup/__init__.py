"""The age-banded threshold rules, one concept from the table a hospital edits to the rule the stream applies.

Their row layout and validation (``rules``), ages in months (``ages``), the NEWS2 chart (``news2``), where they are
kept (the HBase table, ``table``), loading them from CSV or ``hbase shell`` scripts with a diff, a dry run and an
audit (``load``, ``sources``, ``audit``, ``verify``), and the repository the stream and the batch re-check read
them through (``repository``); ``python -m hbase_setup`` is the operators' command.
"""
