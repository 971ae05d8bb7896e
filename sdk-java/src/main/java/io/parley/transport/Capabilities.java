package io.parley.transport;

/**
 * What a {@link Transport} lets the session do beyond plain blocking reads and writes on the
 * session's own threads (SPEC §9). The session reads these once, when it opens; a transport that
 * does not override {@link Transport#capabilities()} gets {@link #BASIC}: only the session's own
 * threads read it, reads are never bounded in time, and any thread may write.
 *
 * @param sharedReads any platform thread may block in {@link Transport#read}: an interrupt of the
 *     reading thread does not break the medium (a blocking {@code SocketChannel} read would close
 *     the channel). With it, a blocking call reads its own answer instead of being woken by a reader.
 * @param timedReads {@link Transport#read(byte[], int, int, long)} bounds its wait, so a call with a
 *     deadline may read its own answer too
 * @param interruptibleReads an interrupt ends a read's wait early (the read returns 0); without it the
 *     session watches interrupted readers and turns the interrupt into a CANCEL
 * @param virtualThreadWrites a virtual thread may write: false when an interrupt of a virtual thread
 *     would close the medium (a {@code java.net.Socket}); the session then writes on its own threads
 */
public record Capabilities(boolean sharedReads, boolean timedReads, boolean interruptibleReads, boolean virtualThreadWrites) {
    /** The default: reads on the session's own threads only, unbounded; writes from any thread. */
    public static final Capabilities BASIC = new Capabilities(false, false, false, true);

    /** Pipes and files: any thread may read (an interrupt does not break them), reads cannot be bounded. */
    public static final Capabilities PIPE = new Capabilities(true, false, false, true);

    /** Media with selectors or condition waits: any thread, bounded and interruptible reads. */
    public static final Capabilities SELECTABLE = new Capabilities(true, true, true, true);
}
