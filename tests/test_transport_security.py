"""Kafka over SASL_SSL (SCRAM-SHA-512, the broker's certificate verified) for every client of the pipeline, on the
local stack's second listener; RDS over verified TLS as always on the test stack; HiveServer2 logins checked against
the stack's LDAP directory."""

from __future__ import annotations

import dataclasses
import stat

import pytest
from kafka.errors import KafkaError
from thrift.transport.TTransport import TTransportException

from clients import hive, kafka
from local_stack import ldap_directory
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
    # every threshold alert of every landed reading, exactly, as the reference evaluator raises them
    assert report.threshold_alerts == report.expected_threshold_alerts and report.threshold_alerts
    assert sum(report.notifications.values()) > 0, "the notifier emailed doctors"


def test_the_sasl_ssl_listener_refuses_a_wrong_password_and_plain_text(secured):
    """A refused client fails to bootstrap at all (kafka-python's KafkaError; NoBrokersAvailable is one)."""
    kafka.admin(secured).close()  # the right login gets in
    refused_within = {"bootstrap_timeout_ms": 5000}  # a refused client would otherwise retry for kafka-python's 30 s
    with pytest.raises(KafkaError):
        kafka.admin(dataclasses.replace(secured, kafka_sasl_password="not-the-password"), **refused_within)
    with pytest.raises(KafkaError):
        kafka.admin(dataclasses.replace(secured, kafka_security_protocol=KafkaSecurity.PLAINTEXT), **refused_within)


def test_hiveserver2_logs_analysts_in_through_the_directory(running_stack):
    """pyhive sends PA_HIVE_SERVER2_USER and its password; HiveServer2 binds to the directory as that person, and the
    session runs as them. A wrong password or an unknown person does not get a session."""
    assert hive.query(running_stack, "SELECT current_user()") == [(running_stack.hive_server2_user,)]
    for refused in ({"hive_server2_password": "not-the-password"}, {"hive_server2_user": "mallory"}):
        with pytest.raises(TTransportException):
            hive.query(dataclasses.replace(running_stack, **refused), "SELECT 1")


def test_the_directory_keeps_only_a_salted_hash_and_refuses_a_wrong_password(running_stack):
    entries = running_stack.data_dir / "data" / "ldap" / "entries.ldif"
    assert stat.S_IMODE(entries.stat().st_mode) == 0o600
    assert running_stack.hive_server2_password not in entries.read_text()
    assert "userPassword: {SSHA}" in entries.read_text()
    person = ldap_directory.person_dn(running_stack.hive_server2_user)
    host, port = running_stack.stack_host, running_stack.ldap_port
    assert ldap_directory.simple_bind(host, port, person, running_stack.hive_server2_password) == ldap_directory.SUCCESS
    assert ldap_directory.simple_bind(host, port, person, "not-the-password") == ldap_directory.INVALID_CREDENTIALS
