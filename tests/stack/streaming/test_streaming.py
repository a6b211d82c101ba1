"""The landing query on the real stack: Kafka → Hive on HDFS, HBase thresholds → alerts and doctors-queue."""

from __future__ import annotations

from contract.alerts import ALERT_FIELDS
from runtime.waiting import wait_until
from streaming.landing import LandingQuery
from tests.streaming_fixtures import (
    alert_messages,
    hive_rows,
    reading,
    run_available_now,
    send,
    topic_messages,
)


def test_readings_land_bad_input_is_rejected_with_reasons_and_every_outcome_alerts(spark, stream_settings):
    s = stream_settings
    send(
        s,
        [
            reading(1, 2001, 69, 200, 1),  # age 40: heart rate 69 alerts (rule 1), bp 200 normal (rule 5)
            reading(2, 2002, 70, 190, 2),  # age 41: heart rate 70 normal (rule 8), bp 190 alerts (rule 12)
            reading(3, 2001, 69.4, 170, 3),  # age 40: matched as 69 (rounded half up): rule 1
            reading(9, 2001, 69.5, 170, 9),  # age 40: matched as 70: normal, not in a gap between 69 and 70
            reading(4, 2003, 70, 120, 4),  # age 101: no band for either vital
            reading(5, 990001, 70, 120, 5),  # unknown patient
            reading(1, 2001, 69, 200, 1),  # a resent copy of reading 1: dropped
            b"this is not json",
            reading(6, 2001, "fast", 120, 6),  # wrong type
            {k: v for k, v in reading(7, 2001, 70, 120, 7).items() if k != "patient_id"},
            reading(8, 2001, 900, 170, 8, spo2=0),  # heart rate and SpO2 impossible: bp (normal) still checked
            reading(10, 2001, 150, 170, 10, spo2=0),  # SpO2 0 (probe off): rejected alone, heart rate 150 alerts
            reading(11, 2001, 900, 0, 11, spo2=0, body_temperature=99, respiratory_rate=-1, bp_diastolic=0),
        ],
    )
    job = run_available_now(spark, s)
    db = s.names.hive_database

    landed = hive_rows(s, f"SELECT reading_id, heart_rate, spo2, rejected_fields FROM {db}.vitals_raw")
    assert sorted(row[0] for row in landed) == [1, 2, 3, 4, 5, 8, 9, 10]
    by_id = {row[0]: row[1:] for row in landed}
    assert by_id[10] == (150.0, None, "impossible value: spo2 0.0 outside 30-100")
    assert by_id[8] == (
        None,
        None,
        "impossible value: heart_rate 900.0 outside 10-350; impossible value: spo2 0.0 outside 30-100",
    )
    assert by_id[1][2:] == (None,)
    reasons = sorted(row[0] for row in hive_rows(s, f"SELECT reason FROM {db}.vitals_rejected"))
    assert reasons == [
        "impossible value: heart_rate 900.0 outside 10-350; impossible value: bp_systolic 0.0 outside 30-320; "
        "impossible value: bp_diastolic 0.0 outside 10-250; impossible value: spo2 0.0 outside 30-100; "
        "impossible value: body_temperature 99.0 outside 25-46; impossible value: respiratory_rate -1.0 outside 0-90",
        "invalid JSON: not a JSON object",
        "missing patient id",
        "wrong type: heart_rate fast is not a double",
    ]
    alerts = hive_rows(
        s,
        f"SELECT reading_id, kind, attribute, rule_id, alert_message, patient_name, age, "
        f"admitted_ward FROM {db}.alerts",
    )
    by_key = {(row[0], row[1], row[2]): row for row in alerts}
    assert set(by_key) == {
        (1, "vital_out_of_range", "heartBeat"),
        (2, "vital_out_of_range", "bp"),
        (3, "vital_out_of_range", "heartBeat"),
        (10, "vital_out_of_range", "heartBeat"),
        (4, "no_band_for_age", "heartBeat"),
        (4, "no_band_for_age", "bp"),
        (5, "unknown_patient", None),
    }
    assert by_key[(1, "vital_out_of_range", "heartBeat")][3:] == (
        "1",
        "Low Heart Rate than Normal",
        "Ana Forty",
        40,
        "ICU",
    )
    assert by_key[(2, "vital_out_of_range", "bp")][3:5] == ("12", "Higher BP than Normal")
    assert "unknown patient id 990001" in by_key[(5, "unknown_patient", None)][4]
    assert job.outcomes == {"vital_out_of_range": 4, "no_band_for_age": 2, "unknown_patient": 1}

    # one observation per landed reading of a known patient, naming its alerts (the notifier's evidence of normal)
    observations = {
        record["reading_id"]: record["findings"] for record in topic_messages(s, s.names.topic_observations)
    }
    assert observations == {1: ["heartBeat"], 2: ["bp"], 3: ["heartBeat"], 8: [], 9: [], 10: ["heartBeat"]} | {
        4: ["no_band_for_age:bp", "no_band_for_age:heartBeat"]  # the unknown patient's reading 5: no bed to watch
    }
    queued = alert_messages(s)
    hive_ids = {row[0] for row in hive_rows(s, f"SELECT alert_id FROM {db}.alerts")}
    assert {message["alert_id"] for message in queued} == hive_ids and len(hive_ids) == 7
    sample = next(message for message in queued if message["reading_id"] == 1)
    assert set(sample) == set(ALERT_FIELDS)  # the minimum necessary: no address, no phone number
    assert (sample["severity"], sample["device_id"], sample["admitted_ward"]) == ("urgent", "bed-2001", "ICU")


