"""Offered load and alert latency: readings sent at a steady rate, alerts timed on arrival in the doctors' queue.

The demo shows the latency of a short live run; the streaming benchmark measures it at several rates.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import statistics
import time

from clients import kafka
from settings import KafkaPrincipal, Settings

LOAD_PATIENTS = [(3000 + n, f"Bench Patient {n}", "1 Bench St", "+1-555-0000", "ICU", 40) for n in range(200)]
LOAD_PATIENT_IDS = tuple(patient[0] for patient in LOAD_PATIENTS)


# heart rate of a load reading: below every band's normal range at every age, in the default and the capstone
# thresholds alike; NEWS2 scores it 3, so an adult's reading also raises a news2 alert (a single red parameter)
ALERTING_HEART_RATE = 30
# high for the load patients' age (40) in both tables (default: urgent, NEWS2 scores 2) but a NEWS2 aggregate of 2,
# low risk: the same one alert per reading, with or without NEWS2 scoring
ALERTING_HEART_RATE_NEWS2_LOW = 120


def alerting_reading(
    reading_id: int,
    moment: dt.datetime,
    patient_ids: tuple[int, ...] = LOAD_PATIENT_IDS,
    heart_rate: int = ALERTING_HEART_RATE,
) -> bytes:
    """A reading whose ``heart_rate`` alerts; the other vitals are normal at every age in the default table."""
    patient = patient_ids[reading_id % len(patient_ids)]
    return json.dumps(
        {
            "reading_id": reading_id,
            "patient_id": patient,
            "device_id": f"bed-{patient}",
            "event_time": moment.isoformat(timespec="milliseconds") + "Z",
            "heart_rate": heart_rate,
            "bp_systolic": 120,
            "bp_diastolic": 60,
            "spo2": 97,
            "body_temperature": 36.8,
            "respiratory_rate": 20,
        }
    ).encode()


def offer(
    settings: Settings,
    rate: int,
    seconds: float,
    first_id: int = 10_000_000,
    patient_ids: tuple[int, ...] = LOAD_PATIENT_IDS,
) -> None:
    """Send ``rate`` readings per second for ``seconds``, each stamped with the time it is sent."""
    producer = kafka.producer(settings.kafka, KafkaPrincipal.ADMIN, linger_ms=2)
    started, sent, total = time.monotonic(), 0, int(rate * seconds)
    while sent < total:
        due = min(total, int((time.monotonic() - started) * rate)) - sent
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for _ in range(due):
            sent += 1
            reading_id = first_id + sent
            producer.send(
                settings.names.topic_vitals,
                key=str(patient_ids[reading_id % len(patient_ids)]).encode(),
                value=alerting_reading(reading_id, now, patient_ids),
            )
        time.sleep(0.002)
    producer.flush()
    producer.close()


def measure(
    settings: Settings,
    rate: int,
    seconds: float,
    first_id: int = 10_000_000,
    patient_ids: tuple[int, ...] = LOAD_PATIENT_IDS,
    settle_s: float = 60.0,
) -> list[float]:
    """Offer the load from another process; return each alert's latency (s) from event time to arrival.

    Arrival is the alert record's Kafka timestamp (when the job produced it into
    doctors-queue), so the reader's own delays do not count.
    """
    consumer = kafka.consumer(
        settings.kafka,
        KafkaPrincipal.ADMIN,
        settings.names.topic_alerts,
        auto_offset_reset="latest",
        consumer_timeout_ms=500,
    )
    consumer.poll(timeout_ms=1000)  # joined before the load starts
    sender = multiprocessing.get_context("spawn").Process(
        target=offer, args=(settings, rate, seconds, first_id, patient_ids)
    )
    sender.start()
    expected, latencies, seen = int(rate * seconds), [], set()
    deadline = time.monotonic() + seconds + settle_s
    while len(seen) < expected and time.monotonic() < deadline:
        for message in consumer:
            arrived = dt.datetime.fromtimestamp(message.timestamp / 1000, dt.UTC)
            alert = json.loads(message.value)
            if alert["reading_id"] in seen or not first_id < alert["reading_id"] <= first_id + expected:
                continue  # at-least-once: a repeat is not a new arrival; others' alerts are not ours to time
            seen.add(alert["reading_id"])
            sent = dt.datetime.fromisoformat(alert["input_message_time"])
            latencies.append((arrived - sent).total_seconds())
    sender.join()
    consumer.close()
    return latencies


def percentiles(samples_s: list[float]) -> tuple[float, float, float]:
    """P50, P90 and P99 in milliseconds of latencies given in seconds (nearest rank); ``samples_s`` not empty."""
    ordered = sorted(samples_s)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return pick(0.50), pick(0.90), pick(0.99)


def percentiles_ms(samples_s: list[float]) -> str:
    """P50/P90/P99 of latencies given in seconds, printed in milliseconds."""
    if not samples_s:
        return "no samples"
    p50, p90, p99 = percentiles(samples_s)
    return (
        f"P50 {p50:.2f} ms, P90 {p90:.2f} ms, P99 {p99:.2f} ms "
        f"(mean {statistics.fmean(samples_s) * 1000:.2f} ms, n={len(samples_s)})"
    )
