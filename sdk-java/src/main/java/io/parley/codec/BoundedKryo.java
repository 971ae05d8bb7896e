package io.parley.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.StringArraySerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.Collection;
import java.util.Map;

/**
 * A {@link Kryo} whose default serializers for collections, maps and object arrays check their
 * declared element count against the bytes present before allocating (SPEC §13). Classes that
 * {@link KryoCodec}'s registrations register with {@code k.register(type)} get these serializers;
 * serializers passed explicitly to {@code register(type, serializer)} are the application's own,
 * though they still read through a {@link BoundedKryoInput} (strings and primitive arrays bounded).
 *
 * <p>The plain {@link CollectionSerializer}, {@link MapSerializer}, {@link ObjectArraySerializer}
 * and {@link StringArraySerializer} are replaced by subclasses (so casts in registration code keep
 * working); other serializers of those families (sorted sets, immutable lists...) are wrapped.
 * Nesting is limited to {@link #MAX_DEPTH} levels so a deep body cannot overflow the stack.
 */
final class BoundedKryo extends Kryo {
    /** Deepest object nesting a body may have. */
    static final int MAX_DEPTH = 512;

    BoundedKryo() {
        setMaxDepth(MAX_DEPTH);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Serializer getDefaultSerializer(Class type) {
        Serializer s = super.getDefaultSerializer(type);
        Class<?> sc = s.getClass();
        if (sc == CollectionSerializer.class) {
            return new BoundedCollectionSerializer();
        }
        if (sc == MapSerializer.class) {
            return new BoundedMapSerializer();
        }
        if (sc == ObjectArraySerializer.class) {
            return new BoundedObjectArraySerializer(this, type);
        }
        if (sc == StringArraySerializer.class) {
            return new BoundedStringArraySerializer();
        }
        if (s instanceof CollectionSerializer || s instanceof MapSerializer || s instanceof ObjectArraySerializer
                || s instanceof StringArraySerializer) {
            return new LengthGuard(s);
        }
        return s;
    }

    /** Arms the count check of a {@link BoundedKryoInput}; other inputs are left alone. */
    static void expectLength(Input input) {
        if (input instanceof BoundedKryoInput) {
            ((BoundedKryoInput) input).expectLength();
        }
    }

    static void clearExpectedLength(Input input) {
        if (input instanceof BoundedKryoInput) {
            ((BoundedKryoInput) input).clearExpectedLength();
        }
    }

    /** {@link CollectionSerializer} whose element count is bounded by the bytes present. */
    @SuppressWarnings("rawtypes")
    static final class BoundedCollectionSerializer extends CollectionSerializer<Collection> {
        @Override
        public Collection read(Kryo kryo, Input input, Class<? extends Collection> type) {
            expectLength(input);
            try {
                return super.read(kryo, input, type);
            } finally {
                clearExpectedLength(input);
            }
        }
    }

    /** {@link MapSerializer} whose entry count is bounded by the bytes present. */
    @SuppressWarnings("rawtypes")
    static final class BoundedMapSerializer extends MapSerializer<Map> {
        @Override
        public Map read(Kryo kryo, Input input, Class<? extends Map> type) {
            expectLength(input);
            try {
                return super.read(kryo, input, type);
            } finally {
                clearExpectedLength(input);
            }
        }
    }

    /** {@link ObjectArraySerializer} whose length is bounded by the bytes present. */
    static final class BoundedObjectArraySerializer extends ObjectArraySerializer {
        BoundedObjectArraySerializer(Kryo kryo, Class<?> type) {
            super(kryo, type);
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Object[] read(Kryo kryo, Input input, Class type) {
            expectLength(input);
            try {
                return super.read(kryo, input, type);
            } finally {
                clearExpectedLength(input);
            }
        }
    }

    /** {@link StringArraySerializer} whose length is bounded by the bytes present. */
    static final class BoundedStringArraySerializer extends StringArraySerializer {
        @Override
        @SuppressWarnings("rawtypes")
        public String[] read(Kryo kryo, Input input, Class type) {
            expectLength(input);
            try {
                return super.read(kryo, input, type);
            } finally {
                clearExpectedLength(input);
            }
        }
    }

    /** Wraps a length-prefixed serializer that cannot be subclassed: arms the count check, delegates. */
    static final class LengthGuard<T> extends Serializer<T> {
        private final Serializer<T> delegate;

        LengthGuard(Serializer<T> delegate) {
            super(delegate.getAcceptsNull(), delegate.isImmutable());
            this.delegate = delegate;
        }

        @Override
        public void write(Kryo kryo, Output output, T object) {
            delegate.write(kryo, output, object);
        }

        @Override
        public T read(Kryo kryo, Input input, Class<? extends T> type) {
            expectLength(input);
            try {
                return delegate.read(kryo, input, type);
            } finally {
                clearExpectedLength(input);
            }
        }

        @Override
        public T copy(Kryo kryo, T original) {
            return delegate.copy(kryo, original);
        }
    }
}
