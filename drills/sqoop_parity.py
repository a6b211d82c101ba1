"""``python -m drills sqoop-parity``: users' Sqoop command lines run by Apache Sqoop 1.4.7 and by ``python -m sqoop``,
their rows compared line by line.

Apache Sqoop 1.4.7 is the reference: its jar, Hadoop's client and local
MapReduce runner at the stack's version and the same MariaDB Connector/J are
resolved by the stack's Maven file (profile ``sqoop-reference``), and it runs as
its users run it (``org.apache.sqoop.Sqoop import …``, MySQL's connection
manager with the driver named). Each command line imports the same RDS tables
into two HDFS directories, one per tool; the files are compared as text, sorted
(the split into files differs, the lines must not). A difference is a failure
that prints the first differing line of each; the run exits 1.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.report import line, note, section
from clients import hdfs
from clients.jdbc import jdbc_options
from clients.spark import session
from local_stack import jars, stack
from local_stack.handoff import child_environment, hand_over
from local_stack.jvm import java_binary
from local_stack.paths import StackPaths
from rds_schema import grants, migrate
from settings import RdsAccount, StackSettings
from settings import stack as stack_settings
from simulation.rds_devices import simulate
from sqoop.pipeline_jobs import capstone_import

PATIENTS = 1_000
READINGS = 200_000
FOLDER = "/tmp/sqoop-parity"
REFERENCE_LOG = Path("logs/sqoop-1.4.7.log")  # Sqoop's own output, every run appended
# Sqoop logs through log4j 1.2, which says nothing at all without a configuration
LOG4J_PROPERTIES = """log4j.rootLogger=INFO, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=%p %c{1}: %m%n
"""


@dataclass(frozen=True)
class CommandLine:
    """One import as a user types it; ``{patients}`` and ``{readings}`` name this run's RDS tables."""

    name: str
    flags: tuple[str, ...]

    def argv(self, patients: str, readings: str) -> list[str]:
        return [flag.format(patients=patients, readings=readings) for flag in self.flags]


COMMAND_LINES = (
    CommandLine(
        "capstone: --table, \\N for NULL, --where, incremental append, -m 1",
        tuple(flag for flag in capstone_import("{patients}", "") if flag not in ("--target-dir", "")),
    ),
    CommandLine(
        "--query … WHERE $CONDITIONS --split-by id -m 2",
        (
            "--query",
            "SELECT id, patient_id, event_time, heart_rate, spo2, body_temperature, supplemental_oxygen, consciousness "
            "FROM {readings} WHERE heart_rate > 90 AND $CONDITIONS",
            "--split-by",
            "id",
            "-m",
            "2",
        ),
    ),
    CommandLine(
        "incremental append above --last-value, -m 2",
        ("--table", "{readings}", "--incremental", "append", "--check-column", "id", "--last-value", "15000")
        + ("-m", "2"),
    ),
    CommandLine(
        "incremental lastmodified from --last-value",
        (
            "--table",
            "{patients}",
            "--incremental",
            "lastmodified",
            "--check-column",
            "updated_at",
            "--last-value",
            "2026-11-24 10:00:00",
            "-m",
            "1",
        ),
    ),
    CommandLine(
        "tab-separated, optionally enclosed, escaped, --columns",
        (
            "--table",
            "{patients}",
            "--columns",
            "patientid,patientname,patientaddress,other_details",
            "--fields-terminated-by",
            "\\t",
            "--optionally-enclosed-by",
            '"',
            "--escaped-by",
            "\\\\",
            "-m",
            "2",
        ),
    ),
    CommandLine("a whole readings table, default text, -m 4", ("--table", "{readings}", "-m", "4")),
)


@dataclass(frozen=True)
class Outcome:
    rows: int
    identical: bool
    reference_s: float
    ours_s: float
    first_difference: str = ""


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="python -m drills sqoop-parity", description=__doc__).parse_args(argv)
    settings = hand_over(stack_settings())
    stack.up(settings)
    section("sqoop parity (Apache Sqoop 1.4.7 on Hadoop's local runner against python -m sqoop)")
    outcomes = run(settings)
    return 0 if all(outcome.identical for outcome in outcomes.values()) else 1


