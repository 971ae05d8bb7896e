package io.parley.pool.metrics;

import java.util.Map;

/**
 * The JMX view of a {@link io.parley.pool.PoolStats} snapshot (register it with {@link PoolJmx}).
 * Every attribute is read from a fresh snapshot; maps appear as {@code TabularData} in JMX
 * clients (JConsole, VisualVM, jmxterm), keyed by the lower-case enum name.
 */
public interface PoolStatsMXBean {

    /** The pool's name ({@code "*"} for a whole pool across its named pools). */
    String getPool();

    /** False while a crash-loop breaker is open. */
    boolean isHealthy();

    /** Why the pool is unhealthy, with the last stderr lines; empty when healthy. */
    String getUnhealthyReason();

    /** Live workers, every state. */
    int getWorkers();

    /** Live workers by state ({@code idle}, {@code busy}, ...). */
    Map<String, Long> getWorkersByState();

    /** The process ids of the live workers. */
    long[] getWorkerPids();

    /** Resident memory of all workers together, in bytes (unknown RSS counts as 0). */
    long getWorkersRssBytes();

    /** Calls waiting for a worker. */
    int getQueueDepth();

    /** Finished calls, every outcome. */
    long getTotalCalls();

    /** Finished calls by outcome ({@code ok}, {@code remote_error}, {@code crashed}, ...). */
    Map<String, Long> getCalls();

    /** Worker replacements by reason ({@code crash}, {@code max_jobs}, {@code ttl}, ...). */
    Map<String, Long> getRestarts();

    /** Median call latency, milliseconds. */
    double getLatencyP50Millis();

    /** 95th percentile call latency, milliseconds. */
    double getLatencyP95Millis();

    /** 99th percentile call latency, milliseconds. */
    double getLatencyP99Millis();

    /** The slowest call, milliseconds. */
    double getLatencyMaxMillis();
}
