package io.parley.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.parley.ParleyException;
import io.parley.codec.CodecException;
import io.parley.codec.CompressionLimitException;
import io.parley.codec.DeflateCompression;
import io.parley.codec.JsonCodec;
import io.parley.codec.KryoCodec;
import io.parley.codec.ZstdCompression;
import io.parley.internal.session.Hello;
import io.parley.internal.frame.Frame;
import io.parley.internal.frame.FrameDecoder;
import io.parley.internal.frame.FrameValidator;
import io.parley.internal.frame.Message;
import io.parley.internal.frame.MessageAssembler;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * Jazzer fuzz targets (issue 12, SPEC §13): the frame decoder, the message assembler, the HELLO
 * parser, JSON and Kryo bodies and decompression. Hostile input may only end in the SDK's declared
 * errors ({@link ParleyException}, {@link CodecException}, {@link CompressionLimitException}); any
 * other throwable, a hang or an allocation beyond the limits is a finding.
 *
 * <p>In the ordinary test command each target runs as a regression test over its checked-in corpus
 * ({@code src/test/resources/io/parley/fuzz/FuzzTargetsInputs/<target>/}). To fuzz one target
 * (10 M executions, not in CI; JDK 21+ recommended for the agent):
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl sdk-java test -Dtest='FuzzTargets#frameDecoder' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * New findings are written to the inputs directory above; fix them and keep them as regression inputs.
 */
class FuzzTargets {
    private static final int MAX_FRAME = 4096;
    private static final long MAX_MESSAGE = 16_384;
    private static final long MAX_STRAY = 65_536;
    private static final long TEN_MILLION = 10_000_000L;
    private static final KryoCodec KRYO = new KryoCodec(k -> {
        k.register(ArrayList.class);
        k.register(HashMap.class);
        k.register(int[].class);
        k.register(long[].class);
        k.register(byte[].class);
        k.register(String[].class);
        k.register(Object[].class);
    });
    private static final JsonCodec JSON = new JsonCodec();

    /** Counts what the decoder and assembler deliver; holds nothing. */
    private static final class Sink implements FrameDecoder.Listener, MessageAssembler.Listener {
        final MessageAssembler assembler;
        long frames;
        long messages;

        Sink(MessageAssembler assembler) {
            this.assembler = assembler;
        }

        @Override
        public void onFrame(Frame frame) {
            frames++;
            assertThat(frame.bodyLength()).isLessThanOrEqualTo(MAX_FRAME);
            if (assembler != null) {
                assembler.add(frame, FrameValidator.check(frame), this);
            }
        }

        @Override
        public void onStray(byte[] bytes, int offset, int length) {
        }

        @Override
        public void onMessage(Message message) {
            messages++;
            assertThat((long) message.body().length).isLessThanOrEqualTo(MAX_MESSAGE);
        }

        @Override
        public void onInvalidRequest(int id, String reason) {
        }

        @Override
        public void onInvalidNotification(String reason) {
        }
    }

    private static void decode(byte[] data, MessageAssembler assembler) {
        FrameDecoder decoder = new FrameDecoder(MAX_FRAME, MAX_STRAY);
        Sink sink = new Sink(assembler);
        try {
            // fed in two pieces, so that a frame split across reads is exercised as well
            int cut = data.length == 0 ? 0 : (data[0] & 0xff) % (data.length + 1);
            decoder.feed(data, 0, cut, sink);
            assertThat(decoder.buffered()).isLessThanOrEqualTo(MAX_FRAME + 64);
            decoder.feed(data, cut, data.length - cut, sink);
            assertThat(decoder.buffered()).isLessThanOrEqualTo(MAX_FRAME + 64);
            decoder.endOfInput(sink);
        } catch (ParleyException expected) {
            // a declared, typed protocol error
        }
    }

    @FuzzTest(maxExecutions = TEN_MILLION, maxDuration = "6h")
    void frameDecoder(byte[] data) {
        decode(data, null);
    }

    @FuzzTest(maxExecutions = TEN_MILLION, maxDuration = "6h")
    void messageAssembler(byte[] data) {
        decode(data, new MessageAssembler(MAX_MESSAGE));
    }

    @FuzzTest(maxExecutions = TEN_MILLION, maxDuration = "6h")
    void helloParser(byte[] data) {
        try {
            Hello.parse(data);
        } catch (ParleyException expected) {
            // HANDSHAKE_FAILED and friends
        }
    }

    @FuzzTest(maxExecutions = TEN_MILLION, maxDuration = "6h")
    void jsonBody(byte[] data) {
        try {
            JSON.decode(data, Object.class);
        } catch (CodecException expected) {
            // PARSE_ERROR / INVALID_PARAMS
        }
    }

    @FuzzTest(maxExecutions = TEN_MILLION, maxDuration = "6h")
    void kryoBody(byte[] data) {
        try {
            KRYO.decode(data, Object.class);
        } catch (CodecException expected) {
            // refused body
        }
    }

    @FuzzTest(maxExecutions = TEN_MILLION, maxDuration = "6h")
    void deflateBody(byte[] data) {
        try {
            assertThat((long) DeflateCompression.INSTANCE.decompress(data, MAX_MESSAGE).length).isLessThanOrEqualTo(MAX_MESSAGE);
        } catch (CodecException | CompressionLimitException expected) {
            // invalid stream, or more than max_message
        }
    }

    @FuzzTest(maxExecutions = TEN_MILLION, maxDuration = "6h")
    void zstdBody(byte[] data) {
        if (!ZstdCompression.isAvailable()) {
            return;
        }
        try {
            assertThat((long) ZstdCompression.INSTANCE.decompress(data, MAX_MESSAGE).length).isLessThanOrEqualTo(MAX_MESSAGE);
        } catch (CodecException | CompressionLimitException expected) {
            // invalid frame, or more than max_message
        }
    }
}
