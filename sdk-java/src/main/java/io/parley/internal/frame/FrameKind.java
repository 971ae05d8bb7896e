package io.parley.internal.frame;

/** Message kinds of SPEC §4. Values outside this set are unknown kinds, skipped by receivers. */
public final class FrameKind {
    public static final int HELLO = 0x01;
    public static final int REQUEST = 0x02;
    public static final int RESPONSE = 0x03;
    public static final int ERROR = 0x04;
    public static final int NOTIFICATION = 0x05;
    public static final int PROGRESS = 0x06;
    public static final int CANCEL = 0x07;
    public static final int PING = 0x08;
    public static final int PONG = 0x09;
    public static final int GOODBYE = 0x0A;

    private FrameKind() {
    }

    public static boolean isKnown(int kind) {
        return kind >= HELLO && kind <= GOODBYE;
    }

    /** Kinds whose messages may span several frames (§5). */
    public static boolean isChunkable(int kind) {
        return kind == REQUEST || kind == RESPONSE || kind == NOTIFICATION || kind == PROGRESS;
    }

    public static String name(int kind) {
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
            default -> "UNKNOWN(" + kind + ")";
        };
    }
}
