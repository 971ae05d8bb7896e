package io.parley.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * TCP transports (SPEC §9.3), optionally wrapped in TLS through an {@link SSLContext}. Listeners
 * bind to loopback unless told otherwise, and refuse a non-loopback bind without a token.
 * {@code TCP_NODELAY} is always set.
 */
public final class TcpSockets {
    /** The bound on a client's TLS handshake: the default handshake timeout of SPEC §8.2. */
    private static final int TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

    private TcpSockets() {
    }

    /** Connects in plain TCP; this side is the initiator. */
    public static Transport connect(String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port));
            return new SocketTransport(s, Transport.Role.INITIATOR, "tcp:" + host + ":" + port, null);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a TLS client checks that the server's certificate names the host it connected to
     * (SPEC §9.3). {@link #VERIFY} is the default; {@link #SKIP_INSECURE} accepts any certificate the
     * context trusts, whatever host it was issued for, and must be chosen explicitly.
     */
    public enum HostNameCheck {
        /** The certificate must name the host (DNS name or IP address), as HTTPS clients check. */
        VERIFY,
        /** No host-name check: any certificate the trust store accepts will do. Insecure. */
        SKIP_INSECURE
    }

    /**
     * Connects with TLS (1.2 or later; the context decides trust) and verifies that the server's
     * certificate names {@code host}. The handshake, and so the server's authentication, completes
     * before this returns: no HELLO (and no token) is ever sent to an unauthenticated server.
     */
    public static Transport connectTls(String host, int port, SSLContext tls) throws IOException {
        return connectTls(host, port, tls, HostNameCheck.VERIFY);
    }

    /** Connects with TLS; {@code check} says whether the server's host name is verified (see {@link HostNameCheck}). */
    public static Transport connectTls(String host, int port, SSLContext tls, HostNameCheck check) throws IOException {
        Socket plain = new Socket();
        SSLSocket s;
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port));
            // layered over a connected socket so the TLS engine knows the host name it must verify (and SNI)
            s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
        } catch (IOException e) {
            plain.close();
            throw new IOException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
        }
        try {
            SSLParameters params = s.getSSLParameters();
            params.setProtocols(modernProtocols(s.getSupportedProtocols()));
            if (check != HostNameCheck.SKIP_INSECURE) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            s.setSSLParameters(params);
            s.setSoTimeout(TLS_HANDSHAKE_TIMEOUT_MS); // SPEC §9.3: the TLS handshake is bounded like the HELLO exchange
            s.startHandshake();
            s.setSoTimeout(0);
        } catch (IOException e) {
            s.close();
            String hint = e.getMessage() != null && e.getMessage().contains("No subject alternative")
                    ? " (the server's certificate does not name this host; connect with the name it was issued for)" : "";
            throw new IOException("TLS connection to " + host + ":" + port + " failed: " + e.getMessage() + hint, e);
        }
        return socketTransport(s, Transport.Role.INITIATOR, "tls:" + host + ":" + port, null);
    }

    /** Listens on loopback at {@code port} (0 = any free port), no token. */
    public static TransportServer listenLoopback(int port) throws IOException {
        return listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null, null);
    }

    /**
     * Listens at {@code address}. A non-loopback address requires a {@code token} (SPEC §9.3);
     * {@code tls} may be {@code null} for plain TCP.
     */
    public static TransportServer listen(InetSocketAddress address, String token, SSLContext tls) throws IOException {
        if (!address.getAddress().isLoopbackAddress() && (token == null || token.isEmpty())) {
            throw new IllegalArgumentException("refusing to listen on " + address + " without a token: a non-loopback "
                    + "listener must require one (SPEC §9.3). Pass a token, or bind to 127.0.0.1");
        }
        if (tls != null) {
            SSLServerSocket ss = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            ss.bind(address);
            ss.setEnabledProtocols(modernProtocols(ss.getSupportedProtocols()));
            return new TlsServer(ss, token);
        }
        ServerSocket server = new ServerSocket();
        try {
            server.bind(address);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return new PlainServer(server, token);
    }

    private static String[] modernProtocols(String[] supported) {
        return java.util.Arrays.stream(supported).filter(p -> p.equals("TLSv1.2") || p.equals("TLSv1.3")).toArray(String[]::new);
    }

    private static Transport socketTransport(Socket s, Transport.Role role, String description, String token) throws IOException {
        return new StreamTransport(s.getInputStream(), s.getOutputStream(), role, description, 15_000, s::close) {
            /**
             * SPEC §9.3: closing the sending side of TLS is sending {@code close_notify}. The JDK's
             * SSLSocket does that in shutdownOutput(): a half-close with TLS 1.3, a full close with
             * TLS 1.2; either way the peer sees the end of the stream.
             */
            @Override
            public void shutdownOutput() throws IOException {
                s.getOutputStream().flush();
                if (!s.isClosed() && !s.isOutputShutdown()) {
                    s.shutdownOutput();
                }
            }

            @Override
            public String requiredToken() {
                return token;
            }
        };
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Plain TCP: {@code java.net} sockets, whose blocking reads need no selector (see {@link SocketTransport}). */
    private static final class PlainServer implements TransportServer {
        private final ServerSocket server;
        private final String token;

        PlainServer(ServerSocket server, String token) {
            this.server = server;
            this.token = token;
        }

        @Override
        public Transport accept() throws IOException {
            Socket s = server.accept();
            try {
                s.setTcpNoDelay(true);
                return new SocketTransport(s, Transport.Role.ACCEPTOR, "tcp:" + s.getRemoteSocketAddress() + " (accepted)", token);
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        @Override
        public String address() {
            if (server.isClosed()) {
                return "tcp (closed)";
            }
            return hostPort((InetSocketAddress) server.getLocalSocketAddress());
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static final class TlsServer implements TransportServer {
        private final ServerSocket server;
        private final String token;

        TlsServer(ServerSocket server, String token) {
            this.server = server;
            this.token = token;
        }

        @Override
        public Transport accept() throws IOException {
            Socket s = server.accept();
            s.setTcpNoDelay(true);
            return socketTransport(s, Transport.Role.ACCEPTOR, "tls:" + s.getRemoteSocketAddress() + " (accepted)", token);
        }

        @Override
        public String address() {
            return hostPort((InetSocketAddress) server.getLocalSocketAddress());
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
