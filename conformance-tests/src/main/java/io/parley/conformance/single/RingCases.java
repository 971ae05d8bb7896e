package io.parley.conformance.single;

import io.parley.conformance.CaseFailed;
import io.parley.conformance.wire.Json;
import io.parley.conformance.wire.Msg;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import static io.parley.conformance.single.Script.request;
import static io.parley.conformance.single.SingleCase.session;
import static io.parley.conformance.wire.Wire.*;

/**
 * The shared-memory ring's own cases (SPEC §9.4), run on the {@code shm} column only: a stress of
 * random sizes in both directions at once, and the two crash rules (a producer killed mid-record,
 * a consumer killed while the producer waits for space). The runner is the ring's parent and its
 * ring is {@value #RING_KIB} KiB (the smallest §9.4 allows), so records wrap and fill it all the time.
 */
final class RingCases {
    static final int RING_KIB = 64;
    /** Messages of the stress case: {@code -Dparley.conformance.ringStress=N} (CI default 2000). */
    static final String STRESS_PROPERTY = "parley.conformance.ringStress";
    private static final int DEFAULT_STRESS = 2000;
    private static final int WINDOW = 64;
    private static final String ONLY_SHM = "a shared-memory ring case (§9.4)";

    private RingCases() {}

    static List<SingleCase> all() {
        return List.of(
            shmOnly(session("S-150", "ring stress: random sizes 0 to 2x the ring, both directions at once, checksummed", "9.4", RingCases::stress)
                    .bound(600)),
            shmOnly(session("S-151", "producer killed mid-record: the testee ends its session and exits, nothing hangs", "9.4", s -> {
                // the testee has a call of its own pending on us when we die
                s.send(request(1, "callback", Json.obj().put("method", "conf/held").set("params", Json.obj())));
                Msg held = s.expect("the testee's REQUEST conf/held", m -> m.kind() == REQUEST);
                if (!"conf/held".equals(held.method())) throw s.fail("callback called " + held.method() + " instead of conf/held");
                s.link().claimWithoutCommit(4096);
                s.abandon();
                s.link().close(); // our "death": the socket ends, the claimed record is never committed
                expectExit(s, "after its ring parent died mid-record with a call of the testee pending");
            })),
            shmOnly(session("S-152", "consumer killed while the producer waits for space: the testee exits, nothing hangs", "9.4", s -> {
                s.link().stopReading();
                // 900 KiB back through a 64 KiB ring nobody reads: the testee's producer must wait for space
                s.send(SingleCases.rawRequest(1, "big-echo", SingleCases.pattern(900 * 1024)));
                Integer early = s.testee().waitExit(Duration.ofMillis(500));
                if (early != null) throw s.fail("the testee exited (status " + early + ") before we stopped reading");
                s.abandon();
                s.link().close();
                expectExit(s, "after its ring consumer died while the testee waited for space");
            })));
    }

    private static SingleCase shmOnly(SingleCase c) {
        return c.notOn("stdio", ONLY_SHM).notOn("unix", ONLY_SHM).notOn("tcp", ONLY_SHM);
    }

    private static void expectExit(Script s, String when) {
        Integer st = s.testee().waitExit(s.waitBound().multipliedBy(2));
        if (st == null) throw s.fail("the testee was still running " + s.waitBound().multipliedBy(2).toSeconds() + " s " + when);
    }

    static int stressCount() {
        String v = System.getProperty(STRESS_PROPERTY, System.getenv().getOrDefault("PARLEY_RING_STRESS", ""));
        return v.isBlank() ? DEFAULT_STRESS : Integer.parseInt(v.trim());
    }

