"""The YARN benchmark's reading of a checkpoint: readings per micro-batch from the offsets files, the sustained
rate from the commit times."""

from __future__ import annotations

import pytest

from bench.cluster import CheckpointBatch, _offset_sum, sustained

# what Spark writes to <checkpoint>/offsets/N: a version line, the batch's metadata, one line per source
OFFSETS_FILE = (
    "v1\n"
    '{"batchWatermarkMs":0,"batchTimestampMs":1795784722866,"conf":{}}\n'
    '{"bench_cluster_ab12cd":{"2":100000,"1":100000,"3":100000,"0":100000}}\n'
)


def test_a_batch_ends_at_the_sum_of_its_partition_offsets():
    assert _offset_sum(OFFSETS_FILE) == 400_000


def test_the_sustained_rate_leaves_out_the_first_batch():
    batches = [
        CheckpointBatch(0, 400_000, committed_ms=60_000),  # start-up and cold code: not counted
        CheckpointBatch(1, 400_000, committed_ms=80_000),
        CheckpointBatch(2, 400_000, committed_ms=100_000),
    ]
    assert sustained(batches) == 800_000 / 40


def test_one_batch_is_too_few_to_measure():
    with pytest.raises(RuntimeError, match="too few"):
        sustained([CheckpointBatch(0, 10, committed_ms=1)])
