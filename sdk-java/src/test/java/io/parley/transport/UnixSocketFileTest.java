package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.Session;
import io.parley.testutil.TestService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Unix socket file (SPEC §9.2): mode 0600, never replacing a non-socket, unlinked on close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnixSocketFileTest {
    @TempDir
    Path dir;

    @Test
    void socketFileIsOwnerOnlyAndServes() throws Exception {
        Path sock = dir.resolve("p.sock");
        try (TransportServer server = UnixSockets.listen(sock)) {
            int mode = (Integer) Files.getAttribute(sock, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            assertThat(mode & 0170000).as("a socket").isEqualTo(0140000);
            assertThat(mode & 0777).as("permission bits, octal %o", mode & 0777).isEqualTo(0600);
            assertThat(Files.getPosixFilePermissions(sock, LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

            CompletableFuture<Session> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return Session.builder(server.accept()).handlers(TestService.handlers(() -> { })).open();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (Session client = Session.builder(UnixSockets.connect(sock)).open(); Session srv = accepted.get(10, TimeUnit.SECONDS)) {
                assertThat(client.call("sum", List.of(1, 2), Long.class)).isEqualTo(3L);
                assertThat(srv.isOpen()).isTrue();
            }
        }
        assertThat(sock).as("unlinked when the listener closes").doesNotExist();
    }

    @Test
    void existingPathThatIsNotASocketIsNotReplaced() throws Exception {
        Path file = dir.resolve("important.txt");
        Files.writeString(file, "keep me");
        assertThatThrownBy(() -> UnixSockets.listen(file)).isInstanceOf(IOException.class).hasMessageContaining("not a socket");
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }
}
