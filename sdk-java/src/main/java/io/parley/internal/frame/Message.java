package io.parley.internal.frame;

/**
 * A complete message (SPEC §5): one frame, or several frames reassembled. {@code flags} are the
 * first frame's flags without MORE and CONTINUATION; {@code meta} and {@code body} are owned copies.
 */
public record Message(int kind, int id, int flags, int codec, int compression, byte[] meta, byte[] body) {

    public boolean hasFlag(int mask) {
        return (flags & mask) != 0;
    }

    /** REQUEST: the timeout in meta (already validated by {@link FrameValidator}). */
    public long timeoutMs() {
        return Integer.toUnsignedLong(FrameDescriptor.getInt(meta, 0));
    }

    /** REQUEST or NOTIFICATION: the method name. */
    public String method() {
        int from = kind == FrameKind.REQUEST ? FrameDescriptor.REQUEST_TIMEOUT_LENGTH : 0;
        return new String(meta, from, meta.length - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return FrameKind.name(kind) + "{id=" + Integer.toUnsignedString(id) + ", flags=0x" + Integer.toHexString(flags)
                + ", codec=" + codec + ", compression=" + compression + ", meta=" + meta.length + ", body=" + body.length + "}";
    }
}
