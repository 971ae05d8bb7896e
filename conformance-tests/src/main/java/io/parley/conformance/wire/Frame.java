package io.parley.conformance.wire;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * One Parley frame (SPEC §3.1), as the runner's own independent wire driver sees it. The runner
 * never uses either SDK's classes: this record, {@link Wire} and {@link FrameDecoder} are a third
 * implementation of the frame layer.
 */
public record Frame(int version, int kind, int flags, long id, int codec, int compression, byte[] meta, byte[] body) {

    public Frame {
        meta = meta == null ? new byte[0] : meta;
        body = body == null ? new byte[0] : body;
    }

    public static Frame of(int kind, int flags, long id, int codec, int compression, byte[] meta, byte[] body) {
        return new Frame(1, kind, flags, id, codec, compression, meta, body);
    }

    public int payloadLength() {
        return meta.length + body.length;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Readable one-line description for failure messages. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(Wire.kindName(kind)).append("(id=").append(id);
        if (version != 1) b.append(", version=").append(version);
        if (flags != 0) b.append(", flags=0x").append(Integer.toHexString(flags));
        if (codec != 0) b.append(", codec=").append(codec);
        if (compression != 0) b.append(", compression=").append(compression);
        if (meta.length > 0) {
            if (kind == Wire.REQUEST && meta.length >= 4) {
                long t = ((meta[0] & 0xFFL) << 24) | ((meta[1] & 0xFF) << 16) | ((meta[2] & 0xFF) << 8) | (meta[3] & 0xFF);
                b.append(", timeout_ms=").append(t).append(", method=")
                        .append(new String(meta, 4, meta.length - 4, StandardCharsets.UTF_8));
            } else if (kind == Wire.NOTIFICATION) {
                b.append(", method=").append(new String(meta, StandardCharsets.UTF_8));
            } else {
                b.append(", meta=").append(HexFormat.of().formatHex(meta));
            }
        }
        if (body.length > 0) {
            b.append(", body=");
            if (codec == Wire.CODEC_JSON && compression == 0) {
                String t = bodyText();
                b.append(t.length() > 200 ? t.substring(0, 200) + "…(" + body.length + " bytes)" : t);
            } else {
                b.append(body.length).append(" bytes");
                if (body.length <= 16) b.append(" ").append(HexFormat.of().formatHex(body));
            }
        }
        return b.append(')').toString();
    }
}
