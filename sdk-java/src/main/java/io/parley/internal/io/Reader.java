package io.parley.internal.io;

import io.parley.ErrorCode;
import io.parley.ParleyException;
import io.parley.internal.frame.Frame;
import io.parley.internal.frame.FrameDecoder;
import io.parley.internal.frame.FrameException;
import io.parley.internal.frame.FrameKind;
import io.parley.internal.frame.FrameValidator;
import io.parley.internal.frame.Message;
import io.parley.internal.frame.MessageAssembler;
import io.parley.internal.frame.TruncatedFrameException;
import io.parley.internal.ring.CorruptTransportException;
import io.parley.transport.Transport;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input pump of a session: read → decode (SPEC §3.5) → validate (§4) → assemble (§5) → one
 * {@link Handler}. It never decides which thread reads: {@link ReadRole} calls {@link #readOnce}
 * on the thread that holds the read role. Frames of unknown kind are skipped here; stray bytes
 * are reported through {@link StrayReport}.
 */
public final class Reader {
    private static final Logger LOG = LoggerFactory.getLogger(Reader.class);
    private static final int BUFFER = 64 * 1024;

    /** Where complete messages and input events go (the session's dispatcher); called on the reading thread. */
    public interface Handler {
        /** A frame passed validation: throw a {@link ParleyException} to reject it before the handshake. */
        void beforeFrame(int kind, int id);

        /** A complete message; CANCEL frames go to {@link #onCancel}. */
        void onMessage(Message m);

        void onCancel(int id);

        /** A REQUEST with malformed meta (SPEC §4.1): answer INVALID_REQUEST. */
        void onInvalidRequest(int id, String reason);

        void onInvalidNotification(String reason);

        /** The stream ended ({@code detail} says how when it was not clean). */
        void onEndOfStream(String detail);

        /** A fatal error found in the input (SPEC §7.3). */
        void onFatal(ErrorCode code, String message);

        void onCrash(Throwable t);

        boolean isClosed();
    }

    private final Transport transport;
    private final FrameDecoder decoder;
    private final MessageAssembler assembler;
    private final StrayReport stray;
    private final byte[] buffer = new byte[BUFFER];
    private volatile Handler handler;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile long lastByteNanos = System.nanoTime();
    private volatile boolean insideFrame;

    /** What this reader reported as stray bytes (for start-up failure reports). */
    public StrayReport strays() {
        return stray;
    }

    public Reader(Transport transport, FrameDecoder decoder, MessageAssembler assembler, StrayReport stray) {
        this.transport = transport;
        this.decoder = decoder;
        this.assembler = assembler;
        this.stray = stray;
    }

    /** Sets where input goes (once, when the session is wired, before reading starts). */
    public void handler(Handler h) {
        this.handler = h;
    }

    /** When the last frame arrived (heartbeats, SPEC §8.4). */
    public long lastReceivedNanos() {
        return lastReceivedNanos;
    }

    /**
     * How long the input has been stuck inside a frame (SPEC §3.5, stalled frame): nanoseconds
     * since the last byte arrived while a verified header waits for its payload, else 0.
     */
    public long stalledNanos() {
        if (!insideFrame) {
            return 0;
        }
        return Math.max(1, System.nanoTime() - lastByteNanos);
    }

    /** After the handshake: the announced limit replaces the 64 KiB handshake limit. */
    public void maxFrame(int maxFrame) {
        decoder.maxFrame(maxFrame);
    }

    /** Whether a chunked message is being reassembled (a CANCEL may precede its completion, SPEC §6.6). */
    public boolean reassembling() {
        return assembler.inProgress();
    }

    /** Whether bytes of an unfinished frame or message wait: someone must keep reading. */
    public boolean hasPartialInput() {
        return decoder.buffered() > 0 || assembler.inProgress();
    }

    /**
     * Reads once, waiting at most {@code timeoutNanos} where the transport can bound a read, and
     * hands what arrived to the handler. Returns the bytes read, 0 when the wait ran out or was
     * interrupted, -1 when the input ended or failed (the handler was told).
     */
    public int readOnce(long timeoutNanos) {
        return readOnce(timeoutNanos, Integer.MAX_VALUE);
    }

    /**
     * As {@link #readOnce(long)}, asking the transport for at most {@code maxBytes}: a caller that
     * knows how many bytes are ready reads exactly those (a buffered stream then does not ask the
     * medium whether more are ready, one syscall or two fewer).
     */
    public int readOnce(long timeoutNanos, int maxBytes) {
        Handler events = handler;
        int n;
        // a large payload is read straight into place, else into the read buffer
        boolean direct = decoder.prepareDirectRead();
        byte[] into = direct ? decoder.target() : buffer;
        int offset = direct ? decoder.targetOffset() : 0;
        int length = Math.min(maxBytes, direct ? decoder.targetLength() : buffer.length);
        try {
            n = transport.read(into, offset, length, timeoutNanos);
        } catch (CorruptTransportException e) {
            // a corrupt medium (a shared-memory ring, SPEC §9.4) is a fatal protocol error, not a death
            if (!events.isClosed()) {
                events.onFatal(ErrorCode.PROTOCOL_ERROR, e.getMessage());
            }
            return -1;
        } catch (IOException e) {
            if (!events.isClosed()) {
                events.onEndOfStream("; read failed: " + e.getMessage());
            }
            return -1;
        } catch (RuntimeException e) {
            events.onCrash(e);
            return -1;
        }
        if (n == 0) {
            return 0;
        }
        try {
            if (n < 0) {
                try {
                    decoder.endOfInput(frames);
                    stray.flush();
                    events.onEndOfStream(null);
                } catch (TruncatedFrameException e) {
                    events.onEndOfStream("; " + e.getMessage());
                }
                return -1;
            }
            lastByteNanos = System.nanoTime();
            if (direct) {
                decoder.filled(n, frames);
            } else {
                decoder.feed(buffer, 0, n, frames);
            }
            insideFrame = decoder.insideFrame();
            stray.flush();
            return n;
        } catch (FrameException e) {
            stray.flush();
            events.onFatal(e.errorCode(), e.getMessage());
            return -1;
        } catch (ParleyException e) {
            events.onFatal(e.errorCode() == null ? ErrorCode.PROTOCOL_ERROR : e.errorCode(), e.getMessage());
            return -1;
        } catch (RuntimeException | Error e) {
            events.onCrash(e);
            return -1;
        }
    }

    private final FrameDecoder.Listener frames = new FrameDecoder.Listener() {
        @Override
        public void onFrame(Frame frame) {
            stray.flush();
            lastReceivedNanos = System.nanoTime();
            FrameValidator.Verdict verdict = FrameValidator.check(frame);
            if (verdict == FrameValidator.Verdict.SKIP_UNKNOWN_KIND) {
                LOG.debug("{}: skipped a frame of unknown kind {}", transport.description(), frame.kind());
                return;
            }
            Handler events = handler;
            events.beforeFrame(frame.kind(), frame.id());
            if (frame.kind() == FrameKind.CANCEL && frame.bodyLength() == 0) {
                events.onCancel(frame.id()); // control frame: no copy needed
                return;
            }
            assembler.add(frame, verdict, messages);
        }

        @Override
        public void onStray(byte[] bytes, int offset, int length) {
            stray.add(bytes, offset, length);
        }
    };

    private final MessageAssembler.Listener messages = new MessageAssembler.Listener() {
        @Override
        public void onMessage(Message m) {
            handler.onMessage(m);
        }

        @Override
        public void onInvalidRequest(int id, String reason) {
            handler.onInvalidRequest(id, reason);
        }

        @Override
        public void onInvalidNotification(String reason) {
            handler.onInvalidNotification(reason);
        }
    };
}
