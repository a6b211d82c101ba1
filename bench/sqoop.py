"""Sqoop-style import (Parquet with 1 and 4 mappers, text with 4) and upsert export of 1,000,000 readings between
RDS and Hive."""

from __future__ import annotations

import uuid

from bench.report import line, record_throughput, section
from clients import hive
from clients.spark import session
from rds_schema import grants, migrate
from settings import RdsAccount, Settings
from simulation.rds_devices import simulate
from sqoop.tools import run_tool

ROWS = 1_000_000


def run(settings: Settings) -> None:
    section(f"sqoop ({ROWS:,} readings)")
    name = f"bench_sqoop_{uuid.uuid4().hex[:6]}"
    spark = session(settings, "bench-sqoop")
    source = settings.changed(names={"vitals_table": name})
    migrate.create_readings_table(source)
    migrate.execute_as_owner(settings.rds, f"CREATE TABLE {name}_out LIKE patients_vital_info")
    grants.grant_table(settings.rds, RdsAccount.SQOOP, grants.WRITE, f"{name}_out")
    imports = (("parquet", 1), ("parquet", 4), ("text", 4))
    hive_tables = [f"{settings.names.hive_database}.{name}_{kind}_m{mappers}" for kind, mappers in imports]
    try:
        simulate(source, patients=1000, rate_hz=1.0, seed=3, count=ROWS)
        for (kind, mappers), hive_table in zip(imports, hive_tables):
            result = run_tool(
                spark,
                settings,
                "import",
                ["--table", name, "--hive-import", "--hive-table", hive_table, f"--as-{kind}file", "-m", str(mappers)],
            )
            line(
                f"import RDS → Hive ({kind}), {mappers} mapper(s)",
                f"{result.rows_per_s:,.0f} rows/s ({result.rows:,} rows in {result.seconds:.1f} s)",
            )
            record_throughput(f"sqoop import ({kind}), {mappers} mapper(s)", result.rows_per_s)
        exported = run_tool(
            spark,
            settings,
            "export",
            [
                "--hive-table",
                hive_tables[1],
                "--table",
                f"{name}_out",
                "--update-key",
                "id",
                "--update-mode",
                "allowinsert",
                "-m",
                "4",
            ],
        )
        line(
            "export Hive → RDS, upsert on id, 4 writers",
            f"{exported.rows_per_s:,.0f} rows/s ({exported.rows:,} rows in {exported.seconds:.1f} s)",
        )
        record_throughput("sqoop export (upsert), 4 writers", exported.rows_per_s)
    finally:
        migrate.drop_table(settings.rds, name)
        migrate.drop_table(settings.rds, f"{name}_out")
        for hive_table in hive_tables:
            hive.query(settings.hive, f"DROP TABLE IF EXISTS {hive_table}")
