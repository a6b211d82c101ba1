"""Health probes: each asks a server something over its own protocol.

An open port says little (a JVM binds its port long before it serves), so each
probe makes a real request and returns a short description of the answer.
"""

from __future__ import annotations

import json
import logging
import socket
import urllib.request
from pathlib import Path

import mysql.connector
from thrift.protocol import TBinaryProtocol
from thrift.Thrift import TApplicationException, TMessageType, TType
from thrift.transport import TSocket, TTransport

from clients import aws, hbase, hdfs, hive, kafka
from local_stack import ldap_directory
from local_stack.errors import ProbeFailed
from settings import KafkaPrincipal, StackSettings

# The Thrift library logs every refused connection at ERROR; while a server is
# starting that is expected, and the probe reports the failure itself.
logging.getLogger("thrift.transport.TSocket").setLevel(logging.CRITICAL)


def mariadb_socket(settings: StackSettings) -> Path:
    return settings.stack.data_dir / "run" / "mariadb.sock"


def mariadb(settings: StackSettings) -> str:
    connection = mysql.connector.connect(unix_socket=str(mariadb_socket(settings)), user="root", connection_timeout=3)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT VERSION()")
        return f"MariaDB {cursor.fetchone()[0]}"
    finally:
        connection.close()


def kafka_broker(settings: StackSettings) -> str:
    client = kafka.admin(settings.kafka, KafkaPrincipal.ADMIN, request_timeout_ms=3000)
    try:
        cluster = client.describe_cluster()
        return f"{len(cluster['brokers'])} broker(s), controller {cluster['controller_id']}"
    finally:
        client.close()


def hdfs_namenode(settings: StackSettings) -> str:
    entries = hdfs.list_status(settings.hdfs, "/")
    return f"listing / gave {len(entries)} entries"


def hdfs_datanode(settings: StackSettings) -> str:
    live = hdfs.live_datanodes(settings.hdfs)
    if live < 1:
        raise ProbeFailed("the NameNode counts no live DataNode yet")
    return f"{live} live DataNode(s)"


def zookeeper(settings: StackSettings) -> str:
    with socket.create_connection((settings.stack.host, settings.stack.zookeeper_port), timeout=3) as sock:
        sock.sendall(b"ruok")
        answer = sock.recv(16)
    if answer != b"imok":
        raise ProbeFailed(f"ZooKeeper answered {answer!r} to ruok")
    return "ZooKeeper imok"


def hbase_thrift(settings: StackSettings) -> str:
    connection = hbase.connect(settings.hbase, timeout_ms=5000)
    try:
        return f"{len(connection.tables())} table(s)"
    finally:
        connection.close()


def hive_metastore(settings: StackSettings) -> str:
    databases = _metastore_databases(settings.hive.metastore_host, settings.hive.metastore_port)
    return f"{len(databases)} database(s)"


def hive_server2(settings: StackSettings) -> str:
    rows = hive.query(settings.hive, "SELECT 1")
    if rows != [(1,)]:
        raise ProbeFailed(f"SELECT 1 returned {rows!r}")
    return "SELECT 1 ok"


def ldap(settings: StackSettings) -> str:
    """The bind HiveServer2 makes at every login, as PA_HIVE_SERVER2_USER with its password."""
    dn = ldap_directory.person_dn(settings.hive.server2_user)
    code = ldap_directory.simple_bind(settings.stack.host, settings.stack.ldap_port, dn, settings.hive.server2_password)
    if code != ldap_directory.SUCCESS:
        raise ProbeFailed(f"binding as {dn} gave LDAP result {code}")
    return f"bind as {dn} ok"


def sns(settings: StackSettings) -> str:
    topics = aws.client(settings.sns, "sns").list_topics()["Topics"]
    return f"{len(topics)} topic(s)"


def prometheus(settings: StackSettings) -> str:
    return _ready(f"http://{settings.stack.host}:{settings.stack.prometheus_port}")


def alertmanager(settings: StackSettings) -> str:
    return _ready(f"http://{settings.stack.host}:{settings.stack.alertmanager_port}")


