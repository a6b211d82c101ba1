"""The RDS → Kafka producer, simulator and replay against MariaDB and the Kafka broker."""

from __future__ import annotations

import datetime as dt


def test_the_same_seed_gives_the_same_readings_and_another_seed_others():
    from simulation.bedside import ReadingStream, make_patients

    start = dt.datetime(2026, 1, 1)

    def readings(seed: int) -> list[tuple]:
        return list(ReadingStream(make_patients(5, seed), 2.0, start, seed).rows(count=500))

    first = readings(42)
    assert len(first) == 500 and first == readings(42)
    assert readings(43) != first
