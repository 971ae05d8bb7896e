package io.parley;

import java.util.List;

/**
 * What the peer announced in its HELLO (SPEC §8.2): who it is and the limits this side obeys
 * when sending to it.
 */
public record PeerInfo(String name, Long pid, int version, List<String> codecs, List<String> compression, int maxFrame,
        long maxMessage, int maxInFlight, int heartbeatMs, int caps) {
}
