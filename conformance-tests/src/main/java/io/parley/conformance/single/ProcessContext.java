package io.parley.conformance.single;

import io.parley.conformance.CaseFailed;
import io.parley.conformance.transport.PeerProcess;
import io.parley.conformance.transport.Transport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a {@link SingleCase.Kind#PROCESS} case may do: start the peer program with given arguments. */
public final class ProcessContext {
    private final List<String> peerCommand;
    private final Transport transport;
    private final Path dir;
    private final Duration wait;
    private final List<PeerProcess> started = new ArrayList<>();

    ProcessContext(List<String> peerCommand, Transport transport, Path dir, Duration wait) {
        this.peerCommand = peerCommand;
        this.transport = transport;
        this.dir = dir;
        this.wait = wait;
    }

    public Transport transport() {
        return transport;
    }

    public Path dir() {
        return dir;
    }

    public Duration waitBound() {
        return wait;
    }

    /** Starts the peer program with {@code args}; it is killed when the case ends. */
    public PeerProcess start(List<String> args, boolean stdoutIsProtocol) throws IOException {
        List<String> argv = new ArrayList<>(peerCommand);
        argv.addAll(args);
        PeerProcess p = PeerProcess.start("testee", argv, stdoutIsProtocol, null);
        started.add(p);
        return p;
    }

    public CaseFailed fail(String msg, PeerProcess p) {
        return new CaseFailed(msg + (p == null ? "" : p.tails()));
    }

    void closeAll() {
        for (PeerProcess p : started) p.close();
    }
}
