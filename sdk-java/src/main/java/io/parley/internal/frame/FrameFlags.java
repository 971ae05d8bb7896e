package io.parley.internal.frame;

/** Flag bits of SPEC §3.3. Bits 3..15 are reserved: sent as 0, ignored on receipt. */
public final class FrameFlags {
    public static final int MORE = 0x0001;
    public static final int CONTINUATION = 0x0002;
    public static final int WANT_PROGRESS = 0x0004;
    public static final int DEFINED = MORE | CONTINUATION | WANT_PROGRESS;

    private FrameFlags() {
    }
}
