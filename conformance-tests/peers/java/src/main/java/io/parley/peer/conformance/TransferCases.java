package io.parley.peer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.CallOptions;
import io.parley.Payload;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** P-023 … P-026: chunked messages, 64 MiB, stray output, the server's own print. */
final class TransferCases {
    private static final int MIB = 1_048_576;

    private TransferCases() {
    }

    static List<PairCase> all() {
        return List.of(
                PairCase.of("P-023", "chunked JSON both ways", "5", TransferCases::chunkedJson).bound(60).compressions(List.of()),
                PairCase.of("P-024", "64 MiB in chunks", "3.2, 5", TransferCases::sixtyFourMiB).bound(120).compressions(List.of()),
                PairCase.of("P-025", "server prints stray output", "3.6", TransferCases::strayOutput),
                PairCase.of("P-026", "server prints through the language's own output", "9.1", TransferCases::languageOutput));
    }

    private static void chunkedJson(CaseContext c) {
        JsonNode text = JsonValues.MAPPER.getNodeFactory().textNode("x".repeat(3 * MIB));
        int mark = c.cs.tap.mark();
        JsonNode back = c.call("echo", text, CallOptions.none());
        c.expectValue("echo of a 3 MiB JSON string", text, back);
        List<WireFrame> frames = c.cs.tap.since(mark);
        long requestFrames = frames.stream().filter(f -> f.outgoing() && f.isKind(WireFrame.REQUEST)).count();
        List<WireFrame> responseFrames = frames.stream().filter(f -> !f.outgoing() && f.isKind(WireFrame.RESPONSE)).toList();
        long largest = responseFrames.stream().mapToLong(f -> f.metaLength() + f.bodyLength()).max().orElse(0);
        c.check(requestFrames > 1, "the 3 MiB request went out in %d frame(s), expected chunks (server max_frame %d)", requestFrames,
                c.server().maxFrame());
        c.check(responseFrames.size() > 1, "the 3 MiB response came in %d frame(s), expected chunks", responseFrames.size());
        c.check(responseFrames.stream().allMatch(f -> f.compression() == 0), "the response was compressed although the driver "
                + "offered no compression: %s", responseFrames.get(0));
        c.note(requestFrames + " request frames, " + responseFrames.size() + " response frames (largest payload " + largest + ")");
    }

    private static void sixtyFourMiB(CaseContext c) throws NoSuchAlgorithmException {
        byte[] body = new byte[64 * MIB];
        for (int k = 0; k < body.length; k++) {
            body[k] = (byte) (k * 31 + 7);
        }
        String expected = sha256(body);
        c.step("calling big-echo with 64 MiB raw");
        Payload back = c.session().call("big-echo", body, Payload.class, CallOptions.none());
        c.check(back != null, "big-echo of 64 MiB: got no value");
        c.check(back.codec().id() == 0, "big-echo: expected codec raw, got %s", back.codec().name());
        c.check(back.bytes().length == body.length, "big-echo: expected %d bytes, got %d", body.length, back.bytes().length);
        String actual = sha256(back.bytes());
        c.check(expected.equals(actual), "big-echo: SHA-256 %s, expected %s", actual, expected);
    }

    private static String sha256(byte[] b) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static void strayOutput(CaseContext c) {
        String text = "parley-stray-check\n";
        c.cs.strays().clear();
        c.expectValue("print-stray", JsonValues.parse("\"ok\""), c.call("print-stray", "{\"text\":\"parley-stray-check\\n\"}"));
        c.expectValue("echo after the stray output", JsonValues.parse("\"after stray\""), c.call("echo", "\"after stray\""));
        long count = c.cs.strays().count();
        String seen = c.cs.strays().text();
        c.check(count == 19 && seen.equals(text), "expected the stray-byte listener to report 19 bytes \"parley-stray-check\\n\", "
                + "it reported %d bytes \"%s\"", count, seen.replace("\n", "\\n"));
    }

    private static void languageOutput(CaseContext c) {
        String text = "parley-echo-check";
        c.cs.strays().clear();
        c.expectValue("print-echo", JsonValues.parse("\"ok\""), c.call("print-echo", "{\"text\":\"" + text + "\"}"));
        c.expectValue("echo after print-echo", JsonValues.parse("\"after echo\""), c.call("echo", "\"after echo\""));
        String where;
        if (c.cs.logLines().stream().anyMatch(l -> l.contains(text))) {
            where = "$/log";
        } else if (c.cs.strays().text().contains(text)) {
            where = "stray bytes (" + c.cs.strays().count() + " reported)";
        } else if (c.cs.childStderrTail().stream().anyMatch(l -> l.contains(text))) {
            where = "the child's stderr";
        } else {
            where = "not seen by the driver (neither $/log nor stray bytes" + (c.cs.isStdioChild() ? " nor stderr lines so far" : "") + ")";
        }
        c.note("the text surfaced as: " + where);
    }
}
