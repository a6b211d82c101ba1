"""What the local stack resolves for the pipeline, handed over as settings (environment variables).

The runtime never reaches into the local stack: on a cluster spark-submit
brings the Kafka connector and the JDBC driver by their Maven coordinates. On
this machine the stack resolves both with its Maven file, then sets
``PA_SPARK_KAFKA_JARS`` and ``PA_JDBC_DRIVER_JAR`` for this process and its
children, and its CA as ``PA_KAFKA_TLS_CA`` and (when its MariaDB requires TLS)
``PA_MYSQL_TLS_CA``. A variable the user set is left as it is.
``python -m local_stack env`` prints the same as shell exports, for a shell
that runs the pipeline's commands by hand.
"""

from __future__ import annotations

import os
import shlex

import settings as settings_module
from local_stack import jars, tls
from local_stack.paths import StackPaths
from settings import StackSettings


def resolved_environment(settings: StackSettings) -> dict[str, str]:
    """The pipeline settings the local stack fills in: the jars of the Kafka connector and the JDBC driver."""
    cache = StackPaths(settings.stack.data_dir).classpath_dir
    return {
        "PA_SPARK_KAFKA_JARS": ",".join(jars.jar_paths(cache, "spark-kafka", settings.stack.jar_repository)),
        "PA_JDBC_DRIVER_JAR": ",".join(jars.jar_paths(cache, "jdbc-driver", settings.stack.jar_repository)),
    } | _tls_environment(settings)


def _tls_environment(settings: StackSettings) -> dict[str, str]:
    """The stack's CA as PA_KAFKA_TLS_CA (for clients of Kafka's SASL_SSL listener) and, when its MariaDB
    requires TLS, PA_MYSQL_TLS_CA."""
    authority = _authority(settings)
    return {"PA_KAFKA_TLS_CA": authority} | ({"PA_MYSQL_TLS_CA": authority} if settings.stack.mysql_tls else {})


def with_stack_tls(settings: StackSettings) -> StackSettings:
    """``settings`` that reach the stack's MariaDB over TLS: for the stack's own provisioning, which runs before
    anything is handed over (a CA the user set is kept)."""
    if settings.rds.tls_ca or not settings.stack.mysql_tls:
        return settings
    return settings.changed(rds={"tls_ca": _authority(settings)})


def _authority(settings: StackSettings) -> str:
    return str(tls.authority(StackPaths(settings.stack.data_dir)))


def hand_over(settings: StackSettings) -> StackSettings:
    """Set the resolved settings in this process's environment (unless set already); return the settings with them."""
    chosen = {name: os.environ.setdefault(name, value) for name, value in resolved_environment(settings).items()}
    settings_module.get.cache_clear()
    return _replaced(settings, chosen)


def _replaced(settings: StackSettings, variables: dict[str, str]) -> StackSettings:
    return settings_module.load_stack(settings_module.environment(settings) | variables)


def hadoop_conf_dir(settings: StackSettings) -> str:
    """The folder with the stack's core-site and yarn-site: HADOOP_CONF_DIR for spark-submit --master yarn."""
    return str(StackPaths(settings.stack.data_dir).conf_dir("yarn-rm"))


def child_environment(settings: StackSettings) -> dict[str, str]:
    """This process's environment with its PA_* variables replaced by ``settings``' and the stack's
    HADOOP_CONF_DIR: what a child process that runs (or submits) a job with ``settings`` needs."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PA_")}
    return environment | settings_module.environment(settings) | {"HADOOP_CONF_DIR": hadoop_conf_dir(settings)}


def shell_exports(settings: StackSettings) -> str:
    """``export NAME=value`` lines of :func:`resolved_environment` (and HADOOP_CONF_DIR when the stack runs YARN),
    for ``eval "$(python -m local_stack env)"``."""
    exports = resolved_environment(settings) | (
        {"HADOOP_CONF_DIR": hadoop_conf_dir(settings)} if settings.stack.yarn else {}
    )
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in exports.items())
