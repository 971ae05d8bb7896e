/**
 * Parley Java SDK: message-framed IPC between a Java process and its peers (PHP workers, other
 * JVMs) over stdio, Unix sockets and TCP. Start with {@link io.parley.Session}.
 */
module io.parley {
    requires transitive com.fasterxml.jackson.databind;
    // optional (Maven <optional>): KryoCodec and ZstdCompression say what to add when they are absent
    requires static com.esotericsoftware.kryo;
    requires static com.github.luben.zstd_jni;
    requires org.apache.commons.exec;
    requires org.slf4j;

    exports io.parley;
    exports io.parley.codec;
    exports io.parley.transport;
}
