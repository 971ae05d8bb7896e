package io.parley.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;

/**
 * Run in a JVM with a small heap by {@link KryoDeclaredLengthTest}: decodes each hostile body named
 * on the command line and prints one line per body, {@code REFUSED <exception>} or
 * {@code DECODED} or {@code THREW <throwable>} (an OutOfMemoryError shows up as the latter).
 */
public final class KryoBombProbe {
    private KryoBombProbe() {
    }

    static void register(Kryo k) {
        k.register(ArrayList.class);
        k.register(HashMap.class);
        k.register(int[].class);
        k.register(long[].class);
        k.register(byte[].class);
        k.register(String[].class);
        k.register(Object[].class);
        k.register(KryoCodecTest.Point.class);
    }

    /** Six bytes: a String whose UTF-8 form declares 2^30 characters. */
    static byte[] stringBomb() {
        Output out = new Output(16);
        out.writeVarInt(1 + 2, true);                 // class id of String (1), written + 2
        out.writeVarIntFlag(true, (1 << 30) + 1, true); // UTF-8 form, char count + 1
        return out.toBytes();
    }

    /** 48 bytes: eight nested ArrayLists each declaring 2^27 elements (512 MiB of references each). */
    static byte[] nestedListBomb() {
        Kryo k = new Kryo();
        register(k);
        int arrayListId = k.getRegistration(ArrayList.class).getId();
        Output out = new Output(64);
        for (int level = 0; level < 8; level++) {
            out.writeVarInt(arrayListId + 2, true);
            out.writeVarIntFlag(false, (1 << 27) + 1, true); // not all one type; count + 1
        }
        return out.toBytes();
    }

    /** A registered type's class id followed by a huge count, for the array and map serializers. */
    static byte[] countBomb(Class<?> type, int count) {
        Kryo k = new Kryo();
        register(k);
        Output out = new Output(16);
        out.writeVarInt(k.getRegistration(type).getId() + 2, true);
        out.writeVarInt(count + 1, true);
        return out.toBytes();
    }

    public static void main(String[] args) {
        KryoCodec codec = new KryoCodec(KryoBombProbe::register);
        for (String arg : args) {
            byte[] body = Base64.getDecoder().decode(arg);
            try {
                codec.decode(body, Object.class);
                System.out.println("DECODED");
            } catch (CodecException e) {
                System.out.println("REFUSED " + e.getClass().getName() + " malformed=" + e.isMalformed() + ": " + e.getMessage());
            } catch (Throwable t) {
                System.out.println("THREW " + t);
            }
        }
        System.out.println("HEAP-MAX " + Runtime.getRuntime().maxMemory());
    }
}
