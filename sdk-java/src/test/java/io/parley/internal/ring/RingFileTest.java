package io.parley.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.internal.ring.RingFile.Direction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

/** The ring file's bytes are SPEC §9.4's: file header, Agrona's trailer and records, at the offsets the spec gives. */
class RingFileTest {
    private static final int CAP = 64 * 1024;

    @Test
    void agronaConstantsAreTheOnesTheSpecWritesDown() {
        assertThat(RingBufferDescriptor.TRAILER_LENGTH).isEqualTo(768);
        assertThat(RingBufferDescriptor.TAIL_POSITION_OFFSET).isEqualTo(128);
        assertThat(RingBufferDescriptor.HEAD_CACHE_POSITION_OFFSET).isEqualTo(256);
        assertThat(RingBufferDescriptor.HEAD_POSITION_OFFSET).isEqualTo(384);
        assertThat(RingBufferDescriptor.CORRELATION_COUNTER_OFFSET).isEqualTo(512);
        assertThat(RingBufferDescriptor.CONSUMER_HEARTBEAT_OFFSET).isEqualTo(640);
        assertThat(RecordDescriptor.HEADER_LENGTH).isEqualTo(8);
        assertThat(RecordDescriptor.ALIGNMENT).isEqualTo(8);
        assertThat(RecordDescriptor.lengthOffset(0)).isEqualTo(0);
        assertThat(RecordDescriptor.typeOffset(0)).isEqualTo(4);
    }

