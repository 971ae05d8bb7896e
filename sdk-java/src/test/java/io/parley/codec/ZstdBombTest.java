package io.parley.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Zstd bombs and declared-size lies (issue 12, SPEC §10.2, §13): whatever a body declares or
 * expands to, decompression allocates no more than max_message (plus one output slice) of heap,
 * and a window the decoder would have to allocate beyond max_message is refused before decoding.
 * Heap allocation is measured with the JVM's per-thread allocation counter.
 */
class ZstdBombTest {
    private static final long MAX = 5L * 1024 * 1024 + 1;
    /** What decoding may allocate beyond max_message: a slice, zstd-jni's input buffer, bookkeeping. */
    private static final long SLACK = 1024 * 1024;

    @BeforeAll
    static void zstdLoads() {
        assumeTrue(ZstdCompression.isAvailable(), "zstd-jni's native library does not load here");
        assumeTrue(allocationCounter() != null, "this JVM does not count allocated bytes per thread");
    }

    /**
     * The JVM's per-thread allocation counter ({@code com.sun.management.ThreadMXBean}), reached by
     * reflection: the test module does not read jdk.management. Null when unsupported.
     */
    private static java.lang.reflect.Method allocationCounter() {
        try {
            Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
            Object bean = ManagementFactory.getThreadMXBean();
            if (!type.isInstance(bean) || !(Boolean) type.getMethod("isThreadAllocatedMemoryEnabled").invoke(bean)) {
                return null;
            }
            return type.getMethod("getThreadAllocatedBytes", long.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @SuppressWarnings("deprecation") // Thread.getId(): threadId() is Java 19+
    private static long allocatedSoFar() throws Exception {
        return (Long) allocationCounter().invoke(ManagementFactory.getThreadMXBean(), Thread.currentThread().getId());
    }

    /** A zstd frame of {@code size} zero bytes written as a stream, so that no content size is declared. */
    private static byte[] streamedZeros(int size, int windowLog) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZstdOutputStream out = new ZstdOutputStream(bytes, 3)) {
            out.setWindowLog(windowLog);
            byte[] zeros = new byte[1 << 16];
            for (int left = size; left > 0; left -= zeros.length) {
                out.write(zeros, 0, Math.min(left, zeros.length));
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void aBombWithoutDeclaredSizeStopsAtMaxMessageWithoutAllocatingBeyondIt() throws Exception {
        byte[] bomb = streamedZeros(64 << 20, 20);
        assertThat(ZstdCompression.declaredContentSize(bomb)).isEqualTo(-1);
        assertThat(bomb.length).isLessThan(64 * 1024);
        ZstdCompression.INSTANCE.decompress(Zstd.compress(new byte[10], 3), MAX); // warm up the classes
        long before = allocatedSoFar();
        assertThatThrownBy(() -> ZstdCompression.INSTANCE.decompress(bomb, MAX))
                .isInstanceOf(CompressionLimitException.class)
                .hasMessageContaining("max_message");
        long allocated = allocatedSoFar() - before;
        assertThat(allocated).as("heap allocated while refusing a 64 MiB bomb with max_message %d", MAX)
                .isLessThanOrEqualTo(MAX + SLACK);
    }

    @Test
    void aBodyUpToMaxMessageArrivesIntactWithinTwiceItsSize() throws Exception {
        int size = 4 << 20;
        byte[] body = streamedZeros(size, 20);
        long before = allocatedSoFar();
        byte[] out = ZstdCompression.INSTANCE.decompress(body, MAX);
        long allocated = allocatedSoFar() - before;
        assertThat(out).hasSize(size);
        assertThat(out[size - 1]).isZero();
        assertThat(allocated).isLessThanOrEqualTo(2L * size + SLACK);
    }

    @Test
    void aDeclaredSizeThatLiesIsRefusedWithinTheDeclaredAllocation() throws Exception {
        byte[] content = new byte[1000];
        Arrays.fill(content, (byte) 'x');
        byte[] honest = Zstd.compress(content, 3);
        assertThat(ZstdCompression.declaredContentSize(honest)).isEqualTo(1000);
        // the same frame, declaring 10 bytes (Frame_Content_Size is the header's last field)
        byte[] lie = honest.clone();
        int fcsAt = fcsOffset(lie);
        int fcsSize = fcsSize(lie);
        assertThat(fcsSize).isEqualTo(2); // 256..65791: stored as size - 256
        lie[4] = (byte) ((lie[4] & 0x3F) | 0x00 | 0x20); // flag 0 + single segment: 1-byte size
        byte[] shorter = new byte[lie.length - 1];
        System.arraycopy(lie, 0, shorter, 0, fcsAt);
        shorter[fcsAt] = 10;
        System.arraycopy(lie, fcsAt + 2, shorter, fcsAt + 1, lie.length - fcsAt - 2);
        assertThat(ZstdCompression.declaredContentSize(shorter)).isEqualTo(10);
        assertThatThrownBy(() -> ZstdCompression.INSTANCE.decompress(shorter, MAX)).isInstanceOf(CodecException.class);
        assertThat(ZstdCompression.INSTANCE.decompress(honest, MAX)).isEqualTo(content);
    }

    @Test
    void aWindowBeyondMaxMessageWithoutDeclaredSizeIsRefusedBeforeDecoding() throws Exception {
        // 100 bytes of content, but a 2 MiB window: the decoder would allocate the whole window.
        byte[] wide = streamedZeros(100, 21);
        assertThat(ZstdCompression.declaredContentSize(wide)).isEqualTo(-1);
        assertThat(ZstdCompression.windowSize(wide)).isEqualTo(2L << 20);
        assertThatThrownBy(() -> ZstdCompression.INSTANCE.decompress(wide, 64 * 1024))
                .isInstanceOf(CompressionLimitException.class)
                .hasMessageContaining("window");
        // the same frame is fine for a receiver whose max_message holds the window
        assertThat(ZstdCompression.INSTANCE.decompress(wide, 4 << 20)).hasSize(100);
    }

    @Test
    void windowLogFollowsMaxMessage() {
        assertThat(ZstdCompression.windowLogFor(1)).isEqualTo(10);
        assertThat(ZstdCompression.windowLogFor(64 * 1024)).isEqualTo(16);
        assertThat(ZstdCompression.windowLogFor(64 * 1024 + 1)).isEqualTo(17);
        assertThat(ZstdCompression.windowLogFor(1L << 40)).isEqualTo(27);
    }

    private static int fcsOffset(byte[] d) {
        int fhd = d[4] & 0xFF;
        return 5 + ((fhd & 0x20) != 0 ? 0 : 1) + new int[] {0, 1, 2, 4}[fhd & 3];
    }

    private static int fcsSize(byte[] d) {
        int fhd = d[4] & 0xFF;
        int flag = fhd >>> 6;
        return flag == 0 ? ((fhd & 0x20) != 0 ? 1 : 0) : 1 << flag;
    }
}