    /**
     * {@code echo} of raw bodies of log-uniform random sizes from 0 to 2x the ring's capacity
     * (every magnitude as likely), {@value #WINDOW} in flight, so that requests and responses
     * stream through both rings at once; every response is checked by length and CRC-32.
     */
    private static void stress(Script s) {
        int total = stressCount();
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        int max = 2 * RING_KIB * 1024;
        Map<Long, long[]> pending = new HashMap<>();
        long sent = 0, received = 0, corrupted = 0, bytes = 0;
        long t0 = System.nanoTime();
        String firstCorrupt = null;
        while (received < total) {
            while (sent < total && pending.size() < WINDOW) {
                long id = sent + 1;
                int size = (int) Math.min(max, Math.floor(Math.pow(max + 1, rnd.nextDouble())) - 1);
                byte[] body = new byte[size];
                for (int i = 0; i < size; i += 8) {
                    long r = rnd.nextLong();
                    for (int k = 0; k < 8 && i + k < size; k++) body[i + k] = (byte) (r >>> (8 * k));
                }
                pending.put(id, new long[] {size, crc(body)});
                s.send(SingleCases.rawRequest(id, "echo", body));
                sent++;
                bytes += size;
            }
            Msg m;
            try {
                m = s.next("RESPONSE to one of " + pending.size() + " echo calls in flight", Duration.ofSeconds(20));
            } catch (CaseFailed e) {
                throw s.fail("lost: " + pending.size() + " of " + total + " messages unanswered (" + received + " answered, "
                        + corrupted + " corrupted, seed " + seed + "): " + e.getMessage());
            }
            long[] want = m.kind() == RESPONSE ? pending.remove(m.id()) : null;
            if (want == null) throw s.fail("expected a RESPONSE to a pending echo, got " + m + " (seed " + seed + ")");
            byte[] got = m.plainBody() == null ? new byte[0] : m.plainBody();
            if (got.length != want[0] || crc(got) != want[1]) {
                corrupted++;
                if (firstCorrupt == null) firstCorrupt = "id " + m.id() + ": " + got.length + " bytes, expected " + want[0];
            }
            received++;
            if (total >= 100_000 && received % (total / 20) == 0 && received < total) {
                // a long run shows how far it got (it may be stopped before the end)
                System.out.println("  S-150 progress: " + received + " of " + total + " answered, " + bytes / (1 << 20)
                        + " MiB sent, " + corrupted + " corrupted, " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long lost = s.link().lostWakeups();
        String testeeLost = testeeLostWakeups(s);
        String figures = total + " messages, " + bytes / (1 << 20) + " MiB each way in " + ms
                + " ms: 0 lost, " + corrupted + " corrupted, " + Math.max(0, lost) + " lost wake-ups (runner side), "
                + testeeLost + " (testee side), seed " + seed;
        if (corrupted > 0) throw s.fail("corrupted: " + figures + "; first: " + firstCorrupt);
        if (lost > 0 || testeeLost.matches("[1-9][0-9]*")) throw s.fail("lost wake-ups (SPEC §9.4: a bug): " + figures);
        System.out.println("  S-150 ring stress on " + s.link().describe() + ": " + figures);
    }

    /**
     * The testee's own count of lost wake-ups: with {@code PARLEY_RING_STATS} set (the testee
     * inherits it), the session is closed here and the line both SDKs' ring transports print on
     * close ({@code parley ring stats (…): N lost wake-ups}) is read from its stderr.
     */
    private static String testeeLostWakeups(Script s) {
        String stats = System.getenv("PARLEY_RING_STATS");
        if (stats == null || stats.isEmpty()) return "not asked (PARLEY_RING_STATS=1 reports them)";
        s.finish();
        expectExit(s, "after the GOODBYE that ended the stress");
        s.testee().awaitDrained(Duration.ofSeconds(5));
        Matcher m = STATS_LINE.matcher(s.testee().stderrTail());
        String n = null;
        while (m.find()) n = m.group(1);
        return n != null ? n : "no stats line on stderr";
    }

    private static final Pattern STATS_LINE = Pattern.compile("parley ring stats .*?: (\\d+) lost wake-ups");

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }
}
