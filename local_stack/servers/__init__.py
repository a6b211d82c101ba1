"""Every server of the local stack, in dependency order."""

from local_stack.servers.hbase import HBASE, HBASE_THRIFT
from local_stack.servers.hdfs import HDFS_DATANODE, HDFS_NAMENODE
from local_stack.servers.hive import HIVE_METASTORE, HIVE_SERVER2
from local_stack.servers.kafka import KAFKA
from local_stack.servers.mariadb import MARIADB
from local_stack.servers.sns import SNS

ALL = (MARIADB, KAFKA, HDFS_NAMENODE, HDFS_DATANODE, HBASE, HBASE_THRIFT, HIVE_METASTORE, HIVE_SERVER2, SNS)
BY_NAME = {spec.name: spec for spec in ALL}
