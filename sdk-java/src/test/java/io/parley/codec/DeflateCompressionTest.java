package io.parley.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.Payload;
import io.parley.Session;
import io.parley.SessionClosedException;
import io.parley.internal.frame.FrameEncoder;
import io.parley.testutil.RawPeer;
import io.parley.testutil.RawPeer.RawFrame;
import io.parley.testutil.RecordingTransport;
import io.parley.transport.MemoryTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deflate (SPEC §10.2): bodies above the threshold travel compressed and arrive intact; a body
 * that decompresses past the receiver's max_message is MESSAGE_TOO_LARGE and closes the session.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeflateCompressionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<Compression> DEFLATE_ONLY = List.of(DeflateCompression.INSTANCE);

    private static Handlers echo() {
        return new Handlers().onRequest("echo", Payload.class, (p, ctx) -> p);
    }

    @Test
    void compressibleBodiesTravelDeflatedBothWaysAndArriveIntact() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        RecordingTransport clientWire = new RecordingTransport(pair[0]);
        RecordingTransport serverWire = new RecordingTransport(pair[1]);
        CompletableFuture<Session> server = CompletableFuture.supplyAsync(() -> {
            try {
                return Session.builder(serverWire).handlers(echo()).compressions(DEFLATE_ONLY).autoCompression(true).open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (Session client = Session.builder(clientWire).compressions(DEFLATE_ONLY).autoCompression(true).open(); Session srv = server.get(10, TimeUnit.SECONDS)) {
            assertThat(client.peer().compression()).containsExactly("deflate");
            String text = "parley ".repeat(20_000); // 140 000 bytes, far above the 4 KiB threshold
            Map<String, Object> value = Map.of("text", text, "n", 7);
            @SuppressWarnings("unchecked")
            Map<String, Object> back = client.call("echo", value, Map.class);
            assertThat(back).isEqualTo(value);

            RecordingTransport.Header request = clientWire.writtenFrames().stream().filter(h -> h.kind() == 0x02).findFirst().orElseThrow();
            assertThat(request.compression()).isEqualTo(Compression.DEFLATE);
            assertThat(request.bodyLength()).isLessThan(text.length() / 10);
            RecordingTransport.Header response = serverWire.writtenFrames().stream().filter(h -> h.kind() == 0x03).findFirst().orElseThrow();
            assertThat(response.compression()).isEqualTo(Compression.DEFLATE);

            // small bodies stay uncompressed
            assertThat(client.call("echo", "tiny", String.class)).isEqualTo("tiny");
            List<RecordingTransport.Header> requests = clientWire.writtenFrames().stream().filter(h -> h.kind() == 0x02).toList();
            assertThat(requests.get(requests.size() - 1).compression()).isZero();
        }
    }

    @Test
    void decompressionBombOverMaxMessageIsMessageTooLargeAndClosesTheSession() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (RawPeer peer = new RawPeer(pair[0])) {
            CompletableFuture<Session> server = CompletableFuture.supplyAsync(() -> {
                try {
                    return Session.builder(pair[1]).handlers(echo()).compressions(DEFLATE_ONLY).maxFrame(16_384).maxMessage(65_536).open();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            peer.sendHello(RawPeer.hello());
            RawFrame hello = peer.next(WAIT);
            assertThat(hello.json().path("max_message").asLong()).isEqualTo(65_536);
            assertThat(hello.json().path("compression").toString()).contains("deflate");
            Session s = server.get(10, TimeUnit.SECONDS);

            byte[] bomb = RawPeer.deflate(new byte[4 * 1024 * 1024]); // 4 MiB of zeros in a few KiB
            assertThat(bomb.length).isLessThan(16_384);
            peer.send(RawPeer.REQUEST, 0, 1, FrameEncoder.requestMeta(0, "echo".getBytes(StandardCharsets.UTF_8)), 0,
                    Compression.DEFLATE, bomb);

            List<RawFrame> beforeEnd = peer.awaitEnd(WAIT);
            assertThat(beforeEnd).anySatisfy(f -> {
                assertThat(f.kind()).isEqualTo(RawPeer.ERROR);
                assertThat(f.id()).isZero();
                assertThat(f.json().path("code").asInt()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE.code());
            });
            // SPEC §7.3: after detecting a fatal error a peer sends nothing else
            assertThat(beforeEnd.get(beforeEnd.size() - 1).kind()).as("the fatal ERROR is the last frame: %s", beforeEnd)
                    .isEqualTo(RawPeer.ERROR);
            SessionClosedException reason = s.closeFuture().get(10, TimeUnit.SECONDS);
            assertThat(reason).isNotNull();
            assertThat(reason.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE.code());
            assertThatThrownBy(() -> s.call("x", null, Object.class)).isInstanceOf(SessionClosedException.class);
        }
    }

    @Test
    void decompressionStopsAtTheLimit() {
        byte[] bomb = RawPeer.deflate(new byte[1 << 20]);
        assertThatThrownBy(() -> DeflateCompression.INSTANCE.decompress(bomb, 100_000)).isInstanceOf(CompressionLimitException.class);
        byte[] ok = RawPeer.deflate("abc".repeat(1000).getBytes(StandardCharsets.UTF_8));
        assertThat(catchingDecompress(ok, 3000)).hasSize(3000);
        assertThatThrownBy(() -> DeflateCompression.INSTANCE.decompress(ok, 2999)).isInstanceOf(CompressionLimitException.class);
        assertThatThrownBy(() -> DeflateCompression.INSTANCE.decompress(new byte[] {1, 2, 3, 4}, 100))
                .isInstanceOfSatisfying(CodecException.class, e -> assertThat(e.isMalformed()).isTrue());
    }

    private static byte[] catchingDecompress(byte[] data, long max) {
        try {
            return DeflateCompression.INSTANCE.decompress(data, max);
        } catch (CodecException | CompressionLimitException e) {
            throw new AssertionError(e);
        }
    }
}
