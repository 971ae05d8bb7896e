package io.parley.peer.conformance;

/**
 * The header of one frame the driver sent or received (SPEC §3.1), kept by {@link WireTap} so a
 * case can check what went over the wire and say so in its failure detail.
 */
public record WireFrame(boolean outgoing, int kind, int flags, long id, int metaLength, int codec, int compression, long bodyLength) {
    public static final int REQUEST = 0x02;
    public static final int RESPONSE = 0x03;
    public static final int ERROR = 0x04;
    public static final int NOTIFICATION = 0x05;
    public static final int PROGRESS = 0x06;
    public static final int PING = 0x08;
    public static final int PONG = 0x09;
    public static final int GOODBYE = 0x0A;

    public boolean isKind(int k) {
        return kind == k;
    }

    public static String kindName(int kind) {
        return switch (kind) {
            case 0x01 -> "HELLO";
            case REQUEST -> "REQUEST";
            case RESPONSE -> "RESPONSE";
            case ERROR -> "ERROR";
            case NOTIFICATION -> "NOTIFICATION";
            case PROGRESS -> "PROGRESS";
            case 0x07 -> "CANCEL";
            case PING -> "PING";
            case PONG -> "PONG";
            case GOODBYE -> "GOODBYE";
            default -> "kind 0x" + Integer.toHexString(kind);
        };
    }

    @Override
    public String toString() {
        return (outgoing ? "sent " : "received ") + kindName(kind) + " id=" + id + (flags == 0 ? "" : " flags=0x" + Integer.toHexString(flags))
                + " codec=" + codec + (compression == 0 ? "" : " compression=" + compression) + " meta=" + metaLength + " body=" + bodyLength;
    }
}