def run(settings: StackSettings) -> dict[str, Outcome]:
    name = f"parity_{uuid.uuid4().hex[:6]}"
    patients, readings = f"{name}_patients", f"{name}_readings"
    classpath = jars.classpath(
        StackPaths(settings.stack.data_dir).classpath_dir, "sqoop-reference", settings.stack.jar_repository
    )
    spark = session(settings, "bench-sqoop-parity")
    outcomes: dict[str, Outcome] = {}
    with tempfile.TemporaryDirectory(prefix="sqoop-parity-") as work:
        password_file = Path(work) / "password"
        password_file.touch(mode=0o600)
        password_file.write_text(settings.rds.sqoop_password)  # no newline: Sqoop reads the whole file
        _tables(settings, patients, readings)
        try:
            for number, command in enumerate(COMMAND_LINES):
                flags = command.argv(patients, readings)
                login = ["--connect", settings.rds.jdbc_url, "--username", settings.rds.sqoop_user]
                login += ["--password-file", str(password_file)]
                reference_dir, ours_dir = (f"{FOLDER}/{name}/{number}/{tool}" for tool in ("sqoop-1.4.7", "python"))
                reference_s = _reference(settings, classpath, Path(work), login, flags, reference_dir)
                ours_s = _ours(settings, login, flags, ours_dir)
                outcome = _compare(spark, settings, reference_dir, ours_dir, reference_s, ours_s)
                outcomes[command.name] = outcome
                verdict = "identical" if outcome.identical else f"DIFFERENT: {outcome.first_difference}"
                line(
                    command.name,
                    f"{outcome.rows:,} rows, {verdict}; Sqoop 1.4.7 {reference_s:.1f} s, "
                    f"python -m sqoop {ours_s:.1f} s",
                )
        finally:
            migrate.drop_table(settings.rds, patients)
            migrate.drop_table(settings.rds, readings)
            hdfs.delete(settings.hdfs, f"{FOLDER}/{name}")
    same = sum(outcome.identical for outcome in outcomes.values())
    note(f"{same} of {len(outcomes)} command lines gave identical rows (times include each tool's JVM start)")
    return outcomes


def _tables(settings: StackSettings, patients: str, readings: str) -> None:
    """A patients table with NULLs, delimiters, quotes and backslashes in its text, and simulated readings."""
    migrate.execute_as_owner(settings.rds, f"CREATE TABLE {patients} LIKE patients_information")
    grants.grant_table(settings.rds, RdsAccount.SQOOP, grants.READ, patients)
    values = ", ".join(
        f"({i}, 'patient {i}{_awkward(i)}', {'NULL' if i % 7 == 0 else repr(f'{i} ward street, room {i % 40}')}, "
        f"'555-{i:04d}', 'W{i % 3}', {'NULL' if i % 11 == 0 else 20 + i % 70}, "
        f"{'NULL' if i % 2 else repr(f'note {i}')}, "
        f"'2026-11-24 {9 + i % 3:02d}:{i % 60:02d}:{i % 60:02d}.{i % 1000:03d}', {i % 5 == 0}, {i % 13 == 0})"
        for i in range(1, PATIENTS + 1)
    )
    migrate.execute_as_owner(settings.rds, f"INSERT INTO {patients} VALUES {values}")
    readings_source = settings.changed(names={"vitals_table": readings})
    migrate.create_readings_table(readings_source)
    simulate(readings_source, patients=50, rate_hz=1.0, seed=7, count=READINGS)


def _awkward(number: int) -> str:
    """Text that tests a format's escaping on some rows: a comma, a tab, quotes, a backslash."""
    return {1: ", jr", 2: "\\t(tab)", 3: ' "quoted"', 4: " back\\\\slash"}.get(number % 10, "")


