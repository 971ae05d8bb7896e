package io.parley.codec;

import java.lang.reflect.Type;

/** Codec 0: opaque bytes. Encodes {@code byte[]}; decodes to {@code byte[]}. */
public final class RawCodec implements Codec {
    public static final RawCodec INSTANCE = new RawCodec();

    private RawCodec() {
    }

    @Override
    public int id() {
        return RAW;
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public byte[] encode(Object value) throws CodecException {
        if (value instanceof byte[] b) {
            return b;
        }
        throw new CodecException("the raw codec encodes byte[] only, not " + value.getClass().getName(), false, null);
    }

    @Override
    public Object decode(byte[] bytes, Type type) throws CodecException {
        if (type == byte[].class || type == Object.class) {
            return bytes;
        }
        throw new CodecException("a raw body decodes to byte[] only, not " + type.getTypeName(), false, null);
    }
}
