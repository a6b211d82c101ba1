"""Every reading accounted for, whatever its event time: late, replayed and future-stamped readings, and a
checkpoint reset, on the real stack (Kafka → Spark → Hive on HDFS)."""

from __future__ import annotations

import datetime as dt

from tests.streaming_fixtures import alert_messages, hive_rows, reading, run_available_now, send, stamped


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_a_reading_an_hour_late_lands_marked_late_and_still_alerts(spark, stream_settings):
    s = stream_settings
    hour_ago = now() - dt.timedelta(hours=1)
    send(
        s,
        [
            stamped(reading(1, 2001, 60, 170), hour_ago),  # age 40: heart rate 60 alerts (rule 1)
            stamped(reading(2, 2001, 61, 170), hour_ago),
            stamped(reading(3, 2001, 75, 170), hour_ago),
            stamped(reading(4, 2001, 60, 170), now()),
        ],
    )  # on time
    job = run_available_now(spark, s)
    db = s.names.hive_database

    landed = {row[0]: row[1:] for row in hive_rows(s, f"SELECT reading_id, late, arrival_delay_s FROM {db}.vitals_raw")}
    assert sorted(landed) == [1, 2, 3, 4]
    assert all(landed[n][0] is True and 3500 < landed[n][1] < 3900 for n in (1, 2, 3))
    assert landed[4][0] is False and abs(landed[4][1]) < 300
    assert (job.landed, job.late, job.rejected) == (4, 3, 0)
    alerts = dict(hive_rows(s, f"SELECT reading_id, late FROM {db}.alerts"))
    assert alerts == {1: True, 2: True, 4: False}
    queued = {message["reading_id"]: message for message in alert_messages(s)}
    assert queued[1]["late"] is True and queued[1]["arrival_delay_s"] > 3500 and queued[4]["late"] is False


def test_a_reading_stamped_2099_is_rejected_and_cannot_stop_the_readings_after_it(spark, stream_settings):
    s = stream_settings
    send(s, [stamped(reading(1, 2001, 75, 170), dt.datetime(2099, 1, 1, tzinfo=dt.UTC))])
    run_available_now(spark, s)
    send(s, [stamped(reading(n, 2001, 75, 170), now()) for n in (2, 3, 4)])
    run_available_now(spark, s)
    db = s.names.hive_database

    assert sorted(hive_rows(s, f"SELECT reading_id FROM {db}.vitals_raw")) == [(2,), (3,), (4,)]
    [(reason,)] = hive_rows(s, f"SELECT reason FROM {db}.vitals_rejected")
    assert reason.startswith("event time in the future: event_time 2099-01-01 00:00:00 is ")
    assert reason.endswith(" s after Kafka received it (tolerance 300 s)")


def test_replays_land_nothing_twice_and_a_reset_checkpoint_overwrites_nothing(spark, stream_settings):
    s = stream_settings
    db = s.names.hive_database
    two_hours_ago = now() - dt.timedelta(hours=2)
    landed_range = [
        stamped(reading(n, 2001, 60 + n % 20, 170, n % 60), two_hours_ago + dt.timedelta(seconds=n))
        for n in range(1, 41)
    ]
    send(s, landed_range)
    run_available_now(spark, s)
    first_alerts = sorted(hive_rows(s, f"SELECT alert_id FROM {db}.alerts"))
    first_batches = hive_rows(s, f"SELECT DISTINCT stream_batch FROM {db}.vitals_raw")
    assert first_alerts

    send(s, landed_range)  # a replay: the ids are in the deduplication state still
    run_available_now(spark, s)
    # the checkpoint is reset (deleted, renamed, a new name): no state, batch ids from 0 again; it reads the
    # topic from the start (both copies above), then another replay and a range that never landed
    reset = s.changed(names={"stream_checkpoint_name": s.names.stream_checkpoint_name + "_reset"})
    never_landed = [stamped(reading(n, 2001, 75, 170), two_hours_ago + dt.timedelta(seconds=n)) for n in range(41, 61)]
    send(s, landed_range + never_landed)
    job = run_available_now(spark, reset)

    ids = [row[0] for row in hive_rows(s, f"SELECT reading_id FROM {db}.vitals_raw")]
    assert sorted(ids) == list(range(1, 61))  # each once: 40 of the first run, 20 new
    assert sorted(hive_rows(s, f"SELECT alert_id FROM {db}.alerts")) == first_alerts  # 41-60 are normal
    # of the three copies of 1-40 in the reset's batch, the state keeps one; vitals_raw has all 40 already
    assert job.repeats == 40 and job.landed == 20
    new_batches = {
        row[0] for row in hive_rows(s, f"SELECT DISTINCT stream_batch FROM {db}.vitals_raw WHERE reading_id > 40")
    }
    assert min(new_batches) > max(row[0] for row in first_batches)  # numbered after every earlier batch


def test_one_sources_reading_never_shadows_anothers_with_the_same_id(spark, stream_settings):
    """Two RDS tables (two sources) may number their readings alike: both land and both alert; a repeat from the
    same source is still dropped."""
    s = stream_settings
    ward_a = stamped(reading(1, 2001, 60, 170, source="rds:ward_a"), now())  # heart rate 60 at 40: alerts
    ward_b = stamped(reading(1, 2001, 61, 170, source="rds:ward_b"), now())
    send(s, [ward_a, ward_b, ward_a])
    job = run_available_now(spark, s)
    db = s.names.hive_database

    landed = sorted(hive_rows(s, f"SELECT source, reading_id, heart_rate FROM {db}.vitals_raw"))
    assert landed == [("rds:ward_a", 1, 60.0), ("rds:ward_b", 1, 61.0)]  # ward A's repeat dropped
    assert job.landed == 2
    alerts = hive_rows(s, f"SELECT alert_id, observed_value FROM {db}.alerts WHERE attribute = 'heartBeat'")
    assert sorted(value for _, value in alerts) == [60.0, 61.0] and len({alert for alert, _ in alerts}) == 2


def test_a_generated_corpus_of_malformed_records_every_one_lands_or_is_rejected_with_a_reason(spark, stream_settings):
    """10,000 hostile records (testkit/hostile_vitals.py: malformed JSON, wrong types, huge numbers, NaN and
    Infinity, non-UTF-8 bytes, duplicate keys, 1 MB records, nesting 10,000 deep, control characters) through the
    real landing query: each Kafka offset ends in vitals_raw or in vitals_rejected with a reason, and the query
    lives on to land a good reading after them."""
    from testkit.hostile_vitals import corpus

    s = stream_settings
    records = [record for _, record in corpus(10_000)]
    send(s, [*records, reading(1, 2001, 75, 170)])
    job = run_available_now(spark, s)
    db = s.names.hive_database

    landed = hive_rows(s, f"SELECT kafka_partition, kafka_offset, reading_id FROM {db}.vitals_raw")
    rejected = hive_rows(s, f"SELECT kafka_partition, kafka_offset, reason FROM {db}.vitals_rejected")
    places = [(partition, offset) for partition, offset, _ in landed + rejected]
    assert len(places) == len(set(places)) == len(records) + 1  # every record once: nothing lost, nothing twice
    assert all(reason for _, _, reason in rejected)
    assert 1 in {reading_id for _, _, reading_id in landed}  # the good reading after them landed
    assert job.landed + job.rejected == len(records) + 1
