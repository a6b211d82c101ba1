"""The vital signs a reading carries and the fields of a reading message.

A vital's ``field`` is its name in readings (RDS column, Kafka message, Hive
column); its ``attribute`` is the name threshold rules use for it (the
capstone threshold table's names, kept so users' tables load unchanged: ``bp``
is systolic pressure, ``heartBeat`` the heart rate; "capstone" is defined in
docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from contract.mapping import parse_mapping


@dataclass(frozen=True)
class Vital:
    """One vital sign: its reading field, its threshold attribute and the range a body can physically show."""

    field: str
    attribute: str
    unit: str
    plausible_low: float  # outside [plausible_low, plausible_high] a value is a device fault, not a patient's state
    plausible_high: float
    label: str  # its name in a doctor's email


VITALS: tuple[Vital, ...] = (
    Vital("heart_rate", "heartBeat", "beats/min", 10, 350, "Heart rate"),
    Vital("bp_systolic", "bp", "mmHg", 30, 320, "Systolic BP"),
    Vital("bp_diastolic", "bp_diastolic", "mmHg", 10, 250, "Diastolic BP"),
    Vital("spo2", "spo2", "%", 30, 100, "SpO2"),
    Vital("body_temperature", "body_temperature", "°C", 25, 46, "Temperature"),
    Vital("respiratory_rate", "respiratory_rate", "breaths/min", 0, 90, "Respiratory rate"),
)
VITAL_FIELDS: tuple[str, ...] = tuple(vital.field for vital in VITALS)
# observations a reading may carry besides the measured vitals (NEWS2 scores them; absent = room air, alert)
OBSERVATION_TYPES: dict[str, str] = {"supplemental_oxygen": "boolean", "consciousness": "string"}
CONSCIOUSNESS_LEVELS = ("A", "C", "V", "P", "U")  # ACVPU: alert, new confusion, voice, pain, unresponsive
VITAL_OF_ATTRIBUTE: dict[str, Vital] = {vital.attribute: vital for vital in VITALS}

# a reading message's fields -> the Spark SQL type each must cast to
# a reading's texts, at most as long as the RDS columns they come from (patients_vital_info.device_id VARCHAR(64)):
# a longer one was not written by a device through RDS, and would outgrow every message that carries it
READING_TEXT_LIMITS: dict[str, int] = {"device_id": 64, "source": 64}

READING_FIELD_TYPES: dict[str, str] = {
    "reading_id": "bigint",
    "patient_id": "bigint",
    "device_id": "string",
    "event_time": "timestamp",
    **{field: "double" for field in VITAL_FIELDS},
    **OBSERVATION_TYPES,
    "ingest_time": "timestamp",
    "source": "string",
}


def parse_field_map(text: str) -> dict[str, str]:
    """PA_STREAM_FIELD_MAP: {reading field: JSON key of incoming messages}."""
    return parse_mapping(text, READING_FIELD_TYPES, "PA_STREAM_FIELD_MAP")
