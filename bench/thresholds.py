"""HBase threshold reads through Thrift and the in-memory repository."""

from __future__ import annotations

import random

from bench.report import line, rate, section, timed
from clients import hbase
from hbase_setup import table
from hbase_setup.load import load
from hbase_setup.repository import ThresholdRepository
from settings import Settings
from testkit.load import percentiles_ms
from testkit.reference_evaluator import ReferenceEvaluator


def run(settings: Settings) -> None:
    section("thresholds (HBase Thrift1 + in-memory repository)")
    reference = settings.changed(names={"threshold_table": "bench_thresholds"})
    load(reference, replace=True)
    repository = ThresholdRepository(lambda: hbase.connect(reference.hbase), reference.names.threshold_table)
    evaluator = ReferenceEvaluator(repository.index)
    probes = [
        (random.choice(("heartBeat", "bp")), random.randint(0, 100 * 12), random.uniform(0, 250))
        for _ in range(200_000)
    ]
    seconds = timed(lambda: [evaluator.evaluate(a, age, v) for a, age, v in probes])
    line("reference evaluator lookups in memory", rate(len(probes), seconds))
    checks = []
    for _ in range(50):
        repository.refresh_if_changed()
        checks.append(repository.last_check_s)
    line("change check (12-row table)", percentiles_ms(checks))

    connection = hbase.connect(settings.hbase)
    try:
        for rows in (1_000, 100_000):
            _table_of(connection, rows)
    finally:
        connection.close()


def _table_of(connection, rows: int) -> None:
    """Write, scan and look up rows of a threshold-shaped table of ``rows`` rows, then drop it."""
    name = f"bench_scan_{rows}"
    if name.encode() in connection.tables():
        connection.delete_table(name, disable=True)
    table.ensure_table(connection, name)
    hbase_table = connection.table(name)
    cells = {
        b"attribute:attribute": b"heartBeat",
        b"limit:low_age_limit": b"0",
        b"limit:high_age_limit": b"40",
        b"limit:low_range_value": b"0",
        b"limit:high_range_value": b"69",
        b"alert:alert_flag": b"1",
        b"alert:alert_message": b"Low Heart Rate than Normal",
    }
    write_s = timed(lambda: _write(hbase_table, rows, cells))
    line(f"batch put of {rows:,} rows (7 cells each)", rate(rows, write_s))
    scan_s = timed(lambda: sum(1 for _ in hbase_table.scan(batch_size=5000)))
    line(f"full scan of {rows:,} rows through Thrift", f"{scan_s:.2f} s ({rate(rows, scan_s)})")
    keys = [f"{random.randrange(rows):08d}".encode() for _ in range(2000)]
    lookup_s = timed(lambda: [hbase_table.row(key) for key in keys])
    line(f"row() lookups on {rows:,} rows", rate(len(keys), lookup_s))
    connection.delete_table(name, disable=True)


def _write(hbase_table, rows: int, cells: dict) -> None:
    with hbase_table.batch(batch_size=5000) as batch:
        for number in range(rows):
            batch.put(f"{number:08d}".encode(), cells)
