package io.parley.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.codec.Codec;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A chunked RAW, uncompressed message is kept as pieces (SPEC §5); other chunked messages are joined. */
class MessageAssemblerPiecesTest {
    private static final int K = 1024;

    /** The frames of one chunked RESPONSE id 9 whose frame bodies are {@code bodies}. */
    private static byte[] chunked(int codec, int compression, byte[]... bodies) {
        FrameEncoder enc = new FrameEncoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bodies.length; i++) {
            int flags = (i == 0 ? 0 : FrameFlags.CONTINUATION) | (i < bodies.length - 1 ? FrameFlags.MORE : 0);
            out.writeBytes(enc.encode(FrameKind.RESPONSE, flags, 9, null, codec, compression, bodies[i]));
        }
        return out.toByteArray();
    }

    private static byte[] random(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(List<byte[]> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pieces.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Decodes {@code input} fed in slices cut at {@code cuts}; returns the messages. */
    private static List<Message> decode(byte[] input, long maxMessage, int... cuts) {
        return decode(input, maxMessage, (kind, id, meta) -> true, cuts);
    }

    private static List<Message> decode(byte[] input, long maxMessage, MessageAssembler.PiecesPolicy policy, int... cuts) {
        List<Message> got = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(maxMessage);
        assembler.piecesPolicy(policy);
        MessageAssembler.Listener sink = new MessageAssembler.Listener() {
            @Override
            public void onMessage(Message message) {
                got.add(message);
            }

            @Override
            public void onInvalidRequest(int id, String reason) {
                throw new AssertionError(reason);
            }

            @Override
            public void onInvalidNotification(String reason) {
                throw new AssertionError(reason);
            }
        };
        FrameDecoder decoder = new FrameDecoder(1 << 20, 1 << 20);
        FrameDecoder.Listener frames = new FrameDecoder.Listener() {
            @Override
            public void onFrame(Frame frame) {
                assembler.add(frame, FrameValidator.check(frame), sink);
            }

            @Override
            public void onStray(byte[] bytes, int offset, int length) {
                throw new AssertionError("stray bytes");
            }
        };
        int from = 0;
        for (int cut : cuts) {
            decoder.feed(input, from, cut - from, frames);
            from = cut;
        }
        decoder.feed(input, from, input.length - from, frames);
        return got;
    }

    @Test
    void rawChunkedMessageArrivesAsItsFramesBodiesInOrder() {
        byte[] a = random(100 * K, 1);
        byte[] b = random(10, 2);
        byte[] c = random(7, 3);
        byte[] d = random(80 * K, 4);
        List<Message> got = decode(chunked(Codec.RAW, 0, a, b, c, d), 1 << 27);
        assertThat(got).hasSize(1);
        Message m = got.get(0);
        assertThat(m.hasPieces()).isTrue();
        assertThat(m.bodyLength()).isEqualTo(a.length + b.length + c.length + d.length);
        // the two small frames are gathered into one piece; the large ones stay pieces of their own
        assertThat(m.pieces()).extracting(p -> p.length).containsExactly(a.length, b.length + c.length, d.length);
        assertThat(m.pieces().get(0)).isEqualTo(a);
        assertThat(m.pieces().get(2)).isEqualTo(d);
        assertThat(m.hasPieces()).as("reading the pieces joins nothing").isTrue();
        byte[] whole = m.body();
        assertThat(whole).isEqualTo(concat(List.of(a, b, c, d)));
        assertThat(m.hasPieces()).isFalse();
        assertThat(m.body()).as("joined once").isSameAs(whole);
    }

    @Test
    void withoutAskingForPiecesTheBodyIsOneArray() {
        byte[] a = random(100 * K, 11);
        byte[] b = random(80 * K, 12);
        byte[] input = chunked(Codec.RAW, 0, a, b);
        List<Object[]> asked = new ArrayList<>();
        Message m = decode(input, 1 << 27, (kind, id, meta) -> {
            asked.add(new Object[] {kind, id});
            return false;
        }).get(0);
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0)).containsExactly(FrameKind.RESPONSE, 9);
        assertThat(m.hasPieces()).isFalse();
        assertThat(m.body()).isEqualTo(concat(List.of(a, b)));
        assertThat(decode(input, 1 << 27, (MessageAssembler.PiecesPolicy) null).get(0).hasPieces()).isFalse();
    }

    @Test
    void manyTinyFramesAreGatheredIntoFewPieces() {
        byte[][] bodies = new byte[300][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = random(500, i);
        }
        Message m = decode(chunked(Codec.RAW, 0, bodies), 1 << 27).get(0);
        // 150,000 bytes: two full pieces of SMALL_PIECE and the rest
        assertThat(m.pieces()).extracting(p -> p.length)
                .containsExactly(MessageAssembler.SMALL_PIECE, MessageAssembler.SMALL_PIECE, 150_000 - 2 * MessageAssembler.SMALL_PIECE);
        assertThat(m.body()).isEqualTo(concat(Arrays.asList(bodies)));
    }

    @Test
    void jsonAndCompressedChunkedBodiesArriveContiguous() {
        byte[] json = "[1,2,3,4,5,6,7,8,9,10]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Message j = decode(chunked(Codec.JSON, 0, Arrays.copyOfRange(json, 0, 5), Arrays.copyOfRange(json, 5, json.length)), 1 << 27).get(0);
        assertThat(j.hasPieces()).isFalse();
        assertThat(j.body()).isEqualTo(json);
        byte[] packed = random(90 * K, 5);
        Message z = decode(chunked(Codec.RAW, 1, Arrays.copyOfRange(packed, 0, 70 * K), Arrays.copyOfRange(packed, 70 * K, packed.length)),
                1 << 27).get(0);
        assertThat(z.hasPieces()).as("a compressed body must be whole to decompress").isFalse();
        assertThat(z.body()).isEqualTo(packed);
    }

    @Test
    void singleFrameRawMessageIsOnePiece() {
        byte[] a = random(300, 6);
        Message m = decode(new FrameEncoder().encode(FrameKind.RESPONSE, 0, 9, null, Codec.RAW, 0, a), 1 << 27).get(0);
        assertThat(m.hasPieces()).isFalse();
        assertThat(m.pieces()).hasSize(1);
        assertThat(m.pieces().get(0)).isSameAs(m.body()).isEqualTo(a);
    }

    @Test
    void maxMessageStillHoldsForPieces() {
        byte[] a = random(70 * K, 7);
        byte[] input = chunked(Codec.RAW, 0, a, a, a);
        assertThatThrownBy(() -> decode(input, 150 * K)).isInstanceOf(MessageTooLongException.class)
                .hasMessageContaining("exceeds max_message");
        assertThat(decode(input, 210 * K).get(0).bodyLength()).isEqualTo(210 * K);
    }

    @Test
    void piecesAreTheSameAtEverySplitOfTheInput() {
        byte[] a = random(70, 8);
        byte[] b = random(3, 9);
        byte[] c = random(55, 10);
        byte[] input = chunked(Codec.RAW, 0, a, b, c);
        byte[] expected = concat(List.of(a, b, c));
        for (int cut = 0; cut <= input.length; cut++) {
            for (int cut2 = cut; cut2 <= input.length; cut2 += 7) {
                List<Message> got = decode(input, 1 << 27, cut, cut2);
                assertThat(got).as("cuts %d %d", cut, cut2).hasSize(1);
                assertThat(concat(got.get(0).pieces())).as("cuts %d %d", cut, cut2).isEqualTo(expected);
            }
        }
    }
}
