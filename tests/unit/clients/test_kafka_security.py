"""Every Kafka client's connection options come from one place: SASL_SSL by default, each service logged in as its
own user; plain text only when asked."""

from __future__ import annotations

import settings
from clients import kafka_acls
from clients.kafka import security, spark_options
from settings import KafkaPrincipal
from testkit.repository import REPOSITORY


def test_plain_text_adds_nothing_but_the_brokers():
    plain = settings.load(
        {"PA_KAFKA_BOOTSTRAP_SERVERS": "b-1:9092,b-2:9092", "PA_KAFKA_SECURITY_PROTOCOL": "PLAINTEXT"}
    )
    assert security(plain.kafka, KafkaPrincipal.STREAM) == {}
    assert spark_options(plain.kafka, KafkaPrincipal.STREAM) == {"kafka.bootstrap.servers": "b-1:9092,b-2:9092"}


def test_each_service_logs_in_as_its_own_user_by_default():
    defaults = settings.load({})
    users = {principal: security(defaults.kafka, principal)["sasl_plain_username"] for principal in KafkaPrincipal}
    assert users == {
        KafkaPrincipal.PRODUCER: "pa_producer",
        KafkaPrincipal.STREAM: "pa_stream",
        KafkaPrincipal.NOTIFIER: "pa_notifier",
        KafkaPrincipal.AUDITOR: "pa_auditor",
        KafkaPrincipal.ADMIN: "pa_kafka_admin",
    }
    assert len({security(defaults.kafka, principal)["sasl_plain_password"] for principal in KafkaPrincipal}) == 5
    assert 'username="pa_stream"' in spark_options(defaults.kafka, KafkaPrincipal.STREAM)["kafka.sasl.jaas.config"]


def test_sasl_ssl_logs_in_and_verifies_the_broker_in_kafka_python_and_spark():
    secured = settings.load(
        {
            "PA_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9094",
            "PA_KAFKA_STREAM_PASSWORD": 'pa"ss\\word',
            "PA_KAFKA_TLS_CA": "/etc/kafka/ca.pem",
        }
    )
    assert security(secured.kafka, KafkaPrincipal.STREAM) == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "pa_stream",
        "sasl_plain_password": 'pa"ss\\word',
        "ssl_cafile": "/etc/kafka/ca.pem",
        "ssl_check_hostname": True,
    }
    options = spark_options(secured.kafka, KafkaPrincipal.STREAM)
    assert options["kafka.security.protocol"] == "SASL_SSL"
    assert options["kafka.sasl.jaas.config"] == (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        'username="pa_stream" password="pa\\"ss\\\\word";'
    )
    assert options["kafka.ssl.endpoint.identification.algorithm"] == "https"
    assert (options["kafka.ssl.truststore.type"], options["kafka.ssl.truststore.location"]) == (
        "PEM",
        "/etc/kafka/ca.pem",
    )


def test_the_security_page_lists_the_acls_the_stack_grants():
    page = (REPOSITORY / "docs" / "security.md").read_text()
    assert kafka_acls.markdown_table(settings.load({})) in page


def test_each_service_is_granted_only_its_own_topics():
    defaults = settings.load({})
    writes = {
        (grant.principal, grant.name)
        for grant in kafka_acls.pipeline_grants(defaults.names)
        if grant.operation.name == "WRITE"
    }
    assert writes == {
        (KafkaPrincipal.PRODUCER, "patient-vitals"),
        (KafkaPrincipal.PRODUCER, "patient-vitals-dead-letter"),
        (KafkaPrincipal.STREAM, "doctors-queue"),
        (KafkaPrincipal.STREAM, "bed-observations"),
        (KafkaPrincipal.NOTIFIER, defaults.names.topic_notify_dead_letter),
    }
    assert all(grant.principal is not KafkaPrincipal.ADMIN for grant in kafka_acls.pipeline_grants(defaults.names))
