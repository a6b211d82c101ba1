"""The project's runtime packages as one zip for spark-submit --py-files.

The driver imports the pipeline's modules from it (the executors run only
Spark's generated code: the jobs have no Python UDFs). Only the packages a
cluster deployment runs go in (pyproject.toml lists them first), as sources and
their data files (SQL, reference CSVs), not the local stack, demo or tests.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_PACKAGES = (
    "contract",
    "settings",
    "clients",
    "runtime",
    "producers",
    "streaming",
    "evaluation",
    "hbase_setup",
    "hive_ddl",
    "rds_schema",
    "sqoop",
    "notifier",
    "batch",
    "reporting",
    "cluster",
)
DATA_SUFFIXES = {".py", ".sql", ".csv", ".properties"}


def build(target: Path) -> Path:
    """Write the zip to ``target`` (replacing it) and return its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for package in RUNTIME_PACKAGES:
            for path in sorted((ROOT / package).rglob("*")):
                if path.is_file() and path.suffix in DATA_SUFFIXES and "__pycache__" not in path.parts:
                    archive.write(path, path.relative_to(ROOT).as_posix())
    return target
