package io.parley.benchmarks;

import io.parley.benchmarks.BenchSuite.Row;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The matrix of the benchmark command (issue 10 "The benchmark command", issue 9 "Benchmark"): every
 * row with its floor and contenders. Pairings read parent (or client) → child (or server); the
 * floors are named in each row. Rows marked quick also run in quick mode (a few of each kind of
 * contender, so that CI runs every code path of the suite).
 */
final class BenchRows {
    private static final int KIB = 1 << 10;
    private static final int MIB = 1 << 20;
    /** The ring's spin before it parks: default, none (parked at once), and spinning (unpinned rows only). */
    private static final Duration SPIN = Peer.DEFAULT_SPIN;
    private static final Duration PARKED = Duration.ZERO;
    private static final Duration SPINNING = Duration.ofMillis(5);

    private final List<Row> rows = new ArrayList<>();

    private BenchRows() {
    }

    /** @param twoCores whether the processes may run on two cores (unpinned): only then are spinning contenders measured */
    static List<Row> all(boolean twoCores) {
        BenchRows r = new BenchRows();
        r.javaToPhp();
        r.ring("Java→PHP", "php", twoCores);
        r.ring("Java↔Java", "java", twoCores);
        r.phpParents();
        r.inflight();
        r.large();
        r.pool();
        return r.rows;
    }

    private void add(String name, String unit, int quick, int full, boolean inQuick, String floorName, Contender floor, Object... named) {
        Map<String, Contender> m = new LinkedHashMap<>();
        for (int i = 0; i < named.length; i += 2) {
            if (named[i + 1] != null) {
                m.put((String) named[i], (Contender) named[i + 1]);
            }
        }
        rows.add(new Row(name, unit, quick, full, floorName, floor, m, inQuick));
    }

    /** The Java→PHP rows of issue 10's table: codecs, compression before/after, JSON. */
    private void javaToPhp() {
        byte[] big = BenchSuite.random(MIB);
        String bigText = BenchSuite.text(MIB);
        byte[] bigTextBytes = bigText.getBytes(StandardCharsets.US_ASCII);
        String midText = BenchSuite.text(64 * KIB);
        String floor = "raw Java DataStreams ↔ raw-echo.php, pipe";
        add("Java→PHP 1 MiB echo, incompressible, raw codec", "echoes/s", 3, 40, true, floor, Contender.javaRawPhpEcho(big),
                "parley", Contender.javaParleyPhpRaw(big, false), "parley, compression on (before)", Contender.javaParleyPhpRaw(big, true));
        add("Java→PHP 1 MiB echo, compressible, raw codec", "echoes/s", 3, 40, false, floor, Contender.javaRawPhpEcho(bigTextBytes),
                "parley", Contender.javaParleyPhpRaw(bigTextBytes, false), "parley, compression on (before)",
                Contender.javaParleyPhpRaw(bigTextBytes, true));
        add("Java→PHP 1 MiB echo, JSON string", "echoes/s", 3, 20, false, floor, Contender.javaRawPhpEcho(bigTextBytes),
                "parley", Contender.javaParleyPhpJson(bigText, false), "parley, compression on (before)", Contender.javaParleyPhpJson(bigText, true));
        add("Java→PHP 64 KiB echo, JSON string", "echoes/s", 20, 500, false, floor,
                Contender.javaRawPhpEcho(midText.getBytes(StandardCharsets.US_ASCII)), "parley", Contender.javaParleyPhpJson(midText, false));
        add("PHP→Java 8 B notifications (PHP child sends)", "msgs/s", 500, 50_000, false, floor, Contender.javaRawPhpStream(8),
                "parley", Contender.javaParleyPhpNotifications(8));
    }

