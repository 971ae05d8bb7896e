package io.parley.peer.conformance;

import io.parley.transport.ChildProcessTransport;
import io.parley.transport.SharedMemory;
import io.parley.transport.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the driver's sessions go: a new stdio or ring child (SPEC §9.1, §9.4) from {@code --server}
 * for every case, or a new connection to {@code --connect}.
 */
record DriveTarget(String transport, String address, List<String> serverCommand) {
    private static Path ringDir;

    static DriveTarget of(PeerOptions o) throws PeerOptions.UsageException {
        if (o.transport().equals("stdio") || o.transport().equals("shm")) {
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
            return new DriveTarget(o.transport(), server, words);
        }
        return new DriveTarget(o.transport(), o.require("connect"), List.of());
    }

    /**
     * The driver's ring files live in a 0700 directory of its own on the tmpfs, away from other
     * parents' sweeps of {@code /dev/shm} (SPEC §9.4 step 6); removed when the driver exits.
     */
    private static synchronized Path ringDirectory() throws IOException {
        if (ringDir == null) {
            Path shm = Path.of("/dev/shm");
            Path d = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                    "parleypeer.", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> left = Files.list(d)) {
                    for (Path f : left.toList()) {
                        Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(d);
                } catch (IOException ignored) {
                    // best effort
                }
            }, "parley-peer-ring-dir"));
            ringDir = d;
        }
        return ringDir;
    }

    Transport connect() throws IOException {
        if (transport.equals("stdio")) {
            return ChildProcessTransport.launch(serverCommand);
        }
        if (transport.equals("shm")) {
            // the server becomes this driver's ring child (SPEC §9.4); no silent fallback to stdio
            Transport t = SharedMemory.builder(serverCommand).directory(ringDirectory()).fallbackToStdio(false).launch();
            if (!t.description().startsWith("shm ring")) {
                t.close();
                throw new IOException("the server did not attach to the shared-memory ring (" + t.description()
                        + "): a declined ring is not the shm transport");
            }
            return t;
        }
        return Endpoints.connect(transport, address);
    }
}
