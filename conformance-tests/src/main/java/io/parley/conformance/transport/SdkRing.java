package io.parley.conformance.transport;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The shared-memory ring (SPEC §9.4) at the byte level, borrowed from sdk-java by reflection:
 * Agrona's ring protocol, the file header and the doorbell are not worth a third implementation
 * in the runner, but the runner must stay free of SDK types at compile time (it is built and run
 * without the SDK too) and must keep sending hostile bytes, so it uses only the SDK's
 * {@code RingParent} (create the file and socket, await the child's hello) and its
 * {@code RingTransport} as a plain byte pipe: no Session, no frame codec of the SDK is involved.
 *
 * <p>The SDK's classes are taken from the runner's own class path, else from the class path file
 * named by {@code -Dparley.sdk.classpathFile} (the Java peer's, which holds the SDK and Agrona).
 * Agrona needs {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} in the runner's JVM.
 */
public final class SdkRing {
    private static final String PKG = "io.parley.internal.ring.";
    private static final String UNAVAILABLE;
    private static Method open;
    private static Method environment;
    private static Method awaitHello;
    private static Method file;
    private static Method closeParent;
    private static Method declined;
    private static Method reason;
    private static Method channel;
    private static Constructor<?> transport;
    private static Method read;
    private static Method write;
    private static Method flush;
    private static Method shutdownOutput;
    private static Method close;
    private static Method lostWakeups;
    private static Method attach;
    private static Method ringOf;
    private static Method tryClaim;
    private static Object parentToChild;
    private static Path shmDir;

    static {
        String why = null;
        try {
            ClassLoader cl = loader();
            Class<?> parent = Class.forName(PKG + "RingParent", true, cl);
            Class<?> ringFile = Class.forName(PKG + "RingFile", true, cl);
            Class<?> answer = Class.forName(PKG + "RingHello$Answer", true, cl);
            Class<?> ring = Class.forName(PKG + "RingTransport", true, cl);
            Class<?> sdkTransport = Class.forName("io.parley.transport.Transport", true, cl);
            Class<?> sharedMemory = Class.forName("io.parley.transport.SharedMemory", true, cl);
            open = parent.getMethod("open", Path.class, int.class);
            environment = parent.getMethod("environment");
            awaitHello = parent.getMethod("awaitHello", long.class, BooleanSupplier.class);
            file = parent.getMethod("file");
            closeParent = parent.getMethod("close");
            declined = answer.getMethod("declined");
            reason = answer.getMethod("reason");
            channel = answer.getMethod("channel");
            transport = ring.getConstructor(ringFile, boolean.class, SocketChannel.class, String.class, sdkTransport, long.class);
            read = sdkTransport.getMethod("read", byte[].class, int.class, int.class);
            write = sdkTransport.getMethod("write", byte[].class, int.class, int.class);
            flush = sdkTransport.getMethod("flush");
            shutdownOutput = sdkTransport.getMethod("shutdownOutput");
            close = sdkTransport.getMethod("close");
            lostWakeups = ring.getMethod("lostWakeups");
            attach = sharedMemory.getMethod("attach", Map.class, Duration.class);
            shmDir = (Path) ringFile.getField("SHM").get(null);
            Class<?> direction = Class.forName(PKG + "RingFile$Direction", true, cl);
            ringOf = ringFile.getMethod("ring", direction);
            parentToChild = direction.getField("PARENT_TO_CHILD").get(null);
            tryClaim = Class.forName("org.agrona.concurrent.ringbuffer.OneToOneRingBuffer", true, cl).getMethod("tryClaim", int.class, int.class);
            @SuppressWarnings("unchecked")
            Optional<String> unsupported = (Optional<String>) ringFile.getMethod("checkSupported").invoke(null);
            why = unsupported.orElse(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException | IOException e) {
            why = "sdk-java's ring classes (io.parley.internal.ring, with Agrona) are not on the runner's class path and no "
                    + "-Dparley.sdk.classpathFile names them (" + e + ")";
        }
        UNAVAILABLE = why;
    }

    private SdkRing() {
    }

    private static ClassLoader loader() throws IOException {
        ClassLoader own = SdkRing.class.getClassLoader();
        try {
            Class.forName(PKG + "RingParent", false, own);
            return own;
        } catch (ClassNotFoundException e) {
            String f = System.getProperty("parley.sdk.classpathFile", "");
            if (f.isBlank() || !Files.exists(Path.of(f))) throw new IOException("no class path file", e);
            List<URL> urls = new ArrayList<>();
            for (String entry : Files.readString(Path.of(f)).trim().split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) urls.add(Path.of(entry).toUri().toURL());
            }
            return new URLClassLoader(urls.toArray(URL[]::new), own);
        }
    }

    private static Path privateDir;

    /**
     * The runner's ring files live in a 0700 directory of its own on the tmpfs, not beside other
     * processes' {@code parley-*} files: no other parent's sweep (SPEC §9.4 step 6) can touch them.
     * Removed when the runner exits (every file in it is unlinked when its child attaches).
     */
    private static synchronized Path privateDir() throws IOException {
        if (privateDir == null) {
            Path base = Files.isDirectory(shmDir) ? shmDir : Path.of(System.getProperty("java.io.tmpdir"));
            Path d = Files.createTempDirectory(base, "parleyconf.", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var left = Files.list(d)) {
                    for (Path f : left.toList()) Files.deleteIfExists(f);
                    Files.deleteIfExists(d);
                } catch (IOException ignored) {
                    // best effort
                }
            }, "parley-conformance-ring-dir"));
            privateDir = d;
        }
        return privateDir;
    }

    /** Null when the ring can be used here, else why not. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /** A ring file and socket the runner made for one child (SPEC §9.4 steps 1–3). */
    static final class Parent implements AutoCloseable {
        private final Object parent;

        Parent(int capacity) throws IOException {
            parent = call(null, open, privateDir(), capacity);
        }

        @SuppressWarnings("unchecked")
        Map<String, String> environment() throws IOException {
            return (Map<String, String>) call(parent, environment);
        }

        /**
         * Waits for the child's hello (steps 4–5) and returns the byte pipe over the ring; a child
         * that declines the ring is an error here (the shm column must run on the ring).
         */
        Pipe attach(Duration timeout, BooleanSupplier alive, String description) throws IOException {
            Object answer = call(parent, awaitHello, timeout.toNanos(), alive);
            SocketChannel ch = (SocketChannel) call(answer, channel);
            if ((Boolean) call(answer, declined)) {
                ch.close();
                throw new IOException("the testee declined the shared-memory ring: " + call(answer, reason));
            }
            Object ringFile = call(parent, file);
            return new Pipe(call(null, transport, ringFile, true, ch, description, null, 0L), ringFile);
        }

        @Override
        public void close() {
            try {
                call(parent, closeParent);
            } catch (IOException ignored) {
                // unlinked already
            }
        }
    }

    /** The child's side (SPEC §9.4 step 4) from {@code env}: the SDK's {@code SharedMemory.attach}. */
    public static Pipe attach(Map<String, String> env) throws IOException {
        if (UNAVAILABLE != null) throw new IOException(UNAVAILABLE);
        return new Pipe(call(null, attach, env, Duration.ZERO), null);
    }

    /** A ring transport used as a byte pipe: reads and writes of raw bytes, nothing else. */
    public static final class Pipe {
        private final Object t;
        private final Object parentFile;

        Pipe(Object t, Object parentFile) {
            this.t = t;
            this.parentFile = parentFile;
        }

        /**
         * The parent's side only: claims a DATA record of {@code length} payload bytes in the ring
         * towards the child and never commits it, as a producer killed mid-record leaves it (SPEC
         * §9.4: its length stays negative, it is never read).
         */
        public void claimWithoutCommit(int length) throws IOException {
            if (parentFile == null) throw new IOException("only the ring's parent side can do this");
            Object ring = call(parentFile, ringOf, parentToChild);
            int index = (Integer) call(ring, tryClaim, 1, length);
            if (index < 0) throw new IOException("no room in the ring for a record of " + length + " bytes");
        }

        public int read(byte[] b, int off, int len) throws IOException {
            return (Integer) call(t, read, b, off, len);
        }

        public void write(byte[] b, int off, int len) throws IOException {
            call(t, write, b, off, len);
        }

        public void flush() throws IOException {
            call(t, flush);
        }

        /** A CLOSE record (end of stream for the peer). */
        public void shutdownOutput() throws IOException {
            call(t, shutdownOutput);
        }

        public void close() {
            try {
                call(t, close);
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        /** Timed waits that found data without a bell (SPEC §9.4: a bug to report); -1 when not a ring. */
        public long lostWakeups() {
            try {
                return t.getClass() == transport.getDeclaringClass() ? (Long) call(t, lostWakeups) : -1;
            } catch (IOException e) {
                return -1;
            }
        }
    }

    private static Object call(Object target, Object member, Object... args) throws IOException {
        try {
            if (member instanceof Constructor<?> c) return c.newInstance(args);
            return ((Method) member).invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IOException(c);
        } catch (IllegalAccessException | InstantiationException e) {
            throw new IOException(e);
        }
    }
}
