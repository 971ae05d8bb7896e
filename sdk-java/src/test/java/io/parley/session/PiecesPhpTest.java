package io.parley.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.Payload;
import io.parley.Session;
import io.parley.transport.ChildProcessTransport;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pieces across languages: a Java parent and a PHP child ({@code rawPieces}) over the stdio pipes. */
@Timeout(60)
class PiecesPhpTest {
    private static final Path WORKER = Path.of("src/test/resources/pieces-worker.php").toAbsolutePath();
    private static final int MIB = 1 << 20;

    private static byte[] random(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aChunkedRawBodyTravelsAsPiecesBothWays() throws Exception {
        List<byte[]> sent = List.of(random(MIB + 5, 1), random(7, 2), random(2 * MIB, 3));
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        sent.forEach(whole::writeBytes);
        try (Session s = Session.builder(ChildProcessTransport.launch(List.of("php", WORKER.toString())))
                .defaultTimeout(Duration.ofSeconds(30)).open()) {
            JsonNode shape = s.call("shape", Payload.ofPieces(sent), JsonNode.class);
            assertThat(shape.path("type").asText()).isEqualTo("pieces");
            assertThat(shape.path("size").asLong()).isEqualTo(whole.size());
            // one piece per frame of at most 1 MiB, never two pieces of ours in one frame
            assertThat(shape.path("pieces").asInt()).isGreaterThanOrEqualTo(4);
            assertThat(shape.path("md5").asText())
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(whole.toByteArray())));

            Payload back = s.call("echo", Payload.ofPieces(sent), Payload.class);
            assertThat(back.isPieces()).isTrue();
            assertThat(back.pieces().size()).isGreaterThanOrEqualTo(4);
            assertThat(back.bytes()).isEqualTo(whole.toByteArray());

            // small raw bodies and JSON bodies arrive as before
            assertThat(s.call("shape", Payload.raw(random(100, 4)), JsonNode.class).path("type").asText()).isEqualTo("string");
            assertThat(s.call("shape", "x".repeat(3 * MIB), JsonNode.class).path("type").asText()).isEqualTo("string");
        }
    }
}
