"""The spark-submit command line of a pipeline job, from settings alone.

What reaches the cluster, and how:

* **Code**: the runtime packages as one zip (``--py-files``) and
  ``cluster/entry.py`` as the primary file, which runs the job's module as
  ``python -m`` would. The Python that runs it is PA_CLUSTER_PYTHON (a packed
  virtualenv shipped with PA_CLUSTER_ARCHIVES on a real cluster).
* **Jars**: the Kafka connector and the JDBC driver (the local stack's
  resolved jars, else their Maven coordinates as ``--packages``); Spark's own jars
  from PA_CLUSTER_SPARK_JARS (spark.yarn.jars), so nothing large is uploaded
  per submission.
* **Settings**: every pipeline setting that differs from its default becomes
  the driver's environment (``spark.yarn.appMasterEnv.*`` in cluster mode),
  with the overrides a cluster needs (no local master, no local jar paths).
  Secrets never go on a command line: each travels as a file (``--files``)
  named by its ``PA_<NAME>_FILE`` variable, readable by the application alone.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pyspark

import settings as settings_module
from clients.spark import extra_jars
from cluster import package
from settings import ClusterSettings, Settings
from settings.choices import DeployMode
from settings.fields import as_environment, is_secret, leaves, variable

ENTRY = Path(__file__).with_name("entry.py")
# what a driver on the cluster must not inherit from this machine's settings
CLUSTER_OVERRIDES = {"PA_SPARK_MASTER": "", "PA_SPARK_KAFKA_JARS": "", "PA_JDBC_DRIVER_JAR": ""}
APPLICATION_ID = re.compile(r"application_\d+_\d+")


@dataclass(frozen=True)
class Submission:
    """A spark-submit invocation: its arguments and the environment it runs with (the files it ships, the zip and
    the secrets, are named in the arguments)."""

    arguments: list[str]
    environment: dict[str, str]

    def shown(self) -> str:
        """The command line as a user would type it (it holds no secret: those travel as files)."""
        return " ".join(self.arguments)


def spark_submit() -> str:
    """This pyspark's spark-submit (beside the interpreter in a virtualenv), else the one on PATH."""
    beside = Path(sys.executable).with_name("spark-submit")
    found = str(beside) if beside.exists() else shutil.which("spark-submit")
    if found is None:
        raise RuntimeError("spark-submit not found: install pyspark (make install) or put Spark's bin on PATH")
    return found


