"""Stream batch numbers that a new checkpoint cannot reuse.

Spark numbers a query's micro-batches from 0 in each checkpoint, and the Hive
tables are partitioned by ``stream_batch`` so that a re-run batch overwrites
exactly its own output. A checkpoint that is deleted or renamed would start at
0 again and overwrite the partitions of earlier runs. So each checkpoint gets a
base, fixed when it is created: one above the highest ``stream_batch`` folder
in the tables it writes. The base is kept in the checkpoint folder itself, as
the name of an empty marker file (readable on any Hadoop file system), and the
landing query writes ``base + batch id``. A checkpoint made before bases
existed numbered from 0 and keeps doing so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from pyspark.sql import SparkSession

from clients.spark import jvm
from streaming.sinks import BatchTable

log = logging.getLogger(__name__)

MARKER = "stream-batch-base="


def batch_base(spark: SparkSession, checkpoint: str, tables: Iterable[BatchTable]) -> int:
    """The checkpoint's base, created (from the tables' highest batch) the first time the checkpoint is used."""
    gateway = jvm(spark)
    Path = gateway.org.apache.hadoop.fs.Path
    root = Path(checkpoint)
    filesystem = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    markers = filesystem.globStatus(Path(f"{checkpoint}/{MARKER}*")) or []
    if markers:
        return int(markers[0].getPath().getName().removeprefix(MARKER))
    offsets = Path(f"{checkpoint}/offsets")
    if filesystem.exists(offsets) and len(filesystem.listStatus(offsets)) > 0:
        base = 0  # a checkpoint from before bases: its batches are numbered from 0 already
    else:
        highest = [batch for batch in (table.highest_batch() for table in tables) if batch is not None]
        base = max(highest) + 1 if highest else 0
        if base:
            log.warning(
                "new checkpoint %s over tables that hold batches up to %d: its batches are numbered "
                "from %d, so earlier output is never overwritten",
                checkpoint,
                base - 1,
                base,
            )
    filesystem.mkdirs(root)
    filesystem.createNewFile(Path(f"{checkpoint}/{MARKER}{base}"))
    return base
