package io.parley.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.Handlers;
import io.parley.Payload;
import io.parley.Session;
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

/**
 * The child process of the IPC benchmarks: {@code BenchPeer parley|raw stdio|unix|tcp [socket-path]}.
 * {@code raw} is the floor: a length-prefixed echo over DataInput/DataOutputStream.
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
            byte[] buf = new byte[2 << 20];
            try {
                while (true) {
                    int n = din.readInt();
                    din.readFully(buf, 0, n);
                    dout.writeInt(n);
                    dout.write(buf, 0, n);
                    dout.flush();
                }
            } catch (EOFException e) {
                System.exit(0);
            }
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
                });
        Transport t;
        if (transport.equals("stdio")) {
            t = StreamTransport.stdio();
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
}
