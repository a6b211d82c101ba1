"""The shared vocabulary agrees with every place that still spells it: Hive's and RDS's DDL, the mapping parser."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from pathlib import Path

import pytest

from contract.alerts import ALERT_FIELDS, ALERT_KINDS, DATA_QUALITY_KINDS, OBSERVATION_FIELDS, Outcome
from contract.mapping import parse_mapping
from contract.records import AlertRecord, ObservationRecord
from contract.vitals import READING_FIELD_TYPES, VITAL_FIELDS, VITAL_OF_ATTRIBUTE, VITALS
from hive_ddl.apply import declared_columns
from testkit.repository import REPOSITORY as ROOT


def columns(ddl: Path) -> dict[str, str]:
    """Column -> type of the one CREATE TABLE in a DDL file (partition columns excluded)."""
    declared = declared_columns(ddl.read_text())
    assert declared is not None
    return {name: kind.lower() for name, kind in declared[1].items()}


def test_the_hive_alerts_table_has_the_alert_record_fields_in_order_and_of_their_types():
    assert columns(ROOT / "hive_ddl" / "040_alerts.sql") == ALERT_FIELDS


PYTHON_TYPE_OF = {"string": str, "bigint": int, "int": int, "double": float, "boolean": bool, "timestamp": str}


@pytest.mark.parametrize("record, contract", [(AlertRecord, ALERT_FIELDS), (ObservationRecord, OBSERVATION_FIELDS)])
def test_the_typed_records_have_the_contracts_fields_in_order_and_of_their_types(record, contract):
    hints = typing.get_type_hints(record)
    assert [item.name for item in dataclasses.fields(record)] == list(contract)
    for name, kind in contract.items():
        hint = hints[name]
        present = (
            [arg for arg in typing.get_args(hint) if arg is not types.NoneType] if typing.get_args(hint) else [hint]
        )
        if kind == "array<string>":
            assert hint == tuple[str, ...], name
        else:
            assert len(present) == 1 and issubclass(present[0], PYTHON_TYPE_OF[kind]), (name, hint)


@pytest.mark.parametrize("ddl", ["hive_ddl/010_vitals_raw.sql", "rds_schema/V001__vitals_and_patients.sql"])
def test_every_vital_is_a_column_of_the_readings_tables(ddl):
    body = (ROOT / ddl).read_text()
    assert all(re.search(rf"^\s+{field}\s+(DOUBLE)", body, re.MULTILINE) for field in VITAL_FIELDS)


def test_each_vital_has_one_threshold_attribute_and_a_plausible_range():
    assert len(VITAL_OF_ATTRIBUTE) == len(VITALS) == len(set(VITAL_FIELDS))
    assert all(vital.plausible_low < vital.plausible_high for vital in VITALS)
    assert {field for field, kind in READING_FIELD_TYPES.items() if kind == "double"} == set(VITAL_FIELDS)


def test_alert_kinds_are_the_outcomes_that_alert():
    assert set(ALERT_KINDS) == set(Outcome) - {Outcome.NORMAL, Outcome.NOT_MONITORED}
    assert [kind.value for kind in ALERT_KINDS] == [
        "vital_out_of_range",
        "value_in_gap",
        "no_band_for_age",
        "unknown_patient",
        "news2",
    ]
    assert set(DATA_QUALITY_KINDS) < set(ALERT_KINDS) and Outcome.NEWS2 not in DATA_QUALITY_KINDS


def test_a_mapping_parses_and_a_bad_entry_names_the_variable():
    assert parse_mapping(" patient_id = customerId ,heart_rate=heartBeat,", READING_FIELD_TYPES, "PA_X") == {
        "patient_id": "customerId",
        "heart_rate": "heartBeat",
    }
    for bad in ("pulse=x", "heart_rate=", "heart_rate"):
        with pytest.raises(ValueError, match=f"PA_X entry '{bad}'"):
            parse_mapping(bad, READING_FIELD_TYPES, "PA_X")
