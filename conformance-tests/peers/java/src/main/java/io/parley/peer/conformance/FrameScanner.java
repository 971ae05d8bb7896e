package io.parley.peer.conformance;

import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Follows one direction of a Parley byte stream and reports each frame header (SPEC §3.5 steps
 * 1–3: find the magic, verify the header checksum, skip the payload). Payloads are skipped by
 * count, never copied, so watching a 64 MiB transfer costs next to nothing. Independent of the
 * SDK's own decoder on purpose: the driver checks the SDK, not itself.
 */
final class FrameScanner {
    private static final byte[] MAGIC = {(byte) 0xFA, 0x50, 0x52, 0x4C};
    private static final int HEADER = 24;

    private final boolean outgoing;
    private final Consumer<WireFrame> sink;
    private final byte[] header = new byte[HEADER];
    private final CRC32C crc = new CRC32C();
    private int have;
    private long skip;
    private long strayBytes;

    FrameScanner(boolean outgoing, Consumer<WireFrame> sink) {
        this.outgoing = outgoing;
        this.sink = sink;
    }

    long strayBytes() {
        return strayBytes;
    }

    void feed(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (skip > 0) {
                int n = (int) Math.min(skip, end - i);
                skip -= n;
                i += n;
                continue;
            }
            byte x = b[i++];
            if (have < MAGIC.length && x != MAGIC[have]) {
                // magic bytes are all distinct: a mismatch restarts the search at this byte
                strayBytes += have;
                if (x == MAGIC[0]) {
                    header[0] = x;
                    have = 1;
                } else {
                    strayBytes++;
                    have = 0;
                }
                continue;
            }
            header[have++] = x;
            if (have == HEADER) {
                headerComplete();
            }
        }
    }

    private void headerComplete() {
        crc.reset();
        crc.update(header, 0, 20);
        if ((int) crc.getValue() != getInt(20)) {
            // not a frame: its first byte is stray; rescan the other 23
            byte[] rest = java.util.Arrays.copyOfRange(header, 1, HEADER);
            strayBytes++;
            have = 0;
            feed(rest, 0, rest.length);
            return;
        }
        int metaLength = ((header[12] & 0xFF) << 8) | (header[13] & 0xFF);
        long bodyLength = Integer.toUnsignedLong(getInt(16));
        sink.accept(new WireFrame(outgoing, header[5] & 0xFF, ((header[6] & 0xFF) << 8) | (header[7] & 0xFF),
                Integer.toUnsignedLong(getInt(8)), metaLength, header[14] & 0xFF, header[15] & 0xFF, bodyLength));
        have = 0;
        skip = metaLength + bodyLength;
    }

    private int getInt(int at) {
        return ((header[at] & 0xFF) << 24) | ((header[at + 1] & 0xFF) << 16) | ((header[at + 2] & 0xFF) << 8) | (header[at + 3] & 0xFF);
    }
}
