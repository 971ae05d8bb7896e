package io.parley.conformance.transport;

import io.parley.conformance.RingRelay;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SPEC §9.4, the shared-memory ring: a parent/child transport like stdio. As the parent the
 * runner creates the ring file and the doorbell socket, starts the testee with the three
 * {@code PARLEY_RING_*} variables ({@code serve --transport shm}), waits for its hello and then
 * reads and writes raw bytes through the ring ({@link SdkRing}: the SDK's ring as a byte pipe, never
 * its session). A testee that declines the ring fails the case: this column is the ring's.
 * For a testee that initiates ({@code drive --transport shm --server <cmd>}) the runner hands it
 * {@link RingRelay} as the server: the relay attaches as the ring child and pipes the ring to a
 * Unix socket the runner accepts on.
 */
final class ShmTransport extends Transport {
    /**
     * Data bytes of each ring the runner creates: the smallest SPEC §9.4 allows (64 KiB, max
     * record 8 KiB), so that every case makes records wrap and the ring fill (RingCases relies on it).
     */
    static final int CAPACITY = 64 * 1024;

    @Override
    public String name() {
        return "shm";
    }

    @Override
    public String unavailableReason() {
        return SdkRing.unavailable();
    }

    @Override
    public boolean parentChild() {
        return true;
    }

    @Override
    public List<String> serveArgs(Path dir) {
        return List.of("serve", "--transport", "shm");
    }

    @Override
    public ChildLaunch prepareChild() throws IOException {
        SdkRing.Parent ring = new SdkRing.Parent(CAPACITY);
        return new ChildLaunch() {
            @Override
            public Map<String, String> environment() throws IOException {
                return ring.environment();
            }

            @Override
            public Link attach(PeerProcess child) throws IOException {
                String what = "shm ring to pid " + child.process().pid();
                try {
                    return new RingLink(ring.attach(Duration.ofSeconds(20), child::alive, what), what);
                } catch (IOException e) {
                    throw new IOException("the testee did not attach to the ring: " + e.getMessage() + child.exitInfo(), e);
                }
            }

            @Override
            public void close() {
                ring.close();
            }
        };
    }

    @Override
    public List<String> driveArgs(String serverCommandLine) {
        return List.of("drive", "--transport", "shm", "--server", serverCommandLine);
    }

    /** The testee drives: its ring child is {@link RingRelay}, which the runner reaches over a Unix socket. */
    @Override
    public Listener listen(Path dir) throws IOException {
        Transport.Listener unix = Transport.byName("unix").listen(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp;
        try {
            cp = Path.of(RingRelay.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            unix.close();
            throw new IOException(e);
        }
        List<String> argv = new ArrayList<>(List.of(java, "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        String cpFile = System.getProperty("parley.sdk.classpathFile", "");
        if (!cpFile.isBlank()) {
            argv.add("-Dparley.sdk.classpathFile=" + cpFile);
        } else {
            cp += File.pathSeparator + System.getProperty("java.class.path");
        }
        argv.addAll(List.of("-cp", cp, RingRelay.class.getName(), unix.target()));
        String cmd = CommandLine.join(argv);
        return new Listener() {
            @Override
            public String target() {
                return cmd;
            }

            @Override
            public Link accept(Duration timeout) throws IOException {
                return unix.accept(timeout);
            }

            @Override
            public void close() {
                unix.close();
            }
        };
    }
}
