"""The streaming application on YARN against the same application in local[*], on this one machine.

Both land one backlog of alerting readings with ``python -m streaming run --available-now``: once as a local
process, once submitted with spark-submit --master yarn --deploy-mode cluster (``python -m cluster submit``).
Each rate comes from the run's own checkpoint — the readings each micro-batch took (its offsets) and when it
committed — so both are measured the same way, whatever the process around them: the sustained rate is over
the batches after the first (which pays start-up and cold code), and the whole run's wall time is printed
beside it (YARN's start of an application master and an executor included).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
import uuid

from bench.report import line, note, record_throughput, section
from bench.streaming import backlog
from clients import hdfs
from clients.spark import session
from hbase_setup.sources import DEFAULT_SOURCE
from local_stack import stack
from local_stack.handoff import child_environment
from settings import StackSettings
from settings.choices import AlertPath
from testkit import scratch
from testkit.load import LOAD_PATIENTS

ROWS = 1_600_000  # four micro-batches at the default 400,000 per trigger: the first and three sustained
TARGET_RATIO = 0.70


@dataclasses.dataclass(frozen=True)
class CheckpointBatch:
    batch: int
    rows: int
    committed_ms: int


def run(settings: StackSettings) -> None:
    section("cluster (the streaming application on YARN against local[*], one machine)")
    on_yarn = settings.changed(stack={"yarn": True})
    stack.up(on_yarn, ["yarn-nm"])
    spark = session(settings, "bench-cluster")
    rates = {}
    for where, command in (
        ("local[*]", ["streaming", "run", "--available-now"]),
        ("YARN, cluster mode", ["cluster", "submit", "streaming", "run", "--available-now"]),
    ):
        name = f"bench_cluster_{uuid.uuid4().hex[:6]}"
        scoped = scratch.scratch_settings(on_yarn, name, vitals_partitions=4, threshold_source=DEFAULT_SOURCE).changed(
            stream={"alert_path": AlertPath.MICROBATCH, "patients_refresh_s": settings.stream.patients_refresh_s},
            hbase={"threshold_refresh_s": settings.hbase.threshold_refresh_s},
        )
        scratch.add_patients(spark, scoped, LOAD_PATIENTS)
        note(f"{where}: {ROWS:,} readings into a new topic, then python -m {' '.join(command)} ...")
        try:
            backlog(scoped, ROWS)
            wall_s = _run_application(scoped, command)
            batches = checkpoint_batches(spark, scoped)
        finally:
            scratch.drop(spark, scoped)
        rates[where] = sustained(batches)
        landed = sum(batch.rows for batch in batches)
        line(
            f"{where}: {landed:,} readings in {len(batches)} micro-batches",
            f"sustained {rates[where]:,.0f} readings/s; whole run {wall_s:.0f} s ({landed / wall_s:,.0f}/s)",
        )
        record_throughput(f"streaming application, {where}, sustained", rates[where])
    ratio = rates["YARN, cluster mode"] / rates["local[*]"]
    line("YARN / local[*], sustained", f"{ratio:.2f} (target >= {TARGET_RATIO:.2f})")
    note("rates from each run's checkpoint: offsets per micro-batch, commit times on HDFS")


def _run_application(settings: StackSettings, command: list[str]) -> float:
    """Run ``python -m COMMAND`` with ``settings`` as its environment; its wall time in seconds."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", *command], env=child_environment(settings), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"python -m {' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.monotonic() - started


def checkpoint_batches(spark, settings: StackSettings) -> list[CheckpointBatch]:
    """Every committed micro-batch of the landing query's checkpoint: its readings and its commit time."""
    root = f"{settings.hdfs.checkpoint_dir}/{settings.names.stream_checkpoint_name}"
    committed = {
        int(status["pathSuffix"]): status["modificationTime"]
        for status in hdfs.list_status(settings.hdfs, f"{root}/commits")
        if status["pathSuffix"].isdigit()
    }
    ends = {
        int(path.rsplit("/", 1)[1]): _offset_sum(text)
        for path, text in spark.sparkContext.wholeTextFiles(f"{settings.hdfs.uri}{root}/offsets").collect()
        if path.rsplit("/", 1)[1].isdigit()
    }
    batches, previous = [], 0
    for batch in sorted(committed):
        batches.append(CheckpointBatch(batch, ends[batch] - previous, committed[batch]))
        previous = ends[batch]
    return batches


def _offset_sum(text: str) -> int:
    """The sum of the end offsets in a checkpoint's offsets file (version line, metadata line, one line per
    source: {"topic": {"partition": offset}}); the topic is new, so offsets count readings from zero."""
    source = json.loads(text.strip().splitlines()[2])
    return sum(offset for partitions in source.values() for offset in partitions.values())


def sustained(batches: list[CheckpointBatch]) -> float:
    """Readings/s over the batches after the first: their readings over the time from the first commit to the last."""
    if len(batches) < 2:
        raise RuntimeError(f"{len(batches)} micro-batch(es) committed: too few to measure a sustained rate")
    rows = sum(batch.rows for batch in batches[1:])
    return rows * 1000 / (batches[-1].committed_ms - batches[0].committed_ms)
