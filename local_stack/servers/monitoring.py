"""Prometheus and Alertmanager (Debian's packages) on loopback: the operators' view of the local stack.

Prometheus scrapes the producer's, the streaming application's and the
notifier's metrics endpoints and evaluates the operators' rules
(:mod:`monitoring.rules`); Alertmanager sends what fires to the operations SNS
topic (PA_SNS_OPERATIONS_TOPIC) through the stack's SNS endpoint, as it would
to real SNS. Configuration files are written at every start from the settings
(JSON, which both read as YAML); Alertmanager's holds the SNS key, and every
file the stack writes is private to its user.
"""

from __future__ import annotations

import json

from clients import aws
from local_stack import probes
from local_stack.spec import ServerSpec, StackContext
from local_stack.system_packages import ensure_command
from monitoring.rules import SERVICES, rules_file
from settings import StackSettings


def prometheus_url(settings: StackSettings) -> str:
    return f"http://{settings.stack.host}:{settings.stack.prometheus_port}"


def alertmanager_url(settings: StackSettings) -> str:
    return f"http://{settings.stack.host}:{settings.stack.alertmanager_port}"


def scrape_targets(settings: StackSettings) -> dict[str, str]:
    """Each service's metrics endpoint by Prometheus job name (a service whose port is 0 has none)."""
    ports = dict(
        zip(
            SERVICES,
            (
                settings.metrics.producer_metrics_port,
                settings.metrics.streaming_metrics_port,
                settings.metrics.notifier_metrics_port,
            ),
            strict=True,
        )
    )
    return {job: f"{settings.metrics.metrics_host}:{port}" for job, port in ports.items() if port}


def _prometheus_config(ctx: StackContext) -> dict[str, str]:
    s = ctx.settings
    every = f"{s.stack.prometheus_scrape_s:g}s"
    config = {
        "global": {"scrape_interval": every, "evaluation_interval": every},
        "rule_files": ["rules.yml"],
        "alerting": {
            "alertmanagers": [{"static_configs": [{"targets": [f"{s.stack.host}:{s.stack.alertmanager_port}"]}]}]
        },
        "scrape_configs": [
            {"job_name": job, "static_configs": [{"targets": [target]}]} for job, target in scrape_targets(s).items()
        ],
    }
    return {"prometheus.yml": json.dumps(config, indent=2) + "\n", "rules.yml": rules_file(s.metrics)}


def _alertmanager_config(ctx: StackContext) -> dict[str, str]:
    s = ctx.settings
    sigv4 = {"region": s.sns.aws_region}
    if s.sns.aws_access_key_id:  # else the AWS SDK's own credential chain
        sigv4 |= {"access_key": s.sns.aws_access_key_id, "secret_key": s.sns.aws_secret_access_key}
    operations = {
        "topic_arn": aws.client(s.sns, "sns").create_topic(Name=s.names.sns_operations_topic)["TopicArn"],
        "sigv4": sigv4,
        "subject": "Patient Alert operations: {{ .CommonLabels.alertname }} ({{ .Status }})",
        "message": "{{ range .Alerts }}{{ .Status | toUpper }} {{ .Labels.alertname }}: {{ .Annotations.summary }}"
        " (runbook: {{ .Annotations.runbook }})\n{{ end }}",
    }
    if s.sns.endpoint_url:
        operations["api_url"] = s.sns.endpoint_url
    # the first notice of a group within two scrapes; a change to a group (resolved, firing again) after five
    # times the rules' hold (5 minutes at the default 60 s)
    config = {
        "route": {
            "receiver": "operations",
            "group_by": ["alertname", "job"],
            "group_wait": f"{min(30.0, 2 * s.stack.prometheus_scrape_s):g}s",
            "group_interval": f"{max(10.0, 5 * s.metrics.ops_alert_for_s):g}s",
            "repeat_interval": "4h",
        },
        "receivers": [{"name": "operations", "sns_configs": [operations]}],
    }
    return {"alertmanager.yml": json.dumps(config, indent=2) + "\n"}


PROMETHEUS = ServerSpec(
    name="prometheus",
    summary="Prometheus (Debian's package): scrapes the services, evaluates the operators' rules",
    command=lambda ctx: [
        ensure_command("prometheus", "prometheus"),
        f"--config.file={ctx.paths.conf_dir('prometheus') / 'prometheus.yml'}",
        f"--storage.tsdb.path={ctx.paths.data_dir('prometheus')}",
        "--storage.tsdb.retention.time=2d",
        f"--web.listen-address={ctx.settings.stack.host}:{ctx.settings.stack.prometheus_port}",
        "--log.level=warn",
    ],
    probe=probes.prometheus,
    address=prometheus_url,
    ports=lambda s: {"PA_PROMETHEUS_PORT": s.stack.prometheus_port},
    config_files=_prometheus_config,
    requires=("alertmanager",),
    enabled=lambda s: s.stack.monitoring,
)

ALERTMANAGER = ServerSpec(
    name="alertmanager",
    summary="Alertmanager (Debian's package): routes the operators' alerts to the operations SNS topic",
    command=lambda ctx: [
        ensure_command("prometheus-alertmanager", "prometheus-alertmanager"),
        f"--config.file={ctx.paths.conf_dir('alertmanager') / 'alertmanager.yml'}",
        f"--storage.path={ctx.paths.data_dir('alertmanager')}",
        f"--web.listen-address={ctx.settings.stack.host}:{ctx.settings.stack.alertmanager_port}",
        "--cluster.listen-address=",  # one instance: no gossip port
        "--log.level=warn",
    ],
    probe=probes.alertmanager,
    address=alertmanager_url,
    ports=lambda s: {"PA_ALERTMANAGER_PORT": s.stack.alertmanager_port},
    config_files=_alertmanager_config,
    requires=("sns",),
    enabled=lambda s: s.stack.monitoring,
)
