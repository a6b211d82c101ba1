"""The fuzzing targets: each a Hypothesis strategy of hostile input and a check that the code under it either
accepts the input or refuses it with its own, named error, never anything else.

Shared by the property tests (``tests/unit/hardening/test_fuzz.py``, a few hundred cases each in ``make unit``)
and the standing run (``make fuzz``: ``PA_FUZZ_CASES`` cases each, crashes counted, the first failing example printed).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import string
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import settings as settings_module
from contract.alerts import ALERT_FIELDS, ALERT_KINDS, OBSERVATION_FIELDS, Severity
from hbase_setup.rules import InvalidThresholds, parse_rows
from hbase_setup.sources import SourceError, read_rows
from notifier.alert_record import PoisonRecord, parse_alert, parse_observation
from notifier.episodes import AlarmPolicy, EpisodeTracker
from notifier.messages import Composer
from sqoop.options import SqoopError, parse_export, parse_import

SETTINGS = settings_module.load({})
COMPOSER = Composer.of(SETTINGS)


@dataclass(frozen=True)
class FuzzTarget:
    """``check`` takes one generated case and raises only when the code under test failed (a crash)."""

    name: str
    cases: st.SearchStrategy[Any]
    check: Callable[[Any], None]


# --- values of every JSON type, hostile ones included -----------------------------------------------------------

_texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=30, max_size=3000),
    st.sampled_from(["", "\n", "\x00", "NaN", "2026-11-24T10:00:00Z", "0001-01-01T00:00:00", "9999-12-31T23:59:59"]),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    _texts,
)
_json_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_texts, inner, max_size=4), max_leaves=12
)


def _plausible(kind: str) -> st.SearchStrategy[Any]:
    """Values near what the stream writes for a field of Spark type ``kind``, often off by a little."""
    return {
        "string": st.one_of(st.sampled_from([*ALERT_KINDS, *Severity, "heartBeat", "spo2", "ICU"]), _texts),
        "bigint": st.one_of(st.integers(-(2**64), 2**64), st.integers(0, 10_000)),
        "int": st.one_of(st.integers(-(2**40), 2**40), st.integers(0, 120)),
        "double": st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 300)),
        "boolean": st.booleans(),
        "timestamp": st.one_of(
            st.datetimes().map(lambda moment: moment.isoformat() + "Z"),
            st.sampled_from(["2026-11-24T10:00:00.000Z", "2026-11-24 10:00:00", "yesterday"]),
        ),
        "array<string>": st.lists(_texts, max_size=5),
    }[kind]


# what the stream writes for a field: the valid record every mutation starts from
_VALID = {
    "alert_id": st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
    "kind": st.sampled_from(ALERT_KINDS),
    "severity": st.sampled_from(list(Severity)),
    "attribute": st.sampled_from(["heartBeat", "bp", "spo2", "respiratory_rate", "body_temperature", "news2"]),
    "patient_id": st.integers(1, 10**6),
    "age_months": st.integers(0, 1_500),
    "input_message_time": st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)).map(
        lambda moment: moment.isoformat(timespec="milliseconds") + "Z"
    ),
    "findings": st.lists(st.sampled_from(["heartBeat", "spo2", "news2", "value_in_gap:bp"]), max_size=3),
}
_VALID_OF_KIND = {
    "string": st.text(max_size=30),
    "bigint": st.integers(0, 10**9),
    "int": st.integers(0, 120),
    "double": st.floats(0, 300),
    "boolean": st.booleans(),
    "timestamp": _VALID["input_message_time"],
}


def _records(contract: dict[str, str]) -> st.SearchStrategy[bytes]:
    """JSON records shaped like the contract's: a valid record with a few fields changed (to a near value, to any
    JSON value, or removed), or any JSON, or any bytes."""
    valid = st.fixed_dictionaries({name: _VALID.get(name, _VALID_OF_KIND.get(kind)) for name, kind in contract.items()})
    changes = st.dictionaries(
        st.sampled_from(sorted(contract)),
        st.one_of(*[_plausible(kind) for kind in set(contract.values())], _json_values, st.just(_REMOVED)),
        max_size=3,
    )
    changed = st.builds(_changed, valid, changes)
    anything = _json_values.map(lambda value: json.dumps(value).encode())
    return st.one_of(
        changed,
        changed,
        changed,
        valid.map(lambda record: json.dumps(record).encode()),
        anything,
        st.binary(max_size=300),
    )


_REMOVED = object()


def _changed(record: dict[str, Any], changes: dict[str, Any]) -> bytes:
    changed = {**record, **changes}
    return json.dumps({name: value for name, value in changed.items() if value is not _REMOVED}).encode()


def _notify(value: bytes, observation: bool) -> None:
    """A record through the notifier as the service takes it: parsed (or set aside), then fed to the episodes, then
    every notification composed as an email."""
    try:
        record = parse_observation(value) if observation else parse_alert(value)
    except PoisonRecord:
        return
    tracker = EpisodeTracker(AlarmPolicy(confirm_readings=1))
    notifications = tracker.observe_reading(record, 0.0) if observation else tracker.observe_alert(record, 0.0)
    for now in (0.0, 1_000.0, 100_000.0):
        notifications += tracker.tick(now)
    for notification in notifications:
        subject = COMPOSER.subject(notification)
        if not (subject.isascii() and subject.isprintable() and 0 < len(subject) < 100):
            raise AssertionError(f"SNS would refuse the subject {subject!r}")
        COMPOSER.body(notification)
        COMPOSER.attributes(notification)


# --- threshold sources --------------------------------------------------------------------------------------------

_cells = st.one_of(
    st.sampled_from(["0", "40", "3m", "11m", "69.99", "-1", "NaN", "inf", "1e309", "x", "", "heartBeat", "spo2"]),
    st.text(max_size=12),
)
_csv_rows = st.lists(st.lists(_cells, min_size=7, max_size=10), max_size=6)
_HEADER = "ref_id,attribute,low_age_limit,high_age_limit,low_range_value,high_range_value,alert_flag,alert_message"


def _csv_text(rows: list[list[str]]) -> str:
    handle = io.StringIO()
    writer = csv.writer(handle)
    for row in rows:
        writer.writerow(row)
    return _HEADER + ",severity\n" + handle.getvalue()


def _shell_text(rows: list[list[str]]) -> str:
    columns = ["attribute:attribute", "limit:low_age_limit", "limit:high_age_limit", "limit:low_range_value"]
    return "\n".join(
        f"put 'threshold_ref', '{row[0]}', '{column}', '{value}'"
        for row in rows
        for column, value in zip(columns, row[1:])
    )


def _load_source(case: tuple[str, str]) -> None:
    """A threshold source file read and validated: rules, or a SourceError / InvalidThresholds naming the line."""
    suffix, text = case
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"thresholds{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            parse_rows(read_rows(path, "threshold_ref"))
        except (SourceError, InvalidThresholds):
            return


_sources = st.one_of(
    _csv_rows.map(lambda rows: (".csv", _csv_text(rows))),
    _csv_rows.map(lambda rows: (".rb", _shell_text(rows))),
    st.tuples(st.sampled_from([".csv", ".rb"]), st.text(max_size=400)),
)


# --- command lines and settings -----------------------------------------------------------------------------------

_FLAGS = [
    "--table",
    "--target-dir",
    "--where",
    "--columns",
    "--split-by",
    "--num-mappers",
    "-m",
    "--incremental",
    "--check-column",
    "--last-value",
    "--merge-key",
    "--hive-import",
    "--hive-table",
    "--as-parquetfile",
    "--as-textfile",
    "--fields-terminated-by",
    "--null-string",
    "--update-key",
    "--update-mode",
    "--export-dir",
    "--map-column-java",
    "--compress",
    "--compression-codec",
    "--query",
    "--boundary-query",
    "--direct",
]
_argv = st.lists(
    st.one_of(st.sampled_from(_FLAGS), _cells, st.text(alphabet=string.printable, max_size=20)), max_size=12
)


def _parse_sqoop(case: tuple[bool, list[str]]) -> None:
    """Options parsed, or refused with a SqoopError; ``-h`` prints the usage and exits 0, as Sqoop's does (anything
    else leaving the process is a crash)."""
    export, argv = case
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            (parse_export if export else parse_import)(argv, SETTINGS)
    except SqoopError:
        return
    except SystemExit as leaving:
        if leaving.code not in (0, None):
            raise AssertionError(f"the option parser exited {leaving.code}") from None


_setting_names = st.sampled_from(sorted(settings_module.environment(settings_module.load({}))))
_environments = st.dictionaries(_setting_names, st.one_of(_cells, st.text(max_size=30)), max_size=4)


def _load_settings(environ: dict[str, str]) -> None:
    try:
        settings_module.load(environ)
    except settings_module.SettingsError:
        return


TARGETS = (
    FuzzTarget("notifier: doctors-queue records", _records(ALERT_FIELDS), lambda value: _notify(value, False)),
    FuzzTarget("notifier: observation records", _records(OBSERVATION_FIELDS), lambda value: _notify(value, True)),
    FuzzTarget("thresholds: CSV and HBase-shell sources", _sources, _load_source),
    FuzzTarget("sqoop: import and export options", st.tuples(st.booleans(), _argv), _parse_sqoop),
    FuzzTarget("settings: PA_* environment", _environments, _load_settings),
)
