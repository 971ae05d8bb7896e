package io.parley.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.CallFuture;
import io.parley.Handlers;
import io.parley.Payload;
import io.parley.Session;
import io.parley.transport.ChildProcessTransport;
import io.parley.transport.SharedMemory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Java parent's connection to one child, raw (the floor: length-prefixed frames through
 * DataStreams, {@code readFully} of the known length, to {@code raw-echo.php} or a raw
 * {@link BenchPeer}) or Parley (a {@link Session} to {@code bench-worker.php} or a Parley
 * {@link BenchPeer}), with the four workloads of the transport rows.
 */
abstract class Link implements AutoCloseable {
    static final int WINDOW = 64;

    /** One round trip of {@code body}; returns what came back. */
    abstract byte[] echo(byte[] body) throws Exception;

    /** {@code n} round trips of {@code body} with {@link #WINDOW} in flight; returns the last answer. */
    abstract byte[] inflight(byte[] body, int n) throws Exception;

    /** Sends {@code n} one-way messages of {@code size} bytes and waits until the child has them all. */
    abstract void send(int n, int size) throws Exception;

    /** Asks the child for {@code n} one-way messages of {@code size} bytes and receives them all. */
    abstract void receive(int n, int size) throws Exception;

    /** The process id of the child. */
    abstract long childPid();

