package io.parley.conformance.transport;

import java.nio.file.Path;
import java.util.List;

/**
 * SPEC §9.4, the shared-memory ring: a parent/child transport like stdio. Registered so that it
 * shows up in every report with its reason until its issue lands; to enable it, implement
 * {@link #childLink} (map the file, two SPSC rings) and the peer contract's {@code --transport shm}.
 */
final class ShmTransport extends Transport {
    @Override
    public String name() {
        return "shm";
    }

    @Override
    public String unavailableReason() {
        return "shared-memory ring (SPEC §9.4) not yet implemented by the peers nor the runner (its issue has not landed; PEER-CONTRACT has no --transport shm)";
    }

    @Override
    public boolean parentChild() {
        return true;
    }

    @Override
    public List<String> serveArgs(Path dir) {
        return List.of("serve", "--transport", "shm");
    }

    @Override
    public List<String> driveArgs(String serverCommandLine) {
        return List.of("drive", "--transport", "shm", "--server", serverCommandLine);
    }

    @Override
    public Listener listen(Path dir) {
        throw new UnsupportedOperationException(unavailableReason());
    }
}
