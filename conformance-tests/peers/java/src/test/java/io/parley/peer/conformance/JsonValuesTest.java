package io.parley.peer.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pair cases' JSON equality: types and numbers exact, member order ignored. */
class JsonValuesTest {
    private static boolean same(String a, String b) {
        return JsonValues.same(JsonValues.parse(a), JsonValues.parse(b));
    }

    @Test
    void numbersKeepTheirKind() {
        assertThat(same("1", "1")).isTrue();
        assertThat(same("1", "1.0")).as("an integer is not a float").isFalse();
        assertThat(same("1.5", "1.50")).isTrue();
        assertThat(same("9007199254740991", "9007199254740991")).isTrue();
        assertThat(same("9007199254740991", "9007199254740990")).isFalse();
        assertThat(same("12345678901234567890", "12345678901234567890")).isTrue();
        assertThat(same("0", "false")).isFalse();
        assertThat(same("\"1\"", "1")).isFalse();
    }

    @Test
    void structuresCompareDeeply() {
        assertThat(same("{\"a\":1,\"b\":[1,{\"c\":null}]}", "{\"b\":[1,{\"c\":null}],\"a\":1}")).isTrue();
        assertThat(same("[1,2]", "[2,1]")).isFalse();
        assertThat(same("{\"a\":1}", "{\"a\":1,\"b\":2}")).isFalse();
        assertThat(same("{\"a\":null}", "{}")).isFalse();
        assertThat(same("null", "null")).isTrue();
        assertThat(same("\"h\\u00e9\"", "\"h\u00e9\"")).isTrue();
        assertThat(JsonValues.same(null, JsonValues.parse("null"))).as("no value is not JSON null").isFalse();
    }
}
