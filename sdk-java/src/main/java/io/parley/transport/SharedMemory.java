package io.parley.transport;

import io.parley.internal.ring.RingFile;
import io.parley.internal.ring.RingHello;
import io.parley.internal.ring.RingParent;
import io.parley.internal.ring.RingTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared-memory ring transport (SPEC §9.4) between a parent and its child on one host: two
 * Agrona one-to-one rings in a file under {@code /dev/shm}, with a Unix socket beside it for
 * wake-ups and death detection. {@link #launch(List)} starts a child on a ring in one call (the
 * parent is the initiator); the child calls {@link #attach()}.
 *
 * <pre>{@code
 * // parent
 * Session s = Session.open(SharedMemory.launch(List.of("java", "-cp", cp, "my.Worker")), handlers);
 * // child (my.Worker)
 * Transport t = SharedMemory.offered() ? SharedMemory.attach() : StreamTransport.stdio();
 * }</pre>
 *
 * <p>A child that cannot use the ring (PHP without FFI, a JVM without Agrona's access, a header
 * it does not accept) declines it, and the session runs over the same Unix socket; a parent that
 * cannot create the ring starts the child over stdio. Both are logged once, at warning level.
 * Agrona 2 needs the JVM option {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}
 * ({@code =org.agrona} on the module path) in the parent and in a Java child; without it the
 * parent falls back to stdio and a Java child declines, saying so.
 */
public final class SharedMemory {
    /** Environment variables handed to the child (SPEC §9.4 step 3). */
    public static final String ENV_FILE = RingParent.ENV_FILE;
    public static final String ENV_SOCKET = RingParent.ENV_SOCKET;
    public static final String ENV_SESSION = RingParent.ENV_SESSION;

    private static final Logger LOG = LoggerFactory.getLogger(SharedMemory.class);
    private static final AtomicBoolean DECLINE_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();
    private static final long DEFAULT_SPIN_NANOS = 20_000;

    private SharedMemory() {
    }

    /** Launches {@code command} (program and arguments, no shell) on a ring with default options. */
    public static Transport launch(List<String> command) throws IOException {
        return builder(command).launch();
    }

    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /**
     * The child process under a transport that {@link Builder#launch()} returned, whichever way
     * the session runs (the ring, the Unix socket of a child that declined it, or stdio when this
     * process could not create the ring): for supervisors that watch the process (exit status,
     * stderr tail, kill).
     *
     * @throws IllegalArgumentException when {@code launched} did not come from {@link Builder#launch()}
     */
    public static ChildProcessTransport process(Transport launched) {
        if (launched instanceof ChildProcessTransport) {
            return (ChildProcessTransport) launched;
        }
        if (launched instanceof ChildSocketTransport) {
            return ((ChildSocketTransport) launched).process();
        }
        if (launched instanceof RingTransport && ((RingTransport) launched).process() instanceof ChildProcessTransport) {
            return (ChildProcessTransport) ((RingTransport) launched).process();
        }
        throw new IllegalArgumentException("not a transport launched by SharedMemory: " + launched.description());
    }

    /** Whether this process was started as a ring child (the three variables are set). */
    public static boolean offered() {
        return offered(System.getenv());
    }

    /** Whether {@code env} holds the three ring variables. */
    public static boolean offered(Map<String, String> env) {
        return env.get(ENV_FILE) != null && env.get(ENV_SOCKET) != null && env.get(ENV_SESSION) != null;
    }

    /** The child's side, from this process's environment; the child is the acceptor. */
    public static Transport attach() throws IOException {
        Transport t = attach(System.getenv(), Duration.ofNanos(DEFAULT_SPIN_NANOS));
        if (t instanceof RingTransport ring) {
            watchStdin(ring);
        }
        return t;
    }

    /**
     * The parent holds this child's stdin open for the whole session and closes it when the session
     * ends (SPEC §9.4 step 3); its end is the end of the input, as over stdio (§9.1).
     */
    private static void watchStdin(RingTransport ring) {
        Thread t = new Thread(() -> {
            byte[] sink = new byte[256];
            try {
                while (System.in.read(sink) >= 0) {
                    // nothing travels on stdin over the ring: discard
                }
            } catch (IOException e) {
                // a broken stdin is its end too
            }
            ring.parentGone();
        }, "parley-ring-stdin");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The child's side from {@code env} (SPEC §9.4 step 4): maps and checks the file and connects
     * the socket; answers "PRLA" and returns the ring transport, or, when this JVM cannot use the
     * ring or the file is not acceptable, declines ("PRLD" with the reason) and returns a
     * transport over the socket itself.
     *
     * @param spin how long an idle reader polls the ring before it sleeps on the doorbell
     * @throws IOException when the variables are missing or the socket cannot be reached
     */
    public static Transport attach(Map<String, String> env, Duration spin) throws IOException {
        if (!offered(env)) {
            throw new IOException("this process was not started on a shared-memory ring: " + ENV_FILE + ", " + ENV_SOCKET
                    + " and " + ENV_SESSION + " must all be set (SharedMemory.launch does that)");
        }
        long session;
        try {
            session = Long.parseUnsignedLong(env.get(ENV_SESSION), 16);
        } catch (NumberFormatException e) {
            throw new IOException(ENV_SESSION + " is not 16 hex digits: " + env.get(ENV_SESSION), e);
        }
        Path socket = Path.of(env.get(ENV_SOCKET));
        // map first: the parent unlinks the file as soon as this side connects
        String why = RingFile.checkSupported().orElse(null);
        RingFile file = null;
        if (why == null) {
            try {
                file = RingFile.attach(Path.of(env.get(ENV_FILE)), session);
            } catch (IOException | RuntimeException e) {
                why = e.getMessage();
            }
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            String parent = "parent pid " + ProcessHandle.current().parent().map(p -> Long.toString(p.pid())).orElse("?");
            if (file == null) {
                LOG.warn("declining the shared-memory ring, the session runs over the Unix socket: {}", why);
                RingHello.sendDecline(ch, session, why);
                return new ChannelTransport(ch, Transport.Role.ACCEPTOR, "unix:" + socket + " (ring declined) to " + parent, null);
            }
            RingHello.sendAttach(ch, session);
            return new RingTransport(file, false, ch, "shm ring to " + parent, null, spin.toNanos());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Options of a launch on a ring. */
    public static final class Builder {
        private final ChildProcessTransport.Builder child;
        private final List<String> command;
        private Map<String, String> environment;
        private int capacity = RingFile.DEFAULT_CAPACITY;
        private Path directory = RingFile.SHM;
        private Duration spin = Duration.ofNanos(DEFAULT_SPIN_NANOS);
        private Duration attachTimeout = Duration.ofSeconds(10);
        private boolean fallbackToStdio = true;

        private Builder(List<String> command) {
            this.child = ChildProcessTransport.builder(command);
            this.command = List.copyOf(command);
        }

        /** Data bytes of each ring: a power of two from 64 KiB to 512 MiB (default 1 MiB). */
        public Builder capacity(int bytes) {
            if (bytes < RingFile.MIN_CAPACITY || bytes > RingFile.MAX_CAPACITY || Integer.bitCount(bytes) != 1) {
                throw new IllegalArgumentException("ring capacity must be a power of two from 64 KiB to 512 MiB, not " + bytes);
            }
            this.capacity = bytes;
            return this;
        }

        /** Where the ring file is made (default {@code /dev/shm}; it must be a tmpfs for speed). */
        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        /** How long an idle reader polls before it sleeps on the doorbell (default 20 µs; 0 on crowded hosts). */
        public Builder spin(Duration spin) {
            this.spin = spin;
            return this;
        }

        /** How long the child has to attach (default 10 s). */
        public Builder attachTimeout(Duration timeout) {
            this.attachTimeout = timeout;
            return this;
        }

        /** Start the child over stdio when this process cannot create the ring (default true; logged once). */
        public Builder fallbackToStdio(boolean fallback) {
            this.fallbackToStdio = fallback;
            return this;
        }

        /** The child's whole environment (default: this process's); the ring variables are added. */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(env);
            return this;
        }

        public Builder workingDirectory(Path dir) {
            child.workingDirectory(dir);
            return this;
        }

        /** How long close() waits for the exit before SIGTERM (default 5 s; SIGKILL 2 s later). */
        public Builder grace(Duration grace) {
            child.grace(grace);
            return this;
        }

        /**
         * Creates the ring, starts the child with its variables and waits until it attached (or
         * declined); the file and the socket are unlinked before this returns.
         *
         * @throws IOException when the child cannot be started or does not attach in time (with its
         *     exit status and stderr tail), or when the ring cannot be created and the fallback is off
         */
        public Transport launch() throws IOException {
            Map<String, String> env = new HashMap<>(environment == null ? System.getenv() : environment);
            env.keySet().removeAll(List.of(ENV_FILE, ENV_SOCKET, ENV_SESSION));
            String unsupported = RingFile.checkSupported().orElse(null);
            RingParent ring = null;
            if (unsupported == null) {
                try {
                    ring = RingParent.open(directory, capacity);
                } catch (IOException e) {
                    unsupported = e.getMessage();
                }
            }
            if (ring == null) {
                if (!fallbackToStdio) {
                    throw new IOException("cannot create a shared-memory ring: " + unsupported);
                }
                if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                    LOG.warn("no shared-memory ring, starting children over stdio instead: {}", unsupported);
                }
                return child.environment(env).launch();
            }
            ChildProcessTransport process;
            try {
                env.putAll(ring.environment());
                process = child.environment(env).launch();
            } catch (IOException | RuntimeException e) {
                ring.close();
                throw e;
            }
            RingHello.Answer answer;
            try {
                drainStdout(process);
                answer = ring.awaitHello(attachTimeout.toNanos(), () -> process.processHandle().isAlive());
            } catch (IOException | RuntimeException e) {
                process.kill();
                IOException failure = new IOException(process.peerGone("the child did not attach to the shared-memory ring ("
                        + e.getMessage() + ")").getMessage(), e);
                process.close();
                throw failure;
            }
            if (answer.declined()) {
                if (DECLINE_LOGGED.compareAndSet(false, true)) {
                    LOG.warn("{} declined the shared-memory ring, using its Unix socket instead: {}", process.description(),
                            answer.reason());
                }
                ChannelTransport socket = new ChannelTransport(answer.channel(), Transport.Role.INITIATOR,
                        "unix socket (ring declined) to " + process.description(), null);
                return new ChildSocketTransport(socket, process);
            }
            return new RingTransport(ring.file(), true, answer.channel(), "shm ring to " + process.description(), process,
                    spin.toNanos());
        }

        /** The child's stdout carries no frames on a ring: drain and log it like stderr (SPEC §9.4 step 3). */
        private void drainStdout(ChildProcessTransport process) {
            InputStream stdout = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return process.read(b, off, len);
                }
            };
            new StderrTail(stdout, LOG, "pid " + process.processHandle().pid() + " stdout", 20, 4096).start();
        }

        @Override
        public String toString() {
            return "SharedMemory.Builder" + command;
        }
    }
}
