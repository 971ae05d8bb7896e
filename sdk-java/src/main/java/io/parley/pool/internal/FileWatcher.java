package io.parley.pool.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload: watches the pools' {@code watch} paths (a file, or a directory and its
 * subdirectories) with a {@link WatchService}; a change starts a rolling restart of the pools
 * that watch it once no further change came for {@code watch_debounce}.
 */
final class FileWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);
    private final WatchService service;
    private final PoolRuntime rt;
    private final Map<WatchKey, Path> dirs = new HashMap<>();
    private final Map<NamedPool, ScheduledFuture<?>> pending = new HashMap<>();
    private final Thread thread;

    private FileWatcher(WatchService service, PoolRuntime rt) {
        this.service = service;
        this.rt = rt;
        this.thread = new Thread(this::run, "parley-pool-watch");
        thread.setDaemon(true);
    }

    /** Starts watching, or returns null when no pool watches anything. */
    static FileWatcher start(PoolRuntime rt) throws IOException {
        boolean any = rt.pools().values().stream().anyMatch(p -> !p.cfg.watch().isEmpty());
        if (!any) {
            return null;
        }
        FileWatcher w = new FileWatcher(FileSystems.getDefault().newWatchService(), rt);
        for (NamedPool p : rt.pools().values()) {
            for (Path path : p.cfg.watch()) {
                Path abs = path.toAbsolutePath().normalize();
                if (Files.isDirectory(abs)) {
                    w.registerTree(abs);
                } else if (abs.getParent() != null && Files.isDirectory(abs.getParent())) {
                    w.register(abs.getParent());
                } else {
                    throw new IOException("cannot watch " + abs + ": neither it nor its directory exists");
                }
            }
        }
        w.thread.start();
        return w;
    }

    private void registerTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path d : s.filter(Files::isDirectory).collect(Collectors.toList())) {
                register(d);
            }
        }
    }

    private void register(Path dir) throws IOException {
        WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        synchronized (dirs) {
            dirs.put(key, dir);
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path dir;
                synchronized (dirs) {
                    dir = dirs.get(key);
                }
                List<Path> changed = new ArrayList<>();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (dir != null && e.context() instanceof Path) {
                        changed.add(dir.resolve((Path) e.context()));
                    }
                }
                key.reset();
                for (Path p : changed) {
                    if (Files.isDirectory(p)) {
                        registerQuietly(p);
                    }
                    changed(p);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private void registerQuietly(Path dir) {
        try {
            registerTree(dir);
        } catch (IOException e) {
            LOG.debug("cannot watch new directory {}: {}", dir, e.toString());
        }
    }

    private void changed(Path file) {
        for (NamedPool p : rt.pools().values()) {
            for (Path w : p.cfg.watch()) {
                Path abs = w.toAbsolutePath().normalize();
                if (file.startsWith(abs)) {
                    schedule(p, file);
                    break;
                }
            }
        }
    }

    private void schedule(NamedPool p, Path file) {
        synchronized (pending) {
            ScheduledFuture<?> earlier = pending.get(p);
            if (earlier != null) {
                earlier.cancel(false);
            }
            pending.put(p, rt.scheduler.schedule(() -> {
                LOG.info("pool '{}': {} changed; rolling restart", p.name(), file);
                Recycling.reload(p, rt.executor);
            }, p.cfg.watchDebounce().toNanos(), TimeUnit.NANOSECONDS));
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("watch service close: {}", e.toString());
        }
        thread.interrupt();
    }
}
