package io.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code parley dump} on golden-vector bytes (conformance-tests/vectors), whole and damaged. */
class DumpCommandTest {
    /** SPEC A.1: REQUEST id 1, timeout 5000 ms, method echo, JSON body "hi". */
    private static final String A1 = "fa50524c0102000000000001000801000000000401db980f000013886563686f22686922";

    private static Path vectors() {
        return Path.of(System.getProperty("parley.repo", "../..")).toAbsolutePath().normalize().resolve("conformance-tests/vectors");
    }

    @Test
    void annotatesAFrameFromAHexFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a1.hex");
        Files.writeString(f, "fa 50 52 4c\n" + A1.substring(8) + "\n");
        CliRun r = CliRun.of("dump", "--hex", f.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("@0 REQUEST id=1 flags=0x0 codec=1 compression=0 meta=8B body=4B")
                .contains("body: \"\\\"hi\\\"\"").contains("1 frames, 0 stray bytes, no error");
    }

    @Test
    void reportsStrayBytesAndATruncatedFrameFromABinaryFile(@TempDir Path dir) throws Exception {
        byte[] frame = FrameDump.unhex(A1);
        byte[] stream = new byte[6 + frame.length + 30];
        System.arraycopy("hello\n".getBytes(StandardCharsets.US_ASCII), 0, stream, 0, 6);
        System.arraycopy(frame, 0, stream, 6, frame.length);
        System.arraycopy(frame, 0, stream, 6 + frame.length, 30); // a second frame, cut after 30 bytes
        Path f = dir.resolve("capture.bin");
        Files.write(f, stream);
        CliRun r = CliRun.of("dump", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("@0 STRAY 6 bytes").contains("@6 REQUEST id=1")
                .contains("@42 ERROR TruncatedFrameException").contains("1 frames, 6 stray bytes, error: TruncatedFrameException");
    }

    @Test
    void everyCleanGoldenVectorDecodesToItsFrames() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int checked = 0;
        for (String file : new String[] {"frames.json", "chunking.json", "flags.json"}) {
            for (JsonNode v : json.readTree(vectors().resolve(file).toFile()).get("vectors")) {
                JsonNode expect = v.get("expect");
                if (!expect.path("error").isNull() || !v.path("eof").asBoolean(true)) continue;
                long frames = 0;
                for (JsonNode e : expect.get("events")) if (e.get("type").asText().equals("frame")) frames++;
                int maxFrame = v.path("config").path("max_frame").asInt(16 << 20);
                StringWriter out = new StringWriter();
                FrameDump.Summary s = FrameDump.dump(FrameDump.unhex(v.get("hex").asText()), maxFrame, new PrintWriter(out, true));
                assertThat(s.error()).as(v.get("name").asText() + ":\n" + out).isNull();
                assertThat(s.frames()).as(v.get("name").asText()).isEqualTo(frames);
                checked++;
            }
        }
        assertThat(checked).as("clean vectors checked").isGreaterThan(10);
    }

    @Test
    void badHexIsAnInputError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.hex");
        Files.writeString(f, "fa5");
        CliRun r = CliRun.of("dump", "--hex", f.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("odd number of hex digits");
    }
}
