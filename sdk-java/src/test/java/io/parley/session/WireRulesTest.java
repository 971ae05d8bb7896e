package io.parley.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.CallOptions;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.MessageTooLargeException;
import io.parley.ParleyException;
import io.parley.codec.CodecException;
import io.parley.codec.JsonCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 faults 2 and 5 and the SPEC 1.1 rules they settle: a sender respects the peer's
 * max_message for results and progress (§3.2; an oversized result is answered MESSAGE_TOO_LARGE,
 * §6.2), values JSON cannot carry are refused with a typed error (§10.1), numbers no peer keeps
 * exactly are PARSE_ERROR (§10.1).
 */
class WireRulesTest {

    private static Handlers clientHandlers() {
        return new Handlers()
                .onRequest("big", Object.class, (p, ctx) -> "x".repeat(100 * 1024))
                .onRequest("big-progress", Object.class, (p, ctx) -> {
                    try {
                        ctx.progress("y".repeat(100 * 1024));
                    } catch (MessageTooLargeException e) {
                        return "refused";
                    }
                    return "sent";
                })
                .onRequest("ping", Object.class, (p, ctx) -> "pong");
    }

    @Test
    void anOversizedResultIsAnsweredMessageTooLargeAndTheSessionGoesOn() throws Exception {
        // the server calls the client; the server's max_message is the limit of the client's answers
        try (Link link = Link.open(Link.Kind.MEMORY, clientHandlers(), b -> b,
                b -> b.maxFrame(16 * 1024).maxMessage(64 * 1024).compressions(List.of()))) {
            assertThatThrownBy(() -> link.server.call("big", null, String.class))
                    .isInstanceOf(ParleyException.class)
                    .satisfies(e -> assertThat(((ParleyException) e).code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE.code()))
                    .hasMessageContaining("max_message");
            assertThat(link.server.call("ping", null, String.class)).isEqualTo("pong");
        }
    }

    @Test
    void anOversizedProgressValueFailsInTheHandlerOnly() throws Exception {
        try (Link link = Link.open(Link.Kind.MEMORY, clientHandlers(), b -> b,
                b -> b.maxFrame(16 * 1024).maxMessage(64 * 1024).compressions(List.of()))) {
            List<Object> seen = Collections.synchronizedList(new ArrayList<>());
            String r = link.server.call("big-progress", null, String.class, CallOptions.none().withProgress(seen::add));
            assertThat(r).isEqualTo("refused");
            assertThat(seen).isEmpty();
        }
    }

    @Test
    void nanAndInfinityAreRefusedWithATypedErrorNotSentAsStrings() throws Exception {
        try (Link link = Link.open(Link.Kind.MEMORY, new Handlers())) {
            for (Object bad : List.of(Double.NaN, List.of(Double.POSITIVE_INFINITY), Map.of("f", Float.NEGATIVE_INFINITY))) {
                assertThatThrownBy(() -> link.client.call("echo", bad, Object.class))
                        .isInstanceOf(CodecException.class)
                        .satisfies(e -> assertThat(((ParleyException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMS.code()));
            }
            assertThatThrownBy(() -> link.client.notify("conf/note", Double.NaN)).isInstanceOf(CodecException.class);
            assertThat(link.client.call("echo", 1.5, Double.class)).isEqualTo(1.5);
        }
    }

    @Test
    void unserialisableParamsFailWithAParleyException() throws Exception {
        try (Link link = Link.open(Link.Kind.MEMORY, new Handlers())) {
            Object noJsonForm = new Object() {
                @SuppressWarnings("unused")
                public Object getSelf() {
                    return this;
                }
            };
            assertThatThrownBy(() -> link.client.call("echo", noJsonForm, Object.class)).isInstanceOf(ParleyException.class);
        }
    }

    @Test
    void numbersNoPeerKeepsExactlyAndLoneSurrogatesAreParseErrors() {
        JsonCodec json = new JsonCodec();
        for (String bad : List.of("[18446744073709551616]", "[-9223372036854775809]", "[1e400]", "[\"\\ud800\"]",
                "{\"\\udc00x\":1}", "\"a\\ud83d\"")) {
            assertThatThrownBy(() -> json.decode(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8), Object.class))
                    .as(bad).isInstanceOf(CodecException.class)
                    .satisfies(e -> assertThat(((CodecException) e).code()).isEqualTo(ErrorCode.PARSE_ERROR.code()));
        }
        assertThat(json.decode("[9223372036854775807,-9223372036854775808,1e300,\"\\ud83d\\ude00\",\"\\\\ud800\"]"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), Object.class).toString())
                .isEqualTo("[9223372036854775807,-9223372036854775808,1.0E300,\"😀\",\"\\\\ud800\"]");
    }

    @Test
    void aHelloPeerNameOver256CharactersIsHandshakeFailed() {
        String base = "{\"versions\":[1],\"codecs\":[\"json\"],\"compression\":[],\"max_frame\":1048576,"
                + "\"max_message\":134217728,\"max_in_flight\":8,\"heartbeat_ms\":0,\"caps\":0,\"peer\":";
        String ok = "\"" + "\u00e9".repeat(256) + "\"}";
        String tooLong = "\"" + "a".repeat(257) + "\"}";
        assertThat(io.parley.internal.session.Hello.parse((base + ok).getBytes(java.nio.charset.StandardCharsets.UTF_8)).peer())
                .hasSize(256);
        assertThatThrownBy(() -> io.parley.internal.session.Hello.parse((base + tooLong).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(ParleyException.class)
                .satisfies(e -> assertThat(((ParleyException) e).code()).isEqualTo(ErrorCode.HANDSHAKE_FAILED.code()));
    }
}
