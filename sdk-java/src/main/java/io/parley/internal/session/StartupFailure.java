package io.parley.internal.session;

import io.parley.PeerGoneException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A peer that ends before the handshake (SPEC §8.2), typically a child that cannot start: what it
 * wrote goes into the exception, not only into a log line, so "Could not open input file: x.php"
 * reaches the caller of {@code open()} even without a logging backend.
 */
final class StartupFailure {
    private StartupFailure() {
    }

    /**
     * After a failed HELLO write the reader sees the end of the peer's stream soon and reports it
     * with the peer's output: waits up to 2 s for that report; {@code null} when it did not come.
     */
    static PeerGoneException awaitReport(CompletableFuture<?> handshake, Runnable awaitClosed) {
        try {
            handshake.get(2, TimeUnit.SECONDS);
        } catch (ExecutionException x) {
            if (x.getCause() instanceof PeerGoneException gone) {
                awaitClosed.run();
                return gone;
            }
        } catch (TimeoutException x) {
            return null;
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** {@code gone} with the stray stdout the peer wrote before its HELLO, when the session is still connecting and there was any. */
    static PeerGoneException withOutput(PeerGoneException gone, Lifecycle.State state, io.parley.internal.io.Reader reader) {
        String strayText = reader.strays().earlyText();
        if (state != Lifecycle.State.CONNECTING || strayText.isEmpty()) {
            return gone;
        }
        return new PeerGoneException(gone.getMessage() + "\nbefore its HELLO it wrote to stdout:\n  " + strayText.replace("\n", "\n  "),
                gone.exitCode().isPresent() ? gone.exitCode().getAsInt() : null, gone.stderrTail());
    }
}
