"""Running Sqoop tools: one-off ``import``/``export`` and saved jobs (with their last value kept in step)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pyspark.sql import SparkSession

from settings import Settings, SqoopSettings
from sqoop.exporter import ExportResult, export
from sqoop.hive_versions import HiveTableVersions
from sqoop.importer import Importer, ImportResult
from sqoop.jobs import JobStore
from sqoop.options import ExportOptions, ImportOptions, SqoopError, parse_export, parse_import, required

log = logging.getLogger(__name__)


def parse_tool(settings: Settings, tool: str, argv: list[str]) -> ImportOptions | ExportOptions:
    """The flags of ``import`` or ``export``, checked before anything starts (a typo costs no Spark start-up)."""
    if tool == "import":
        return parse_import(argv, settings)
    if tool == "export":
        return parse_export(argv, settings)
    raise SqoopError(
        f"No such sqoop tool: {tool}. Available: import, export, job, eval, list-tables, list-databases, "
        "pipeline-jobs (each with --help)."
    )


def run_parsed(
    spark: SparkSession, settings: Settings, options: ImportOptions | ExportOptions
) -> ImportResult | ExportResult:
    if isinstance(options, ImportOptions):
        return Importer(spark, settings).run(options)
    return export(spark, settings, options)


def run_tool(spark: SparkSession, settings: Settings, tool: str, argv: list[str]) -> ImportResult | ExportResult:
    """``import`` or ``export`` with Sqoop's flags."""
    return run_parsed(spark, settings, parse_tool(settings, tool, argv))


def _with_last_value(arguments: list[str], last_value: str | None) -> list[str]:
    """The saved last value replaces any --last-value in the job's flags, as in Sqoop's metastore."""
    kept, skip = [], False
    for argument in arguments:
        if skip:
            skip = False
        elif argument == "--last-value":
            skip = True
        elif not argument.startswith("--last-value="):
            kept.append(argument)
    return kept + (["--last-value", last_value] if last_value is not None else [])


def _settle(spark: SparkSession, sqoop: SqoopSettings, store: JobStore, name: str, options: ImportOptions) -> None:
    """Finish the bookkeeping of a run that died between switching Hive and saving its last value."""
    job = store.get(name)
    if not job.pending_location:
        return
    switched = (
        not options.hive_import
        or HiveTableVersions(spark, required(options.hive_table, "--hive-table"), sqoop.keep_versions).location()
        == job.pending_location
    )
    outcome = (
        f"its data is in place, so the last value becomes {job.pending_last_value}"
        if switched
        else f"its data never went live, so the last value stays {job.last_value}"
    )
    log.warning("job %s: an earlier run stopped before saving its last value; %s", name, outcome)
    store.settle_pending(name, switched)


def exec_job(
    spark: SparkSession, settings: Settings, name: str, overrides: Sequence[str] = ()
) -> ImportResult | ExportResult:
    """Run saved job ``name`` (``overrides`` are extra flags for this run); save its new last value on success."""
    store = JobStore(settings)
    job = store.get(name)
    arguments = list(job.arguments) + list(overrides)
    if job.tool == "export":
        return export(spark, settings, parse_export(arguments, settings))
    options = parse_import(arguments, settings)
    _settle(spark, settings.sqoop, store, name, options)
    last_value = store.get(name).last_value
    options = parse_import(_with_last_value(arguments, last_value), settings)
    result = Importer(spark, settings).run(
        options, before_switch=lambda value, location: store.mark_pending(name, value, location)
    )
    store.record_run(name, result.last_value, result.rows)
    return result