def test_a_threshold_changed_in_hbase_applies_without_restarting_the_job(spark, stream_settings):
    from clients import hbase

    s = stream_settings
    job = LandingQuery(spark, s, available_now=True)
    send(s, [reading(11, 2001, 75, 200, 1)])  # normal at age 40 (rule 2: 70-78)
    job.start().awaitTermination(timeout=180)
    connection = hbase.connect(s.hbase)
    connection.table(s.names.threshold_table).put(b"2", {b"limit:high_range_value": b"74"})
    connection.table(s.names.threshold_table).put(b"3", {b"limit:low_range_value": b"75"})
    connection.close()
    try:
        send(s, [reading(12, 2001, 75, 200, 2)])  # now rule 3 says "higher than normal"
        job.start().awaitTermination(timeout=180)
    finally:
        from hbase_setup.load import load
        from hbase_setup.sources import CAPSTONE_SOURCE

        load(s, CAPSTONE_SOURCE, replace=True)
    kinds = hive_rows(s, f"SELECT reading_id, rule_id FROM {s.names.hive_database}.alerts")
    assert kinds == [(12, "3")]


def test_capstone_shaped_messages_are_mapped_by_the_field_map_setting(spark, stream_settings):
    capstone = stream_settings.changed(
        stream={"field_map": "patient_id=customerId,heart_rate=heartBeat,bp_systolic=bp,event_time=message_time"}
    )
    message = {"customerId": 2001, "heartBeat": 69, "bp": 168, "message_time": "2026-11-24 10:00:01"}
    send(
        capstone,
        [message, message, {"customerId": 2001, "heartBeat": "high", "bp": 1, "message_time": "2026-11-24 10:00:02"}],
    )
    run_available_now(spark, capstone)
    db = capstone.names.hive_database

    landed = hive_rows(capstone, f"SELECT patient_id, heart_rate, bp_systolic FROM {db}.vitals_raw")
    rejected = hive_rows(capstone, f"SELECT reason FROM {db}.vitals_rejected")
    alerts = hive_rows(capstone, f"SELECT attribute, rule_id FROM {db}.alerts")
    assert landed == [(2001, 69.0, 168.0)]  # the resent copy shares its content-derived reading id: dropped
    assert rejected == [("wrong type: heartBeat high is not a double",)]
    assert alerts == [("heartBeat", "1")]  # bp 168 at age 40 is normal (rule 5)


