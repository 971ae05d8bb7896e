package io.parley.codec;

import java.lang.reflect.Type;

/**
 * Encodes message bodies (SPEC §10.1). Implementations are thread-safe. An empty body is "no
 * value" whatever the codec and never reaches a codec.
 */
public interface Codec {
    int RAW = 0;
    int JSON = 1;
    int KRYO = 2;
    int PHP = 3;

    /** The codec id on the wire. */
    int id();

    /** The name listed in HELLO ({@code "json"}, {@code "raw"}, {@code "kryo"}). */
    String name();

    /** Encodes {@code value} (never {@code null}). */
    byte[] encode(Object value) throws CodecException;

    /** Decodes {@code bytes} as {@code type} ({@code Object.class}: the codec's natural type). */
    Object decode(byte[] bytes, Type type) throws CodecException;
}
