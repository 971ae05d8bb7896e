package io.parley.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.Handlers;
import io.parley.MessageTooLargeException;
import io.parley.Payload;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Large RAW bodies as pieces (SPEC §5 chunks kept apart) over real transports, both directions. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PiecesTest {
    private static final int MIB = 1 << 20;

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

    private final List<Payload> seen = new CopyOnWriteArrayList<>();

    private Handlers server() {
        return new Handlers()
                .onRequest("pieces", Payload.class, (p, ctx) -> {
                    seen.add(p);
                    return p;
                })
                .onRequest("size", Payload.class, (p, ctx) -> {
                    seen.add(p);
                    return p.size();
                });
    }

    @ParameterizedTest
    @EnumSource(value = Link.Kind.class, names = {"MEMORY", "UNIX", "TCP"})
    void aChunkedRawBodyArrivesAsPiecesInOrderAndGoesBackWithoutAJoin(Link.Kind kind) throws Exception {
        List<byte[]> sent = List.of(random(MIB + MIB / 2, 1), random(10, 2), new byte[0], random(2 * MIB + 3, 3));
        byte[] whole = concat(sent);
        try (Link link = Link.open(kind, new Handlers(), b -> b, b -> b.handlers(server()))) {
            Payload back = link.client.call("pieces", Payload.ofPieces(sent), Payload.class);
            assertThat(back.isPieces()).isTrue();
            assertThat(back.size()).isEqualTo(whole.length);
            // frames of at most max_frame (1 MiB): at least four of them
            assertThat(back.pieces().size()).isGreaterThanOrEqualTo(4);
            assertThat(concat(back.pieces())).isEqualTo(whole);

            Payload got = seen.get(0);
            assertThat(got.isPieces()).as("the server answered with the pieces it received, unjoined").isTrue();
            assertThat(got.pieces().size()).isGreaterThanOrEqualTo(4);
            assertThat(concat(got.pieces())).isEqualTo(whole);

            // contiguous access still works on both kinds of payload
            assertThat(back.bytes()).isEqualTo(whole);
            assertThat(back.isPieces()).isFalse();
            assertThat(link.client.call("pieces", Payload.ofPieces(sent), byte[].class)).isEqualTo(whole);
            assertThat(link.client.call("pieces", Payload.raw(whole), byte[].class)).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Link.Kind.class, names = {"MEMORY", "UNIX"})
    void chunkedJsonArrivesContiguous(Link.Kind kind) throws Exception {
        StringBuilder text = new StringBuilder();
        Random r = new Random(4);
        while (text.length() < 3 * MIB) {
            text.append(Long.toString(r.nextLong(), 36));
        }
        try (Link link = Link.open(kind, new Handlers(), b -> b, b -> b.handlers(server()))) {
            long size = link.client.call("size", text.toString(), Long.class);
            assertThat(size).isGreaterThan(3L * MIB);
            assertThat(seen.get(0).isPieces()).isFalse();
            assertThat(seen.get(0).as(String.class)).isEqualTo(text.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Link.Kind.class, names = {"MEMORY"})
    void piecesAboveThePeersMaxMessageAreRefusedBeforeSending(Link.Kind kind) throws Exception {
        try (Link link = Link.open(kind, new Handlers(), b -> b, b -> b.handlers(server()).maxMessage(2 * MIB))) {
            List<byte[]> big = List.of(random(MIB, 5), random(MIB, 6), random(10, 7));
            assertThatThrownBy(() -> link.client.call("pieces", Payload.ofPieces(big), Payload.class))
                    .isInstanceOf(MessageTooLargeException.class);
            assertThat(seen).isEmpty();
            List<byte[]> fits = List.of(random(MIB, 5), random(MIB, 6));
            assertThat(concat(link.client.call("pieces", Payload.ofPieces(fits), Payload.class).pieces())).isEqualTo(concat(fits));
        }
    }
}
