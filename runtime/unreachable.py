"""One line instead of a traceback when a command cannot reach a server: which server, at which address, and the
settings to check. Exit status :data:`EXIT_UNREACHABLE` (docs, operations runbook: exit codes).

Only failures to connect are recognised (refused, timed out, no broker to bootstrap from); any other error is a
fault of its own and keeps its traceback.
"""

from __future__ import annotations

import thrift.transport.TTransport
import thriftpy2.transport
from botocore.exceptions import EndpointConnectionError
from kafka.errors import KafkaConnectionError, KafkaTimeoutError
from mysql.connector.errors import InterfaceError

from settings import Settings

EXIT_UNREACHABLE = 3
_CANNOT_CONNECT = {2002, 2003, 2005, 2013}  # MySQL client errors: no socket, no TCP, unknown host, lost at connect


def describe(error: BaseException, settings: Settings) -> str | None:
    """The line for an ``error`` that means a server could not be reached; None for any other error."""
    cause = f"{type(error).__name__}: {error}"
    if isinstance(error, KafkaConnectionError) or (isinstance(error, KafkaTimeoutError) and "bootstrap" in str(error)):
        return _line("Kafka", settings.kafka.bootstrap, cause, "PA_KAFKA_BOOTSTRAP_SERVERS, PA_KAFKA_SECURITY_PROTOCOL")
    if isinstance(error, InterfaceError) and error.errno in _CANNOT_CONNECT:
        return _line("RDS (MySQL)", f"{settings.rds.host}:{settings.rds.port}", cause, "PA_MYSQL_HOST, PA_MYSQL_PORT")
    if isinstance(error, thriftpy2.transport.TTransportException):  # happybase: the HBase Thrift server
        address = f"{settings.hbase.host}:{settings.hbase.port}"
        return _line("the HBase Thrift server", address, cause, "PA_HBASE_THRIFT_HOST, PA_HBASE_THRIFT_PORT")
    if isinstance(error, thrift.transport.TTransport.TTransportException):  # pyhive: HiveServer2
        address = f"{settings.hive.server2_host}:{settings.hive.server2_port}"
        return _line("HiveServer2", address, cause, "PA_HIVE_SERVER2_HOST, PA_HIVE_SERVER2_PORT")
    if isinstance(error, EndpointConnectionError):
        return _line("SNS", settings.sns.endpoint_url or "AWS", cause, "PA_SNS_ENDPOINT_URL, PA_AWS_REGION")
    return None


def _line(server: str, address: str, cause: str, variables: str) -> str:
    return f"cannot reach {server} at {address} ({cause}): is it running and reachable? Check {variables}."
