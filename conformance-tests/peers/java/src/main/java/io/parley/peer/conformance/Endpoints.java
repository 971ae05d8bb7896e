package io.parley.peer.conformance;

import io.parley.transport.TcpSockets;
import io.parley.transport.Transport;
import io.parley.transport.TransportServer;
import io.parley.transport.UnixSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** Socket addresses of the command line: a Unix socket path, or {@code host:port} ({@code [v6]:port}). */
final class Endpoints {
    private Endpoints() {
    }

    /** Listens where {@code --listen} says (serve over unix/tcp). */
    static TransportServer listen(PeerOptions o) throws IOException, PeerOptions.UsageException {
        String where = o.require("listen");
        String token = o.get("token");
        if (o.transport().equals("unix")) {
            return UnixSockets.listen(Path.of(where), token);
        }
        return TcpSockets.listen(hostPort(where), token, null);
    }

    /** Connects to {@code --connect} (drive over unix/tcp); this side is the initiator. */
    static Transport connect(String transport, String address) throws IOException {
        if (transport.equals("unix")) {
            return UnixSockets.connect(Path.of(address));
        }
        InetSocketAddress a = hostPort(address);
        return TcpSockets.connect(a.getHostString(), a.getPort());
    }

    static InetSocketAddress hostPort(String s) throws IOException {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            throw new IOException("expected <host>:<port>, got '" + s + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IOException("expected a port number in '" + s + "'");
        }
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }
}