    /** {@code peer}: php or java; {@code transport}: pipe, or shm (Parley only); spin: the ring's. */
    static Link open(String impl, String peer, String transport, Duration spin) throws Exception {
        if (impl.equals("raw")) {
            if (peer.equals("java")) {
                Peer p = Peer.start("raw", transport);
                return new Raw(p.rawIn, p.rawOut, p, p.childPid());
            }
            Process p = new ProcessBuilder(Contender.php(), Contender.phpScript("raw-echo.php").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Raw(new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16)),
                    new DataOutputStream(new BufferedOutputStream(p.getOutputStream(), 1 << 16)), () -> {
                        p.getOutputStream().close();
                        if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                            p.destroy();
                        }
                    }, p.pid());
        }
        AtomicLong got = new AtomicLong();
        Handlers h = new Handlers().onNotification("n", JsonNode.class, (x, s) -> got.incrementAndGet());
        if (peer.equals("java")) {
            Peer p = Peer.start("parley", transport, h, spin);
            requireRing(transport, p.session, p);
            return new Parley(p.session, got, p, Peer.onlyChild());
        }
        // "pieces": the worker takes and answers large raw bodies as pieces (rawPieces), never joined
        List<String> cmd = impl.equals("pieces") ? List.of(Contender.php(), Contender.phpScript("bench-worker.php").toString(), "pieces")
                : List.of(Contender.php(), Contender.phpScript("bench-worker.php").toString());
        Session s = Session.builder(transport.equals("shm") ? SharedMemory.builder(cmd).spin(spin).fallbackToStdio(false).launch()
                : ChildProcessTransport.launch(cmd)).handlers(h).heartbeat(Duration.ZERO).open();
        requireRing(transport, s, s);
        return new Parley(s, got, s::close, Peer.onlyChild());
    }

    /** A ring row must measure the ring: when the child declined it (logged by the SDK), the measurement is skipped. */
    private static void requireRing(String transport, Session s, AutoCloseable closer) throws Exception {
        if (transport.equals("shm") && !s.description().startsWith("shm ring")) {
            closer.close();
            throw new Contender.Skipped("not measured: the child declined the ring (see the log)");
        }
    }

    /**
     * The floor's side. Bodies move in slices of at most 1 MiB: the JDK's file streams pass a read
     * or write of more than 8 KiB through a native buffer allocated for the requested length, so one
     * call for a 64 MiB body could allocate that much for every 64 KiB the pipe hands over.
     */
    static final class Raw extends Link {
        private static final int SLICE = 1 << 20;
        private final DataInputStream in;
        private final DataOutputStream out;
        private final AutoCloseable closer;
        private final long pid;
        private byte[] into = new byte[0];

        Raw(DataInputStream in, DataOutputStream out, AutoCloseable closer, long pid) {
            this.in = in;
            this.out = out;
            this.closer = closer;
            this.pid = pid;
        }

        private void write(byte[] body) throws IOException {
            out.writeInt(body.length);
            for (int off = 0; off < body.length; off += SLICE) {
                out.write(body, off, Math.min(SLICE, body.length - off));
            }
            out.flush();
        }

        private byte[] read() throws IOException {
            int n = in.readInt();
            if (into.length != n) {
                into = new byte[n];
            }
            for (int off = 0; off < n; off += SLICE) {
                in.readFully(into, off, Math.min(SLICE, n - off));
            }
            return into;
        }

        @Override
        byte[] echo(byte[] body) throws IOException {
            write(body);
            return read();
        }

        @Override
        byte[] inflight(byte[] body, int n) throws IOException {
            int sent = 0;
            for (; sent < Math.min(WINDOW, n); sent++) {
                write(body);
            }
            byte[] back = null;
            for (int i = 0; i < n; i++) {
                back = read();
                if (sent < n) {
                    write(body);
                    sent++;
                }
            }
            return back;
        }

        @Override
        void send(int n, int size) throws IOException {
            out.writeInt(5);
            out.writeByte(2);
            out.writeInt(n);
            byte[] body = new byte[size];
            for (int i = 0; i < n; i++) {
                write(body);
            }
            if (in.readInt() != 0) {
                throw new IOException("the raw child did not confirm " + n + " frames");
            }
        }

        @Override
        void receive(int n, int size) throws IOException {
            out.writeInt(9);
            out.writeByte(1);
            out.writeInt(n);
            out.writeInt(size);
            out.flush();
            int got = 0;
            for (int len; (len = in.readInt()) > 0; got++) {
                if (into.length < len) {
                    into = new byte[len];
                }
                in.readFully(into, 0, len);
            }
            if (got != n) {
                throw new IOException("the raw child sent " + got + " of " + n + " frames");
            }
        }

        @Override
        long childPid() {
            return pid;
        }

        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    /** The Parley side. */
    static final class Parley extends Link {
        private final Session session;
        private final AtomicLong got;
        private final AutoCloseable closer;
        private final long pid;
        private long sent;

        Parley(Session session, AtomicLong got, AutoCloseable closer, long pid) {
            this.session = session;
            this.got = got;
            this.closer = closer;
            this.pid = pid;
        }

        Session session() {
            return session;
        }

        @Override
        byte[] echo(byte[] body) {
            return session.call("echo", Payload.raw(body), byte[].class);
        }

        /** One round trip of {@code body}, the answer as it arrived: a large one in pieces, unjoined. */
        Payload echoPayload(byte[] body) {
            return session.call("echo", Payload.raw(body), Payload.class);
        }

        @Override
        byte[] inflight(byte[] body, int n) {
            Payload p = Payload.raw(body);
            @SuppressWarnings("unchecked")
            CallFuture<byte[]>[] window = new CallFuture[WINDOW];
            int sentNow = 0;
            for (; sentNow < Math.min(WINDOW, n); sentNow++) {
                window[sentNow % WINDOW] = session.callAsync("echo", p, byte[].class);
            }
            byte[] back = null;
            for (int i = 0; i < n; i++) {
                back = window[i % WINDOW].join();
                if (sentNow < n) {
                    window[sentNow % WINDOW] = session.callAsync("echo", p, byte[].class);
                    sentNow++;
                }
            }
            return back;
        }

        @Override
        void send(int n, int size) throws IOException {
            String note = "x".repeat(Math.max(0, size - 2)); // a JSON string of size bytes with its quotes
            for (int i = 0; i < n; i++) {
                session.notify("bench-note", note);
            }
            sent += n;
            long seen = session.call("bench-count", sent, Long.class);
            if (seen < sent) {
                throw new IOException("the child counted " + seen + " of " + sent + " notifications");
            }
        }

        @Override
        void receive(int n, int size) throws IOException {
            got.set(0);
            session.call("notify", Map.of("n", n, "size", Math.max(0, size - 2)), Integer.class);
            if (got.get() != n) { // notifications are handled in order, before the answer (SPEC §6)
                throw new IOException("got " + got.get() + " of " + n + " notifications");
            }
        }

        @Override
        long childPid() {
            return pid;
        }

        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    /** Throws when an echo that came back in pieces differs from {@code sent} (compared piece by piece, nothing joined). */
    static void check(byte[] sent, Payload back) throws IOException {
        int at = 0;
        for (byte[] piece : back.pieces()) {
            if (at + piece.length > sent.length || !Arrays.equals(sent, at, at + piece.length, piece, 0, piece.length)) {
                throw new IOException("the echo came back different");
            }
            at += piece.length;
        }
        if (at != sent.length) {
            throw new IOException("the echo came back " + at + " bytes long, not " + sent.length);
        }
    }

    /** Throws when an echo came back different. */
    static void check(byte[] sent, byte[] back) throws IOException {
        if (!Arrays.equals(sent, back)) {
            throw new IOException("the echo came back different");
        }
    }
}
