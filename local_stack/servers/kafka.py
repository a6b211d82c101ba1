"""Apache Kafka in KRaft mode: one JVM with the broker and controller roles."""

from __future__ import annotations

import base64
import subprocess
import uuid

from kafka.admin import ScramMechanism, UserScramCredentialUpsertion

from clients import kafka as kafka_clients
from clients import kafka_acls
from local_stack import probes, tls
from local_stack.config_files import LOG4J2_PROPERTIES, java_properties
from local_stack.errors import StackError
from local_stack.jvm import java_command
from local_stack.spec import ServerSpec, StackContext
from settings import KafkaPrincipal, StackSettings
from settings.choices import KafkaSecurity


def _server_properties(ctx: StackContext) -> str:
    """Two listeners on loopback: the pipeline's (PA_KAFKA_PORT; SASL_SSL by default: SCRAM-SHA-512 over TLS with
    the stack CA's certificate, each service its own user) and the administration listener (PA_KAFKA_ADMIN_PORT,
    PLAINTEXT: the broker's own traffic and the stack making the users, whose anonymous user is a super user).
    KRaft's StandardAuthorizer holds every other user to the pipeline's ACLs (:mod:`clients.kafka_acls`)."""
    s = ctx.settings
    controller = f"{s.stack.host}:{s.stack.kafka_controller_port}"
    return java_properties(
        {
            "process.roles": "broker,controller",
            "node.id": 1,
            "controller.quorum.bootstrap.servers": controller,
            "listeners": (
                f"PIPELINE://{s.stack.host}:{s.kafka.port},CONTROLLER://{controller},"
                f"ADMIN://{s.stack.host}:{s.stack.kafka_admin_port}"
            ),
            "advertised.listeners": (
                f"PIPELINE://{s.kafka.host}:{s.kafka.port},ADMIN://{s.stack.host}:{s.stack.kafka_admin_port}"
            ),
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "ADMIN",
            "listener.security.protocol.map": (
                f"PIPELINE:{s.kafka.security_protocol},ADMIN:PLAINTEXT,CONTROLLER:PLAINTEXT"
            ),
            "sasl.enabled.mechanisms": SCRAM,
            f"listener.name.pipeline.{SCRAM.lower()}.sasl.jaas.config": (
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"
            ),
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            # the broker and controller talk over the loopback PLAINTEXT listeners as ANONYMOUS
            "super.users": f"User:ANONYMOUS;User:{s.kafka.admin_user}",
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": tls.keystore(ctx.paths, s.stack.host),
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


def administration(settings: StackSettings) -> StackSettings:
    """``settings`` whose Kafka clients use the loopback administration listener (no login: the users are made
    through it, before any exists)."""
    return settings.changed(
        kafka={
            "security_protocol": KafkaSecurity.PLAINTEXT,
            "bootstrap_servers": f"{settings.stack.host}:{settings.stack.kafka_admin_port}",
        }
    )


def _provision(ctx: StackContext) -> None:
    """Every service's SCRAM user (the settings' passwords, set again at every start), the pipeline's topics
    (existing ones are kept as they are) and their ACLs."""
    s = ctx.settings
    admin_settings = administration(s)
    admin = kafka_clients.admin(admin_settings.kafka, KafkaPrincipal.ADMIN)
    try:
        logins = [s.kafka.login(principal) for principal in KafkaPrincipal]
        failed = admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(user, ScramMechanism.SCRAM_SHA_512, password) for user, password in logins]
        )
        refused = {user: error for user, error in failed.items() if error}
        if refused:
            raise StackError(f"Kafka refused the SCRAM users {sorted(refused)}: {refused}")
    finally:
        admin.close()
    kafka_clients.ensure_topics(
        admin_settings.kafka,
        {
            s.names.topic_vitals: s.kafka.topic_vitals_partitions,
            s.names.topic_alerts: 1,
            s.names.topic_observations: 1,
            s.names.topic_dead_letter: 1,
            s.names.topic_notify_dead_letter: 1,
        },
    )
    kafka_acls.grant(admin_settings)


KAFKA = ServerSpec(
    name="kafka",
    summary="Apache Kafka 4.3 (KRaft: broker + controller)",
    command=lambda ctx: java_command(
        ctx,
        "kafka",
        ctx.classpath("kafka"),
        "kafka.Kafka",
        [str(ctx.paths.conf_dir("kafka") / "server.properties")],
        heap=ctx.settings.stack.kafka_heap,
    ),
    probe=lambda settings: probes.kafka_broker(administration(settings)),
    address=lambda s: s.kafka.bootstrap,
    ports=lambda s: {
        "PA_KAFKA_PORT": s.kafka.port,
        "PA_KAFKA_CONTROLLER_PORT": s.stack.kafka_controller_port,
        "PA_KAFKA_ADMIN_PORT": s.stack.kafka_admin_port,
    },
    config_files=_config_files,
    initialise=_initialise,
    provision=_provision,
)
