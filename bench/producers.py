"""RDS write speed of the simulator and RDS → Kafka speed of the producer, on 1,000,000 rows."""

from __future__ import annotations

import uuid

from bench.report import line, record_throughput, section
from clients import kafka_acls
from producers import producer
from rds_schema import migrate
from settings import Settings
from simulation.rds_devices import simulate

ROWS = 1_000_000


def run(settings: Settings) -> None:
    section(f"producers ({ROWS:,} readings)")
    name = f"bench_vitals_{uuid.uuid4().hex[:6]}"
    scoped = settings.changed(names={"vitals_table": name, "topic_vitals": name, "producer_name": name})
    migrate.create_readings_table(scoped)
    kafka_acls.provision(scoped, {name: scoped.kafka.topic_vitals_partitions})
    try:
        written = simulate(scoped, patients=1000, rate_hz=1.0, seed=1, count=ROWS, bad_share=0.01)
        line("simulator → RDS (multi-row INSERT, 10k rows each)", f"{written.rows_per_s:,.0f} rows/s")
        record_throughput("simulator → RDS", written.rows_per_s)
        published = producer.run(scoped)
        line(
            "producer RDS → Kafka (acks=all, idempotent, 2 senders)",
            f"{published.rows_per_s:,.0f} rows/s ({published.published:,} published)",
        )
        record_throughput("producer RDS → Kafka", published.rows_per_s)
    finally:
        migrate.drop_table(scoped.rds, name)
        kafka_acls.remove(scoped, [name])
