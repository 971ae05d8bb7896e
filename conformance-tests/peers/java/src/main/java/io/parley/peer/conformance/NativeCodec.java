package io.parley.peer.conformance;

import com.esotericsoftware.kryo.Kryo;
import io.parley.codec.KryoCodec;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * The Java peer's native codec (SPEC §10.1: Kryo, registration required), offered only to Java
 * peers. Driver and server register the same classes in the same order; the types P-004 sends
 * (HashMap, ArrayList, String, Integer, Boolean) are covered (Kryo registers the primitive
 * wrappers and String itself).
 */
public final class NativeCodec {
    private NativeCodec() {
    }

    public static KryoCodec kryo() {
        return new KryoCodec(NativeCodec::register);
    }

    public static void register(Kryo k) {
        k.register(String.class);
        k.register(int[].class);
        k.register(long[].class);
        k.register(byte[].class);
        k.register(ArrayList.class);
        k.register(HashMap.class);
    }
}
