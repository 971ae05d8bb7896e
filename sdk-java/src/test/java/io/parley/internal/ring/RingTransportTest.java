package io.parley.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.parley.internal.ring.RingFile.Direction;
import io.parley.testutil.RingPair;
import io.parley.internal.ring.CorruptTransportException;
import io.parley.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The ring transport's byte stream, wake-ups, validation and death rules (SPEC §9.4), on both ends
 * of a real ring in this JVM.
 *
 * <p>The stress case runs {@value #DEFAULT_STRESS} messages each way in CI; the full run of the
 * issue is {@code ./mvnw -B -o -pl sdk-java test -Dtest=RingTransportTest#stress*
 * -Dsurefire.failIfNoSpecifiedTests=false -Dparley.ring.stress=10000000}.
 */
class RingTransportTest {
    private static final int CAP = 64 * 1024;
    private static final int DEFAULT_STRESS = 1500;

    @Test
    void aWaitThatRunsOutWithRecordsAndNoDoorbellCountsALostWakeUp() throws Exception {
        RingPair p = RingPair.open(CAP, Duration.ZERO);
        try {
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.child.read(new byte[16], 0, 16, TimeUnit.SECONDS.toNanos(5));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            int sleepAt = Direction.PARENT_TO_CHILD.base() + RingFile.CONSUMER_SLEEP;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((p.file.header().getIntVolatile(sleepAt) & 1) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(p.file.header().getIntVolatile(sleepAt) & 1).as("the child announced sleep").isEqualTo(1);
            // a producer that breaks §9.4: it commits a record and never rings the sleeping consumer
            org.agrona.concurrent.UnsafeBuffer quiet = new org.agrona.concurrent.UnsafeBuffer(new byte[] {1, 2, 3});
            assertThat(p.file.ring(Direction.PARENT_TO_CHILD).write(RingFile.TYPE_DATA, quiet, 0, 3)).isTrue();
            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(3);
            assertThat(((RingTransport) p.child).lostWakeups()).isEqualTo(1);
            assertThat(p.parent.lostWakeups()).isZero();
        } finally {
            p.parent.close();
            p.child.close();
        }
    }

    @Test
    void stressBothWaysAtOnceRandomSizesUpToTwiceTheRingNothingLostOrCorruptedNoLostWakeUp() throws Exception {
        int count = Integer.getInteger("parley.ring.stress", DEFAULT_STRESS);
        // spin 0: every empty or full ring goes through announce, fence, re-check, park and the doorbell
        RingPair p = RingPair.open(CAP, Duration.ZERO);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            byte[] noise = new byte[4 * CAP];
            new SplittableRandom(1).nextBytes(noise);
            CompletableFuture<long[]> aToB = CompletableFuture.supplyAsync(() -> send(p.parent, noise, count, 11), pool);
            CompletableFuture<long[]> bToA = CompletableFuture.supplyAsync(() -> send(p.child, noise, count, 12), pool);
            CompletableFuture<long[]> readByChild = CompletableFuture.supplyAsync(() -> receive(p.child, count, 13), pool);
            CompletableFuture<long[]> readByParent = CompletableFuture.supplyAsync(() -> receive(p.parent, count, 14), pool);
            long timeout = 60 + count / 2000;
            assertThat(readByChild.get(timeout, TimeUnit.SECONDS)).containsExactly(aToB.get(timeout, TimeUnit.SECONDS));
            assertThat(readByParent.get(timeout, TimeUnit.SECONDS)).containsExactly(bToA.get(timeout, TimeUnit.SECONDS));
            assertThat(p.parent.lostWakeups()).isZero();
            assertThat(((RingTransport) p.child).lostWakeups()).isZero();
        } finally {
            pool.shutdownNow();
            p.parent.close();
            p.child.close();
        }
    }

    /** Writes {@code count} messages [u32 length][u32 crc][payload], sizes 0..2×capacity; returns {count, bytes, crc sum}. */
    private static long[] send(Transport t, byte[] noise, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        long bytes = 0;
        long sum = 0;
        try {
            for (int i = 0; i < count; i++) {
                int size = r.nextInt(8) == 0 ? r.nextInt(2 * CAP + 1) : r.nextInt(512);
                int from = r.nextInt(noise.length - size + 1);
                crc.reset();
                crc.update(noise, from, size);
                head.clear();
                head.putInt(size).putInt((int) crc.getValue());
                t.write(head.array(), 0, 8);
                t.write(noise, from, size);
                if (r.nextInt(4) == 0 || i == count - 1) {
                    t.flush();
                }
                bytes += size;
                sum += crc.getValue();
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        return new long[] {count, bytes, sum};
    }

    private static long[] receive(Transport t, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] buf = new byte[2 * CAP + 8];
        CRC32 crc = new CRC32();
        long bytes = 0;
        long sum = 0;
        try {
            for (int i = 0; i < count; i++) {
                readFully(t, buf, 8, r);
                ByteBuffer head = ByteBuffer.wrap(buf, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
                int size = head.getInt();
                int expected = head.getInt();
                assertThat(size).isBetween(0, 2 * CAP);
                readFully(t, buf, size, r);
                crc.reset();
                crc.update(buf, 0, size);
                assertThat((int) crc.getValue()).as("message %d", i).isEqualTo(expected);
                bytes += size;
                sum += crc.getValue();
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        return new long[] {count, bytes, sum};
    }

    /** Reads exactly {@code n} bytes in random-sized pieces (small reads exercise the staging of big records). */
    private static void readFully(Transport t, byte[] buf, int n, SplittableRandom r) throws IOException {
        int at = 0;
        while (at < n) {
            int want = Math.min(n - at, 1 + r.nextInt(r.nextBoolean() ? 64 : 40_000));
            int got = t.read(buf, at, want);
            if (got < 0) {
                throw new IOException("end of stream after " + at + " of " + n + " bytes");
            }
            at += got;
        }
    }

    @Test
    void aCommittedRecordLongerThanTheRingIsAProtocolErrorNotAHang() throws Exception {
        corruptAndExpect(b -> {
            b.putInt(4, 1);
            b.putIntRelease(0, 4 * CAP);
        }, 8, "length");
    }

    @Test
    void anUnknownRecordTypeIsAProtocolError() throws Exception {
        corruptAndExpect(b -> {
            b.putInt(4, 7);
            b.putIntRelease(0, 16);
        }, 16, "type 7");
    }

    @Test
    void aPaddingRecordThatJumpsPastTheTailIsAProtocolError() throws Exception {
        corruptAndExpect(b -> {
            b.putInt(4, -1);
            b.putIntRelease(0, 4096);
        }, 16, "past tail");
    }

    @Test
    void aTailMoreThanTheCapacityAheadOfHeadIsAProtocolError() throws Exception {
        corruptAndExpect(b -> { }, 4L * CAP, "positions out of range");
    }

    private interface Corruption {
        void apply(AtomicBuffer ring);
    }

    /** Writes garbage into ring B (child to parent) through the parent's mapping, as a broken child would. */
    private static void corruptAndExpect(Corruption c, long tail, String message) throws Exception {
        RingPair p = RingPair.open(CAP, Duration.ofNanos(20_000));
        try {
            AtomicBuffer b = p.file.ring(Direction.CHILD_TO_PARENT).buffer();
            b.putLongRelease(CAP + RingBufferDescriptor.TAIL_POSITION_OFFSET, tail);
            c.apply(b);
            byte[] into = new byte[1024];
            assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                    assertThatThrownBy(() -> p.parent.read(into, 0, into.length))
                            .isInstanceOf(CorruptTransportException.class)
                            .hasMessageContaining(message));
        } finally {
            p.parent.close();
            p.child.close();
        }
    }

    @Test
    void aProducerKilledMidRecordLeavesNothingToReadAndItsEndIsEndOfStream() throws Exception {
        RingPair p = RingPair.open(CAP, Duration.ofNanos(20_000));
        try {
            p.child.write(new byte[] {1, 2, 3}, 0, 3);
            p.child.flush();
            // a claimed, uncommitted record behind it: negative length, tail moved
            AtomicBuffer b = p.file.ring(Direction.CHILD_TO_PARENT).buffer();
            b.putIntRelease(8, -108);
            b.putLongRelease(CAP + RingBufferDescriptor.TAIL_POSITION_OFFSET, 8 + 112);
            byte[] into = new byte[64];
            assertThat(p.parent.read(into, 0, 64)).isEqualTo(3);
            CompletableFuture<Integer> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.parent.read(into, 0, 64);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(100);
            assertThat(next).isNotDone();
            p.child.close(); // the socket ends as when the child dies
            assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
        } finally {
            p.parent.close();
        }
    }

    @Test
    void aConsumerThatDiesWhileTheProducerWaitsForRoomFailsTheWrite() throws Exception {
        RingPair p = RingPair.open(CAP, Duration.ofNanos(20_000));
        try {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    byte[] chunk = new byte[4096];
                    while (true) {
                        p.parent.write(chunk, 0, chunk.length);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(200);
            assertThat(writer).as("the ring is full, the writer waits").isNotDone();
            p.child.close();
            assertThatThrownBy(() -> writer.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(IOException.class).rootCause().hasMessageContaining("socket");
        } finally {
            p.parent.close();
        }
    }

    @Test
    void anOrderlyCloseIsACloseRecordThenEndOfStreamAndTheStateWordSaysClosed() throws Exception {
        RingPair p = RingPair.open(CAP, Duration.ofNanos(20_000));
        try {
            p.parent.write(new byte[] {9}, 0, 1);
            p.parent.shutdownOutput();
            assertThat(p.file.header().getIntVolatile(Direction.PARENT_TO_CHILD.base() + RingFile.PRODUCER_STATE))
                    .isEqualTo(RingFile.STATE_CLOSED);
            byte[] into = new byte[8];
            assertThat(p.child.read(into, 0, 8)).isEqualTo(1);
            assertThat(p.child.read(into, 0, 8)).isEqualTo(-1);
            assertThatThrownBy(() -> p.parent.write(into, 0, 1)).isInstanceOf(IOException.class);
        } finally {
            p.parent.close();
            p.child.close();
        }
    }

    @Test
    void aTimedReadOnAnEmptyRingReturnsZero() throws Exception {
        RingPair p = RingPair.open(CAP, Duration.ZERO);
        try {
            assertThat(p.parent.read(new byte[8], 0, 8, TimeUnit.MILLISECONDS.toNanos(50))).isZero();
        } finally {
            p.parent.close();
            p.child.close();
        }
    }
}
