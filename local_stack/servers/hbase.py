"""Apache HBase standalone (master, region server and ZooKeeper in one JVM) and its Thrift1 gateway."""

from __future__ import annotations

from local_stack import probes
from local_stack.config_files import LOG4J2_PROPERTIES, hadoop_xml
from local_stack.jvm import java_command
from local_stack.spec import ServerSpec, StackContext
from settings.choices import ThriftProtocol, ThriftTransport

# What HBase's own launcher adds on JDK 17: HBase reaches into NIO and
# reflection internals that the module system closes by default.
JDK17_OPTIONS = (
    "-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true",
    "--add-modules",
    "jdk.unsupported",
    "--add-opens",
    "java.base/java.nio=ALL-UNNAMED",
    "--add-opens",
    "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens",
    "java.base/java.lang=ALL-UNNAMED",
    "--add-opens",
    "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens",
    "java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports",
    "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports",
    "java.security.jgss/sun.security.krb5=ALL-UNNAMED",
    "--add-exports",
    "java.base/sun.net.dns=ALL-UNNAMED",
    "--add-exports",
    "java.base/sun.net.util=ALL-UNNAMED",
)


def hbase_site(ctx: StackContext) -> dict[str, object]:
    """hbase-site.xml of the standalone server (also what a local `hbase shell` reads)."""
    s = ctx.settings
    data = ctx.paths.data_dir("hbase")
    return {
        "hbase.cluster.distributed": "false",
        # on local disk: the HBase 2.6 Maven line carries a Hadoop 2 client, HDFS here is 3.5
        "hbase.rootdir": f"file://{data / 'root'}",
        "hbase.tmp.dir": data / "tmp",
        "hbase.unsafe.stream.capability.enforce": "false",
        "hbase.zookeeper.quorum": s.stack.host,
        "hbase.zookeeper.property.clientPort": s.stack.zookeeper_port,
        "hbase.zookeeper.property.dataDir": data / "zookeeper",
        "hbase.master.hostname": s.stack.host,
        "hbase.regionserver.hostname": s.stack.host,
        # master and region server RPC ports are found through ZooKeeper: let them be ephemeral
        "hbase.localcluster.assign.random.ports": "true",
        "hbase.master.info.port": -1,
        "hbase.regionserver.info.port": -1,
        # the Thrift server's web UI (/conf, /jmx, /logLevel) binds every address unless told otherwise
        "hbase.thrift.info.bindAddress": s.stack.host,
    }


def _config_files(ctx: StackContext) -> dict[str, str]:
    return {"hbase-site.xml": hadoop_xml(hbase_site(ctx)), "log4j2.properties": LOG4J2_PROPERTIES}


def _thrift_args(ctx: StackContext) -> list[str]:
    s = ctx.settings
    args = ["-b", s.stack.host, "-p", str(s.hbase.port), "--infoport", str(s.stack.hbase_thrift_info_port)]
    if s.hbase.transport is ThriftTransport.FRAMED:
        args.append("-f")
    if s.hbase.protocol is ThriftProtocol.COMPACT:
        args.append("-c")
    return [*args, "start"]


HBASE = ServerSpec(
    name="hbase",
    summary="Apache HBase 2.6 standalone (master + region server + ZooKeeper)",
    command=lambda ctx: java_command(
        ctx,
        "hbase",
        ctx.classpath("hbase"),
        "org.apache.hadoop.hbase.master.HMaster",
        ["start"],
        heap=ctx.settings.stack.hbase_heap,
        options=(*JDK17_OPTIONS, "-Dzookeeper.4lw.commands.whitelist=ruok,srvr"),
    ),
    probe=probes.zookeeper,
    address=lambda s: f"zookeeper {s.stack.host}:{s.stack.zookeeper_port}",
    ports=lambda s: {"PA_ZOOKEEPER_PORT": s.stack.zookeeper_port},
    config_files=_config_files,
)

HBASE_THRIFT = ServerSpec(
    name="hbase-thrift",
    summary="Apache HBase 2.6 Thrift1 server (happybase)",
    command=lambda ctx: java_command(
        ctx,
        "hbase-thrift",
        ctx.classpath("hbase"),
        "org.apache.hadoop.hbase.thrift.ThriftServer",
        _thrift_args(ctx),
        heap=ctx.settings.stack.hbase_thrift_heap,
        options=JDK17_OPTIONS,
    ),
    probe=probes.hbase_thrift,
    address=lambda s: f"thrift://{s.hbase.host}:{s.hbase.port}",
    ports=lambda s: {
        "PA_HBASE_THRIFT_PORT": s.hbase.port,
        "PA_HBASE_THRIFT_INFO_PORT": s.stack.hbase_thrift_info_port,
    },
    config_files=_config_files,
    requires=("hbase",),
)
