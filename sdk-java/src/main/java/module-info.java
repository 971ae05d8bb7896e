/**
 * Parley Java SDK: message-framed IPC between a Java process and its peers (PHP workers, other
 * JVMs) over stdio, Unix sockets and TCP. Start with {@link io.parley.Session}. Java 17 or newer
 * (virtual threads are used where available, found at run time).
 *
 * <p>Exported: the API ({@code io.parley}), codecs ({@code io.parley.codec}) and the transport SPI
 * with its implementations ({@code io.parley.transport}). Everything under {@code
 * io.parley.internal} (frame, io, call, session) is not exported; no exported class implements an
 * internal type. Test tooling (the conformance peer) is not part of this module.
 */
module io.parley {
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires HdrHistogram;
    // optional (Maven <optional>): KryoCodec and ZstdCompression say what to add when they are absent
    requires static com.esotericsoftware.kryo;
    requires static com.github.luben.zstd_jni;
    requires org.apache.commons.exec;
    // the shared-memory ring (SPEC §9.4); Agrona needs --add-exports java.base/jdk.internal.misc=org.agrona
    requires org.agrona;
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
