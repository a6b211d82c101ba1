"""The RDS → Kafka producer, simulator and replay against MariaDB and the Kafka broker."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import time
from collections import defaultdict

import pytest

from clients import kafka, mysql
from producers import producer, watermark
from producers.replay import replay
from producers.rows import RowSelection
from rds_schema import grants
from runtime.waiting import wait_until
from settings import KafkaPrincipal, RdsAccount
from simulation.rds_devices import simulate
from testkit.services import start_service


def consume_all(settings, topic: str, expected: int, timeout_s: float = 30.0) -> list:
    consumer = kafka.consumer(settings.kafka, KafkaPrincipal.ADMIN, topic, consumer_timeout_ms=3000)
    messages: list = []
    wait_until(lambda: messages.extend(consumer) or len(messages) >= expected, timeout_s, every_s=0)
    consumer.close()
    return messages


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "two-sender-processes"])
def test_every_row_becomes_one_message_keyed_by_patient_in_per_patient_order(producer_settings, workers):
    producer_settings = producer_settings.changed(producer={"workers": workers})
    run = simulate(producer_settings, patients=20, rate_hz=2, seed=3, count=3000, bad_share=0.0)
    published = producer.run(producer_settings)
    messages = consume_all(producer_settings, producer_settings.names.topic_vitals, 3000)

    values = [json.loads(message.value) for message in messages]
    assert run.readings == published.published == len(messages) == 3000
    assert sorted(value["reading_id"] for value in values) == list(range(1, 3001))
    partitions_of, ids_in_offset_order = defaultdict(set), defaultdict(list)
    for message, value in sorted(zip(messages, values), key=lambda pair: (pair[0].partition, pair[0].offset)):
        assert message.key == str(value["patient_id"]).encode()
        partitions_of[value["patient_id"]].add(message.partition)
        ids_in_offset_order[value["patient_id"]].append(value["reading_id"])
    assert len(partitions_of) == 20
    assert all(len(partitions) == 1 for partitions in partitions_of.values())  # one patient, one partition
    assert all(ids == sorted(ids) for ids in ids_in_offset_order.values())  # so their order holds
    first = values[0]
    assert set(first) >= {
        "reading_id",
        "patient_id",
        "device_id",
        "event_time",
        "heart_rate",
        "bp_systolic",
        "spo2",
        "body_temperature",
        "respiratory_rate",
        "ingest_time",
        "source",
    }
    assert first["event_time"].endswith("Z") and len(first["event_time"]) == 24
    assert watermark.read(producer_settings.rds, producer_settings.names.producer_name) == 3000


def test_a_producer_killed_mid_run_resumes_with_no_gaps(producer_settings):
    simulate(producer_settings, patients=50, rate_hz=1, seed=5, count=20_000, bad_share=0.0)
    child = start_service(producer_settings, "producers", "publish", extra={"PA_PRODUCER_BATCH_ROWS": "500"})
    wait_until(
        lambda: watermark.read(producer_settings.rds, producer_settings.names.producer_name) >= 2000, 60, every_s=0.05
    )
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    at_kill = watermark.read(producer_settings.rds, producer_settings.names.producer_name)
    assert 0 < at_kill < 20_000, "the kill must land mid-run"

    producer.run(producer_settings)
    messages = consume_all(producer_settings, producer_settings.names.topic_vitals, 20_000)
    ids = [json.loads(message.value)["reading_id"] for message in messages]
    assert set(ids) == set(range(1, 20_001))  # nothing lost
    assert len(ids) - len(set(ids)) <= 1000  # at most the in-flight batches again, each carrying its id
    assert watermark.read(producer_settings.rds, producer_settings.names.producer_name) == 20_000


def test_concurrent_writers_with_slow_commits_and_rollbacks_leave_no_gap(producer_settings):
    """Several connections insert multi-row transactions that commit after random delays (some roll back) while
    the producer follows: afterwards every committed RDS id is on Kafka exactly once."""
    import random
    import threading

    follow = producer_settings.changed(producer={"poll_s": 0.05, "gap_timeout_s": 3.0, "workers": 1})

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        connection = mysql.connect(follow.rds, RdsAccount.DEVICES)
        cursor = connection.cursor()
        for _ in range(15):
            rows = [(1000 + seed, rng.uniform(60, 100)) for _ in range(rng.randint(1, 20))]
            cursor.executemany(
                f"INSERT INTO {follow.names.vitals_table} (patient_id, event_time, heart_rate) "
                f"VALUES (%s, UTC_TIMESTAMP(3), %s)",
                rows,
            )
            time.sleep(rng.uniform(0.0, 0.4))  # the ids are taken, the rows not yet visible
            connection.rollback() if rng.random() < 0.15 else connection.commit()
        connection.close()

    publishing = threading.Thread(target=producer.run, args=(follow,), kwargs={"follow": True, "stop_after_s": 15})
    publishing.start()
    writers = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    publishing.join()

    connection = mysql.connect(follow.rds, RdsAccount.MIGRATION)
    cursor = connection.cursor()
    cursor.execute(f"SELECT id FROM {follow.names.vitals_table} ORDER BY id")
    committed = [row[0] for row in cursor.fetchall()]
    connection.close()
    published = [
        json.loads(message.value)["reading_id"]
        for message in consume_all(follow, follow.names.topic_vitals, len(committed))
    ]
    assert len(committed) > 100 and max(committed) > len(committed)  # ids were skipped: rollbacks happened
    assert sorted(published) == committed  # every committed id once: none skipped, none twice
    assert watermark.read(follow.rds, follow.names.producer_name) == max(committed)


def test_a_capstone_shaped_table_publishes_through_the_column_mapping(producer_settings, unique_name):
    table = unique_name + "_capstone"
    connection = mysql.connect(producer_settings.rds, RdsAccount.MIGRATION, autocommit=True)
    cursor = connection.cursor()
    cursor.execute(
        f"CREATE TABLE {table} (id BIGINT AUTO_INCREMENT PRIMARY KEY, customerId VARCHAR(20), "
        f"heartBeat INT, bp INT, message_time DATETIME(3))"
    )
    cursor.executemany(
        f"INSERT INTO {table} (customerId, heartBeat, bp, message_time) VALUES (%s, %s, %s, %s)",
        [
            ("3", 69, 168, "2025-04-22 10:50:53.520"),
            ("7", 90, 120, "2025-04-22 10:50:54.000"),
            ("abc", 80, 130, "2025-04-22 10:50:55.000"),
        ],
    )
    mapped = producer_settings.changed(
        names={"vitals_table": table},
        producer={
            "vitals_column_map": "patient_id=customerId, heart_rate=heartBeat, bp_systolic=bp, event_time=message_time"
        },
    )
    grants.apply(mapped)
    run = producer.run(mapped)
    cursor.execute(f"DROP TABLE {table}")
    connection.close()

    values = [json.loads(m.value) for m in consume_all(mapped, mapped.names.topic_vitals, 2)]
    dead = [json.loads(m.value) for m in consume_all(mapped, mapped.names.topic_dead_letter, 1)]
    assert (run.published, run.dead_lettered) == (2, 1)
    assert sorted((v["patient_id"], v["heart_rate"], v["bp_systolic"]) for v in values) == [
        (3, 69.0, 168.0),
        (7, 90.0, 120.0),
    ]
    first = next(value for value in values if value["patient_id"] == 3)  # partitions interleave in any order
    assert first["event_time"] == "2025-04-22T10:50:53.520Z" and first["spo2"] is None
    assert dead[0]["reason"] == "patient id 'abc' is not an integer"
    assert dead[0]["source"] == f"rds:{table}"


def test_replaying_a_range_twice_publishes_the_same_reading_ids(producer_settings):
    simulate(producer_settings, patients=10, rate_hz=1, seed=9, count=1000, bad_share=0.0)
    selection = RowSelection(first_id=101, last_id=400)
    dry = replay(producer_settings, selection, dry_run=True)
    first = replay(producer_settings, selection)
    second = replay(producer_settings, selection, rows_per_s=2000)
    messages = consume_all(producer_settings, producer_settings.names.topic_vitals, 600)

    ids = [json.loads(message.value)["reading_id"] for message in messages]
    assert (dry.matching, dry.published, first.published, second.published) == (300, 0, 300, 300)
    assert sorted(ids) == sorted(list(range(101, 401)) * 2)  # duplicates carry the same ids downstream drops
    assert all(dict(message.headers).get("replay") == b"1" for message in messages)
    assert (
        watermark.read(producer_settings.rds, producer_settings.names.producer_name) == 0
    )  # replay never moves the producer's watermark


def test_replay_by_event_time_range_counts_what_it_selects(producer_settings):
    connection = mysql.connect(producer_settings.rds, RdsAccount.MIGRATION, autocommit=True)
    connection.cursor().executemany(
        f"INSERT INTO {producer_settings.names.vitals_table} (patient_id, event_time, heart_rate) VALUES (%s, %s, %s)",
        [(1001, f"2026-01-01 10:{minute:02d}:00", 70) for minute in range(60)],
    )
    connection.close()

    run = replay(
        producer_settings,
        RowSelection(start_time=dt.datetime(2026, 1, 1, 10, 15), end_time=dt.datetime(2026, 1, 1, 10, 45)),
        dry_run=True,
    )
    assert run.matching == 30


def test_simulated_bad_readings_and_episodes_are_written_for_scoring(producer_settings, unique_name):
    # a simulated span of its own (a day of 2001 chosen by the test's name), so the shared episodes table
    # holds exactly this run's episodes in it
    start = dt.datetime(2001, 1, 1) + dt.timedelta(days=int(unique_name[-6:], 16) % 365)
    run = simulate(
        producer_settings,
        patients=30,
        rate_hz=1,
        seed=11,
        count=30_000,
        bad_share=0.05,
        episodes_per_patient_hour=20,
        start=start,
    )
    window = (start, start + dt.timedelta(days=1))
    connection = mysql.connect(producer_settings.rds, RdsAccount.MIGRATION, autocommit=True)
    cursor = connection.cursor()
    try:
        cursor.execute(
            f"SELECT SUM(heart_rate IS NULL), SUM(heart_rate = 900), SUM(patient_id > 990000), "
            f"COUNT(*) FROM {producer_settings.names.vitals_table}"
        )
        missing, impossible, unknown, total = (int(value) for value in cursor.fetchone())
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT kind) FROM deterioration_episodes "
            "WHERE started_at >= %s AND started_at < %s AND ended_at > started_at",
            window,
        )
        episodes, kinds = cursor.fetchone()
    finally:
        cursor.execute("DELETE FROM deterioration_episodes WHERE started_at >= %s AND started_at < %s", window)
        connection.close()
    assert total == run.readings == 30_000
    assert missing > 100 and impossible > 100 and unknown > 100
    assert run.episodes and episodes == len(run.episodes) and kinds >= 2
