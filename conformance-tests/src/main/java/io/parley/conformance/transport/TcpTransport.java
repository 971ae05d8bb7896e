package io.parley.conformance.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

/** SPEC §9.3: TCP on the loopback interface. */
final class TcpTransport extends Transport {
    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public boolean parentChild() {
        return false;
    }

    @Override
    public List<String> serveArgs(Path dir) {
        return List.of("serve", "--transport", "tcp", "--listen", "127.0.0.1:0");
    }

    static InetSocketAddress parse(String address) {
        int c = address.lastIndexOf(':');
        if (c < 0) throw new IllegalArgumentException("not host:port: " + address);
        String host = address.substring(0, c);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new InetSocketAddress(host, Integer.parseInt(address.substring(c + 1)));
    }

    @Override
    public Link connect(String address) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.connect(parse(address));
        } catch (IOException | IllegalArgumentException e) {
            ch.close();
            throw new IOException("cannot connect to tcp:" + address + ": " + e.getMessage(), e);
        }
        return new SocketLink(ch, "tcp:" + address);
    }

    @Override
    public List<String> driveArgs(String address) {
        return List.of("drive", "--transport", "tcp", "--connect", address);
    }

    @Override
    public Listener listen(Path dir) throws IOException {
        ServerSocketChannel ss = ServerSocketChannel.open();
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        InetSocketAddress a = (InetSocketAddress) ss.getLocalAddress();
        return new SocketListener(ss, "127.0.0.1:" + a.getPort(), "tcp:");
    }
}