def _ready(url: str) -> str:
    """Prometheus's and Alertmanager's readiness endpoint answers 200 once they serve."""
    with urllib.request.urlopen(f"{url}/-/ready", timeout=5) as response:
        return response.read().decode().strip()[:80] or "ready"


def yarn_resourcemanager(settings: StackSettings) -> str:
    info = _yarn_rest(settings, "cluster/info")["clusterInfo"]
    if info["state"] != "STARTED":
        raise ProbeFailed(f"ResourceManager state {info['state']}")
    return f"ResourceManager {info['state'].lower()}, Hadoop {info['hadoopVersion']}"


def yarn_nodemanager(settings: StackSettings) -> str:
    nodes = (_yarn_rest(settings, "cluster/nodes").get("nodes") or {}).get("node", [])
    running = [node for node in nodes if node["state"] == "RUNNING"]
    if not running:
        raise ProbeFailed("the ResourceManager counts no running NodeManager yet")
    node = running[0]
    return f"{len(running)} NodeManager(s), {node['availMemoryMB']} MiB / {node['availableVirtualCores']} vcores free"


def airflow_api(settings: StackSettings) -> str:
    health = _airflow_health(settings)
    if health["metadatabase"]["status"] != "healthy":
        raise ProbeFailed(f"metadata database {health['metadatabase']['status']}")
    return "metadata database healthy"


def airflow_dag_processor(settings: StackSettings) -> str:
    return _airflow_component(settings, "dag_processor")


def airflow_scheduler(settings: StackSettings) -> str:
    return _airflow_component(settings, "scheduler")


def _airflow_component(settings: StackSettings, component: str) -> str:
    """A component is healthy when the API server has seen its heartbeat lately."""
    state = _airflow_health(settings)[component]
    if state["status"] != "healthy":
        raise ProbeFailed(f"{component} {state['status'] or 'not started'}")
    return f"heartbeat {state[f'latest_{component}_heartbeat'][11:19]} UTC"


def _airflow_health(settings: StackSettings) -> dict:
    """Airflow's health endpoint (no authentication: it says nothing but which components are alive)."""
    url = f"http://{settings.stack.host}:{settings.stack.airflow_api_port}/api/v2/monitor/health"
    with urllib.request.urlopen(url, timeout=3) as response:
        return json.load(response)


def _yarn_rest(settings: StackSettings, path: str) -> dict:
    """One GET of the ResourceManager's REST API (``/ws/v1/<path>``)."""
    url = f"http://{settings.stack.host}:{settings.stack.yarn_web_port}/ws/v1/{path}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=3) as response:
        return json.load(response)


def _metastore_databases(host: str, port: int) -> list[str]:
    """Call ThriftHiveMetastore.get_all_databases() with the plain Thrift library.

    The Python Thrift bindings of the Metastore are not on PyPI for current Hive,
    and the call has no arguments, so the message is written by hand.
    """
    sock = TSocket.TSocket(host, port)
    sock.setTimeout(5000)
    transport = TTransport.TBufferedTransport(sock)
    protocol = TBinaryProtocol.TBinaryProtocol(transport)
    transport.open()
    try:
        protocol.writeMessageBegin("get_all_databases", TMessageType.CALL, 1)
        protocol.writeStructBegin("get_all_databases_args")
        protocol.writeFieldStop()
        protocol.writeStructEnd()
        protocol.writeMessageEnd()
        transport.flush()
        _, message_type, _ = protocol.readMessageBegin()
        if message_type == TMessageType.EXCEPTION:
            error = TApplicationException()
            error.read(protocol)
            raise ProbeFailed(f"metastore error: {error}")
        names: list[str] = []
        protocol.readStructBegin()
        while True:
            _, field_type, field_id = protocol.readFieldBegin()
            if field_type == TType.STOP:
                break
            if field_id == 0 and field_type == TType.LIST:
                _, size = protocol.readListBegin()
                names = [protocol.readString() for _ in range(size)]
                protocol.readListEnd()
            else:
                protocol.skip(field_type)
            protocol.readFieldEnd()
        protocol.readStructEnd()
        protocol.readMessageEnd()
        return names
    finally:
        transport.close()
