package io.parley.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.lang.reflect.Type;
import java.util.function.Consumer;

/**
 * Codec 2: Kryo 5 for Java-to-Java sessions (SPEC §10.1), with class registration required so a
 * peer can never make us instantiate a class we did not list (§13). Both peers must register the
 * same classes in the same order.
 *
 * <pre>{@code
 * KryoCodec kryo = new KryoCodec(k -> { k.register(Point.class); k.register(Point[].class); });
 * }</pre>
 */
public final class KryoCodec implements Codec {
    private final Pool<Kryo> kryos;
    private final Pool<Output> outputs;

    /**
     * @param registrations registers every class that may travel, identically on both sides
     * @throws IllegalStateException when Kryo (an optional dependency) is not on the class path
     */
    public KryoCodec(Consumer<Kryo> registrations) {
        io.parley.internal.OptionalDependency.KRYO.require();
        // the pools are built in KryoPools so that this class links without Kryo and require() can speak
        this.kryos = KryoPools.kryos(registrations);
        this.outputs = KryoPools.outputs();
    }

    @Override
    public int id() {
        return KRYO;
    }

    @Override
    public String name() {
        return "kryo";
    }

    @Override
    public byte[] encode(Object value) throws CodecException {
        Kryo k = kryos.obtain();
        Output out = outputs.obtain();
        boolean ok = false;
        try {
            out.reset();
            k.writeClassAndObject(out, value);
            byte[] bytes = out.toBytes();
            ok = true;
            return bytes;
        } catch (RuntimeException | StackOverflowError e) {
            throw new CodecException("cannot encode " + (value == null ? "null" : value.getClass().getName())
                    + " with Kryo (is it registered?): " + e.getMessage(), false, e);
        } finally {
            outputs.free(out);
            release(k, ok);
        }
    }

    @Override
    public Object decode(byte[] bytes, Type type) throws CodecException {
        Kryo k = kryos.obtain();
        boolean ok = false;
        Object value;
        try {
            value = k.readClassAndObject(KryoPools.boundedInput(bytes));
            ok = true;
        } catch (RuntimeException | StackOverflowError e) { // no Kryo types here: this class must link without Kryo
            if (e instanceof BoundedKryoInput.DeclaredLengthException) {
                throw new CodecException(e.getMessage(), true, e);
            }
            throw new CodecException("invalid Kryo body or unregistered class: " + e.getMessage(), true, e);
        } finally {
            release(k, ok);
        }
        if (type instanceof Class<?> c && c != Object.class && value != null && !wrap(c).isInstance(value)) {
            throw new CodecException("Kryo body holds a " + value.getClass().getName() + ", not a " + c.getName(), false, null);
        }
        return value;
    }

    /** Returns a Kryo to the pool, first clearing what a failed call left behind. */
    private void release(Kryo k, boolean ok) {
        if (!ok) {
            k.reset();
            k.setOptimizedGenerics(true); // a fresh generic-type stack: an exception skips its pops
        }
        kryos.free(k);
    }

    private static Class<?> wrap(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return java.lang.invoke.MethodType.methodType(c).wrap().returnType();
    }

}
