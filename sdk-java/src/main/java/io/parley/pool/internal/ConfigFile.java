package io.parley.pool.internal;

import io.parley.pool.WorkerPool;
import java.io.IOException;
import java.nio.file.Path;

/** Reads a pool config file (YAML or JSON) onto a {@link WorkerPool.Builder}. */
public final class ConfigFile {
    private ConfigFile() {
    }

    public static void apply(Path file, WorkerPool.Builder builder) throws IOException {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
