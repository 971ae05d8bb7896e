package io.parley.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TCP transports (SPEC §9.3), optionally wrapped in TLS through an {@link SSLContext}. Listeners
 * bind to loopback unless told otherwise, and refuse a non-loopback bind without a token.
 * {@code TCP_NODELAY} is always set.
 */
public final class TcpSockets {
    /** The bound on a client's TLS handshake: the default handshake timeout of SPEC §8.2. */
    private static final int TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
    private static final int BACKLOG = 128;

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
            String hint = tlsFailureHint(e);
            throw new IOException("TLS connection to " + host + ":" + port + " failed: " + e.getMessage() + hint, e);
        }
        return socketTransport(s, Transport.Role.INITIATOR, "tls:" + host + ":" + port, null);
    }

    /** What a TLS handshake failure most likely means, for the message (SPEC §9.3; issue 12 fault 11). */
    static String tlsFailureHint(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No subject alternative") || m.contains("No name matching")) {
            return " (the server's certificate does not name this host; connect with the name it was issued for)";
        }
        if (e instanceof java.io.EOFException || e instanceof java.net.SocketException
                || m.contains("Remote host terminated") || m.contains("Unsupported or unrecognized SSL message")
                || m.contains("plaintext connection")) {
            return " (this client speaks TLS and the server does not, or it hung up during the TLS handshake: "
                    + "a Parley server closes a TLS client on a plain listener at once; connect without TLS (tcp://), "
                    + "or check that the server is configured for TLS)";
        }
        if (m.contains("certificate_required") || m.contains("bad_certificate")) {
            return " (the server requires a client certificate it trusts: configure this SSLContext with a key manager)";
        }
        return "";
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
        return listen(address, token, tls, ListenOptions.defaults());
    }

    /**
     * As {@link #listen(InetSocketAddress, String, SSLContext)}, with {@code options} for connections
     * before their handshake (how many may wait, for how long) and, with TLS, whether clients must
     * present a trusted certificate (mutual TLS). An address that did not resolve is an {@link
     * IllegalArgumentException}.
     */
    public static TransportServer listen(InetSocketAddress address, String token, SSLContext tls, ListenOptions options)
            throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        if (address.isUnresolved() || address.getAddress() == null) {
            throw new IllegalArgumentException("cannot listen on " + address.getHostString() + ":" + address.getPort()
                    + ": the host name does not resolve to an address; check the name, or give an IP address such as 127.0.0.1");
        }
        if (!address.getAddress().isLoopbackAddress() && (token == null || token.isEmpty())) {
            throw new IllegalArgumentException("refusing to listen on " + address + " without a token: a non-loopback "
                    + "listener must require one (SPEC §9.3). Pass a token, or bind to 127.0.0.1");
        }
        if (options.requireClientCertificate() && tls == null) {
            throw new IllegalArgumentException("ListenOptions.requireClientCertificate needs a TLS listener (an SSLContext)");
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(address, BACKLOG);
            String name = (tls != null ? "tls:" : "tcp:") + hostPort((InetSocketAddress) server.getLocalAddress());
            if (tls != null) {
                return new Server(server, name, PendingConnections.Dialect.TLS, options, (ch, prefix) -> acceptTls(ch, prefix, tls, token, options));
            }
            return new Server(server, name, PendingConnections.Dialect.PARLEY, options, (ch, prefix) -> {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                return new ChannelTransport(ch, Transport.Role.ACCEPTOR, "tcp:" + ch.getRemoteAddress() + " (accepted)", token, prefix);
            });
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The server side of TLS over an accepted channel whose ClientHello ({@code prefix}) has arrived. */
    private static Transport acceptTls(SocketChannel ch, byte[] prefix, SSLContext tls, String token, ListenOptions options)
            throws IOException {
        ch.configureBlocking(true);
        Socket plain = ch.socket();
        plain.setTcpNoDelay(true);
        String peer = String.valueOf(ch.getRemoteAddress());
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, new ByteArrayInputStream(prefix), true);
        SSLParameters params = s.getSSLParameters();
        params.setProtocols(modernProtocols(s.getSupportedProtocols()));
        if (options.requireClientCertificate()) {
            params.setNeedClientAuth(true);
        }
        s.setSSLParameters(params);
        return socketTransport(s, Transport.Role.ACCEPTOR, "tls:" + peer + " (accepted)", token);
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

    /** A TCP or TLS listener whose connections wait for their first frame in a {@link PendingConnections}. */
    private static final class Server implements TransportServer {
        private final PendingConnections pending;
        private final String address;
        private volatile boolean closed;

        Server(ServerSocketChannel server, String name, PendingConnections.Dialect dialect, ListenOptions options,
                PendingConnections.Handover handover) throws IOException {
            this.address = name.substring(name.indexOf(':') + 1);
            this.pending = new PendingConnections(server, name, dialect, options, handover);
        }

        @Override
        public Transport accept() throws IOException {
            return pending.accept();
        }

        @Override
        public String address() {
            return closed ? "tcp (closed)" : address;
        }

        @Override
        public void close() throws IOException {
            closed = true;
            pending.close();
        }
    }
}
