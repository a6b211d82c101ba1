"""The streaming job: sustained throughput, alert latency under offered load, and a per-record baseline."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import multiprocessing
import time
import uuid

from kafka.admin import NewTopic

from bench.report import line, percentiles_ms
from clients import hbase, kafka, mysql
from clients.spark import session
from hbase_setup.repository import ThresholdRepository
from settings import Settings
from streaming import scratch
from streaming.job import LandingJob
from streaming.listener import ProgressListener

PATIENTS = [(3000 + n, f"Bench Patient {n}", "1 Bench St", "+1-555-0000", "ICU", 40) for n in range(200)]
THROUGHPUT_ROWS = 300_000
BASELINE_ROWS = 20_000
LOADS_PER_S = (1_000, 20_000)
LOAD_SECONDS = 20


def run(settings: Settings) -> None:
    print("streaming (landing query: Kafka -> Hive on HDFS + alerts -> doctors-queue)")
    spark = session(settings, "bench-streaming")
    spark.sparkContext.setLogLevel("ERROR")
    name = f"bench_stream_{uuid.uuid4().hex[:6]}"
    scoped = scratch.scratch_settings(settings, name, vitals_partitions=4)
    scratch.add_patients(spark, scoped, PATIENTS)
    try:
        job_rate = _throughput(spark, scoped)
        line(f"sustained, {THROUGHPUT_ROWS:,} readings (catch-up)", f"{job_rate:,.0f} readings/s")
        baseline_rate = _per_record_baseline(scoped, name)
        line(f"per-record baseline (consume, check, INSERT each), {BASELINE_ROWS:,}", f"{baseline_rate:,.0f} readings/s")
        line("job / baseline", f"{job_rate / baseline_rate:.1f}x")
        for load in LOADS_PER_S:
            latencies, keeping_up = _latency(spark, dataclasses.replace(
                scoped, topic_vitals=f"{name}_load{load}", topic_alerts=f"{name}_load{load}_alerts",
                stream_checkpoint_name=f"{name}_load{load}", stream_trigger_s=0.0), load)
            line(f"alert latency at {load:,}/s offered ({LOAD_SECONDS}s)", percentiles_ms(latencies))
            line(f"  landing kept up at {load:,}/s", keeping_up)
    finally:
        scratch.drop(spark, scoped)


def _reading(reading_id: int, moment: dt.datetime) -> bytes:
    """A reading that alerts: heart rate 60 at age 40 is below rule 1's band."""
    patient = PATIENTS[reading_id % len(PATIENTS)][0]
    return json.dumps({"reading_id": reading_id, "patient_id": patient, "device_id": f"bed-{patient}",
                       "event_time": moment.isoformat(timespec="milliseconds") + "Z", "heart_rate": 60,
                       "bp_systolic": 200, "bp_diastolic": 80, "spo2": 97, "body_temperature": 36.8,
                       "respiratory_rate": 16}).encode()


def _throughput(spark, settings: Settings) -> float:
    producer = kafka.producer(settings, linger_ms=20, batch_size=512 * 1024)
    moment = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for reading_id in range(1, THROUGHPUT_ROWS + 1):
        producer.send(settings.topic_vitals, key=str(reading_id % 200).encode(), value=_reading(reading_id, moment))
    producer.flush()
    producer.close()
    job = LandingJob(spark, dataclasses.replace(settings, stream_max_offsets_per_trigger=100_000))
    started = time.monotonic()
    job.start(available_now=True).awaitTermination()
    return job.landed / (time.monotonic() - started)


def _per_record_baseline(settings: Settings, name: str) -> float:
    """What the public student versions do: one consumer, one threshold check and one INSERT per reading."""
    repository = ThresholdRepository(lambda: hbase.connect(settings), settings.threshold_table)
    ages = {patient[0]: patient[5] for patient in PATIENTS}
    connection = mysql.connect(settings, autocommit=True)
    cursor = connection.cursor()
    table = f"{name}_baseline"
    cursor.execute(f"CREATE TABLE {table} (reading_id BIGINT, patient_id BIGINT, alert VARCHAR(100))")
    consumer = kafka.consumer(settings, settings.topic_vitals, consumer_timeout_ms=5000)
    started, count = time.monotonic(), 0
    for message in consumer:
        value = json.loads(message.value)
        result = repository.index.evaluate("heartBeat", ages.get(value["patient_id"]), value["heart_rate"])
        cursor.execute(f"INSERT INTO {table} VALUES (%s, %s, %s)",
                       (value["reading_id"], value["patient_id"], result.message))
        count += 1
        if count >= BASELINE_ROWS:
            break
    elapsed = time.monotonic() - started
    consumer.close()
    cursor.execute(f"DROP TABLE {table}")
    connection.close()
    return count / elapsed


def _latency(spark, settings: Settings, rate: int) -> tuple[list[float], str]:
    admin = kafka.admin(settings)
    admin.create_topics([NewTopic(settings.topic_vitals, 4, 1), NewTopic(settings.topic_alerts, 1, 1)])
    admin.close()
    consumer = kafka.consumer(settings, settings.topic_alerts, auto_offset_reset="latest", consumer_timeout_ms=500)
    consumer.poll(timeout_ms=1000)  # join before the load starts
    listener = ProgressListener()
    spark.streams.addListener(listener)
    query = LandingJob(spark, settings).start()
    offer = multiprocessing.get_context("spawn").Process(target=_offer, args=(settings, rate, LOAD_SECONDS))
    offer.start()
    expected, latencies, deadline = rate * LOAD_SECONDS, [], time.monotonic() + LOAD_SECONDS + 60
    while len(latencies) < expected and time.monotonic() < deadline:
        for message in consumer:
            arrived = dt.datetime.now(dt.timezone.utc)
            sent = dt.datetime.fromisoformat(json.loads(message.value)["input_message_time"])
            latencies.append((arrived - sent).total_seconds())
    offer.join()
    query.stop()
    spark.streams.removeListener(listener)
    consumer.close()
    latest = listener.latest
    keeping_up = (f"{len(latencies):,}/{expected:,} alerts arrived; last batch processed "
                  f"{latest.processed_rows_per_s:,.0f}/s, lag {latest.kafka_lag}" if latest else "no progress seen")
    return latencies, keeping_up


def _offer(settings: Settings, rate: int, seconds: int) -> None:
    """Send ``rate`` readings per second for ``seconds``, each stamped with the time it is sent."""
    producer = kafka.producer(settings, linger_ms=5)
    started = time.monotonic()
    sent = 0
    while (elapsed := time.monotonic() - started) < seconds:
        due = int(elapsed * rate) - sent
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        for _ in range(due):
            sent += 1
            producer.send(settings.topic_vitals, key=str(sent % 200).encode(), value=_reading(10_000_000 + sent, now))
        time.sleep(0.005)
    producer.flush()
    producer.close()