def _reference(
    settings: StackSettings, classpath: str, work: Path, login: list[str], flags: list[str], target: str
) -> float:
    """Apache Sqoop 1.4.7's import into ``target``; seconds taken (JVM start and code generation included)."""
    connect = jdbc_options(settings, settings.rds.jdbc_url, "", "")["url"]
    log4j = work / "log4j.properties"
    log4j.write_text(LOG4J_PROPERTIES)
    login = [connect if argument == settings.rds.jdbc_url else argument for argument in login]
    command = [
        java_binary(),
        "-Xmx1g",
        f"-Dlog4j.configuration=file:{log4j}",
        "-cp",
        # the classes Sqoop generates and compiles for the table land in --bindir; Hadoop's local runner loads
        # the map tasks' record class from the JVM's own class path
        f"{classpath}:{work / 'classes'}",
        "org.apache.sqoop.Sqoop",
        "import",
        "-D",
        "mapreduce.framework.name=local",
        "-D",
        f"fs.defaultFS={settings.hdfs.uri}",  # an incremental append moves its files within the default one
        "-D",
        f"hadoop.tmp.dir={work / 'hadoop'}",
        "--driver",
        "org.mariadb.jdbc.Driver",
        *login[:-1],
        f"file://{login[-1]}",  # Sqoop reads a password file through Hadoop's file systems
        *flags,
        "--target-dir",
        f"{settings.hdfs.uri}{target}",
        "--outdir",
        str(work / "generated"),
        "--bindir",
        str(work / "classes"),
    ]
    (work / "classes").mkdir(exist_ok=True)  # on the class path only if it exists when the JVM starts
    environment = {name: value for name, value in os.environ.items() if not name.startswith("HADOOP")}
    started = time.monotonic()
    # in the scratch folder: Hadoop's local runner leaves files in its working directory
    done = subprocess.run(command, env=environment, cwd=work, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    REFERENCE_LOG.parent.mkdir(exist_ok=True)
    with REFERENCE_LOG.open("a") as log:
        log.write(f"=== {' '.join(flags)}\n{done.stdout}{done.stderr}")
    if done.returncode != 0:
        errors = [text for text in done.stderr.splitlines() if text.startswith(("ERROR", "Caused by"))]
        raise RuntimeError(f"Apache Sqoop 1.4.7 failed ({' '.join(flags)}): {errors[-3:]}; its log: {REFERENCE_LOG}")
    return elapsed


def _ours(settings: StackSettings, login: list[str], flags: list[str], target: str) -> float:
    """``python -m sqoop import`` of the same command line into ``target``; seconds taken (Spark start included)."""
    command = [sys.executable, "-m", "sqoop", "import", *login, *flags, "--target-dir", f"{settings.hdfs.uri}{target}"]
    started = time.monotonic()
    done = subprocess.run(command, env=child_environment(settings), capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"python -m sqoop failed ({' '.join(flags)}):\n{done.stderr[-3000:]}")
    return elapsed


def _compare(
    spark, settings: StackSettings, reference_dir: str, ours_dir: str, reference_s: float, ours_s: float
) -> Outcome:
    """The two directories' lines, sorted, compared; the first differing pair when they differ."""
    reference, ours = (
        sorted(row.value for row in spark.read.text(f"{settings.hdfs.uri}{folder}").collect())
        for folder in (reference_dir, ours_dir)
    )
    for number, (expected, got) in enumerate(zip(reference, ours)):
        if expected != got:
            return Outcome(
                len(reference), False, reference_s, ours_s, f"line {number + 1}: Sqoop {expected!r}, ours {got!r}"
            )
    if len(reference) != len(ours):
        return Outcome(
            len(reference), False, reference_s, ours_s, f"Sqoop {len(reference):,} lines, ours {len(ours):,}"
        )
    return Outcome(len(reference), True, reference_s, ours_s)
