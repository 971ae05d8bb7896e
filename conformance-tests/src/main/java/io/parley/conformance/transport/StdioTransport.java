package io.parley.conformance.transport;

import io.parley.conformance.Relay;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** SPEC §9.1: frames over the stdin/stdout of a child process. */
final class StdioTransport extends Transport {
    @Override
    public String name() {
        return "stdio";
    }

    @Override
    public boolean parentChild() {
        return true;
    }

    @Override
    public boolean stdoutIsProtocol() {
        return true;
    }

    @Override
    public List<String> serveArgs(Path dir) {
        return List.of("serve", "--transport", "stdio");
    }

    @Override
    public Link childLink(PeerProcess child) {
        return new StdioLink(child);
    }

    @Override
    public List<String> driveArgs(String serverCommandLine) {
        return List.of("drive", "--transport", "stdio", "--server", serverCommandLine);
    }

    /**
     * For a testee that drives over stdio, the runner hands it a tiny relay program as the
     * "server" command: the relay's stdio is piped to a Unix socket the runner accepts on.
     */
    @Override
    public Listener listen(Path dir) throws IOException {
        Transport.Listener unix = Transport.byName("unix").listen(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp;
        try {
            cp = Path.of(Relay.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        List<String> argv = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", cp,
                Relay.class.getName(), unix.target()));
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
