package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 fault 4 (socket file): under {@code umask 000} the Java socket file used to appear with
 * mode 0777 and be chmod-ed to 0600 only afterwards, long enough for another user to connect. A
 * watcher polls the path while a child JVM (started with umask 000) listens there: every mode it
 * ever sees must be 0600.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnixSocketUmaskTest {
    @TempDir
    Path dir;

    @Test
    void theSocketFileIsOwnerOnlyFromItsCreationEvenUnderUmask000() throws Exception {
        Set<String> seen = new TreeSet<>();
        for (int round = 0; round < 3; round++) {
            Path sock = dir.resolve("u" + round + ".sock");
            AtomicBoolean stop = new AtomicBoolean();
            Thread watcher = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        int mode = (Integer) Files.getAttribute(sock, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                        synchronized (seen) {
                            seen.add(Integer.toOctalString(mode & 07777));
                        }
                    } catch (java.io.IOException | RuntimeException absent) {
                        // not there yet
                    }
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            String cmd = "umask 000 && exec \"$0\" -Xshare:auto -cp \"$1\" " + UnixListenProbe.class.getName() + " \"$2\"";
            Process p = new ProcessBuilder("sh", "-c", cmd, java, System.getProperty("java.class.path"), sock.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                assertThat(line).as("child output").startsWith("LISTENING");
                Thread.sleep(20); // let the watcher see the settled file too
                stop.set(true);
                watcher.join(5000);
                p.getOutputStream().close();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(sock).as("unlinked when the child's listener closed").doesNotExist();
            try (var siblings = Files.list(dir)) {
                assertThat(siblings.filter(f -> f.getFileName().toString().startsWith(".parley-")).toList())
                        .as("no private bind directory left behind").isEmpty();
            }
        }
        assertThat(seen).as("modes the socket file had at its path (octal)").containsExactly("600");
    }
}
