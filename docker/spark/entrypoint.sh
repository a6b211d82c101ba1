#!/bin/bash
# metastore | thriftserver: the two Hive services of the local stack (local_stack/servers/hive.py), in a container.
set -euo pipefail
SPARK_HOME=$(python3 -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
WAREHOUSE=${WAREHOUSE:-hdfs://namenode:8020/user/hive/warehouse}
DEFAULT_FS=${DEFAULT_FS:-hdfs://namenode:8020}
case "${1:-}" in
  metastore)
    mkdir -p /opt/metastore/conf /var/lib/metastore
    cat > /opt/metastore/conf/hive-site.xml <<XML
<configuration>
  <property><name>javax.jdo.option.ConnectionURL</name><value>jdbc:derby:;databaseName=/var/lib/metastore/metastore_db;create=true</value></property>
  <property><name>javax.jdo.option.ConnectionDriverName</name><value>org.apache.derby.jdbc.EmbeddedDriver</value></property>
  <property><name>datanucleus.schema.autoCreateAll</name><value>true</value></property>
  <property><name>datanucleus.connectionPoolingType</name><value>HikariCP</value></property>
  <property><name>hive.metastore.schema.verification</name><value>false</value></property>
  <property><name>hive.metastore.warehouse.dir</name><value>${WAREHOUSE}</value></property>
  <property><name>fs.defaultFS</name><value>${DEFAULT_FS}</value></property>
</configuration>
XML
    exec java -cp "/opt/metastore/conf:${SPARK_HOME}/jars/*" -Dderby.system.home=/var/lib/metastore \
      org.apache.hadoop.hive.metastore.HiveMetaStore -p 9083 ;;
  thriftserver)
    exec "${SPARK_HOME}/bin/spark-submit" --master "local[2]" \
      --class org.apache.spark.sql.hive.thriftserver.HiveThriftServer2 \
      --conf spark.sql.catalogImplementation=hive \
      --conf spark.hadoop.hive.metastore.uris=thrift://hive-metastore:9083 \
      --conf "spark.sql.warehouse.dir=${WAREHOUSE}" --conf "spark.hadoop.fs.defaultFS=${DEFAULT_FS}" \
      --conf spark.ui.enabled=false \
      --hiveconf hive.server2.thrift.port=10000 --hiveconf hive.server2.authentication=NOSASL spark-internal ;;
  *) echo "usage: entrypoint.sh metastore|thriftserver" >&2; exit 2 ;;
esac
