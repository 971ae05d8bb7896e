package io.parley.conformance.transport;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLineTest {
    @Test
    void splitsLikeAShell() {
        assertThat(CommandLine.split("php  'a b'/bin \"c \\\"d\\\"\" e\\ f")).containsExactly("php", "a b/bin", "c \"d\"", "e f");
    }

    @Test
    void quoteRoundTrips() {
        List<String> argv = List.of("/usr/bin/java", "-cp", "/x y/a.jar:/b", "it's", "", "$HOME", "a\"b");
        assertThat(CommandLine.split(CommandLine.join(argv))).isEqualTo(argv);
    }
}
