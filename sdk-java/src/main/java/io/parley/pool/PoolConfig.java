package io.parley.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of one (named) pool of workers: immutable, built with {@link #builder()} or read
 * from a config file by {@link WorkerPool.Builder#configFile(Path)}. The defaults and the file keys
 * are listed in the {@linkplain io.parley.pool package documentation}.
 */
public final class PoolConfig {
    /** The name of the pool that takes every method no named pool's routes match. */
    public static final String DEFAULT_POOL = "default";

    private final String name;
    private final List<String> routes;
    private final List<String> command;
    private final int workers;
    private final Map<String, String> env;
    private final Path workingDir;
    private final WorkerTransport transport;
    private final int maxConcurrent;
    private final int queueSize;
    private final Duration allocateTimeout;
    private final long maxJobs;
    private final Duration ttl;
    private final Duration idleTtl;
    private final long maxMemory;
    private final Duration execTtl;
    private final Duration execGrace;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final Duration termTimeout;
    private final Duration watchTick;
    private final List<Path> watch;
    private final Duration watchDebounce;
    private final Duration restartBackoff;
    private final Duration restartBackoffMax;
    private final int crashLoopDeaths;
    private final Duration crashLoopWindow;

    private PoolConfig(Builder b) {
        this.name = b.name;
        this.routes = List.copyOf(b.routes);
        this.command = List.copyOf(b.command);
        this.workers = b.workers;
        this.env = Map.copyOf(b.env);
        this.workingDir = b.workingDir;
        this.transport = b.transport;
        this.maxConcurrent = b.maxConcurrent;
        this.queueSize = b.queueSize;
        this.allocateTimeout = b.allocateTimeout;
        this.maxJobs = b.maxJobs;
        this.ttl = b.ttl;
        this.idleTtl = b.idleTtl;
        this.maxMemory = b.maxMemory;
        this.execTtl = b.execTtl;
        this.execGrace = b.execGrace;
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
        this.termTimeout = b.termTimeout;
        this.watchTick = b.watchTick;
        this.watch = List.copyOf(b.watch);
        this.watchDebounce = b.watchDebounce;
        this.restartBackoff = b.restartBackoff;
        this.restartBackoffMax = b.restartBackoffMax;
        this.crashLoopDeaths = b.crashLoopDeaths;
        this.crashLoopWindow = b.crashLoopWindow;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config (named pools inherit the top-level settings this way). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public String name() {
        return name;
    }

    /** Method globs ({@code *} any run of characters, {@code ?} one) routed to this pool. */
    public List<String> routes() {
        return routes;
    }

    public List<String> command() {
        return command;
    }

    public int workers() {
        return workers;
    }

    /** Variables added to (or overriding) the inherited environment. */
    public Map<String, String> env() {
        return env;
    }

    /** {@code null}: this process's working directory. */
    public Path workingDir() {
        return workingDir;
    }

    public WorkerTransport transport() {
        return transport;
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    public int queueSize() {
        return queueSize;
    }

    public Duration allocateTimeout() {
        return allocateTimeout;
    }

    /** 0: unlimited. */
    public long maxJobs() {
        return maxJobs;
    }

    /** {@link Duration#ZERO}: off. */
    public Duration ttl() {
        return ttl;
    }

    /** {@link Duration#ZERO}: off. */
    public Duration idleTtl() {
        return idleTtl;
    }

    /** Resident set size limit in bytes; 0: off. */
    public long maxMemory() {
        return maxMemory;
    }

    /** {@link Duration#ZERO}: off. */
    public Duration execTtl() {
        return execTtl;
    }

    public Duration execGrace() {
        return execGrace;
    }

    public Duration startTimeout() {
        return startTimeout;
    }

    public Duration stopTimeout() {
        return stopTimeout;
    }

    public Duration termTimeout() {
        return termTimeout;
    }

    public Duration watchTick() {
        return watchTick;
    }

    public List<Path> watch() {
        return watch;
    }

    public Duration watchDebounce() {
        return watchDebounce;
    }

    public Duration restartBackoff() {
        return restartBackoff;
    }

    public Duration restartBackoffMax() {
        return restartBackoffMax;
    }

    public int crashLoopDeaths() {
        return crashLoopDeaths;
    }

    public Duration crashLoopWindow() {
        return crashLoopWindow;
    }

    @Override
    public String toString() {
        return "PoolConfig[" + name + ": " + workers + " x " + String.join(" ", command) + ", " + transport
                + ", max_concurrent=" + maxConcurrent + ", queue_size=" + queueSize + "]";
    }

    /** Options of one pool; every setter validates its argument. */
    public static final class Builder {
        private String name = DEFAULT_POOL;
        private List<String> routes = new ArrayList<>();
        private List<String> command = List.of("php", "worker.php");
        private int workers = Runtime.getRuntime().availableProcessors();
        private Map<String, String> env = new LinkedHashMap<>();
        private Path workingDir;
        private WorkerTransport transport = WorkerTransport.STDIO;
        private int maxConcurrent = 1;
        private int queueSize = 1024;
        private Duration allocateTimeout = Duration.ofSeconds(60);
        private long maxJobs;
        private Duration ttl = Duration.ZERO;
        private Duration idleTtl = Duration.ZERO;
        private long maxMemory;
        private Duration execTtl = Duration.ZERO;
        private Duration execGrace = Duration.ofSeconds(1);
        private Duration startTimeout = Duration.ofSeconds(10);
        private Duration stopTimeout = Duration.ofSeconds(10);
        private Duration termTimeout = Duration.ofSeconds(2);
        private Duration watchTick = Duration.ofSeconds(1);
        private List<Path> watch = new ArrayList<>();
        private Duration watchDebounce = Duration.ofMillis(300);
        private Duration restartBackoff = Duration.ofMillis(100);
        private Duration restartBackoffMax = Duration.ofSeconds(5);
        private int crashLoopDeaths = 5;
        private Duration crashLoopWindow = Duration.ofSeconds(10);

        private Builder() {
        }

        private Builder(PoolConfig c) {
            name = c.name;
            routes = new ArrayList<>(c.routes);
            command = c.command;
            workers = c.workers;
            env = new LinkedHashMap<>(c.env);
            workingDir = c.workingDir;
            transport = c.transport;
            maxConcurrent = c.maxConcurrent;
            queueSize = c.queueSize;
            allocateTimeout = c.allocateTimeout;
            maxJobs = c.maxJobs;
            ttl = c.ttl;
            idleTtl = c.idleTtl;
            maxMemory = c.maxMemory;
            execTtl = c.execTtl;
            execGrace = c.execGrace;
            startTimeout = c.startTimeout;
            stopTimeout = c.stopTimeout;
            termTimeout = c.termTimeout;
            watchTick = c.watchTick;
            watch = new ArrayList<>(c.watch);
            watchDebounce = c.watchDebounce;
            restartBackoff = c.restartBackoff;
            restartBackoffMax = c.restartBackoffMax;
            crashLoopDeaths = c.crashLoopDeaths;
            crashLoopWindow = c.crashLoopWindow;
        }

        /** The pool's name (default {@code "default"}). */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a pool name must not be empty");
            }
            this.name = name;
            return this;
        }

        /** Method globs routed to this pool, e.g. {@code "report.*"} (replaces earlier routes). */
        public Builder routes(List<String> globs) {
            this.routes = new ArrayList<>(globs);
            return this;
        }

        /** The worker's command line: program and arguments, no shell (default {@code php worker.php}). */
        public Builder command(List<String> command) {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("command must name a program, e.g. [php, worker.php]");
            }
            this.command = List.copyOf(command);
            return this;
        }

        /** Shorthand for {@code command(List.of("php", script))}. */
        public Builder script(String phpScript) {
            return command(List.of("php", phpScript));
        }

        /** Workers started at once and kept alive (default: the number of CPUs). */
        public Builder workers(int workers) {
            this.workers = atLeast("workers", workers, 1);
            return this;
        }

        /** One variable for the workers, on top of this process's environment. */
        public Builder env(String name, String value) {
            this.env.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** Variables for the workers (replaces earlier ones), on top of this process's environment. */
        public Builder env(Map<String, String> env) {
            this.env = new LinkedHashMap<>(env);
            return this;
        }

        public Builder workingDir(Path dir) {
            this.workingDir = dir;
            return this;
        }

        public Builder transport(WorkerTransport transport) {
            this.transport = Objects.requireNonNull(transport);
            return this;
        }

        /** Calls one worker runs at a time (default 1, one job at a time; more uses multiplexing). */
        public Builder maxConcurrent(int max) {
            this.maxConcurrent = atLeast("max_concurrent", max, 1);
            return this;
        }

        /** Calls that may wait for a worker (default 1024; 0: fail at once when all are busy). */
        public Builder queueSize(int size) {
            this.queueSize = atLeast("queue_size", size, 0);
            return this;
        }

        /** How long a call may wait for a worker (default 60 s). */
        public Builder allocateTimeout(Duration timeout) {
            this.allocateTimeout = positive("allocate_timeout", timeout);
            return this;
        }

        /** Soft: calls a worker serves before it is replaced (default 0, unlimited). */
        public Builder maxJobs(long jobs) {
            this.maxJobs = atLeast("max_jobs", jobs, 0);
            return this;
        }

        /** Soft: a worker's lifetime (default 0, off). */
        public Builder ttl(Duration ttl) {
            this.ttl = notNegative("ttl", ttl);
            return this;
        }

        /** Soft: how long a worker may stay idle (default 0, off). */
        public Builder idleTtl(Duration idleTtl) {
            this.idleTtl = notNegative("idle_ttl", idleTtl);
            return this;
        }

        /** Soft: RSS limit in bytes, checked every watch tick (default 0, off). */
        public Builder maxMemory(long bytes) {
            this.maxMemory = atLeast("max_memory", bytes, 0);
            return this;
        }

        /** Hard: the longest a call may run (default 0, off). */
        public Builder execTtl(Duration execTtl) {
            this.execTtl = notNegative("exec_ttl", execTtl);
            return this;
        }

        /** After exec_ttl, how long the handler has to stop by itself before SIGTERM (default 1 s). */
        public Builder execGrace(Duration grace) {
            this.execGrace = notNegative("exec_grace", grace);
            return this;
        }

        /** Launch plus handshake of one worker (default 10 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = positive("start_timeout", timeout);
            return this;
        }

        /** Drain after GOODBYE, when stopping a worker or the pool (default 10 s). */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = notNegative("stop_timeout", timeout);
            return this;
        }

        /** After SIGTERM, how long before SIGKILL of the process tree (default 2 s). */
        public Builder termTimeout(Duration timeout) {
            this.termTimeout = notNegative("term_timeout", timeout);
            return this;
        }

        /** The supervisor's period: ttl, idle_ttl and memory checks (default 1 s). */
        public Builder watchTick(Duration tick) {
            this.watchTick = positive("watch_tick", tick);
            return this;
        }

        /** Files or directories whose changes trigger a rolling restart (replaces earlier ones). */
        public Builder watch(List<Path> paths) {
            this.watch = new ArrayList<>(paths);
            return this;
        }

        /** Quiet time after the last change before the rolling restart starts (default 300 ms). */
        public Builder watchDebounce(Duration debounce) {
            this.watchDebounce = notNegative("watch_debounce", debounce);
            return this;
        }

        /** First delay before restarting a crashed worker; doubles per crash (default 100 ms). */
        public Builder restartBackoff(Duration initial) {
            this.restartBackoff = notNegative("restart_backoff", initial);
            return this;
        }

        /** The longest restart delay (default 5 s). */
        public Builder restartBackoffMax(Duration max) {
            this.restartBackoffMax = notNegative("restart_backoff_max", max);
            return this;
        }

        /** Crash-loop breaker: this many deaths at start within {@link #crashLoopWindow} (default 5). */
        public Builder crashLoopDeaths(int deaths) {
            this.crashLoopDeaths = atLeast("crash_loop_deaths", deaths, 1);
            return this;
        }

        /** Crash-loop breaker window (default 10 s). */
        public Builder crashLoopWindow(Duration window) {
            this.crashLoopWindow = positive("crash_loop_window", window);
            return this;
        }

        public PoolConfig build() {
            return new PoolConfig(this);
        }

        private static int atLeast(String key, int value, int min) {
            return (int) atLeast(key, (long) value, (long) min);
        }

        private static long atLeast(String key, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
            }
            return value;
        }

        private static Duration notNegative(String key, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(key + " must be 0 or more, got " + d);
            }
            return d;
        }

        private static Duration positive(String key, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + " must be more than 0, got " + d);
            }
            return d;
        }
    }
}
