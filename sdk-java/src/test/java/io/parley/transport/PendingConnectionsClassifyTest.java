package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.internal.frame.FrameDescriptor;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** How a pending connection's first bytes are judged before the session takes it over. */
class PendingConnectionsClassifyTest {

    private static byte[] header(int bodyLength) {
        ByteBuffer b = ByteBuffer.allocate(FrameDescriptor.HEADER_LENGTH); // big-endian, as on the wire
        b.putInt(FrameDescriptor.MAGIC_OFFSET, FrameDescriptor.MAGIC);
        b.put(FrameDescriptor.VERSION_OFFSET, (byte) FrameDescriptor.VERSION);
        b.putInt(FrameDescriptor.BODY_LENGTH_OFFSET, bodyLength);
        return b.array();
    }

    @Test
    void aSmallFirstFrameWaitsForItsBody() {
        assertThat(PendingConnections.classifyParley(header(100))).hasToString("WAIT");
    }

    @Test
    void aFirstFrameTooLargeForTheHandshakeIsHandedOverAtOnceToBeRefused() {
        // before the fix the listener waited for 64 KiB of body that a hostile peer never sends (S-015)
        assertThat(PendingConnections.classifyParley(header(FrameDescriptor.HANDSHAKE_MAX_FRAME + 1))).hasToString("COMPLETE");
    }
}
