"""systemd units for the long-running services on a host of their own: the producer, the streaming application
(its Spark driver), the notifier and the ward dashboard.

Each unit runs the ``patient-alert`` command of an installed virtualenv as an
unprivileged user, reads its ``PA_*`` settings (its own account's secret among
them, nothing else's) from an environment file only root and that user can
read, restarts on failure after the services' longest backoff, and gives a stop
the time the service needs to finish the work in hand: SIGTERM reaches every
process of the unit (the Spark driver's JVM too), and each service stops after
what it is handling is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from settings import ServiceSettings, Settings


@dataclass(frozen=True)
class Service:
    name: str
    about: str
    command: str  # the patient-alert subcommand
    stop_s: float  # what a graceful stop may take


def services(settings: Settings) -> list[Service]:
    return [
        Service("producer", "RDS -> Kafka producer", "producer publish --follow", 30.0),
        Service(
            "streaming",
            "streaming application (Kafka -> Hive, alerts -> doctors-queue)",
            "stream run",
            settings.stream.stop_grace_s + 60.0,  # the batch in hand, then Spark's own shutdown
        ),
        Service(
            "notifier", "notifier (doctors-queue -> SNS)", "notifier run", settings.notifier.notify_backoff_max_s + 30.0
        ),
        Service("dashboard", "live ward dashboard", "dashboard", 10.0),
    ]


def unit(
    service_settings: ServiceSettings, service: Service, bin_dir: Path, env_dir: Path, user: str, state_dir: Path
) -> str:
    return f"""[Unit]
Description=Patient Alert ETL: {service.about}
Documentation=https://github.com/patient-alert-etl/patient-alert-etl/blob/main/docs/operations.md
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User={user}
Group={user}
EnvironmentFile={env_dir / f"{service.name}.env"}
WorkingDirectory={state_dir}
ExecStart={bin_dir / "patient-alert"} {service.command}
Restart=on-failure
RestartSec={service_settings.backoff_max_s:g}
KillSignal=SIGTERM
TimeoutStopSec={service.stop_s:g}
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths={state_dir}

[Install]
WantedBy=multi-user.target
"""


def render(settings: Settings, bin_dir: Path, env_dir: Path, user: str, state_dir: Path) -> dict[str, str]:
    """Unit file name -> its text, one per long-running service."""
    return {
        f"patient-alert-{service.name}.service": unit(settings.service, service, bin_dir, env_dir, user, state_dir)
        for service in services(settings)
    }
