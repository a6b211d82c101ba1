"""HDFS: a NameNode and a DataNode (Apache Hadoop 3.5, the line pyspark's client comes from)."""

from __future__ import annotations

import subprocess

from clients import hdfs as hdfs_client
from local_stack import probes
from local_stack.config_files import LOG4J1_PROPERTIES, hadoop_xml
from local_stack.errors import StackError
from local_stack.jvm import java_command
from local_stack.spec import ServerSpec, StackContext

NAMENODE_MAIN = "org.apache.hadoop.hdfs.server.namenode.NameNode"
DATANODE_MAIN = "org.apache.hadoop.hdfs.server.datanode.DataNode"


def _config_files(ctx: StackContext) -> dict[str, str]:
    """core-site and hdfs-site, plus the empty web-app folders the HTTP servers look up.

    The Maven jars leave out the web UI's static files, but the NameNode and
    DataNode refuse to start unless ``webapps/<name>`` is on the class path.
    """
    s = ctx.settings
    data = ctx.paths.data_dir("hdfs")
    host = s.stack.host
    core = {"fs.defaultFS": s.hdfs.uri, "hadoop.tmp.dir": data / "tmp"}
    hdfs_site = {
        "dfs.namenode.name.dir": data / "name",
        "dfs.datanode.data.dir": data / "data",
        "dfs.replication": 1,
        "dfs.namenode.rpc-address": f"{host}:{s.hdfs.port}",
        "dfs.namenode.http-address": f"{host}:{s.hdfs.http_port}",
        # the DataNode's own ports are ephemeral, so a second stack never clashes
        "dfs.datanode.address": f"{host}:0",
        "dfs.datanode.http.address": f"{host}:0",
        "dfs.datanode.ipc.address": f"{host}:0",
        "dfs.datanode.hostname": host,
        "dfs.permissions.enabled": "false",
        "dfs.namenode.safemode.threshold-pct": 0,
        "dfs.webhdfs.enabled": "true",
        "dfs.heartbeat.interval": 1,
    }
    files = {
        "core-site.xml": hadoop_xml(core),
        "hdfs-site.xml": hadoop_xml(hdfs_site),
        "log4j.properties": LOG4J1_PROPERTIES,
    }
    files.update({f"webapps/{app}/.keep": "" for app in ("hdfs", "datanode", "static")})
    return files


def _java(ctx: StackContext, server: str, main_class: str, args: list[str] | None = None) -> list[str]:
    return java_command(ctx, server, ctx.classpath("hdfs"), main_class, args or [], heap=ctx.settings.stack.hdfs_heap)


def _format_namenode(ctx: StackContext) -> None:
    result = subprocess.run(
        _java(ctx, "hdfs-namenode", NAMENODE_MAIN, ["-format", "-nonInteractive", "-force"]),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise StackError(f"formatting the NameNode failed:\n{(result.stdout + result.stderr)[-3000:]}")


def _provision(ctx: StackContext) -> None:
    """The folders the pipeline writes under: the Hive warehouse and streaming checkpoints."""
    for path in (ctx.settings.hdfs.warehouse_dir, ctx.settings.hdfs.checkpoint_dir, "/tmp"):
        hdfs_client.mkdirs(ctx.settings.hdfs, path)


HDFS_NAMENODE = ServerSpec(
    name="hdfs-namenode",
    summary="Apache Hadoop 3.5 HDFS NameNode",
    command=lambda ctx: _java(ctx, "hdfs-namenode", NAMENODE_MAIN),
    probe=probes.hdfs_namenode,
    address=lambda s: s.hdfs.uri,
    ports=lambda s: {"PA_HDFS_PORT": s.hdfs.port, "PA_HDFS_HTTP_PORT": s.hdfs.http_port},
    config_files=_config_files,
    initialise=_format_namenode,
    provision=_provision,
)

HDFS_DATANODE = ServerSpec(
    name="hdfs-datanode",
    summary="Apache Hadoop 3.5 HDFS DataNode",
    command=lambda ctx: _java(ctx, "hdfs-datanode", DATANODE_MAIN),
    probe=probes.hdfs_datanode,
    address=lambda s: f"{s.stack.host}:(ephemeral)",
    config_files=_config_files,
    requires=("hdfs-namenode",),
)
