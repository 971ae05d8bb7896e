package io.parley;

import io.parley.codec.Codec;
import io.parley.codec.CodecException;
import io.parley.codec.RawCodec;
import java.lang.reflect.Type;

/**
 * An undecoded body and the codec it is in. Ask a handler for {@code Payload.class} to get params
 * as sent; return one to answer with exactly these bytes in this codec (an echo keeps the codec).
 */
public final class Payload {
    private final Codec codec;
    private final byte[] bytes;

    public Payload(Codec codec, byte[] bytes) {
        this.codec = java.util.Objects.requireNonNull(codec, "codec");
        this.bytes = java.util.Objects.requireNonNull(bytes, "bytes");
    }

    public static Payload raw(byte[] bytes) {
        return new Payload(RawCodec.INSTANCE, bytes);
    }

    public Codec codec() {
        return codec;
    }

    /** The body bytes (not copied). */
    public byte[] bytes() {
        return bytes;
    }

    /** Decodes the body as {@code type}. */
    public <T> T as(Class<T> type) {
        return type.cast(decode(type));
    }

    @SuppressWarnings("unchecked")
    public <T> T as(TypeRef<T> type) {
        return (T) decode(type.type());
    }

    private Object decode(Type type) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return codec.decode(bytes, type);
        } catch (CodecException e) {
            throw new ParleyException(e.isMalformed() ? ErrorCode.PARSE_ERROR : ErrorCode.INVALID_PARAMS, e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Payload{" + codec.name() + ", " + bytes.length + " bytes}";
    }
}