    /** Issue 9's ring benchmark for one pairing: the pipe and the ring in the same rounds, against the raw pipe floor. */
    private void ring(String pair, String peer, boolean twoCores) {
        String floor = peer.equals("php") ? "raw Java DataStreams ↔ raw-echo.php, pipe" : "raw Java DataStreams ↔ raw Java child, pipe";
        byte[] small = BenchSuite.random(32);
        JavaParents.Workload rtt = JavaParents.echo(small);
        boolean javaJava = peer.equals("java");
        add(pair + " 32 B call round trip", "calls/s", 200, 5_000, true, floor, JavaParents.of("raw", peer, "pipe", SPIN, rtt),
                "parley pipe", JavaParents.of("parley", peer, "pipe", SPIN, rtt),
                "parley shm", JavaParents.of("parley", peer, "shm", SPIN, rtt),
                "parley shm, parked (spin 0)", JavaParents.of("parley", peer, "shm", PARKED, rtt),
                "parley shm, spinning (5 ms)", twoCores ? JavaParents.of("parley", peer, "shm", SPINNING, rtt) : null,
                "C ping-pong, pipe (limit)", CFloor.pingPong("pipe", 32));
        add(pair + " 64 B one-way, parent→child", "msgs/s", 500, 20_000, true, floor, JavaParents.of("raw", peer, "pipe", SPIN, JavaParents.send(64)),
                "parley pipe", JavaParents.of("parley", peer, "pipe", SPIN, JavaParents.send(64)),
                "parley shm", JavaParents.of("parley", peer, "shm", SPIN, JavaParents.send(64)));
        add(pair + " 64 B one-way, child→parent", "msgs/s", 500, 20_000, !javaJava, floor,
                JavaParents.of("raw", peer, "pipe", SPIN, JavaParents.receive(64)),
                "parley pipe", JavaParents.of("parley", peer, "pipe", SPIN, JavaParents.receive(64)),
                "parley shm", JavaParents.of("parley", peer, "shm", SPIN, JavaParents.receive(64)));
        for (int size : new int[] {4 * KIB, MIB}) {
            byte[] body = BenchSuite.random(size);
            JavaParents.Workload echo = JavaParents.echo(body);
            add(pair + " " + (size == MIB ? "1 MiB" : "4 KiB") + " echo, incompressible", "MB/s each way", size == MIB ? 3 : 50,
                    size == MIB ? 40 : 3_000, size == MIB, floor, JavaParents.megabytes(JavaParents.of("raw", peer, "pipe", SPIN, echo), size),
                    "parley pipe", JavaParents.megabytes(JavaParents.of("parley", peer, "pipe", SPIN, echo), size),
                    "parley shm", JavaParents.megabytes(JavaParents.of("parley", peer, "shm", SPIN, echo), size));
        }
        if (javaJava) {
            for (String transport : List.of("unix", "tcp")) {
                add("Java↔Java 32 B call round trip, " + transport, "calls/s", 200, 5_000, false, "raw Java DataStreams ↔ raw Java child, " + transport,
                        Contender.javaJava("raw", transport, small), "parley " + transport, Contender.javaJava("parley", transport, small),
                        "C ping-pong, " + transport + " (limit)", CFloor.pingPong(transport, 32));
            }
        }
    }

