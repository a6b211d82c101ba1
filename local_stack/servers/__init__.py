"""Every server of the local stack, in dependency order."""

from local_stack.servers.airflow import AIRFLOW_API, AIRFLOW_DAG_PROCESSOR, AIRFLOW_SCHEDULER
from local_stack.servers.hbase import HBASE, HBASE_THRIFT
from local_stack.servers.hdfs import HDFS_DATANODE, HDFS_NAMENODE
from local_stack.servers.hive import HIVE_METASTORE, HIVE_SERVER2
from local_stack.servers.kafka import KAFKA
from local_stack.servers.ldap import LDAP
from local_stack.servers.mariadb import MARIADB
from local_stack.servers.monitoring import ALERTMANAGER, PROMETHEUS
from local_stack.servers.sns import SNS
from local_stack.servers.yarn import YARN_NODEMANAGER, YARN_RESOURCEMANAGER
from local_stack.spec import ServerSpec
from settings import StackSettings

ALL = (
    MARIADB,
    KAFKA,
    HDFS_NAMENODE,
    HDFS_DATANODE,
    YARN_RESOURCEMANAGER,
    YARN_NODEMANAGER,
    HBASE,
    HBASE_THRIFT,
    HIVE_METASTORE,
    LDAP,
    HIVE_SERVER2,
    SNS,
    ALERTMANAGER,
    PROMETHEUS,
    AIRFLOW_API,
    AIRFLOW_DAG_PROCESSOR,
    AIRFLOW_SCHEDULER,
)
BY_NAME = {spec.name: spec for spec in ALL}


def of_stack(settings: StackSettings) -> list[ServerSpec]:
    """The servers this stack runs: every server but the opt-in ones its settings leave out (YARN, Airflow, LDAP,
    monitoring)."""
    return [spec for spec in ALL if spec.enabled(settings)]
