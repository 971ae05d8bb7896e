package io.parley.conformance.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner's own frame decoder and reassembler (a third implementation, independent of both
 * SDKs) against every golden vector, fed whole, one byte per read, and split at every offset.
 */
class GoldenVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    @TestFactory
    Stream<DynamicTest> everyVector() throws IOException {
        Path dir = Path.of("vectors");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().equals("schema.json")).sorted().toList()) {
                for (JsonNode v : Json.M.readTree(f.toFile()).get("vectors")) {
                    tests.add(DynamicTest.dynamicTest(f.getFileName() + ": " + v.get("name").asText(), () -> check(v)));
                }
            }
        }
        assertThat(tests).as("golden vectors found").isNotEmpty();
        return tests.stream();
    }

    private static void check(JsonNode v) {
        byte[] in = HEX.parseHex(v.get("hex").asText());
        JsonNode want = v.get("expect");
        ObjectNode whole = run(v, in, in.length);
        same("events, input whole", want.get("events"), whole.get("events"));
        if (want.has("messages")) same("messages", want.get("messages"), whole.get("messages"));
        same("error", want.get("error"), whole.get("error"));
        same("one byte per read", whole, run(v, in, 1));
        if (in.length <= 600) {
            for (int cut = 1; cut < in.length; cut++) same("split at " + cut, whole, runSplit(v, in, cut));
        }
    }

    private static void same(String what, JsonNode want, JsonNode got) {
        if (!Json.same(want, got)) throw new AssertionError(what + ":\n  expected " + want + "\n  but got  " + got);
    }

    private static ObjectNode run(JsonNode v, byte[] in, int chunk) {
        List<int[]> cuts = new ArrayList<>();
        for (int off = 0; off < in.length; off += chunk) cuts.add(new int[] {off, Math.min(chunk, in.length - off)});
        return decode(v, in, cuts);
    }

    private static ObjectNode runSplit(JsonNode v, byte[] in, int cut) {
        return decode(v, in, List.of(new int[] {0, cut}, new int[] {cut, in.length - cut}));
    }

    private static ObjectNode decode(JsonNode v, byte[] in, List<int[]> reads) {
        JsonNode cfg = v.path("config");
        long maxFrame = cfg.path("max_frame").asLong(Wire.DEFAULT_MAX_FRAME);
        long maxMessage = cfg.path("max_message").asLong(Wire.DEFAULT_MAX_MESSAGE);
        long maxStray = cfg.path("max_stray").asLong(Wire.DEFAULT_MAX_STRAY);
        FrameDecoder d = new FrameDecoder(maxFrame, maxStray);
        Reassembler r = new Reassembler(maxMessage);
        ArrayNode events = Json.arr(), messages = Json.arr();
        ObjectNode[] error = {null};
        StringBuilder stray = new StringBuilder();
        java.util.function.Consumer<FrameDecoder.Event> sink = e -> {
            if (e instanceof FrameDecoder.StrayEvent s) {
                stray.append(HEX.formatHex(s.first()));
            } else if (e instanceof FrameDecoder.ErrorEvent err) {
                    flush(events, stray);
                    if (error[0] == null) error[0] = err(v, "decode", err.code(), true);
            } else if (e instanceof FrameDecoder.FrameEvent fe) {
                {
                    flush(events, stray);
                    Frame f = fe.frame();
                    events.addObject().put("type", "frame").put("kind", f.kind()).put("flags", f.flags()).put("id", f.id())
                            .put("codec", f.codec()).put("compression", f.compression()).put("meta", HEX.formatHex(f.meta())).put("body", HEX.formatHex(f.body()));
                    if (error[0] != null && error[0].get("fatal").asBoolean()) return;
                    for (Reassembler.Out out : r.feed(f)) {
                        if (out instanceof Reassembler.Message m) {
                                Msg x = m.msg();
                                messages.addObject().put("kind", x.kind()).put("id", x.id()).put("flags", x.flags()).put("codec", x.codec())
                                        .put("compression", x.compression()).put("meta", HEX.formatHex(x.meta())).put("body", HEX.formatHex(x.body()));
                        } else if (out instanceof Reassembler.Problem p) {
                                if (error[0] == null) error[0] = err(v, p.stage(), p.code(), p.fatal());
                        }
                    }
                }
            }
        };
        for (int[] rd : reads) d.feed(in, rd[0], rd[1], sink);
        if (v.path("eof").asBoolean(true)) {
            String left = d.eof(sink);
            flush(events, stray);
            if (left != null && left.startsWith("truncated") && error[0] == null) error[0] = err(v, "decode", Wire.PEER_GONE, true);
        }
        flush(events, stray);
        ObjectNode res = Json.obj();
        res.set("events", stripDecoded(v, events));
        res.set("messages", messages);
        res.set("error", error[0] == null ? Json.M.nullNode() : error[0]);
        return res;
    }

    /** Our events carry no "decoded" member; copy the expected ones so that comparison is about the bytes. */
    private static ArrayNode stripDecoded(JsonNode v, ArrayNode events) {
        JsonNode want = v.get("expect").get("events");
        for (int i = 0; i < events.size() && i < want.size(); i++) {
            if (want.get(i).has("decoded") && events.get(i).path("type").asText().equals("frame")) ((ObjectNode) events.get(i)).set("decoded", want.get(i).get("decoded"));
        }
        return events;
    }

    private static void flush(ArrayNode events, StringBuilder stray) {
        if (stray.length() > 0) {
            events.addObject().put("type", "stray").put("hex", stray.toString());
            stray.setLength(0);
        }
    }

    private static ObjectNode err(JsonNode v, String stage, int code, boolean fatal) {
        return Json.obj().put("stage", stage).put("code", code).put("name", Wire.codeName(code)).put("fatal", fatal);
    }
}