    @Test
    void theFileHeaderAndBothRingsSitWhereSection94SaysAndARecordHasAgronasBytes() throws IOException {
        long session = 0x1122334455667788L;
        try (RingFile f = RingFile.create(RingFile.SHM, CAP, session)) {
            assertThat(RingFile.stride(CAP)).isEqualTo(CAP + 4096);
            assertThat(Files.size(f.path())).isEqualTo(4096 + 2L * (CAP + 4096));
            assertThat(f.path().getFileName().toString()).matches("parley-" + ProcessHandle.current().pid() + "-\\d+-[0-9a-f]{32}");
            OneToOneRingBuffer a = f.ring(Direction.PARENT_TO_CHILD);
            OneToOneRingBuffer b = f.ring(Direction.CHILD_TO_PARENT);
            assertThat(a.maxMsgLength()).isEqualTo(CAP / 8);
            byte[] payload = "hello ring".getBytes(StandardCharsets.US_ASCII);
            assertThat(a.write(RingFile.TYPE_DATA, new UnsafeBuffer(payload), 0, payload.length)).isTrue();
            assertThat(b.write(RingFile.TYPE_CLOSE, new UnsafeBuffer(new byte[0]), 0, 0)).isTrue();

            ByteBuffer raw = ByteBuffer.allocate((int) Files.size(f.path())).order(ByteOrder.LITTLE_ENDIAN);
            try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.READ)) {
                while (raw.hasRemaining() && ch.read(raw) > 0) {
                    // read all
                }
            }
            assertThat(new String(raw.array(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PRLR");
            assertThat(raw.getInt(0x000)).isEqualTo(0x524C5250);
            assertThat(raw.getShort(0x004)).isEqualTo((short) 2);
            assertThat(raw.getShort(0x006)).isEqualTo((short) 0);
            assertThat(raw.getInt(0x008)).isEqualTo(4096);
            assertThat(raw.getInt(0x00C)).isZero();
            assertThat(raw.getLong(0x010)).isEqualTo(CAP);
            assertThat(raw.getInt(0x018)).isEqualTo((int) ProcessHandle.current().pid());
            assertThat(raw.getInt(0x01C)).isEqualTo(768);
            assertThat(raw.getLong(0x020)).isEqualTo(session);
            assertThat(raw.getLong(0x028)).isEqualTo(4096);
            assertThat(raw.getLong(0x030)).isEqualTo(4096 + CAP + 4096);
            assertThat(raw.getLong(0x038)).isEqualTo(4096 + 2L * (CAP + 4096));

            int ringA = 4096;
            assertThat(raw.getInt(ringA)).as("record length = header + payload").isEqualTo(8 + payload.length);
            assertThat(raw.getInt(ringA + 4)).as("type DATA").isEqualTo(1);
            assertThat(new String(raw.array(), ringA + 8, payload.length, StandardCharsets.US_ASCII)).isEqualTo("hello ring");
            assertThat(raw.getLong(ringA + CAP + 128)).as("ring A tail: one aligned record").isEqualTo(24);
            assertThat(raw.getLong(ringA + 24)).as("the next header is pre-zeroed").isZero();
            int ringB = 4096 + CAP + 4096;
            assertThat(raw.getInt(ringB)).isEqualTo(8);
            assertThat(raw.getInt(ringB + 4)).as("type CLOSE").isEqualTo(2);
            assertThat(raw.getLong(ringB + CAP + 128)).as("ring B tail").isEqualTo(8);
            assertThat(raw.getLong(ringB + CAP + 384)).as("ring B head").isZero();

            // consuming moves head (trailer +384) by the aligned record
            assertThat(a.read((type, buf, index, length) -> { })).isEqualTo(1);
            assertThat(f.header().getLong(0)).isNotZero();
            try (RingFile child = RingFile.attach(f.path(), session)) {
                UnsafeBuffer ringABytes = (UnsafeBuffer) child.ring(Direction.PARENT_TO_CHILD).buffer();
                assertThat(ringABytes.getLong(CAP + 384)).isEqualTo(24);
            }
        }
    }

    @Test
    void theDirectionWordsAreEachOnTheirOwn128ByteLine() {
        assertThat(Direction.PARENT_TO_CHILD.base()).isEqualTo(0x080);
        assertThat(Direction.CHILD_TO_PARENT.base()).isEqualTo(0x280);
        assertThat(new int[] {RingFile.CONSUMER_SLEEP, RingFile.PRODUCER_WAIT, RingFile.PRODUCER_STATE, RingFile.CONSUMER_STATE})
                .containsExactly(0x000, 0x080, 0x100, 0x180);
    }

    @Test
    void theFileIsMode0600AndEverythingIsUnlinkedOnceTheChildAttached() throws Exception {
        RingParent ring = RingParent.open(RingFile.SHM, CAP);
        Path file = ring.file().path();
        Path socket = ring.socketPath();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
        java.util.concurrent.CompletableFuture<io.parley.transport.Transport> child = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return io.parley.transport.SharedMemory.attach(ring.environment(), java.time.Duration.ZERO);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
        RingHello.Answer a = ring.awaitHello(java.util.concurrent.TimeUnit.SECONDS.toNanos(10), () -> true);
        assertThat(a.declined()).as("declined: %s", a.reason()).isFalse();
        assertThat(a.childPid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(file).doesNotExist();
        assertThat(socket).doesNotExist();
        assertThat(socket.getParent()).doesNotExist();
        child.get().close();
        a.channel().close();
    }

    @Test
    void attachRefusesAnotherSessionIdAndAForeignFile() throws IOException {
        try (RingFile f = RingFile.create(RingFile.SHM, CAP, 42)) {
            assertThatThrownBy(() -> RingFile.attach(f.path(), 43)).isInstanceOf(IOException.class).hasMessageContaining("session id");
        }
        Path junk = Files.createTempFile("not-a-ring", "");
        try {
            Files.write(junk, new byte[8192]);
            assertThatThrownBy(() -> RingFile.attach(junk, 1)).isInstanceOf(IOException.class).hasMessageContaining("magic");
        } finally {
            Files.delete(junk);
        }
    }

    @Test
    void aStaleFileOfADeadCreatorIsSweptAndALiveOneIsKept() throws IOException {
        Path dead = RingFile.SHM.resolve("parley-2147483646-1-00000000000000000000000000000000");
        Files.write(dead, new byte[1]);
        try (RingFile live = RingFile.create(RingFile.SHM, CAP, 7)) {
            assertThat(dead).doesNotExist();
            RingFile.sweepStale(RingFile.SHM);
            assertThat(live.path()).exists();
        } finally {
            Files.deleteIfExists(dead);
        }
    }

    @Test
    void aCapacityThatIsNoPowerOfTwoIsRefused() {
        assertThatThrownBy(() -> RingFile.create(RingFile.SHM, 100_000, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
    }
}
