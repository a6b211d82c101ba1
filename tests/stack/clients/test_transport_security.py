"""Kafka over SASL_SSL (SCRAM-SHA-512, the broker's certificate verified), each service as its own user held to
the pipeline's ACLs; RDS over verified TLS as always on the test stack; HiveServer2 logins checked against the
stack's LDAP directory."""

from __future__ import annotations

import stat

import pytest
from kafka.admin import ScramMechanism, UserScramCredentialUpsertion
from kafka.errors import KafkaError
from thrift.transport.TTransport import TTransportException

from clients import hive, kafka, kafka_acls
from local_stack import ldap_directory
from settings import KafkaPrincipal
from settings.choices import KafkaSecurity
from testkit.ward import WardPlan, run_ward

SERVICES = (KafkaPrincipal.PRODUCER, KafkaPrincipal.STREAM, KafkaPrincipal.NOTIFIER, KafkaPrincipal.AUDITOR)


@pytest.fixture
def own_topics(running_stack, unique_name):
    """A vitals and an alerts topic of the test's own, with the pipeline's ACLs on them."""
    scoped = running_stack.changed(names={"topic_vitals": unique_name, "topic_alerts": unique_name + "_alerts"})
    kafka_acls.provision(scoped, {scoped.names.topic_vitals: 1, scoped.names.topic_alerts: 1})
    yield scoped
    kafka_acls.remove(scoped, [scoped.names.topic_vitals, scoped.names.topic_alerts])


def publish(settings, principal: KafkaPrincipal, topic: str) -> None:
    producer = kafka.producer(settings.kafka, principal, max_block_ms=10_000)
    try:
        producer.send(topic, b'{"forged": true}').get(timeout=10)
    finally:
        producer.close()


def test_devices_to_doctors_with_every_service_as_its_own_kafka_user(spark, running_stack):
    """The producer, Spark's Kafka source and sink (Real-time Mode) and the notifier, each over SASL_SSL as its own
    user with only the pipeline's ACLs; the readings from RDS over TLS; the doctors' emails on SNS."""
    assert running_stack.kafka.security_protocol is KafkaSecurity.SASL_SSL
    report = run_ward(spark, running_stack, WardPlan(patients=20, seconds=20, seed=5, episodes_per_patient_hour=60))
    assert report.readings >= 20 * 19
    # every threshold alert of every landed reading, exactly, as the reference evaluator raises them
    assert report.threshold_alerts == report.expected_threshold_alerts and report.threshold_alerts
    assert sum(report.notifications.values()) > 0, "the notifier emailed doctors"


def test_only_the_producer_writes_readings_and_only_the_stream_writes_alerts(own_topics):
    """A forged reading or alert is refused by the broker unless it comes with the writer's own login."""
    writers = {
        own_topics.names.topic_vitals: KafkaPrincipal.PRODUCER,
        own_topics.names.topic_alerts: KafkaPrincipal.STREAM,
    }
    for topic, writer in writers.items():
        publish(own_topics, writer, topic)
        for other in set(SERVICES) - {writer}:
            # refused on the topic, or before it for a user that may write nothing (the auditor: no producer id)
            with pytest.raises(KafkaError, match="AuthorizationFailed"):
                publish(own_topics, other, topic)
    assert [kafka.end_offsets(own_topics.kafka, topic) for topic in writers] == [1, 1]


def test_a_service_can_neither_delete_a_topic_nor_change_a_login(own_topics):
    notifier_user = own_topics.kafka.login(KafkaPrincipal.NOTIFIER)[0]
    admin = kafka.admin(own_topics.kafka, KafkaPrincipal.PRODUCER)
    try:
        with pytest.raises(KafkaError):
            admin.delete_topics([own_topics.names.topic_vitals])
        refused = admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(notifier_user, ScramMechanism.SCRAM_SHA_512, "taken-over")]
        )
    finally:
        admin.close()
    assert refused.get(notifier_user), "a service changed another service's password"
    assert kafka.topic_exists(own_topics.kafka, own_topics.names.topic_vitals)
    kafka.admin(own_topics.kafka, KafkaPrincipal.NOTIFIER).close()  # its own password still gets it in


def test_the_pipeline_listener_refuses_a_wrong_password_and_plain_text(running_stack):
    """A refused client fails to bootstrap at all (kafka-python's KafkaError; NoBrokersAvailable is one)."""
    kafka.admin(running_stack.kafka, KafkaPrincipal.STREAM).close()  # the right login gets in
    refused_within = {"bootstrap_timeout_ms": 5000}  # a refused client would otherwise retry for kafka-python's 30 s
    with pytest.raises(KafkaError):
        wrong = running_stack.changed(kafka={"stream_password": "not-the-password"})
        kafka.admin(wrong.kafka, KafkaPrincipal.STREAM, **refused_within)
    with pytest.raises(KafkaError):
        plain = running_stack.changed(kafka={"security_protocol": KafkaSecurity.PLAINTEXT})
        kafka.admin(plain.kafka, KafkaPrincipal.STREAM, **refused_within)


def test_hiveserver2_logs_analysts_in_through_the_directory(running_stack):
    """pyhive sends PA_HIVE_SERVER2_USER and its password; HiveServer2 binds to the directory as that person, and the
    session runs as them. A wrong password or an unknown person does not get a session."""
    assert hive.query(running_stack.hive, "SELECT current_user()") == [(running_stack.hive.server2_user,)]
    for refused in ({"server2_password": "not-the-password"}, {"server2_user": "mallory"}):
        with pytest.raises(TTransportException):
            hive.query(running_stack.changed(hive=refused).hive, "SELECT 1")


def test_the_directory_keeps_only_a_salted_hash_and_refuses_a_wrong_password(running_stack):
    entries = running_stack.stack.data_dir / "data" / "ldap" / "entries.ldif"
    assert stat.S_IMODE(entries.stat().st_mode) == 0o600
    assert running_stack.hive.server2_password not in entries.read_text()
    assert "userPassword: {SSHA}" in entries.read_text()
    person = ldap_directory.person_dn(running_stack.hive.server2_user)
    host, port = running_stack.stack.host, running_stack.stack.ldap_port
    assert ldap_directory.simple_bind(host, port, person, running_stack.hive.server2_password) == ldap_directory.SUCCESS
    assert ldap_directory.simple_bind(host, port, person, "not-the-password") == ldap_directory.INVALID_CREDENTIALS
