package io.parley.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kryo declared-length bombs (SPEC §13, issue 12 fault 3): a body declaring a huge string, array,
 * collection or map is refused with a {@link CodecException} before anything is allocated. The
 * bombs are decoded in a separate JVM with a 48 MiB heap, so an allocation of the declared size
 * would show up as an OutOfMemoryError there instead of passing by luck in this JVM's large heap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KryoDeclaredLengthTest {

    @Test
    void theSixByteAndFortyEightByteBombsAreRefusedInASmallHeap() throws Exception {
        byte[] six = KryoBombProbe.stringBomb();
        byte[] fortyEight = KryoBombProbe.nestedListBomb();
        assertThat(six).hasSize(6);
        assertThat(fortyEight).hasSize(48);

        List<String> lines = probe(six, fortyEight,
                KryoBombProbe.countBomb(int[].class, 1 << 29),
                KryoBombProbe.countBomb(long[].class, 1 << 28),
                KryoBombProbe.countBomb(byte[].class, Integer.MAX_VALUE - 1),
                KryoBombProbe.countBomb(String[].class, 1 << 29),
                KryoBombProbe.countBomb(Object[].class, 1 << 29),
                KryoBombProbe.countBomb(HashMap.class, 1 << 28));
        assertThat(lines).hasSize(9);
        for (String line : lines.subList(0, 8)) {
            assertThat(line).startsWith("REFUSED io.parley.codec.CodecException malformed=true").contains("bytes remain");
        }
        assertThat(lines.get(8)).startsWith("HEAP-MAX");
    }

    @Test
    void honestBodiesStillDecodeAndAFailedDecodeDoesNotPoisonTheNextOne() throws Exception {
        KryoCodec codec = new KryoCodec(KryoBombProbe::register);
        ArrayList<Object> list = new ArrayList<>();
        list.add("héllo wörld");
        list.add(new int[] {1, 2, 3});
        list.add(new String[] {"a", null, "ç"});
        HashMap<String, Object> map = new HashMap<>();
        map.put("k", new long[] {Long.MAX_VALUE});
        list.add(map);
        list.add(new Object[] {null, "x", new byte[] {1, 2}});
        list.add(new KryoCodecTest.Point(1, 2, "p", List.of("t")));
        byte[] honest = codec.encode(list);

        for (int round = 0; round < 20; round++) {
            byte[] hostile = round % 2 == 0 ? KryoBombProbe.nestedListBomb() : java.util.Arrays.copyOf(honest, honest.length - 3);
            assertThatThrownBy(() -> codec.decode(hostile, Object.class)).isInstanceOf(CodecException.class);
            @SuppressWarnings("unchecked")
            List<Object> back = (List<Object>) codec.decode(honest, Object.class);
            assertThat(back).hasSize(6);
            assertThat(back.get(0)).isEqualTo("héllo wörld");
            assertThat((int[]) back.get(1)).containsExactly(1, 2, 3);
            assertThat((String[]) back.get(2)).containsExactly("a", null, "ç");
            assertThat(back.get(5)).isEqualTo(new KryoCodecTest.Point(1, 2, "p", List.of("t")));
            assertThatThrownBy(() -> codec.decode(honest, KryoCodecTest.Point.class))
                    .isInstanceOf(CodecException.class).hasMessageContaining("java.util.ArrayList");
        }
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() throws Exception {
        KryoCodec codec = new KryoCodec(KryoBombProbe::register);
        byte[] deep = new byte[200_000];
        com.esotericsoftware.kryo.Kryo k = new com.esotericsoftware.kryo.Kryo();
        KryoBombProbe.register(k);
        int id = k.getRegistration(ArrayList.class).getId() + 2;
        for (int i = 0; i + 1 < deep.length; i += 2) {
            deep[i] = (byte) id;
            deep[i + 1] = 2; // a list of one element, the next list
        }
        assertThatThrownBy(() -> codec.decode(deep, Object.class)).isInstanceOf(CodecException.class);
    }

    private static List<String> probe(byte[]... bodies) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-Xmx48m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KryoBombProbe.class.getName());
        for (byte[] body : bodies) {
            cmd.add(Base64.getEncoder().encodeToString(body));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println("[kryo-bomb probe, -Xmx48m]\n" + out);
        return out.lines().filter(l -> !l.startsWith("WARNING")).toList();
    }
}
