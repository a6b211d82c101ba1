/*
 * The Hive 2.3 Metastore's own handler served on one address only.
 *
 * Hive 2.3's HiveMetaStore.main (the version pyspark's jars carry) always binds the wildcard address, so a
 * metastore without authentication would be reachable from the whole network. This main builds the same handler
 * (HiveMetaStore.newRetryingHMSHandler, with the hive-site.xml on the class path) and the same processor
 * (TSetIpAddressProcessor, as the stock server uses without SASL) and serves them with Thrift's thread-pool server on
 * the address given. Hive 4's metastore has hive.metastore.thrift.bind.host for this; a cluster uses its own
 * metastore (or Glue) and never runs this class.
 *
 * Usage: LoopbackMetaStore HOST PORT
 */

import java.net.InetSocketAddress;

import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hadoop.hive.metastore.HiveMetaStore;
import org.apache.hadoop.hive.metastore.TSetIpAddressProcessor;
import org.apache.hadoop.hive.metastore.api.ThriftHiveMetastore;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TThreadPoolServer;
import org.apache.thrift.transport.TServerSocket;

public final class LoopbackMetaStore {
    private LoopbackMetaStore() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: LoopbackMetaStore HOST PORT");
        }
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        HiveConf conf = new HiveConf(HiveMetaStore.HMSHandler.class);
        ThriftHiveMetastore.Iface handler = HiveMetaStore.newRetryingHMSHandler("metastore on " + address, conf, false);
        TThreadPoolServer.Args serving = new TThreadPoolServer.Args(new TServerSocket(address))
                .processor(new TSetIpAddressProcessor<>(handler))
                .protocolFactory(new TBinaryProtocol.Factory())
                .minWorkerThreads(conf.getIntVar(HiveConf.ConfVars.METASTORESERVERMINTHREADS))
                .maxWorkerThreads(conf.getIntVar(HiveConf.ConfVars.METASTORESERVERMAXTHREADS));
        System.out.println("Started the Hive metastore handler on " + address);
        new TThreadPoolServer(serving).serve();
    }
}
