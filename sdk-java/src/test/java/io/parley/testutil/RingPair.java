package io.parley.testutil;

import io.parley.internal.ring.RingFile;
import io.parley.internal.ring.RingHello;
import io.parley.internal.ring.RingParent;
import io.parley.internal.ring.RingTransport;
import io.parley.transport.SharedMemory;
import io.parley.transport.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Both ends of a shared-memory ring (SPEC §9.4) in this JVM: the parent's side made as {@code
 * SharedMemory.launch} makes it, the child's attached through {@link SharedMemory#attach} from the
 * variables a child would get; two mappings of one file and a real Unix socket between them.
 */
public final class RingPair {
    /** The parent's (initiator's) transport. */
    public final RingTransport parent;
    /** The child's (acceptor's) transport. */
    public final Transport child;
    /** The parent's mapping of the file (for tests that look at or corrupt the rings). */
    public final RingFile file;

    private RingPair(RingTransport parent, Transport child, RingFile file) {
        this.parent = parent;
        this.child = child;
        this.file = file;
    }

    public static RingPair open(int capacity, Duration spin) throws Exception {
        RingParent ring = RingParent.open(RingFile.SHM, capacity);
        CompletableFuture<Transport> child = CompletableFuture.supplyAsync(() -> {
            try {
                return SharedMemory.attach(ring.environment(), spin);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        RingHello.Answer a = ring.awaitHello(TimeUnit.SECONDS.toNanos(10), () -> true);
        if (a.declined()) {
            throw new IllegalStateException("the child declined the ring: " + a.reason());
        }
        RingTransport parent = new RingTransport(ring.file(), true, a.channel(), "ring parent", null, spin.toNanos());
        return new RingPair(parent, child.get(10, TimeUnit.SECONDS), ring.file());
    }
}
