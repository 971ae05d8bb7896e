/**
 * Parley Java SDK: message-framed IPC between a Java process and its peers (PHP workers, other
 * JVMs) over stdio, Unix sockets and TCP. Start with {@link io.parley.Session}.
 */
module io.parley {
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires HdrHistogram;
    requires com.esotericsoftware.kryo;
    requires com.github.luben.zstd_jni;
    requires org.apache.commons.exec;
    requires org.slf4j;
    requires java.management;
    // optional: only io.parley.pool.metrics.PoolMetrics uses it
    requires static micrometer.core;

    exports io.parley;
    exports io.parley.codec;
    exports io.parley.pool;
    exports io.parley.pool.metrics;
    exports io.parley.transport;
}
