package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.PeerGoneException;
import io.parley.Session;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A child that dies before (or instead of) its HELLO (issue 13 point 8): the exception from
 * {@code open()} carries what it wrote, on stderr and as stray stdout, not only a log line.
 */
class StartupFailureTest {
    @Test
    void phpWithAMissingScriptReportsItsOutput() {
        assertThatThrownBy(() -> Session.builder(ChildProcessTransport.launch(List.of("php", "no-such-worker-x.php"))).open())
                .isInstanceOf(PeerGoneException.class)
                .hasMessageContaining("Could not open input file: no-such-worker-x.php")
                .hasMessageContaining("exited with status 1");
    }

    @Test
    void stderrAndStdoutOfAChildThatFailsAtStartAreBothInTheException() {
        List<String> cmd = List.of("sh", "-c", "echo 'starting up' ; echo 'fatal: missing extension imaginary' >&2 ; exit 3");
        assertThatThrownBy(() -> Session.builder(ChildProcessTransport.launch(cmd)).open())
                .isInstanceOf(PeerGoneException.class)
                .hasMessageContaining("exited with status 3")
                .hasMessageContaining("fatal: missing extension imaginary")
                .hasMessageContaining("starting up");
    }
}
