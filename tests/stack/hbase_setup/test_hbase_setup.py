"""hbase_setup against the real HBase Thrift server: create, load, diff, validate, compare with `hbase shell`."""

from __future__ import annotations

import pytest

from clients import hbase
from hbase_setup import audit, sources, table
from hbase_setup.load import load
from hbase_setup.rules import InvalidThresholds
from local_stack import hbase_shell, stack


@pytest.fixture
def threshold_settings(running_stack, unique_name):
    """Settings whose threshold table is this test's own (the capstone rules by default), dropped afterwards."""
    scoped = running_stack.changed(
        names={"threshold_table": unique_name}, hbase={"threshold_source": str(sources.CAPSTONE_SOURCE)}
    )
    yield scoped
    connection = hbase.connect(scoped.hbase)
    if unique_name.encode() in connection.tables():
        connection.delete_table(unique_name, disable=True)
    connection.close()


def stored(settings) -> dict:
    connection = hbase.connect(settings.hbase)
    try:
        return table.read_rows(connection, settings.names.threshold_table)
    finally:
        connection.close()


def shell_script_of(rows: dict, table_name: str) -> str:
    return "".join(
        f"put '{table_name}', '{key}', '{column.decode()}', '{value.decode()}'\n"
        for key, cells in rows.items()
        for column, value in cells.items()
    )


def test_create_is_idempotent_and_keeps_existing_data(threshold_settings):
    first = load(threshold_settings)
    second = load(threshold_settings)
    connection = hbase.connect(threshold_settings.hbase)
    families = set(connection.table(threshold_settings.names.threshold_table).families())
    created_again = table.ensure_table(connection, threshold_settings.names.threshold_table)
    connection.close()

    assert (len(first.added), first.unchanged) == (12, 0)
    assert (second.writes, second.unchanged) == (0, 12)
    assert families == {b"attribute", b"limit", b"alert"}
    assert created_again is False
    assert stored(threshold_settings)["4"][b"limit:high_range_value"] == b"160"


def test_reference_csv_and_equivalent_shell_script_load_the_same_cells(threshold_settings, tmp_path):
    csv_rows = sources.read_rows(sources.CAPSTONE_SOURCE, threshold_settings.names.threshold_table)
    load(threshold_settings)
    from_csv = stored(threshold_settings)

    def script_for(settings):
        script = tmp_path / f"{settings.names.threshold_table}.hbsh"
        script.write_text(
            f"create '{settings.names.threshold_table}', 'attribute', 'limit', 'alert'\n"
            + shell_script_of(csv_rows, settings.names.threshold_table)
            + "exit\n"
        )
        return script

    by_loader = threshold_settings.changed(names={"threshold_table": threshold_settings.names.threshold_table + "_sh"})
    loaded_by_script = load(by_loader, script_for(by_loader))
    from_script = stored(by_loader)
    # the real `hbase shell` runs the same kind of file (create + puts) into a third table
    by_real_shell = threshold_settings.changed(
        names={"threshold_table": threshold_settings.names.threshold_table + "_real"}
    )
    result = hbase_shell.run(stack.context(by_real_shell), script_for(by_real_shell), capture=True)
    from_real_shell = stored(by_real_shell)
    connection = hbase.connect(threshold_settings.hbase)
    for name in (by_loader.names.threshold_table, by_real_shell.names.threshold_table):
        connection.delete_table(name, disable=True)
    connection.close()

    assert len(loaded_by_script.added) == 12
    assert from_csv == from_script == from_real_shell, result.stdout[-2000:]


def test_dry_run_shows_the_diff_and_writes_nothing(threshold_settings):
    load(threshold_settings)
    connection = hbase.connect(threshold_settings.hbase)
    connection.table(threshold_settings.names.threshold_table).put(b"5", {b"limit:high_range_value": b"230"})
    connection.table(threshold_settings.names.threshold_table).put(b"77", stored(threshold_settings)["1"])
    connection.close()
    before = stored(threshold_settings)

    plan = load(threshold_settings, dry_run=True, replace=True)

    assert list(plan.changed) == ["5"] and list(plan.removed) == ["77"]
    assert "~ row 5: limit:high_range_value '230' -> '220'" in plan.describe()
    assert "- row 77:" in plan.describe()
    assert stored(threshold_settings) == before


