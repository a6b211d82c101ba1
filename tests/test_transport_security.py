"""Kafka over SASL_SSL (SCRAM-SHA-512, the broker's certificate verified) for every client of the pipeline, on the
local stack's second listener; RDS over verified TLS as always on the test stack."""

from __future__ import annotations

import dataclasses

import pytest
from kafka.errors import KafkaError

from clients import kafka
from settings.choices import KafkaSecurity
from testkit.ward import WardPlan, run_ward


@pytest.fixture(scope="module")
def secured(running_stack):
    """The test stack's settings with every Kafka client on the SASL_SSL listener."""
    return dataclasses.replace(
        running_stack,
        kafka_security_protocol=KafkaSecurity.SASL_SSL,
        kafka_bootstrap_servers=f"{running_stack.kafka_host}:{running_stack.kafka_sasl_ssl_port}",
    )


def test_devices_to_doctors_over_sasl_ssl_and_tls(spark, secured):
    """producer, Spark's Kafka source and sink (Real-time Mode), the notifier and the topics' admin, all over
    SASL_SSL; the readings from RDS over TLS; the doctors' emails on SNS."""
    report = run_ward(spark, secured, WardPlan(patients=20, seconds=20, seed=5, episodes_per_patient_hour=60))
    assert report.readings >= 20 * 19
    assert sum(report.alerts.values()) > 0, "alerts reached the doctors' queue"
    assert sum(report.notifications.values()) > 0, "the notifier emailed doctors"


def test_the_sasl_ssl_listener_refuses_a_wrong_password_and_plain_text(secured):
    """A refused client fails to bootstrap at all (kafka-python's KafkaError; NoBrokersAvailable is one)."""
    kafka.admin(secured).close()  # the right login gets in
    with pytest.raises(KafkaError):
        kafka.admin(dataclasses.replace(secured, kafka_sasl_password="not-the-password"))
    with pytest.raises(KafkaError):
        kafka.admin(dataclasses.replace(secured, kafka_security_protocol=KafkaSecurity.PLAINTEXT))
