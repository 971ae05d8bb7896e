package io.parley.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Contenders with a PHP parent ({@code sdk-java/benchmarks/php/php-pair.php}): PHP↔PHP and PHP→Java, over
 * pipes (the parent starts the child), Unix sockets and TCP (this JVM starts a listening server,
 * the PHP parent connects to it) or the shared-memory ring.
 */
final class PhpParents {
    /** php-pair.php's exit status when its ring child declined the ring. */
    private static final int DECLINED = 3;

    private PhpParents() {
    }

    /**
     * @param impl raw (the floor) or parley
     * @param mode echo, inflight, notify (peer to PHP) or send (PHP to peer), see php-pair.php
     * @param peer php or java
     * @param transport pipe, unix, tcp, or shm (PHP peer, parley only)
     */
    static Contender of(String impl, String mode, int size, boolean random, String peer, String transport) {
        return count -> {
            if (transport.equals("unix") || transport.equals("tcp")) {
                try (Listener server = Listener.start(peer, impl, transport)) {
                    return pair(impl, mode, size, count, random, List.of("connect", server.address));
                }
            }
            if (transport.equals("shm")) {
                return pair(impl, mode, size, count, random, List.of("ring"));
            }
            if (peer.equals("php")) {
                return pair(impl, mode, size, count, random, List.of("child"));
            }
            List<String> target = new ArrayList<>(List.of("cmd"));
            target.addAll(Peer.command(impl.equals("raw") ? "raw" : "parley", "stdio"));
            return pair(impl, mode, size, count, random, target);
        };
    }

    private static double pair(String impl, String mode, int size, int count, boolean random, List<String> target) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Contender.php(), Contender.phpScript("php-pair.php").toString(), impl, mode,
                Integer.toString(size), Integer.toString(count), random ? "random" : "x"));
        cmd.addAll(target);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int status = p.waitFor();
        if (status == DECLINED) {
            throw new Contender.Skipped("not measured: the child declined the ring (see the log)");
        }
        if (status != 0 || line.isEmpty()) {
            throw new IOException("php-pair.php " + String.join(" ", cmd.subList(2, Math.min(cmd.size(), 9))) + " failed: " + line);
        }
        JsonNode r = new ObjectMapper().readTree(line);
        return r.get("ops").asDouble() / r.get("seconds").asDouble();
    }
}
