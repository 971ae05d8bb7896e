package io.parley.conformance.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Constants of SPEC §3–§7 and the frame encoder (including deliberately malformed headers). */
public final class Wire {
    private Wire() {}

    public static final int MAGIC = 0xFA50524C;
    public static final int HEADER = 24;

    // kinds (§4)
    public static final int HELLO = 0x01, REQUEST = 0x02, RESPONSE = 0x03, ERROR = 0x04, NOTIFICATION = 0x05,
            PROGRESS = 0x06, CANCEL = 0x07, PING = 0x08, PONG = 0x09, GOODBYE = 0x0A;
    // flags (§3.3)
    public static final int MORE = 0x1, CONTINUATION = 0x2, WANT_PROGRESS = 0x4;
    // codecs and compression (§10)
    public static final int CODEC_RAW = 0, CODEC_JSON = 1, CODEC_KRYO = 2, CODEC_PHP = 3;
    public static final int COMP_NONE = 0, COMP_DEFLATE = 1, COMP_ZSTD = 2;
    // limits (§3.2, §3.6)
    public static final int DEFAULT_MAX_FRAME = 1 << 20, PRE_HANDSHAKE_MAX_FRAME = 64 * 1024,
            MIN_MAX_FRAME = 16 * 1024, MAX_MAX_FRAME = 16 << 20, DEFAULT_MAX_STRAY = 1 << 20;
    public static final long DEFAULT_MAX_MESSAGE = 128L << 20;

    // error codes (§7.2)
    public static final int PARSE_ERROR = -32700, INVALID_REQUEST = -32600, METHOD_NOT_FOUND = -32601,
            INVALID_PARAMS = -32602, INTERNAL_ERROR = -32603, PROTOCOL_ERROR = -33000, CANCELLED = -33001,
            DEADLINE_EXCEEDED = -33002, FRAME_TOO_LARGE = -33003, MESSAGE_TOO_LARGE = -33004, OVERLOADED = -33005,
            SHUTTING_DOWN = -33006, UNSUPPORTED_VERSION = -33007, UNSUPPORTED_ENCODING = -33008, AUTH_FAILED = -33009,
            HANDSHAKE_FAILED = -33010, PEER_GONE = -33011, HEARTBEAT_TIMEOUT = -33012, SESSION_CLOSED = -33013;

    public static String kindName(int kind) {
        return switch (kind) {
            case HELLO -> "HELLO";
            case REQUEST -> "REQUEST";
            case RESPONSE -> "RESPONSE";
            case ERROR -> "ERROR";
            case NOTIFICATION -> "NOTIFICATION";
            case PROGRESS -> "PROGRESS";
            case CANCEL -> "CANCEL";
            case PING -> "PING";
            case PONG -> "PONG";
            case GOODBYE -> "GOODBYE";
            default -> "KIND_0x" + Integer.toHexString(kind);
        };
    }

    public static String codeName(int code) {
        return switch (code) {
            case PARSE_ERROR -> "PARSE_ERROR";
            case INVALID_REQUEST -> "INVALID_REQUEST";
            case METHOD_NOT_FOUND -> "METHOD_NOT_FOUND";
            case INVALID_PARAMS -> "INVALID_PARAMS";
            case INTERNAL_ERROR -> "INTERNAL_ERROR";
            case PROTOCOL_ERROR -> "PROTOCOL_ERROR";
            case CANCELLED -> "CANCELLED";
            case DEADLINE_EXCEEDED -> "DEADLINE_EXCEEDED";
            case FRAME_TOO_LARGE -> "FRAME_TOO_LARGE";
            case MESSAGE_TOO_LARGE -> "MESSAGE_TOO_LARGE";
            case OVERLOADED -> "OVERLOADED";
            case SHUTTING_DOWN -> "SHUTTING_DOWN";
            case UNSUPPORTED_VERSION -> "UNSUPPORTED_VERSION";
            case UNSUPPORTED_ENCODING -> "UNSUPPORTED_ENCODING";
            case AUTH_FAILED -> "AUTH_FAILED";
            case HANDSHAKE_FAILED -> "HANDSHAKE_FAILED";
            case PEER_GONE -> "PEER_GONE";
            case HEARTBEAT_TIMEOUT -> "HEARTBEAT_TIMEOUT";
            case SESSION_CLOSED -> "SESSION_CLOSED";
            default -> "code " + code;
        };
    }

    public static int crc32c(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /**
     * A 24-byte header with every field given explicitly, so that cases can build malformed
     * headers. {@code crc} null = the correct checksum.
     */
    public static byte[] header(int magic, int version, int kind, int flags, long id, int metaLen, int codec,
                                int compression, long bodyLen, Integer crc) {
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.putInt(magic).put((byte) version).put((byte) kind).putShort((short) flags).putInt((int) id)
                .putShort((short) metaLen).put((byte) codec).put((byte) compression).putInt((int) bodyLen);
        byte[] a = b.array();
        int sum = crc != null ? crc : crc32c(a, 0, 20);
        a[20] = (byte) (sum >>> 24);
        a[21] = (byte) (sum >>> 16);
        a[22] = (byte) (sum >>> 8);
        a[23] = (byte) sum;
        return a;
    }

    public static byte[] encode(Frame f) {
        byte[] h = header(MAGIC, f.version(), f.kind(), f.flags(), f.id(), f.meta().length, f.codec(), f.compression(),
                f.body().length, null);
        byte[] out = new byte[HEADER + f.meta().length + f.body().length];
        System.arraycopy(h, 0, out, 0, HEADER);
        System.arraycopy(f.meta(), 0, out, HEADER, f.meta().length);
        System.arraycopy(f.body(), 0, out, HEADER + f.meta().length, f.body().length);
        return out;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    /** REQUEST meta (§4.1): timeout_ms u32 + method bytes. */
    public static byte[] requestMeta(long timeoutMs, byte[] method) {
        return ByteBuffer.allocate(4 + method.length).putInt((int) timeoutMs).put(method).array();
    }

    public static byte[] requestMeta(long timeoutMs, String method) {
        return requestMeta(timeoutMs, method.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(); // zlib format (RFC 1950): header + Adler-32
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!d.finished()) o.write(buf, 0, d.deflate(buf));
        d.end();
        return o.toByteArray();
    }

    /** Inflates a zlib stream, failing when the output would exceed {@code limit}. */
    public static byte[] inflate(byte[] data, long limit) throws DataFormatException {
        Inflater i = new Inflater();
        try {
            i.setInput(data);
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            while (!i.finished()) {
                int n = i.inflate(buf);
                if (n == 0 && (i.needsInput() || i.needsDictionary())) throw new DataFormatException("truncated zlib stream");
                if (o.size() + (long) n > limit) throw new DataFormatException("inflated size over " + limit);
                o.write(buf, 0, n);
            }
            if (i.getRemaining() > 0) throw new DataFormatException("trailing bytes after zlib stream");
            return o.toByteArray();
        } finally {
            i.end();
        }
    }
}
