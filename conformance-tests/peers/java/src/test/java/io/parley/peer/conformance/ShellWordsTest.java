package io.parley.peer.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code --server} is split like a POSIX shell would (PEER-CONTRACT), without running one. */
class ShellWordsTest {
    @Test
    void splitsOnWhitespaceAndHonoursQuotesAndEscapes() {
        assertThat(ShellWords.split("  php  sdk-php/bin/parley-peer serve --transport stdio "))
                .containsExactly("php", "sdk-php/bin/parley-peer", "serve", "--transport", "stdio");
        assertThat(ShellWords.split("a 'b  c' \"d \\\"e\\\" \\\\f \\n\" g\\ h ''"))
                .containsExactly("a", "b  c", "d \"e\" \\f \\n", "g h", "");
        assertThat(ShellWords.split("'$HOME' \"*\" x'y'\"z\"")).containsExactly("$HOME", "*", "xyz");
    }

    @Test
    void rejectsUnterminatedQuotes() {
        assertThatThrownBy(() -> ShellWords.split("php 'open")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShellWords.split("php \"open")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShellWords.split("php \\")).isInstanceOf(IllegalArgumentException.class);
    }
}
