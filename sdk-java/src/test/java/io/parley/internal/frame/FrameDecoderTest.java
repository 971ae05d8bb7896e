package io.parley.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The decoder against SPEC Appendix A and the §3.5/§3.6 rules, at every split of the input. */
class FrameDecoderTest {
    private static final HexFormat HEX = HexFormat.of();
    static final String A1 = "fa50524c0102000000000001000801000000000401db980f000013886563686f22686922";
    static final String A2 = "fa50524c010300000000000100000100000000042878985d22686922";
    static final String A3 = "fa50524c010800000000000700000000000000000a95c0811".replace("0a95c0811", "a95c0811");

    @Test
    void crc32cCheckValueMatchesSpec() {
        CRC32C c = new CRC32C();
        c.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.getValue()).isEqualTo(0xE3069283L);
    }

    @Test
    void encoderReproducesAppendixExamples() {
        FrameEncoder enc = new FrameEncoder();
        byte[] req = enc.encode(FrameKind.REQUEST, 0, 1, FrameEncoder.requestMeta(5000, "echo".getBytes(StandardCharsets.UTF_8)), 1, 0,
                "\"hi\"".getBytes(StandardCharsets.UTF_8));
        assertThat(HEX.formatHex(req)).isEqualTo(A1);
        assertThat(HEX.formatHex(enc.encode(FrameKind.RESPONSE, 0, 1, null, 1, 0, "\"hi\"".getBytes(StandardCharsets.UTF_8)))).isEqualTo(A2);
        assertThat(HEX.formatHex(enc.encode(FrameKind.PING, 0, 7, null, 0, 0, null))).isEqualTo(A3);
        byte[] err = enc.encode(FrameKind.ERROR, 0, 1, null, 1, 0,
                "{\"code\":-32601,\"message\":\"no such method: nope\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(HEX.formatHex(err, 0, 24)).isEqualTo("fa50524c0104000000000001000001000000003" + "0ec45c305");
        String hello = "{\"versions\":[1],\"peer\":\"demo/1\",\"codecs\":[\"json\",\"raw\"],\"compression\":[],\"max_frame\":1048576,"
                + "\"max_message\":134217728,\"max_in_flight\":1024,\"heartbeat_ms\":0,\"caps\":3}";
        byte[] h = enc.encode(FrameKind.HELLO, 0, 0, null, 1, 0, hello.getBytes(StandardCharsets.UTF_8));
        assertThat(HEX.formatHex(h, 0, 24)).isEqualTo("fa50524c01010000000000000000010000000" + "0a4b11001b1");
    }

    @Test
    void strayThenFrameAtEverySplit() {
        byte[] input = HEX.parseHex("48690a" + A3 + A1 + "00ff" + A2);
        String expected = null;
        for (List<Integer> cuts : allSplits(input.length)) {
            DecodeRun run = new DecodeRun(1 << 20, 1 << 27, 1 << 20).run(input, cuts, true);
            assertThat(run.error).isNull();
            String got = run.events.toString();
            if (expected == null) {
                expected = got;
            }
            assertThat(got).as("cuts " + cuts).isEqualTo(expected);
        }
        DecodeRun whole = new DecodeRun(1 << 20, 1 << 27, 1 << 20).run(input, List.of(), true);
        assertThat(whole.events).hasSize(5);
        assertThat(whole.events.get(0).get("hex").asText()).isEqualTo("48690a");
        assertThat(whole.events.get(1).get("kind").asInt()).isEqualTo(FrameKind.PING);
        assertThat(whole.events.get(3).get("hex").asText()).isEqualTo("00ff");
        assertThat(whole.messages).hasSize(3);
    }

    @Test
    void magicWithBadChecksumIsStrayAndDecoderResyncs() {
        String fake = "fa50524c" + "0102000000000001000801000000000400000000"; // wrong CRC
        byte[] input = HEX.parseHex(fake + A2);
        for (List<Integer> cuts : allSplits(input.length)) {
            DecodeRun run = new DecodeRun(1 << 20, 1 << 27, 1 << 20).run(input, cuts, true);
            assertThat(run.events).hasSize(2);
            assertThat(run.events.get(0).get("hex").asText()).isEqualTo(fake);
            assertThat(run.events.get(1).get("kind").asInt()).isEqualTo(FrameKind.RESPONSE);
        }
    }

    @Test
    void hostileLengthFailsBeforeThePayloadArrivesAndAllocatesNothing() {
        FrameEncoder enc = new FrameEncoder();
        byte[] header = new byte[24];
        enc.writeHeader(header, 0, FrameKind.RESPONSE, 0, 1, 0, 1, 0, 0xFFFF_FFF0);
        FrameDecoder d = new FrameDecoder(1 << 20, 1 << 20);
        List<Frame> frames = new ArrayList<>();
        assertThatThrownBy(() -> d.feed(header, 0, 24, listener(frames))).isInstanceOf(FrameTooLongException.class)
                .hasMessageContaining("max_frame");
        assertThat(d.buffered()).isZero();
        // the decoder stays failed: more input rethrows the same error instead of resyncing
        assertThatThrownBy(() -> d.feed(HEX.parseHex(A2), 0, 28, listener(frames))).isInstanceOf(FrameTooLongException.class);
        assertThat(frames).isEmpty();
    }

    @Test
    void lengthJustOverTheLimitIsTooLongAndAtTheLimitIsAccepted() {
        FrameEncoder enc = new FrameEncoder();
        byte[] ok = enc.encode(FrameKind.RESPONSE, 0, 1, null, 0, 0, new byte[16384]);
        List<Frame> frames = new ArrayList<>();
        new FrameDecoder(16384, 0).feed(ok, 0, ok.length, listener(frames));
        assertThat(frames).hasSize(1);
        byte[] over = enc.encode(FrameKind.RESPONSE, 0, 1, null, 0, 0, new byte[16385]);
        assertThatThrownBy(() -> new FrameDecoder(16384, 0).feed(over, 0, 24, listener(frames))).isInstanceOf(FrameTooLongException.class);
    }

    @Test
    void versionIsCheckedAfterTheChecksum() {
        FrameEncoder enc = new FrameEncoder();
        byte[] f = enc.encode(FrameKind.PING, 0, 1, null, 0, 0, null);
        f[4] = 2;
        byte[] bad = f.clone();
        // re-sign the header so that it verifies: then version 2 is UNSUPPORTED_VERSION
        int crc = FrameDescriptor.headerCrc(new CRC32C(), f, 0);
        FrameDescriptor.putInt(f, 20, crc);
        assertThatThrownBy(() -> new FrameDecoder(1 << 20, 1 << 20).feed(f, 0, f.length, listener(new ArrayList<>())))
                .isInstanceOf(UnsupportedVersionException.class);
        // with the old checksum the same bytes are stray, not an error
        DecodeRun run = new DecodeRun(1 << 20, 1 << 27, 1 << 20).run(bad, List.of(), true);
        assertThat(run.error).isNull();
        assertThat(run.events.get(0).get("type").asText()).isEqualTo("stray");
    }

    @Test
    void strayLimitClosesWithCorruptFrame() {
        byte[] junk = new byte[100];
        java.util.Arrays.fill(junk, (byte) 'x');
        FrameDecoder d = new FrameDecoder(1 << 20, 64);
        long[] reported = new long[1];
        FrameDecoder.Listener l = new FrameDecoder.Listener() {
            @Override
            public void onFrame(Frame frame) {
            }

            @Override
            public void onStray(byte[] bytes, int offset, int length) {
                reported[0] += length;
            }
        };
        assertThatThrownBy(() -> {
            for (int i = 0; i < junk.length; i++) {
                d.feed(junk, i, 1, l);
            }
        }).isInstanceOf(CorruptFrameException.class).hasMessageContaining("stray limit");
        assertThat(reported[0]).isEqualTo(65);
    }

    @Test
    void aHeldPartialMagicDoesNotCountAsStrayUntilItTurnsOutToBeStray() {
        // SPEC §3.6 (1.1): exactly max_stray stray bytes, then a frame whose magic is split over two reads
        byte[] junk = "0123456789".getBytes(StandardCharsets.US_ASCII);
        byte[] frame = HEX.parseHex(A3);
        for (int held = 1; held <= 3; held++) {
            FrameDecoder d = new FrameDecoder(1 << 20, junk.length);
            List<Integer> frames = new ArrayList<>();
            FrameDecoder.Listener l = new FrameDecoder.Listener() {
                @Override
                public void onFrame(Frame f) {
                    frames.add(f.kind());
                }

                @Override
                public void onStray(byte[] bytes, int offset, int length) {
                }
            };
            d.feed(concat(junk, java.util.Arrays.copyOf(frame, held)), 0, junk.length + held, l);
            d.feed(frame, held, frame.length - held, l);
            assertThat(frames).as("partial magic of %d bytes", held).containsExactly(FrameKind.PING);
        }
        // a held prefix that turns out not to be a magic counts: max_stray + 1 stray bytes are fatal
        FrameDecoder d = new FrameDecoder(1 << 20, junk.length);
        FrameDecoder.Listener none = new FrameDecoder.Listener() {
            @Override
            public void onFrame(Frame f) {
            }

            @Override
            public void onStray(byte[] bytes, int offset, int length) {
            }
        };
        d.feed(concat(junk, new byte[] {(byte) 0xFA}), 0, junk.length + 1, none);
        assertThatThrownBy(() -> d.feed(new byte[] {'x'}, 0, 1, none)).isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("stray limit");
    }

    @Test
    void strayCounterResetsAtEveryVerifiedHeader() {
        byte[] junk = "0123456789".getBytes(StandardCharsets.US_ASCII);
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            hex.append(HEX.formatHex(junk)).append(A3);
        }
        DecodeRun run = new DecodeRun(1 << 20, 1 << 27, 16).run(HEX.parseHex(hex.toString()), List.of(), true);
        assertThat(run.error).isNull();
        assertThat(run.messages).hasSize(20);
    }

    @Test
    void endOfInputInsideAFrameIsTruncatedButAPartialHeaderIsStray() {
        byte[] a1 = HEX.parseHex(A1);
        for (int n = 1; n < a1.length; n++) {
            DecodeRun run = new DecodeRun(1 << 20, 1 << 27, 1 << 20).run(java.util.Arrays.copyOf(a1, n), List.of(), true);
            if (n < 24) {
                assertThat(run.error).as("prefix " + n).isNull();
                assertThat(run.events.get(0).get("type").asText()).isEqualTo("stray");
            } else {
                assertThat(run.error.get("code").asInt()).as("prefix " + n).isEqualTo(-33011);
            }
        }
    }

    @Test
    void chunkedMessageIsReassembledWithControlFramesInterleaved() {
        FrameEncoder enc = new FrameEncoder();
        byte[] meta = FrameEncoder.requestMeta(0, "big".getBytes(StandardCharsets.UTF_8));
        byte[] f1 = enc.encode(FrameKind.REQUEST, FrameFlags.MORE | FrameFlags.WANT_PROGRESS, 5, meta, 0, 0, new byte[] {1, 2});
        byte[] ping = enc.encode(FrameKind.PING, 0, 9, null, 0, 0, null);
        byte[] f2 = enc.encode(FrameKind.REQUEST, FrameFlags.MORE | FrameFlags.CONTINUATION, 5, null, 0, 0, new byte[] {3});
        byte[] f3 = enc.encode(FrameKind.REQUEST, FrameFlags.CONTINUATION, 5, null, 0, 0, new byte[] {4, 5});
        byte[] input = concat(f1, ping, f2, f3);
        DecodeRun run = new DecodeRun(1 << 20, 1 << 27, 1 << 20).run(input, List.of(), true);
        assertThat(run.error).isNull();
        assertThat(run.messages).hasSize(2);
        JsonNode req = run.messages.get(1);
        assertThat(req.get("body").asText()).isEqualTo("0102030405");
        assertThat(req.get("flags").asInt()).isEqualTo(FrameFlags.WANT_PROGRESS);
        assertThat(run.messages.get(0).get("kind").asInt()).isEqualTo(FrameKind.PING);
    }

    @Test
    void reassemblyViolationsAreFatal() {
        FrameEncoder enc = new FrameEncoder();
        byte[] orphan = enc.encode(FrameKind.RESPONSE, FrameFlags.CONTINUATION, 5, null, 0, 0, new byte[] {1});
        DecodeRun run = new DecodeRun(1 << 20, 1 << 27, 1 << 20).run(orphan, List.of(), true);
        assertThat(run.error.get("stage").asText()).isEqualTo("message");
        assertThat(run.error.get("code").asInt()).isEqualTo(-33000);

        byte[] first = enc.encode(FrameKind.RESPONSE, FrameFlags.MORE, 5, null, 0, 0, new byte[10]);
        byte[] second = enc.encode(FrameKind.RESPONSE, FrameFlags.CONTINUATION, 5, null, 0, 0, new byte[10]);
        DecodeRun big = new DecodeRun(1 << 20, 15, 1 << 20).run(concat(first, second), List.of(), true);
        assertThat(big.error.get("code").asInt()).isEqualTo(-33004);
    }

    @Test
    void invalidRequestMetaIsNotFatal() {
        FrameEncoder enc = new FrameEncoder();
        byte[] bad = enc.encode(FrameKind.REQUEST, 0, 3, new byte[] {0, 0, 0, 0}, 0, 0, null);
        byte[] ok = HEX.parseHex(A2);
        DecodeRun run = new DecodeRun(1 << 20, 1 << 27, 1 << 20).run(concat(bad, ok), List.of(), true);
        assertThat(run.error.get("code").asInt()).isEqualTo(-32600);
        assertThat(run.error.get("fatal").asBoolean()).isFalse();
        assertThat(run.messages).hasSize(1);
    }

    @Test
    void unknownKindIsSkipped() {
        FrameEncoder enc = new FrameEncoder();
        byte[] unknown = enc.encode(0x42, FrameFlags.MORE, 0, new byte[] {1, 2, 3}, 7, 7, new byte[] {9});
        DecodeRun run = new DecodeRun(1 << 20, 1 << 27, 1 << 20).run(concat(unknown, HEX.parseHex(A2)), List.of(), true);
        assertThat(run.error).isNull();
        assertThat(run.events).hasSize(2);
        assertThat(run.messages).hasSize(1);
    }

    static List<List<Integer>> allSplits(int length) {
        List<List<Integer>> out = new ArrayList<>();
        out.add(List.of());
        List<Integer> each = new ArrayList<>();
        for (int i = 1; i < length; i++) {
            out.add(List.of(i));
            each.add(i);
        }
        out.add(each);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    static FrameDecoder.Listener listener(List<Frame> frames) {
        return new FrameDecoder.Listener() {
            @Override
            public void onFrame(Frame frame) {
                frames.add(frame);
            }

            @Override
            public void onStray(byte[] bytes, int offset, int length) {
            }
        };
    }
}
