"""Write simulated patients, readings and labelled episodes into RDS in batches."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import dataclass

from clients import mysql
from reporting.progress import Progress
from settings import RdsAccount, Settings
from simulation.bedside import ROW_COLUMNS, Episode, Patient, ReadingStream, make_patients

_BATCH_ROWS = 10_000


@dataclass
class SimulationRun:
    patients: int
    readings: int
    episodes: list[Episode]  # the labelled deteriorations, to score alerts against
    rows_per_s: float


def _values(row: tuple, connection) -> str:
    """One ``(…)`` of a multi-row INSERT, formatted here rather than by the connector.

    The connector escapes every parameter in pure Python, which cost more than
    generating the readings; the simulator's values are numbers, NULLs,
    timestamps and its own device names, and only the string is escaped.
    patient_id, device_id, event_time, the vitals, then oxygen and ACVPU (:data:`ROW_COLUMNS`).
    """
    patient_id, device_id, event_time, *vitals = row
    numbers = ",".join("NULL" if value is None else repr(value) for value in vitals)
    device = connection.converter.escape(device_id)
    return f"({patient_id},'{device}','{event_time.isoformat(sep=' ', timespec='milliseconds')}',{numbers})"


def simulate(
    settings: Settings,
    *,
    patients: int,
    rate_hz: float,
    seed: int,
    count: int | None = None,
    duration_s: float | None = None,
    bad_share: float = 0.01,
    start: dt.datetime | None = None,
    realtime: bool = False,
    episodes_per_patient_hour: float = 2.0,
) -> SimulationRun:
    """Insert ``patients`` (upsert) and their readings; stop after ``count`` readings or ``duration_s``.

    Without ``realtime`` the readings cover the simulated span as fast as RDS
    takes them (event times from ``start``, default: now minus the span);
    with it, each batch waits for the wall clock, as live devices would.
    """
    if duration_s is not None:
        span = duration_s
    elif count is not None:
        span = count / (patients * rate_hz)
    else:
        raise ValueError("give a count or a duration")
    population = make_patients(patients, seed)
    begin = start or (
        dt.datetime.now(dt.UTC).replace(tzinfo=None) - (dt.timedelta(0) if realtime else dt.timedelta(seconds=span))
    )
    stream = ReadingStream(population, rate_hz, begin, seed, bad_share, episodes_per_patient_hour)
    connection = mysql.connect(settings.rds, RdsAccount.DEVICES)
    progress = Progress(f"[simulator] readings into {settings.names.vitals_table}", total=count)
    wall_start = time.monotonic()
    try:
        cursor = connection.cursor()
        _write_patients(connection, population)
        insert = f"INSERT INTO `{settings.names.vitals_table}` ({', '.join(ROW_COLUMNS)}) VALUES "
        rows = stream.rows(count=count, duration_s=duration_s)
        written = 0
        batch_rows = max(1, int(patients * rate_hz)) if realtime else _BATCH_ROWS  # live: a second at a time
        while batch := list(itertools.islice(rows, batch_rows)):
            if realtime:
                ahead = (batch[-1][2] - begin).total_seconds() - (time.monotonic() - wall_start)
                time.sleep(max(0.0, ahead))
            cursor.execute(insert + ",".join(_values(row, connection) for row in batch))
            connection.commit()
            written += len(batch)
            progress.advance(len(batch))
        cursor.executemany(
            "INSERT INTO deterioration_episodes (patient_id, kind, started_at, ended_at) VALUES (%s, %s, %s, %s)",
            [(e.patient_id, e.kind, e.started_at, e.ended_at) for e in stream.finished_episodes],
        )
        connection.commit()
    finally:
        connection.close()
    return SimulationRun(
        patients=len(population), readings=written, episodes=stream.finished_episodes, rows_per_s=progress.finish()
    )


def write_patients(settings: Settings, population: list[Patient]) -> None:
    """Insert or update ``population`` in patients_information (what admission does before devices send)."""
    connection = mysql.connect(settings.rds, RdsAccount.DEVICES)
    try:
        _write_patients(connection, population)
    finally:
        connection.close()


def _write_patients(connection, population: list[Patient]) -> None:
    connection.cursor().executemany(
        "INSERT INTO patients_information (patientid, patientname, patientaddress, phone_number, "
        "admitted_ward, age, other_details, pregnant, date_of_birth) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON DUPLICATE KEY UPDATE patientname = VALUES(patientname), age = VALUES(age), "
        "admitted_ward = VALUES(admitted_ward), pregnant = VALUES(pregnant), date_of_birth = VALUES(date_of_birth)",
        [patient.as_row() for patient in population],
    )
    connection.commit()
