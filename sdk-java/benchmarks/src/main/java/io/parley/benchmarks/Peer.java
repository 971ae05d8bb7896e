package io.parley.benchmarks;

import io.parley.Handlers;
import io.parley.Session;
import io.parley.transport.ChildProcessTransport;
import io.parley.transport.SharedMemory;
import io.parley.transport.TcpSockets;
import io.parley.transport.Transport;
import io.parley.transport.UnixSockets;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Launches a {@link BenchPeer} child and connects to it, as a Parley session or as the raw floor. */
final class Peer implements AutoCloseable {
    Session session;
    DataInputStream rawIn;
    DataOutputStream rawOut;
    private Process process;
    private SocketChannel channel;
    private Path dir;

    static Peer start(String impl, String transport) throws Exception {
        return start(impl, transport, new Handlers(), DEFAULT_SPIN);
    }

    /** The JVM option Agrona needs for the ring (see {@link SharedMemory}); harmless elsewhere. */
    static final String ADD_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** The ring's default spin before parking (as {@link SharedMemory}'s). */
    static final Duration DEFAULT_SPIN = Duration.ofNanos(20_000);

    /** The command line of a {@link BenchPeer} child JVM (this JVM's java and class path). */
    static List<String> command(String mode, String transport) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), ADD_EXPORTS,
                "-cp", System.getProperty("java.class.path"), BenchPeer.class.getName(), mode, transport));
    }

    /**
     * A child on {@code transport} (pipe, unix, tcp or shm; shm: Parley only, with {@code spin}
     * on both sides); {@code handlers} serve the Parley session's inbound messages.
     */
    static Peer start(String impl, String transport, Handlers handlers, Duration spin) throws Exception {
        Peer p = new Peer();
        String mode = impl.equals("raw") ? "raw" : "parley";
        List<String> cmd = command(mode, transport.equals("pipe") ? "stdio" : transport);
        if (transport.equals("unix")) {
            p.dir = Files.createTempDirectory("parley-bench");
            cmd.add(p.dir.resolve("b.sock").toString());
        }
        if (transport.equals("shm")) {
            if (!mode.equals("parley")) {
                throw new IllegalArgumentException("the shm transport is Parley's only");
            }
            cmd.add(Long.toString(spin.toNanos()));
            p.session = Session.builder(SharedMemory.builder(cmd).spin(spin).fallbackToStdio(false).launch())
                    .handlers(handlers).heartbeat(Duration.ZERO).open();
            return p;
        }
        if (transport.equals("pipe") && mode.equals("parley")) {
            ChildProcessTransport child = ChildProcessTransport.launch(cmd);
            p.session = Session.builder(child).handlers(handlers).heartbeat(Duration.ZERO).open();
            return p;
        }
        p.process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (transport.equals("pipe")) {
            p.rawIn = new DataInputStream(new BufferedInputStream(p.process.getInputStream(), 1 << 16));
            p.rawOut = new DataOutputStream(new BufferedOutputStream(p.process.getOutputStream(), 1 << 16));
            return p;
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.process.getInputStream()));
        String line = lines.readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            throw new IOException("child did not listen: " + line);
        }
        String address = line.substring("LISTENING ".length());
        p.address = address;
        if (mode.equals("parley")) {
            Transport t = transport.equals("unix") ? UnixSockets.connect(Path.of(address))
                    : TcpSockets.connect(address.split(":")[0], Integer.parseInt(address.split(":")[1]));
            p.session = Session.builder(t).handlers(handlers).heartbeat(Duration.ZERO).open();
            return p;
        }
        if (transport.equals("unix")) {
            p.channel = SocketChannel.open(java.net.UnixDomainSocketAddress.of(address));
        } else {
            p.channel = SocketChannel.open(new java.net.InetSocketAddress(address.split(":")[0], Integer.parseInt(address.split(":")[1])));
            p.channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        }
        p.rawIn = new DataInputStream(new BufferedInputStream(Channels.newInputStream(p.channel), 1 << 16));
        p.rawOut = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(p.channel), 1 << 16));
        return p;
    }

    byte[] rawEcho(byte[] payload, byte[] into) throws IOException {
        rawOut.writeInt(payload.length);
        rawOut.write(payload);
        rawOut.flush();
        int n = rawIn.readInt();
        rawIn.readFully(into, 0, n);
        return into;
    }

    /** The child's process id. */
    long childPid() {
        return process != null ? process.pid() : onlyChild();
    }

    /** The process id of this JVM's newest live child (the one just started). */
    static long onlyChild() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .max(java.util.Comparator.comparing(h -> h.info().startInstant().orElse(java.time.Instant.MIN)))
                .map(ProcessHandle::pid).orElse(-1L);
    }

    /** The address a PHP client connects to: the child's LISTENING line, as printed. */
    String address;

    @Override
    public void close() throws Exception {
        if (session != null) {
            session.close();
        }
        if (rawOut != null) {
            rawOut.close();
        }
        if (channel != null) {
            channel.close();
        }
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("b.sock"));
            Files.deleteIfExists(dir);
        }
    }
}
