package io.parley.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.Handlers;
import io.parley.Payload;
import io.parley.Session;
import io.parley.transport.SharedMemory;
import io.parley.transport.StreamTransport;
import io.parley.transport.TcpSockets;
import io.parley.transport.Transport;
import io.parley.transport.TransportServer;
import io.parley.transport.UnixSockets;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of the IPC benchmarks: {@code BenchPeer parley|raw stdio|unix|tcp|shm [socket-path|spin-nanos]}.
 * {@code raw} is the floor: a length-prefixed echo over DataInput/DataOutputStream (readFully of the
 * known length), with the commands of {@code sdk-java/benchmarks/php/raw-echo.php} (a 9-byte body
 * {@code 01 n size}: send n frames of size bytes, then an empty one; a 5-byte body {@code 02 n}:
 * swallow n frames, then answer an empty one). {@code parley} answers {@code echo}, counts
 * {@code bench-note} notifications ({@code bench-count} waits for a total), and {@code notify}
 * sends n notifications {@code n}; {@code shm} attaches to the ring its parent offers
 * ({@link SharedMemory}).
 */
public final class BenchPeer {
    private BenchPeer() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String transport = args[1];
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        if (mode.equals("raw")) {
            InputStream in;
            OutputStream out;
            if (transport.equals("stdio")) {
                in = new FileInputStream(FileDescriptor.in);
                out = new FileOutputStream(FileDescriptor.out);
            } else {
                ServerSocketChannel server = transport.equals("unix")
                        ? ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX).bind(java.net.UnixDomainSocketAddress.of(args[2]))
                        : ServerSocketChannel.open().bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
                stdout.println("LISTENING " + (transport.equals("unix") ? args[2]
                        : "127.0.0.1:" + ((java.net.InetSocketAddress) server.getLocalAddress()).getPort()));
                SocketChannel ch = server.accept();
                if (transport.equals("tcp")) {
                    ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                }
                in = Channels.newInputStream(ch);
                out = Channels.newOutputStream(ch);
            }
            DataInputStream din = new DataInputStream(new BufferedInputStream(in, 1 << 16));
            DataOutputStream dout = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
            rawEcho(din, dout);
        }
        long[] notes = {0};
        Object counted = new Object();
        Handlers h = new Handlers()
                .onRequest("echo", Payload.class, (p, ctx) -> p)
                .onNotification("bench-note", JsonNode.class, (p, s) -> {
                    synchronized (counted) {
                        notes[0]++;
                        counted.notifyAll();
                    }
                })
                .onRequest("bench-count", Long.class, (target, ctx) -> {
                    // waits (does not spin: on one core a spinning handler starves the notifications)
                    synchronized (counted) {
                        while (notes[0] < target) {
                            counted.wait();
                        }
                        return notes[0];
                    }
                })
                .onRequest("notify", JsonNode.class, (p, ctx) -> {
                    String note = "x".repeat(p.get("size").asInt());
                    int n = p.get("n").asInt();
                    for (int i = 0; i < n; i++) {
                        ctx.session().notify("n", note);
                    }
                    return n;
                });
        Transport t;
        if (transport.equals("stdio")) {
            t = StreamTransport.stdio();
        } else if (transport.equals("shm")) {
            t = SharedMemory.attach(System.getenv(), Duration.ofNanos(Long.parseLong(args[2])));
        } else {
            TransportServer server = transport.equals("unix") ? UnixSockets.listen(Path.of(args[2])) : TcpSockets.listenLoopback(0);
            stdout.println("LISTENING " + server.address());
            t = server.accept();
            server.close();
        }
        Session s = Session.builder(t).handlers(h).heartbeat(java.time.Duration.ZERO).open();
        s.closeFuture().join();
        System.exit(0);
    }

    /** The raw floor's loop: echo every frame, obey the two commands; exits at end of input. */
    private static void rawEcho(DataInputStream din, DataOutputStream dout) throws java.io.IOException {
        byte[] buf = new byte[2 << 20];
        try {
            while (true) {
                int n = din.readInt();
                if (n > buf.length) {
                    buf = new byte[n];
                }
                din.readFully(buf, 0, n);
                if (n == 9 && buf[0] == 1) {
                    int count = readInt(buf, 1);
                    byte[] frame = new byte[readInt(buf, 5)];
                    for (int i = 0; i < count; i++) {
                        dout.writeInt(frame.length);
                        dout.write(frame);
                        dout.flush();
                    }
                    dout.writeInt(0);
                } else if (n == 5 && buf[0] == 2) {
                    int count = readInt(buf, 1);
                    for (int i = 0; i < count; i++) {
                        int len = din.readInt();
                        if (len > buf.length) {
                            buf = new byte[len];
                        }
                        din.readFully(buf, 0, len);
                    }
                    dout.writeInt(0);
                } else {
                    dout.writeInt(n);
                    dout.write(buf, 0, n);
                }
                dout.flush();
            }
        } catch (EOFException e) {
            System.exit(0);
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
