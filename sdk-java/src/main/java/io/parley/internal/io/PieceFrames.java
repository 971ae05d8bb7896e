package io.parley.internal.io;

import io.parley.internal.frame.FrameFlags;
import java.io.IOException;
import java.util.List;

/**
 * Cuts a body held as pieces into the frames of a chunked message (SPEC §5): each frame carries
 * bytes of one piece only, so no piece is copied or joined; a frame is shorter than max_frame where
 * a piece ends (split points are arbitrary, §5 rule 6).
 */
final class PieceFrames {
    /** Receives one frame's body: {@code length} bytes of {@code piece} from {@code offset}. */
    interface Sink {
        void frame(boolean first, int chunkFlags, byte[] piece, int offset, int length) throws IOException;
    }

    private PieceFrames() {
    }

    /** The pieces joined (for a body that fits in one frame). */
    static byte[] join(List<byte[]> pieces, long size) {
        byte[] whole = new byte[(int) size];
        int at = 0;
        for (byte[] piece : pieces) {
            System.arraycopy(piece, 0, whole, at, piece.length);
            at += piece.length;
        }
        return whole;
    }

    /**
     * Calls {@code sink} once per frame, in order: the first takes at most {@code firstRoom} bytes
     * (max_frame less the meta), the others at most {@code maxFrame}; {@code chunkFlags} are MORE
     * and CONTINUATION as §5 wants them. Empty pieces make no frame.
     */
    static void split(List<byte[]> pieces, long size, int firstRoom, int maxFrame, Sink sink) throws IOException {
        long left = size;
        boolean first = true;
        for (byte[] piece : pieces) {
            int offset = 0;
            while (offset < piece.length) {
                int n = Math.min(first ? firstRoom : maxFrame, piece.length - offset);
                left -= n;
                int flags = (first ? 0 : FrameFlags.CONTINUATION) | (left > 0 ? FrameFlags.MORE : 0);
                sink.frame(first, flags, piece, offset, n);
                first = false;
                offset += n;
            }
        }
    }
}
