#!/bin/sh
# master: HMaster start (standalone); thrift: the Thrift1 gateway happybase speaks.
# JDK 17 options as HBase's own bin/hbase adds them.
OPTS="-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true --add-modules jdk.unsupported \
 --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/jdk.internal.ref=ALL-UNNAMED \
 --add-opens java.base/java.lang.reflect=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED"
case "$1" in
  master) exec java $OPTS -cp "/opt/hbase/conf:/opt/hbase/lib/*" org.apache.hadoop.hbase.master.HMaster start ;;
  thrift) exec java $OPTS -cp "/opt/hbase/conf:/opt/hbase/lib/*" org.apache.hadoop.hbase.thrift.ThriftServer -p 9090 start ;;
  *) echo "usage: master | thrift" >&2; exit 2 ;;
esac
