package io.parley.internal.ring;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The shared-memory ring file of SPEC §9.4: a 4096-byte file header, then two Agrona one-to-one
 * ring buffers (ring A parent → child, ring B child → parent), each {@code capacity} data bytes
 * plus Agrona's 768-byte trailer, each starting on a 4096-byte boundary. All integers are
 * little-endian (Agrona writes native order; {@link #checkSupported()} refuses big-endian hosts).
 *
 * <pre>
 *  0x0000           0x1000                          0x1000 + S             0x1000 + 2S
 *  +----------------+---------------+---------+-----+---------------+---------+-----+
 *  | file header    | ring A data   | ring A  | pad | ring B data   | ring B  | pad |
 *  | (4096 bytes)   | (capacity)    | trailer |     | (capacity)    | trailer |     |
 *  |                |               | (768)   |     |               | (768)   |     |
 *  +----------------+---------------+---------+-----+---------------+---------+-----+
 *    S = capacity + 4096 (capacity + TRAILER_LENGTH rounded up to a page)
 *
 *  file header                         per direction (base 0x080 for ring A, 0x280 for ring B),
 *  0x000 u32 magic "PRLR" (last)       each word alone on a 128-byte line:
 *  0x004 u16 major 2, u16 minor 0      +0x000 u32 consumer sleep sequence   (consumer)
 *  0x008 u32 header size 4096          +0x080 u32 producer wait sequence    (producer)
 *  0x00C u32 flags 0                   +0x100 u32 producer state 0/1/2      (producer)
 *  0x010 u64 capacity                  +0x180 u32 consumer state 0/1/2      (consumer)
 *  0x018 u32 creator pid
 *  0x01C u32 trailer length 768
 *  0x020 u64 session id
 *  0x028 u64 ring A offset, 0x030 u64 ring B offset, 0x038 u64 file size
 * </pre>
 *
 * <p>The creator (the parent) makes the file with {@code O_EXCL} and mode 0600 under an
 * unguessable name, writes every byte (a full tmpfs fails here, not with a bus error later) and
 * writes the magic last. The mapping is never unmapped explicitly: another thread may still be in
 * a read when the transport closes, and touching an unmapped page would crash the JVM; the
 * garbage collector releases it once the transport is gone (the name is unlinked long before).
 */
public final class RingFile implements Closeable {
    /** "PRLR" read as a little-endian u32. */
    public static final int MAGIC = 0x524C5250;
    public static final int VERSION_MAJOR = 2;
    public static final int VERSION_MINOR = 0;
    public static final int HEADER_SIZE = 4096;
    public static final int MAGIC_OFFSET = 0x000;
    public static final int VERSION_OFFSET = 0x004;
    public static final int HEADER_SIZE_OFFSET = 0x008;
    public static final int FLAGS_OFFSET = 0x00C;
    public static final int CAPACITY_OFFSET = 0x010;
    public static final int CREATOR_PID_OFFSET = 0x018;
    public static final int TRAILER_LENGTH_OFFSET = 0x01C;
    public static final int SESSION_ID_OFFSET = 0x020;
    public static final int RING_A_OFFSET_OFFSET = 0x028;
    public static final int RING_B_OFFSET_OFFSET = 0x030;
    public static final int FILE_SIZE_OFFSET = 0x038;
    /** Offsets of a direction's words from its base ({@link Direction#base()}). */
    public static final int CONSUMER_SLEEP = 0x000;
    public static final int PRODUCER_WAIT = 0x080;
    public static final int PRODUCER_STATE = 0x100;
    public static final int CONSUMER_STATE = 0x180;
    /** Values of the state words. */
    public static final int STATE_OPEN = 0;
    public static final int STATE_CLOSED = 1;
    public static final int STATE_ABORTED = 2;
    public static final int MIN_CAPACITY = 64 * 1024;
    public static final int MAX_CAPACITY = 512 * 1024 * 1024;
    public static final int DEFAULT_CAPACITY = 1024 * 1024;
    /** Record types (Agrona msgTypeId); PADDING is Agrona's own -1. */
    public static final int TYPE_DATA = 1;
    public static final int TYPE_CLOSE = 2;
    /** The default directory of ring files. */
    public static final Path SHM = Path.of("/dev/shm");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PAGE = 4096;

    /** The two rings: A carries the parent's frames to the child, B the child's to the parent. */
    public enum Direction {
        PARENT_TO_CHILD(0x080), CHILD_TO_PARENT(0x280);

        private final int base;

        Direction(int base) {
            this.base = base;
        }

        /** Offset in the file header of this direction's sleep, wait and state words. */
        public int base() {
            return base;
        }
    }

    private final Path path;
    private final int capacity;
    private final long sessionId;
    private final UnsafeBuffer header;
    private final OneToOneRingBuffer ringA;
    private final OneToOneRingBuffer ringB;
    private volatile boolean unlinked;

    private RingFile(Path path, MappedByteBuffer map, int capacity, long sessionId) {
        this.path = path;
        this.capacity = capacity;
        this.sessionId = sessionId;
        this.header = new UnsafeBuffer(map, 0, HEADER_SIZE);
        int length = capacity + RingBufferDescriptor.TRAILER_LENGTH;
        this.ringA = new OneToOneRingBuffer(new UnsafeBuffer(map, (int) ringOffset(capacity, Direction.PARENT_TO_CHILD), length));
        this.ringB = new OneToOneRingBuffer(new UnsafeBuffer(map, (int) ringOffset(capacity, Direction.CHILD_TO_PARENT), length));
    }

    /** Distance from one ring to the next: capacity plus the trailer, rounded up to a page. */
    public static long stride(int capacity) {
        return ((long) capacity + RingBufferDescriptor.TRAILER_LENGTH + PAGE - 1) & -PAGE;
    }

    /** Where a ring's Agrona buffer (data, then trailer) starts in the file. */
    public static long ringOffset(int capacity, Direction d) {
        return HEADER_SIZE + (d == Direction.PARENT_TO_CHILD ? 0 : stride(capacity));
    }

    /** The whole file: the header page and two rings. */
    public static long fileSize(int capacity) {
        return HEADER_SIZE + 2 * stride(capacity);
    }

    /**
     * Why rings cannot work in this JVM, if they cannot: a big-endian host, or Agrona's buffers
     * without access to {@code jdk.internal.misc} (Agrona 2 needs the JVM option {@code
     * --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}, or {@code =org.agrona} on the
     * module path).
     */
    public static Optional<String> checkSupported() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            return Optional.of("this host is big-endian; the ring layout (SPEC §9.4) is little-endian");
        }
        try {
            new UnsafeBuffer(ByteBuffer.allocateDirect(64)).putLongVolatile(0, 1);
            return Optional.empty();
        } catch (LinkageError e) {
            return Optional.of("Agrona cannot reach jdk.internal.misc.Unsafe (" + e.getClass().getSimpleName()
                    + "); start the JVM with --add-exports java.base/jdk.internal.misc=ALL-UNNAMED"
                    + " (or =org.agrona on the module path)");
        }
    }

    /** A new random session id (never 0). */
    public static long newSessionId() {
        long id;
        do {
            id = RANDOM.nextLong();
        } while (id == 0);
        return id;
    }

    /**
     * Creates, zero-fills and maps a new ring file in {@code dir} (SPEC §9.4 steps 1–2): O_EXCL,
     * mode 0600, name {@code parley-<pid>-<startTime>-<32 hex random>}, magic written last.
     *
     * @throws IOException when the file cannot be made or filled (no space: "No space left on device")
     */
    public static RingFile create(Path dir, int capacity, long sessionId) throws IOException {
        checkCapacity(capacity);
        sweepStale(dir);
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        Path path = dir.resolve(namePrefix(ProcessHandle.current().pid()) + startTime(ProcessHandle.current()) + "-"
                + HexFormat.of().formatHex(random));
        long size = fileSize(capacity);
        MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(path, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            try {
                ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                for (long at = 0; at < size; ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
                    at += ch.write(zeros, at);
                }
                ch.force(false);
                map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(path);
                throw new IOException("cannot create the shared-memory ring " + path + " (" + size + " bytes): " + e.getMessage()
                        + "; free space in " + dir + " or choose a smaller ring capacity", e);
            }
        }
        RingFile file = new RingFile(path, map, capacity, sessionId);
        UnsafeBuffer h = file.header;
        h.putShort(VERSION_OFFSET, (short) VERSION_MAJOR);
        h.putShort(VERSION_OFFSET + 2, (short) VERSION_MINOR);
        h.putInt(HEADER_SIZE_OFFSET, HEADER_SIZE);
        h.putInt(FLAGS_OFFSET, 0);
        h.putLong(CAPACITY_OFFSET, capacity);
        h.putInt(CREATOR_PID_OFFSET, (int) ProcessHandle.current().pid());
        h.putInt(TRAILER_LENGTH_OFFSET, RingBufferDescriptor.TRAILER_LENGTH);
        h.putLong(SESSION_ID_OFFSET, sessionId);
        h.putLong(RING_A_OFFSET_OFFSET, ringOffset(capacity, Direction.PARENT_TO_CHILD));
        h.putLong(RING_B_OFFSET_OFFSET, ringOffset(capacity, Direction.CHILD_TO_PARENT));
        h.putLong(FILE_SIZE_OFFSET, size);
        h.putIntRelease(MAGIC_OFFSET, RingFile.MAGIC);
        return file;
    }

    /**
     * Maps an existing ring file and checks every header field against {@code sessionId} and the
     * file's real size (SPEC §9.4 step 4).
     *
     * @throws IOException naming the first field that does not match
     */
    public static RingFile attach(Path path, long sessionId) throws IOException {
        MappedByteBuffer map;
        long size;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            size = ch.size();
            if (size < HEADER_SIZE) {
                throw new IOException("ring file " + path + " is too short (" + size + " bytes)");
            }
            map = ch.map(FileChannel.MapMode.READ_WRITE, 0, Math.min(size, Integer.MAX_VALUE));
        }
        UnsafeBuffer h = new UnsafeBuffer(map, 0, HEADER_SIZE);
        check(h.getIntVolatile(MAGIC_OFFSET) == MAGIC, path, "magic is not PRLR");
        check(h.getShort(VERSION_OFFSET) == VERSION_MAJOR, path, "layout version " + h.getShort(VERSION_OFFSET) + " is not "
                + VERSION_MAJOR);
        check(h.getInt(HEADER_SIZE_OFFSET) == HEADER_SIZE, path, "header size is not 4096");
        long cap = h.getLong(CAPACITY_OFFSET);
        check(cap >= MIN_CAPACITY && cap <= MAX_CAPACITY && Long.bitCount(cap) == 1, path, "capacity " + cap
                + " is not a power of two in 64 KiB..512 MiB");
        int capacity = (int) cap;
        check(h.getInt(TRAILER_LENGTH_OFFSET) == RingBufferDescriptor.TRAILER_LENGTH, path, "trailer length is not 768");
        check(h.getLong(SESSION_ID_OFFSET) == sessionId, path, "session id does not match");
        check(h.getLong(RING_A_OFFSET_OFFSET) == ringOffset(capacity, Direction.PARENT_TO_CHILD), path, "ring A offset is wrong");
        check(h.getLong(RING_B_OFFSET_OFFSET) == ringOffset(capacity, Direction.CHILD_TO_PARENT), path, "ring B offset is wrong");
        check(h.getLong(FILE_SIZE_OFFSET) == fileSize(capacity) && size == fileSize(capacity), path, "file size " + size
                + " does not match capacity " + capacity);
        return new RingFile(path, map, capacity, sessionId);
    }

    private static void check(boolean ok, Path path, String what) throws IOException {
        if (!ok) {
            throw new IOException("invalid ring file " + path + ": " + what + " (SPEC §9.4)");
        }
    }

    private static void checkCapacity(int capacity) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two from 64 KiB to 512 MiB, not " + capacity);
        }
    }

    private static String namePrefix(long pid) {
        return "parley-" + pid + "-";
    }

    private static long startTime(ProcessHandle p) {
        return p.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    }

    /**
     * Removes ring files left by crashed parents: {@code parley-<pid>-<start>-*} whose creator is
     * not alive, or is alive with another start time (a reused pid). Errors are ignored.
     */
    public static void sweepStale(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "parley-*-*-*")) {
            for (Path f : files) {
                String[] parts = f.getFileName().toString().split("-");
                if (parts.length != 4) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(parts[1]);
                    long start = Long.parseLong(parts[2]);
                    Optional<ProcessHandle> owner = ProcessHandle.of(pid);
                    if (owner.isEmpty() || (start != 0 && startTime(owner.get()) != 0 && startTime(owner.get()) != start)) {
                        Files.deleteIfExists(f);
                    }
                } catch (NumberFormatException | IOException | SecurityException e) {
                    // not ours, or already gone
                }
            }
        } catch (IOException | RuntimeException e) {
            // no such directory, no permission: nothing to sweep
        }
    }

    /** Removes the file's name (SPEC §9.4 step 5); the mapping stays valid. Idempotent. */
    public void unlink() throws IOException {
        if (!unlinked) {
            unlinked = true;
            Files.deleteIfExists(path);
        }
    }

    public Path path() {
        return path;
    }

    public int capacity() {
        return capacity;
    }

    public long sessionId() {
        return sessionId;
    }

    /** The file header page, for the sleep, wait and state words. */
    public UnsafeBuffer header() {
        return header;
    }

    /** The Agrona ring of {@code d}. */
    public OneToOneRingBuffer ring(Direction d) {
        return d == Direction.PARENT_TO_CHILD ? ringA : ringB;
    }

    /** Unlinks the name if still there; the mapping is left to the garbage collector (see the class comment). */
    @Override
    public void close() throws IOException {
        unlink();
    }
}
