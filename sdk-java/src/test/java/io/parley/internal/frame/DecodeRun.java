package io.parley.internal.frame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.ParleyException;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;

/**
 * Test harness: runs input through decoder + validator + assembler the way a receiver does and
 * records what comes out in the golden-vector JSON shape (conformance-tests/vectors/README.md).
 */
final class DecodeRun implements FrameDecoder.Listener, MessageAssembler.Listener {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final ArrayNode events = NODES.arrayNode();
    final ArrayNode messages = NODES.arrayNode();
    ObjectNode error;
    private final FrameDecoder decoder;
    private final MessageAssembler assembler;
    private final ByteArrayOutputStream stray = new ByteArrayOutputStream();
    private boolean stopped;

    DecodeRun(int maxFrame, long maxMessage, long maxStray) {
        decoder = new FrameDecoder(maxFrame, maxStray);
        assembler = new MessageAssembler(maxMessage);
    }

    static DecodeRun of(JsonNode config) {
        int maxFrame = config != null && config.has("max_frame") ? config.get("max_frame").asInt() : FrameDescriptor.DEFAULT_MAX_FRAME;
        long maxMessage = config != null && config.has("max_message") ? config.get("max_message").asLong() : FrameDescriptor.DEFAULT_MAX_MESSAGE;
        long maxStray = config != null && config.has("max_stray") ? config.get("max_stray").asLong() : FrameDescriptor.DEFAULT_MAX_STRAY;
        return new DecodeRun(maxFrame, maxMessage, maxStray);
    }

    /** Feeds {@code input} in pieces of the given sizes (the last piece takes the rest). */
    DecodeRun run(byte[] input, List<Integer> cuts, boolean eof) {
        int from = 0;
        for (int cut : cuts) {
            feed(input, from, cut - from);
            from = cut;
        }
        feed(input, from, input.length - from);
        if (eof && !stopped) {
            try {
                decoder.endOfInput(this);
            } catch (ParleyException e) {
                fail("decode", e);
            }
        }
        flushStray();
        return this;
    }

    private void feed(byte[] input, int from, int length) {
        if (stopped) {
            return;
        }
        try {
            decoder.feed(input, from, length, this);
        } catch (StageException e) {
            fail(e.stage, (ParleyException) e.getCause());
        } catch (ParleyException e) {
            fail("decode", e);
        }
    }

    private void fail(String stage, ParleyException e) {
        flushStray();
        if (error == null) {
            error = NODES.objectNode();
            error.put("stage", stage);
            error.put("code", e.code());
            error.put("name", e.errorCode() == null ? "?" : e.errorCode().name());
            error.put("fatal", true);
        }
        stopped = true;
    }

    @Override
    public void onStray(byte[] bytes, int offset, int length) {
        stray.write(bytes, offset, length);
    }

    private void flushStray() {
        if (stray.size() > 0) {
            ObjectNode e = events.addObject();
            e.put("type", "stray");
            e.put("hex", HEX.formatHex(stray.toByteArray()));
            stray.reset();
        }
    }

    @Override
    public void onFrame(Frame f) {
        flushStray();
        ObjectNode e = events.addObject();
        e.put("type", "frame");
        e.put("kind", f.kind());
        e.put("flags", f.flags());
        e.put("id", Integer.toUnsignedLong(f.id()));
        e.put("codec", f.codec());
        e.put("compression", f.compression());
        e.put("meta", HEX.formatHex(f.copyMeta()));
        e.put("body", HEX.formatHex(f.copyBody()));
        FrameValidator.Verdict verdict;
        try {
            verdict = FrameValidator.check(f);
        } catch (ParleyException ex) {
            throw new StageException("frame", ex);
        }
        try {
            assembler.add(f, verdict, this);
        } catch (ParleyException ex) {
            throw new StageException("message", ex);
        }
    }

    @Override
    public void onMessage(Message m) {
        ObjectNode o = messages.addObject();
        o.put("kind", m.kind());
        o.put("id", Integer.toUnsignedLong(m.id()));
        o.put("flags", m.flags());
        o.put("codec", m.codec());
        o.put("compression", m.compression());
        o.put("meta", HEX.formatHex(m.meta()));
        o.put("body", HEX.formatHex(m.body()));
    }

    @Override
    public void onInvalidRequest(int id, String reason) {
        if (error == null) {
            error = NODES.objectNode();
            error.put("stage", "frame");
            error.put("code", -32600);
            error.put("name", "INVALID_REQUEST");
            error.put("fatal", false);
        }
    }

    @Override
    public void onInvalidNotification(String reason) {
        // Reported to the application and dropped; not an error frame (§4.2).
    }

    /** Carries the stage of a validator/assembler failure out through the decoder. */
    static final class StageException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String stage;

        StageException(String stage, ParleyException cause) {
            super(cause);
            this.stage = stage;
        }
    }
}
