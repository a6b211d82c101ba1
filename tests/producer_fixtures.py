"""The producer's own readings table, topics and watermark name, for the producer's and the metrics' tests."""

from __future__ import annotations

import pytest

from clients import kafka_acls
from rds_schema import migrate


@pytest.fixture
def producer_settings(running_stack, unique_name):
    """Settings with this test's own readings table, topics and producer name; the topic has 4 partitions."""
    scoped = running_stack.changed(
        names={
            "vitals_table": unique_name,
            "topic_vitals": unique_name,
            "topic_dead_letter": unique_name + "_dlq",
            "producer_name": unique_name,
        },
        producer={"batch_rows": 500},
    )
    migrate.create_readings_table(scoped)
    kafka_acls.provision(scoped, {unique_name: 4, unique_name + "_dlq": 1})
    yield scoped
    migrate.drop_table(scoped.rds, unique_name)
    kafka_acls.remove(scoped, [unique_name, unique_name + "_dlq"])
