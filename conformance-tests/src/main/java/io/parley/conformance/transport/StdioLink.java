package io.parley.conformance.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The stdio of a child process (SPEC §9.1): we write its stdin, read its stdout. */
public final class StdioLink implements Link {
    private final PeerProcess proc;

    public StdioLink(PeerProcess proc) {
        this.proc = proc;
    }

    @Override
    public InputStream in() {
        return proc.process().getInputStream();
    }

    @Override
    public OutputStream out() {
        return proc.process().getOutputStream();
    }

    @Override
    public void closeOutput() throws IOException {
        proc.process().getOutputStream().close();
    }

    @Override
    public void close() {
        try {
            proc.process().getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            proc.process().getInputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public String describe() {
        return "stdio of pid " + proc.process().pid();
    }
}