    /** PHP parents: PHP↔PHP and PHP→Java over pipe, Unix socket and TCP (and PHP↔PHP over the ring). */
    private void phpParents() {
        for (String peer : List.of("php", "java")) {
            String pair = peer.equals("php") ? "PHP↔PHP" : "PHP→Java";
            String floorPeer = peer.equals("php") ? "raw-echo.php" : "raw Java child";
            for (String transport : List.of("pipe", "unix", "tcp")) {
                boolean quick = peer.equals("php") ? !transport.equals("tcp") : !transport.equals("unix");
                String floor = "raw PHP streams ↔ " + floorPeer + ", " + transport;
                boolean ringToo = peer.equals("php") && transport.equals("pipe");
                add(pair + " 32 B call round trip, " + transport, "calls/s", 200, 5_000, quick, floor,
                        PhpParents.of("raw", "echo", 32, false, peer, transport),
                        "parley " + transport, PhpParents.of("parley", "echo", 32, false, peer, transport),
                        "parley shm", ringToo ? PhpParents.of("parley", "echo", 32, false, peer, "shm") : null,
                        "C ping-pong, " + transport + " (limit)", CFloor.pingPong(transport, 32));
                add(pair + " 1 MiB echo, incompressible, " + transport, "MB/s each way", 3, 20, false, floor,
                        JavaParents.megabytes(PhpParents.of("raw", "echo", MIB, true, peer, transport), MIB),
                        "parley " + transport, JavaParents.megabytes(PhpParents.of("parley", "echo", MIB, true, peer, transport), MIB),
                        "parley shm", ringToo ? JavaParents.megabytes(PhpParents.of("parley", "echo", MIB, true, peer, "shm"), MIB) : null);
                add(pair + " 64 B one-way, parent→child, " + transport, "msgs/s", 500, 20_000, quick && peer.equals("java"), floor,
                        PhpParents.of("raw", "send", 64, false, peer, transport),
                        "parley " + transport, PhpParents.of("parley", "send", 64, false, peer, transport));
                if (peer.equals("php")) {
                    add(pair + " 64 B one-way, child→parent, " + transport, "msgs/s", 500, 20_000, false, floor,
                            PhpParents.of("raw", "notify", 64, false, peer, transport),
                            "parley " + transport, PhpParents.of("parley", "notify", 64, false, peer, transport));
                }
            }
        }
    }

    /** 32 B calls with 64 in flight. */
    private void inflight() {
        byte[] small = BenchSuite.random(32);
        JavaParents.Workload w = JavaParents.inflight(small);
        add("Java→PHP 32 B calls, 64 in flight", "calls/s", 300, 10_000, true, "raw Java DataStreams ↔ raw-echo.php, pipe, 64 in flight",
                JavaParents.of("raw", "php", "pipe", SPIN, w), "parley pipe", JavaParents.of("parley", "php", "pipe", SPIN, w),
                "parley shm", JavaParents.of("parley", "php", "shm", SPIN, w));
        add("Java↔Java 32 B calls, 64 in flight", "calls/s", 300, 10_000, false, "raw Java DataStreams ↔ raw Java child, pipe, 64 in flight",
                JavaParents.of("raw", "java", "pipe", SPIN, w), "parley pipe", JavaParents.of("parley", "java", "pipe", SPIN, w),
                "parley shm", JavaParents.of("parley", "java", "shm", SPIN, w));
        add("PHP↔PHP 32 B calls, 64 in flight", "calls/s", 300, 10_000, true, "raw PHP streams ↔ raw-echo.php, pipe, 64 in flight",
                PhpParents.of("raw", "inflight", 32, false, "php", "pipe"), "parley pipe", PhpParents.of("parley", "inflight", 32, false, "php", "pipe"));
    }

    /**
     * 64 MiB in one message (Parley sends it in frames), with the peak RSS growth of both processes
     * (Java→PHP only: a Java↔Java run, {@code BigEcho.contender(impl, "java", size)}, works the same
     * way but costs the full mode another half minute per round).
     */
    private void large() {
        int size = 64 * MIB;
        add("Java→PHP 64 MiB echo (chunked), incompressible", "MB/s each way", 1, 1, true, "raw Java DataStreams ↔ raw-echo.php, pipe",
                BigEcho.contender("raw", "php", size), "parley pipe", BigEcho.contender("parley", "php", size),
                "parley pipe, pieces", BigEcho.contender("pieces", "php", size));
    }

    /** The pool with 1 and 2 PHP workers. */
    private void pool() {
        add("Java→PHP pool, no-op call one at a time", "calls/s", 100, 2_000, true, "raw Java DataStreams ↔ raw-echo.php, pipe (32 B)",
                Contender.javaRawPhpEcho(BenchSuite.random(32)), "plain session (no pool)", PoolRows.noopSession(),
                "pool, 1 worker", PoolRows.noop(1), "pool, 2 workers", PoolRows.noop(2));
        add("Java→PHP pool, ~2 ms CPU-bound calls, 16 in flight", "calls/s", 16, 150, false, "one plain session, calls one at a time",
                PoolRows.workSession(), "pool, 1 worker", PoolRows.work(1), "pool, 2 workers", PoolRows.work(2));
    }
}
