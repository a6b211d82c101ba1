"""Hive: the Metastore service and HiveServer2 (the Spark Thrift Server), both from pyspark's own jars.

pyspark ships Hive 2.3's metastore and the Spark Thrift Server, so both run
from the installed pyspark: no second Hive to keep in step with Spark.
"""

from __future__ import annotations

from pathlib import Path

import pyspark

from clients.spark import hive_conf
from local_stack import probes
from local_stack.config_files import LOG4J2_PROPERTIES, hadoop_xml
from local_stack.jvm import compiled, java_command
from local_stack.ldap_directory import PEOPLE
from local_stack.servers.ldap import ldap_url
from local_stack.spec import ServerSpec, StackContext
from settings import StackSettings
from settings.choices import HiveAuth

PYSPARK_HOME = Path(pyspark.__file__).parent
LOOPBACK_METASTORE = Path(__file__).parents[1] / "java" / "LoopbackMetaStore.java"


def _metastore_site(ctx: StackContext) -> dict[str, object]:
    s = ctx.settings
    database = ctx.paths.data_dir("hive-metastore") / "metastore_db"
    return {
        "javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={database};create=true",
        "javax.jdo.option.ConnectionDriverName": "org.apache.derby.jdbc.EmbeddedDriver",
        "datanucleus.schema.autoCreateAll": "true",
        # Hive 2.3 defaults to BoneCP, which pyspark's jars do not carry; HikariCP they do
        "datanucleus.connectionPoolingType": "HikariCP",
        "hive.metastore.schema.verification": "false",
        "hive.metastore.warehouse.dir": s.hdfs.warehouse_uri,
        "fs.defaultFS": s.hdfs.uri,
    }


def _metastore_command(ctx: StackContext) -> list[str]:
    """Hive 2.3's metastore handler served on PA_STACK_HOST only (its own main binds every address)."""
    s = ctx.settings
    jars = f"{PYSPARK_HOME / 'jars'}/*"
    classes = compiled(LOOPBACK_METASTORE, ctx.paths.root / "classes" / "hive-metastore", jars)
    return java_command(
        ctx,
        "hive-metastore",
        f"{classes}:{jars}",
        LOOPBACK_METASTORE.stem,
        [s.stack.host, str(s.hive.metastore_port)],
        heap=s.stack.hive_metastore_heap,
        options=(
            f"-Dderby.system.home={ctx.paths.data_dir('hive-metastore')}",
            # pyspark's jars carry two log4j2 setups; one context per class loader keeps them apart
            "-Dlog4j2.contextSelector=org.apache.logging.log4j.core.selector.ClassLoaderContextSelector",
        ),
    )


def _server2_command(ctx: StackContext) -> list[str]:
    """spark-submit of HiveThriftServer2, sharing the metastore and warehouse with every job."""
    s = ctx.settings
    conf = {**hive_conf(s), "spark.ui.enabled": "false", "spark.sql.session.timeZone": s.spark.timezone}
    command = [
        str(PYSPARK_HOME / "bin" / "spark-submit"),
        "--master",
        "local[2]",
        "--driver-memory",
        s.stack.hive_server2_memory,
        "--class",
        "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
    ]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    for key, value in _server2_hiveconf(s).items():
        command += ["--hiveconf", f"{key}={value}"]
    return [*command, "spark-internal"]


def _server2_hiveconf(settings: StackSettings) -> dict[str, object]:
    """Port, loopback bind and authentication; with LDAP, the stack's directory and where its people are."""
    hiveconf: dict[str, object] = {
        "hive.server2.thrift.port": settings.hive.server2_port,
        "hive.server2.thrift.bind.host": settings.stack.host,
        "hive.server2.authentication": settings.hive.server2_auth,
    }
    if settings.hive.server2_auth is HiveAuth.LDAP:
        hiveconf["hive.server2.authentication.ldap.url"] = ldap_url(settings)
        hiveconf["hive.server2.authentication.ldap.baseDN"] = PEOPLE
    return hiveconf


HIVE_METASTORE = ServerSpec(
    name="hive-metastore",
    summary="Hive 2.3 Metastore (from pyspark's jars; Derby database)",
    command=_metastore_command,
    probe=probes.hive_metastore,
    address=lambda s: s.hive.metastore_uri,
    ports=lambda s: {"PA_HIVE_METASTORE_PORT": s.hive.metastore_port},
    config_files=lambda ctx: {
        "hive-site.xml": hadoop_xml(_metastore_site(ctx)),
        "log4j2.properties": LOG4J2_PROPERTIES,
    },
    requires=("hdfs-datanode",),
)

HIVE_SERVER2 = ServerSpec(
    name="hive-server2",
    summary=f"Spark {pyspark.__version__} Thrift Server as HiveServer2",
    command=_server2_command,
    probe=probes.hive_server2,
    address=lambda s: f"hive2://{s.hive.server2_host}:{s.hive.server2_port} (auth {s.hive.server2_auth})",
    ports=lambda s: {"PA_HIVE_SERVER2_PORT": s.hive.server2_port},
    environment=lambda ctx: {
        "SPARK_LOCAL_IP": ctx.settings.stack.host,
        "SPARK_CONF_DIR": str(ctx.paths.conf_dir("hive-server2")),
    },
    config_files=lambda ctx: {"log4j2.properties": LOG4J2_PROPERTIES.replace("INFO", "WARN")},
    requires=("hive-metastore", "ldap"),  # the directory only when it runs (PA_HIVE_SERVER2_AUTH=LDAP)
)
