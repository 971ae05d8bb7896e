package io.parley.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.util.function.Consumer;

/**
 * The pools behind {@link KryoCodec}, kept out of it so that KryoCodec's class links without Kryo on
 * the class path (Kryo is optional) and its constructor can name the dependency to add.
 */
final class KryoPools {
    private KryoPools() {
    }

    /** Kryo instances with registration required (SPEC §13), each set up by {@code registrations}. */
    static Pool<Kryo> kryos(Consumer<Kryo> registrations) {
        return new Pool<>(true, false, 16) {
            @Override
            protected Kryo create() {
                Kryo k = new BoundedKryo();
                k.setRegistrationRequired(true);
                registrations.accept(k);
                return k;
            }
        };
    }

    /** Growable output buffers. */
    static Pool<Output> outputs() {
        return new Pool<>(true, false, 16) {
            @Override
            protected Output create() {
                return new Output(256, -1);
            }
        };
    }

    /**
     * The input a body is decoded from: every declared length is bounded by the bytes present. Built
     * here, typed as {@link Input}, so that {@code KryoCodec} links without Kryo on the class path.
     */
    static Input boundedInput(byte[] bytes) {
        return new BoundedKryoInput(bytes);
    }
}
