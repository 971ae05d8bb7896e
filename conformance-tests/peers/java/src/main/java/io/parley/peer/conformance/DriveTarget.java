package io.parley.peer.conformance;

import io.parley.transport.ChildProcessTransport;
import io.parley.transport.Transport;
import java.io.IOException;
import java.util.List;

/**
 * Where the driver's sessions go: a new stdio child from {@code --server} for every case, or a
 * new connection to {@code --connect}.
 */
record DriveTarget(String transport, String address, List<String> serverCommand) {

    static DriveTarget of(PeerOptions o) throws PeerOptions.UsageException {
        if (o.transport().equals("stdio")) {
            String server = o.require("server");
            List<String> words;
            try {
                words = ShellWords.split(server);
            } catch (IllegalArgumentException e) {
                throw new PeerOptions.UsageException("--server: " + e.getMessage());
            }
            if (words.isEmpty()) {
                throw new PeerOptions.UsageException("--server is empty");
            }
            return new DriveTarget("stdio", server, words);
        }
        return new DriveTarget(o.transport(), o.require("connect"), List.of());
    }

    Transport connect() throws IOException {
        if (transport.equals("stdio")) {
            return ChildProcessTransport.launch(serverCommand);
        }
        return Endpoints.connect(transport, address);
    }
}