def driver_environment(settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    """(plain settings, secrets) as environment variables: those that differ from the defaults, cluster overrides
    applied."""
    defaults = as_environment(settings_module.load({}))  # the pipeline's variables, not the local stack's own
    current = {name: value for name, value in as_environment(settings).items() if name in defaults}
    secret_names = {variable(group, field) for group, field in leaves(settings) if is_secret(field)}
    changed = {name: value for name, value in current.items() if value != defaults[name]} | CLUSTER_OVERRIDES
    plain = {name: value for name, value in changed.items() if name not in secret_names}
    secrets = {name: current[name] for name in secret_names if current[name]}
    return plain, secrets


# CA certificate settings -> the name each is shipped under to the driver's and executors' working folders
CERTIFICATES = {"PA_MYSQL_TLS_CA": "rds-ca.pem", "PA_KAFKA_TLS_CA": "kafka-ca.pem"}


def submission(settings: Settings, module: str, args: list[str], work_dir: Path, wait: bool = True) -> Submission:
    """spark-submit of ``python -m module args`` to PA_CLUSTER_MASTER; ``work_dir`` receives the zip and the
    secret files (mode 600) it ships; ``wait`` = spark-submit returns when the application ends."""
    work_dir.mkdir(parents=True, exist_ok=True)
    plain, secrets = driver_environment(settings)
    python = settings.cluster.python or sys.executable
    spark_jars = settings.cluster.spark_jars or f"local:{Path(pyspark.__file__).parent / 'jars'}/*"
    jars = extra_jars(settings)
    cluster_mode = settings.cluster.deploy_mode is DeployMode.CLUSTER
    arguments = [
        spark_submit(),
        "--master",
        settings.cluster.master,
        "--deploy-mode",
        str(settings.cluster.deploy_mode),
        "--name",
        f"patient-alert-{module}",
        "--py-files",
        str(package.build(work_dir / "patient_alert_etl.zip")),
        *(["--jars", ",".join(jars)] if jars else []),
        *(["--packages", ",".join(packages)] if (packages := maven_packages(settings)) else []),
        *(["--archives", settings.cluster.archives] if settings.cluster.archives else []),
        "--num-executors",
        str(settings.cluster.executors),
        "--executor-cores",
        str(settings.cluster.executor_cores),
        "--executor-memory",
        settings.cluster.executor_memory,
        "--driver-memory",
        settings.cluster.driver_memory,
        "--conf",
        f"spark.sql.shuffle.partitions={shuffle_partitions(settings.cluster)}",
        "--conf",
        f"spark.yarn.jars={spark_jars}",
        "--conf",
        f"spark.yarn.submit.waitAppCompletion={str(wait).lower()}",
        "--conf",
        f"spark.executorEnv.PYSPARK_PYTHON={python}",
    ]
    local_ip = {"SPARK_LOCAL_IP": settings.cluster.local_ip} if settings.cluster.local_ip else {}
    for name, value in local_ip.items():
        arguments += ["--conf", f"spark.executorEnv.{name}={value}"]
    environment = dict(os.environ) | {"PYSPARK_PYTHON": python} | local_ip
    if cluster_mode:
        files = _secret_files(secrets, work_dir)
        # the CA files travel too, so the driver and the executors verify RDS and Kafka with what the submitter named
        # (one file named by both settings, as the local stack's one CA is, travels once: YARN refuses a repeat)
        values = as_environment(settings)
        given = {name: values[name] for name in CERTIFICATES if values[name]}
        shipped_as = {path: CERTIFICATES[name] for name, path in reversed(given.items())}
        authority = {name: shipped_as[path] for name, path in given.items()}
        shipped = [f"{path}#{path.name}" for path in files.values()]
        shipped += [f"{path}#{name}" for path, name in shipped_as.items()]
        if shipped:
            arguments += ["--files", ",".join(shipped)]
        driver_env = (
            plain
            | {f"{name}_FILE": path.name for name, path in files.items()}
            | authority
            | {"PYSPARK_PYTHON": python}
            | local_ip
        )
        for name, value in authority.items():
            arguments += ["--conf", f"spark.executorEnv.{name}={value}"]
        for name, value in sorted(driver_env.items()):
            arguments += ["--conf", f"spark.yarn.appMasterEnv.{name}={value}"]
    else:  # the driver is the spark-submit process: it inherits the settings, secrets included, unseen
        environment |= plain | secrets
    arguments += [str(ENTRY), module, *args]
    return Submission(arguments, environment)


def shuffle_partitions(cluster: ClusterSettings) -> int:
    """PA_CLUSTER_SHUFFLE_PARTITIONS, or the submission's task slots when it is 0."""
    return cluster.shuffle_partitions or cluster.executors * cluster.executor_cores


def maven_packages(settings: Settings) -> list[str]:
    """Coordinates for --packages: the Kafka connector and the JDBC driver, each unless its jars are given."""
    pairs = (
        (settings.spark.kafka_jars, settings.cluster.spark_kafka_package),
        (settings.sqoop.jdbc_driver_jar, settings.sqoop.jdbc_driver_coordinates),
    )
    return [coordinates for given, coordinates in pairs if not given]


def application_id(output: str) -> str | None:
    """The YARN application id spark-submit printed, if any."""
    found = APPLICATION_ID.search(output)
    return found.group(0) if found else None


def _secret_files(secrets: dict[str, str], work_dir: Path) -> dict[str, Path]:
    """Each secret in a file of its own, readable by this user alone."""
    files = {}
    for name, value in secrets.items():
        path = work_dir / name.lower()
        path.touch(mode=0o600)
        path.chmod(0o600)
        path.write_text(value + "\n")
        files[name] = path
    return files
