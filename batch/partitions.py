"""Replacing exactly one static Hive partition, so a re-run of an interval never duplicates its rows."""

from __future__ import annotations

from uuid import uuid4

from pyspark.sql import DataFrame


def overwrite_partition(frame: DataFrame, table: str, partition: dict[str, object]) -> None:
    """INSERT OVERWRITE ``table`` PARTITION (``partition``) with ``frame``'s rows, even when there are none.

    A static partition spec replaces the partition as a whole (an empty result
    empties it), unlike a dynamic overwrite, which only touches partitions that
    receive rows. ``frame`` holds at least the table's data columns (taken by name).
    """
    view = f"overwrite_{uuid4().hex}"
    frame.createOrReplaceTempView(view)
    spec = ", ".join(
        f"{column} = '{value}'" if isinstance(value, str) or hasattr(value, "isoformat") else f"{column} = {value}"
        for column, value in partition.items()
    )
    try:
        spark = frame.sparkSession
        # by name, the table's own data columns: a table created before a column was added keeps working
        columns = ", ".join(f"`{column.name}`" for column in spark.catalog.listColumns(table) if not column.isPartition)
        spark.sql(f"INSERT OVERWRITE TABLE {table} PARTITION ({spec}) SELECT {columns} FROM {view}")
    finally:
        frame.sparkSession.catalog.dropTempView(view)