def test_the_progress_listener_reports_rows_rate_duration_and_kafka_lag(spark, stream_settings, caplog):
    import logging

    from streaming.listener import ProgressListener

    listener = ProgressListener()
    spark.streams.addListener(listener)
    try:
        send(stream_settings, [reading(n, 2001, 75, 200, n) for n in [*range(1, 51), *range(1, 6)]])
        with caplog.at_level(logging.INFO, logger="streaming.listener"):
            run_available_now(spark, stream_settings)
            # listener events arrive asynchronously
            wait_until(lambda: listener.latest is not None and listener.latest.input_rows > 0, 15, every_s=0.2)
    finally:
        spark.streams.removeListener(listener)
    progress = listener.latest
    assert progress is not None and progress.input_rows == 55
    assert progress.duration_ms > 0 and progress.processed_rows_per_s > 0
    assert progress.kafka_lag == 0  # caught up: nothing left behind the latest offsets
    assert progress.dropped_by_watermark == 0 and progress.repeats_dropped == 5
    assert any(
        "batch 0: 55 rows in" in record.getMessage()
        and "Kafka lag 0" in record.getMessage()
        and "dropped by watermark 0" in record.getMessage()
        for record in caplog.records
    )


def test_a_query_through_hiveserver2_sees_each_new_batch_without_refresh(spark, stream_settings):
    """Analysts' reads stay fresh: every batch adds partitions of its own, so HiveServer2 lists the new files
    without REFRESH TABLE (docs, Analysts)."""
    from clients import hive

    s = stream_settings
    counts = (
        f"SELECT (SELECT COUNT(*) FROM {s.names.hive_database}.vitals_raw), "
        f"(SELECT COUNT(*) FROM {s.names.hive_database}.alerts), "
        f"(SELECT COUNT(*) FROM {s.names.hive_database}.news2_scores)"
    )
    send(s, [reading(21, 2001, 69, 200, 1)])  # age 40: heart rate 69 alerts (capstone rule 1)
    run_available_now(spark, s)
    first = hive.query(s.hive, counts)
    send(s, [reading(22, 2001, 69, 200, 2)])
    run_available_now(spark, s)
    second = hive.query(s.hive, counts)
    assert (first, second) == ([(1, 1, 1)], [(2, 2, 2)])


def test_each_reading_lands_with_its_news2_scores_and_the_view_reads_them_as_the_alert_does(spark, stream_settings):
    """NEWS2 scores are vitals_raw columns written with the reading; news2_scores (a view) adds the drivers and
    assumptions with the alert message's own SQL (docs, Clinical rules)."""
    s = stream_settings
    send(s, [reading(31, 2001, 75, 120, 1, respiratory_rate=25, consciousness="A")])  # age 40: one red parameter
    run_available_now(spark, s)
    assert hive_rows(
        s, f"SELECT news2_respiratory_rate, news2_score, news2_risk FROM {s.names.hive_database}.vitals_raw"
    ) == [(3, 3, "low-medium")]
    view = "reading_id, news2_score, news2_risk, news2_drivers, news2_assumed"
    expected = (31, 3, "low-medium", "respiratory_rate 3", "room air")
    assert hive_rows(s, f"SELECT {view} FROM {s.names.hive_database}.news2_scores") == [expected]
    [message] = hive_rows(s, f"SELECT alert_message FROM {s.names.hive_database}.alerts WHERE kind = 'news2'")
    assert "NEWS2 3 (low-medium risk): respiratory_rate 3." in message[0] and message[0].endswith(
        "Incomplete: not recorded, scored as room air (the true score may be higher)"
    )