def test_replace_removes_rows_missing_from_the_source(threshold_settings):
    load(threshold_settings)
    connection = hbase.connect(threshold_settings.hbase)
    connection.table(threshold_settings.names.threshold_table).put(
        b"13",
        {
            b"attribute:attribute": b"spo2",
            b"limit:low_age_limit": b"0",
            b"limit:high_age_limit": b"100",
            b"limit:low_range_value": b"0",
            b"limit:high_range_value": b"91",
            b"alert:alert_flag": b"1",
            b"alert:alert_message": b"Low SpO2",
        },
    )
    connection.close()
    assert "13" in stored(threshold_settings)
    load(threshold_settings)  # a plain load keeps rows the source does not mention
    assert "13" in stored(threshold_settings)
    load(threshold_settings, replace=True)
    assert sorted(stored(threshold_settings), key=int) == [str(n) for n in range(1, 13)]


BAD_SOURCES = {
    "overlap": ("13,heartBeat,30,50,60,70,1,Overlaps rows 1 and 7\n", "rows 1 and 13: overlapping bands for heartBeat"),
    "low_above_high": ("13,spo2,0,100,95,90,1,Backwards\n", "row 13: low value 95 > high value 90"),
    "age_low_above_high": ("13,spo2,80,20,0,90,1,Backwards ages\n", "row 13: low age 80 > high age 20"),
    "non_numeric": ("13,spo2,0,100,zero,90,1,Bad number\n", "row 13: low value 'zero' is not a number"),
    "unknown_attribute": ("13,pulse_pressure,0,100,0,90,1,What\n", "row 13: unknown attribute 'pulse_pressure'"),
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_invalid_csv_is_rejected_naming_row_and_problem_and_nothing_is_written(threshold_settings, tmp_path, case):
    extra_line, expected = BAD_SOURCES[case]
    source = tmp_path / "bad.csv"
    source.write_text(sources.CAPSTONE_SOURCE.read_text() + extra_line)
    with pytest.raises(InvalidThresholds) as raised:
        load(threshold_settings, source)
    assert expected in str(raised.value)
    assert stored(threshold_settings) == {}


def test_unknown_column_family_in_a_shell_script_is_rejected(threshold_settings, tmp_path):
    rows = sources.read_rows(sources.CAPSTONE_SOURCE, threshold_settings.names.threshold_table)
    script = tmp_path / "bad.hbsh"
    script.write_text(
        shell_script_of(rows, threshold_settings.names.threshold_table)
        + f"put '{threshold_settings.names.threshold_table}', '3', 'limits:typo', '1'\n"
    )
    with pytest.raises(InvalidThresholds, match="row 3: unknown column family 'limits'"):
        load(threshold_settings, script)
    assert stored(threshold_settings) == {}


def test_a_shell_script_with_a_non_put_command_names_the_line(threshold_settings, tmp_path):
    script = tmp_path / "bad.hbsh"
    script.write_text("put 'x'\n")
    with pytest.raises(sources.SourceError, match="bad.hbsh:1: not a put command"):
        load(threshold_settings, script)


def test_every_load_that_writes_is_audited_with_who_what_and_the_diff(threshold_settings, tmp_path):
    load(threshold_settings, actor="nurse.lead@ward-pc")
    edited = tmp_path / "edited.csv"
    edited.write_text(sources.CAPSTONE_SOURCE.read_text().replace("Low Heart Rate than Normal", "Heart rate low"))
    load(threshold_settings, edited)
    load(threshold_settings, edited)  # nothing changes: nothing to audit
    load(threshold_settings, sources.CAPSTONE_SOURCE, dry_run=True)  # a dry run writes nothing: not audited

    latest, first = audit.history(threshold_settings)
    assert (first.changed_by, first.source, first.added, first.applied) == (
        "nurse.lead@ward-pc",
        str(sources.CAPSTONE_SOURCE),
        12,
        True,
    )
    assert latest.changed_by == audit.who() and latest.source == str(edited) and latest.applied
    assert (latest.added, latest.changed, latest.removed) == (0, 2, 0)
    assert "alert:alert_message 'Low Heart Rate than Normal' -> 'Heart rate low'" in latest.diff
