"""Apache Kafka in KRaft mode: one JVM with the broker and controller roles."""

from __future__ import annotations

import base64
import subprocess
import uuid

from kafka.admin import ScramMechanism, UserScramCredentialUpsertion

from clients import kafka as kafka_clients
from local_stack import probes, tls
from local_stack.config_files import LOG4J2_PROPERTIES, java_properties
from local_stack.errors import StackError
from local_stack.jvm import java_command
from local_stack.spec import ServerSpec, StackContext


def _server_properties(ctx: StackContext) -> str:
    """Two client listeners on loopback: PLAINTEXT, and SASL_SSL (SCRAM-SHA-512, the stack CA's certificate)
    for clients that run with PA_KAFKA_SECURITY_PROTOCOL=SASL_SSL."""
    s = ctx.settings
    controller = f"{s.stack_host}:{s.kafka_controller_port}"
    secured = f"{s.stack_host}:{s.kafka_sasl_ssl_port}"
    return java_properties(
        {
            "process.roles": "broker,controller",
            "node.id": 1,
            "controller.quorum.bootstrap.servers": controller,
            "listeners": f"PLAINTEXT://{s.stack_host}:{s.kafka_port},CONTROLLER://{controller},SASL_SSL://{secured}",
            "advertised.listeners": (
                f"PLAINTEXT://{s.kafka_host}:{s.kafka_port},SASL_SSL://{s.kafka_host}:{s.kafka_sasl_ssl_port}"
            ),
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL",
            "sasl.enabled.mechanisms": SCRAM,
            f"listener.name.sasl_ssl.{SCRAM.lower()}.sasl.jaas.config": (
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"
            ),
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": tls.keystore(ctx.paths, s.stack_host),
            "log.dirs": ctx.paths.data_dir("kafka") / "logs",
            "num.partitions": 1,
            # one node: every internal topic has a single replica
            "offsets.topic.replication.factor": 1,
            "offsets.topic.num.partitions": 8,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "share.coordinator.state.topic.replication.factor": 1,
            "share.coordinator.state.topic.min.isr": 1,
            # topics are made on purpose (the stack's, a slice's, a service's dead letters), never by a client
            # that asks for one: a deleted slice's topic is not brought back by a cached producer's metadata request
            "auto.create.topics.enable": "false",
            # consumer groups in tests and the demo should not wait 3 s for more members
            "group.initial.rebalance.delay.ms": 0,
        }
    )


SCRAM = "SCRAM-SHA-512"


def _config_files(ctx: StackContext) -> dict[str, str]:
    return {"server.properties": _server_properties(ctx), "log4j2.properties": LOG4J2_PROPERTIES}


def _cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting with '-'."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not candidate.startswith("-"):
            return candidate


def _initialise(ctx: StackContext) -> None:
    """Format the log directory once (KRaft's storage tool), as `kafka-storage.sh format` does."""
    command = java_command(
        ctx,
        "kafka",
        ctx.classpath("kafka"),
        "kafka.tools.StorageTool",
        ["format", "--standalone", "-t", _cluster_id(), "-c", str(ctx.paths.conf_dir("kafka") / "server.properties")],
        heap="256m",
    )
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise StackError(f"formatting Kafka's log dir failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")


def _provision(ctx: StackContext) -> None:
    """The SASL_SSL listener's user, and the pipeline's topics (existing ones are kept as they are)."""
    s = ctx.settings
    admin = kafka_clients.admin(s)
    try:
        # the SASL_SSL listener's user, with the password the settings hold (set again at every start)
        failed = admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(s.kafka_sasl_username, ScramMechanism.SCRAM_SHA_512, s.kafka_sasl_password)]
        )
        if failed.get(s.kafka_sasl_username):
            raise StackError(f"Kafka refused the SCRAM user {s.kafka_sasl_username}: {failed[s.kafka_sasl_username]}")
    finally:
        admin.close()
    kafka_clients.ensure_topics(
        s,
        {
            s.topic_vitals: s.topic_vitals_partitions,
            s.topic_alerts: 1,
            s.topic_observations: 1,
            s.topic_dead_letter: 1,
            s.topic_notify_dead_letter: 1,
        },
    )


KAFKA = ServerSpec(
    name="kafka",
    summary="Apache Kafka 4.3 (KRaft: broker + controller)",
    command=lambda ctx: java_command(
        ctx,
        "kafka",
        ctx.classpath("kafka"),
        "kafka.Kafka",
        [str(ctx.paths.conf_dir("kafka") / "server.properties")],
        heap=ctx.settings.kafka_heap,
    ),
    probe=probes.kafka_broker,
    address=lambda s: s.kafka_bootstrap,
    ports=lambda s: {
        "PA_KAFKA_PORT": s.kafka_port,
        "PA_KAFKA_CONTROLLER_PORT": s.kafka_controller_port,
        "PA_KAFKA_SASL_SSL_PORT": s.kafka_sasl_ssl_port,
    },
    config_files=_config_files,
    initialise=_initialise,
    provision=_provision,
)
