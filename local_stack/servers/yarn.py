"""YARN: a ResourceManager and a NodeManager (Apache Hadoop 3.5, the line of HDFS and pyspark's client).

Opt-in (PA_STACK_YARN=1, ``make stack-up-cluster``): the default stack stays
small, and only the cluster path (spark-submit --master yarn) needs them. The
NodeManager runs containers as this user with YARN's default executor; its
work and log folders live in the stack's data directory. Memory checks are
off: a JVM's virtual size says nothing on one machine, and YARN would kill
Spark's containers for it.
"""

from __future__ import annotations

from local_stack import probes
from local_stack.config_files import LOG4J1_PROPERTIES, hadoop_xml
from local_stack.jvm import java_command
from local_stack.servers.hbase import JDK17_OPTIONS
from local_stack.spec import ServerSpec, StackContext
from settings import StackSettings

RESOURCEMANAGER_MAIN = "org.apache.hadoop.yarn.server.resourcemanager.ResourceManager"
NODEMANAGER_MAIN = "org.apache.hadoop.yarn.server.nodemanager.NodeManager"
# Guice and Jersey (the web apps and REST API) reflect into these on Java 17
YARN_JDK17_OPTIONS = (
    *JDK17_OPTIONS,
    "--add-opens",
    "java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens",
    "java.base/java.util=ALL-UNNAMED",
    "--add-opens",
    "java.base/java.io=ALL-UNNAMED",
    "--add-opens",
    "java.base/java.net=ALL-UNNAMED",
)


def yarn_site(settings: StackSettings, data_dir: str) -> dict[str, object]:
    """yarn-site.xml of the servers and of a spark-submit client (the client reads the addresses)."""
    host, port = settings.stack.host, settings.stack.yarn_resourcemanager_port
    return {
        "yarn.resourcemanager.hostname": host,
        "yarn.resourcemanager.address": f"{host}:{port}",
        "yarn.resourcemanager.scheduler.address": f"{host}:{port - 2}",
        "yarn.resourcemanager.resource-tracker.address": f"{host}:{port - 1}",
        "yarn.resourcemanager.admin.address": f"{host}:{port + 1}",
        "yarn.resourcemanager.webapp.address": f"{host}:{settings.stack.yarn_web_port}",
        "yarn.nodemanager.hostname": host,
        # the NodeManager's own RPC and localizer ports are ephemeral, so a second stack never clashes
        "yarn.nodemanager.address": f"{host}:0",
        "yarn.nodemanager.localizer.address": f"{host}:0",
        "yarn.nodemanager.webapp.address": f"{host}:{settings.stack.yarn_nodemanager_web_port}",
        "yarn.nodemanager.local-dirs": f"{data_dir}/local",
        "yarn.nodemanager.log-dirs": f"{data_dir}/container-logs",
        "yarn.nodemanager.resource.memory-mb": settings.stack.yarn_nodemanager_memory_mb,
        "yarn.nodemanager.resource.cpu-vcores": settings.stack.yarn_nodemanager_vcores,
        "yarn.scheduler.minimum-allocation-mb": 256,
        "yarn.scheduler.maximum-allocation-mb": settings.stack.yarn_nodemanager_memory_mb,
        "yarn.scheduler.maximum-allocation-vcores": settings.stack.yarn_nodemanager_vcores,
        "yarn.nodemanager.vmem-check-enabled": "false",
        "yarn.nodemanager.pmem-check-enabled": "false",
        # a nearly full disk of a build machine must not mark the only node unhealthy
        "yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage": 99.5,
        "yarn.log-aggregation-enable": "false",
        "yarn.nodemanager.delete.debug-delay-sec": 600,
    }


def client_config_files(settings: StackSettings, data_dir: str) -> dict[str, str]:
    """core-site and yarn-site: what a Hadoop or Spark client finds through HADOOP_CONF_DIR."""
    return {
        "core-site.xml": hadoop_xml({"fs.defaultFS": settings.hdfs.uri}),
        "yarn-site.xml": hadoop_xml(yarn_site(settings, data_dir)),
    }


# one queue with the whole node; application masters may take half of it (the default tenth would leave a
# streaming application's driver waiting for room on one machine)
CAPACITY_SCHEDULER = {
    "yarn.scheduler.capacity.root.queues": "default",
    "yarn.scheduler.capacity.root.default.capacity": 100,
    "yarn.scheduler.capacity.root.default.maximum-capacity": 100,
    "yarn.scheduler.capacity.maximum-am-resource-percent": 0.5,
}


def _config_files(ctx: StackContext) -> dict[str, str]:
    return {
        **client_config_files(ctx.settings, str(ctx.paths.data_dir("yarn"))),
        "capacity-scheduler.xml": hadoop_xml(CAPACITY_SCHEDULER),
        "log4j.properties": LOG4J1_PROPERTIES,
    }


def _java(ctx: StackContext, server: str, main_class: str) -> list[str]:
    return java_command(
        ctx,
        server,
        ctx.classpath("yarn"),
        main_class,
        [],
        heap=ctx.settings.stack.yarn_heap,
        options=YARN_JDK17_OPTIONS,
    )


def _server(name: str, summary: str, main_class: str, **declared) -> ServerSpec:
    """A YARN server: the yarn profile's class path, the shared config files, part of the stack when enabled."""
    return ServerSpec(
        name=name,
        summary=summary,
        command=lambda ctx: _java(ctx, name, main_class),
        config_files=_config_files,
        enabled=lambda settings: settings.stack.yarn,
        **declared,
    )


YARN_RESOURCEMANAGER = _server(
    "yarn-rm",
    "Apache Hadoop 3.5 YARN ResourceManager",
    RESOURCEMANAGER_MAIN,
    probe=probes.yarn_resourcemanager,
    address=lambda s: (
        f"{s.stack.host}:{s.stack.yarn_resourcemanager_port} (web http://{s.stack.host}:{s.stack.yarn_web_port})"
    ),
    ports=lambda s: {
        "PA_YARN_RESOURCEMANAGER_PORT": s.stack.yarn_resourcemanager_port,
        "PA_YARN_WEB_PORT": s.stack.yarn_web_port,
    },
    requires=("hdfs-datanode",),
)

YARN_NODEMANAGER = _server(
    "yarn-nm",
    "Apache Hadoop 3.5 YARN NodeManager",
    NODEMANAGER_MAIN,
    probe=probes.yarn_nodemanager,
    address=lambda s: f"web http://{s.stack.host}:{s.stack.yarn_nodemanager_web_port}",
    ports=lambda s: {"PA_YARN_NODEMANAGER_WEB_PORT": s.stack.yarn_nodemanager_web_port},
    requires=("yarn-rm",),
)
