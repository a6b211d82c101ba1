"""Every Kafka client's connection options come from one place: plain text by default, SASL_SSL when asked."""

from __future__ import annotations

import settings
from clients.kafka import security, spark_options


def test_plain_text_adds_nothing_but_the_brokers():
    plain = settings.load({"PA_KAFKA_BOOTSTRAP_SERVERS": "b-1:9092,b-2:9092"})
    assert security(plain) == {}
    assert spark_options(plain) == {"kafka.bootstrap.servers": "b-1:9092,b-2:9092"}


def test_sasl_ssl_logs_in_and_verifies_the_broker_in_kafka_python_and_spark():
    secured = settings.load(
        {
            "PA_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "PA_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9094",
            "PA_KAFKA_SASL_PASSWORD": 'pa"ss\\word',
            "PA_KAFKA_TLS_CA": "/etc/kafka/ca.pem",
        }
    )
    assert security(secured) == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "pa_pipeline",
        "sasl_plain_password": 'pa"ss\\word',
        "ssl_cafile": "/etc/kafka/ca.pem",
        "ssl_check_hostname": True,
    }
    options = spark_options(secured)
    assert options["kafka.security.protocol"] == "SASL_SSL"
    assert options["kafka.sasl.jaas.config"] == (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        'username="pa_pipeline" password="pa\\"ss\\\\word";'
    )
    assert options["kafka.ssl.endpoint.identification.algorithm"] == "https"
    assert (options["kafka.ssl.truststore.type"], options["kafka.ssl.truststore.location"]) == (
        "PEM",
        "/etc/kafka/ca.pem",
    )
