package io.parley;

import io.parley.codec.Codec;
import java.time.Duration;

/**
 * Per-call settings: deadline, progress listener, codec. Immutable; start from {@link #none()} or
 * {@link #timeout(Duration)}:
 *
 * <pre>{@code
 * CallOptions.timeout(Duration.ofSeconds(5)).withProgress(p -> log(p.as(Map.class)))
 * }</pre>
 */
public final class CallOptions {
    private static final CallOptions NONE = new CallOptions(0, null, null);
    private final long timeoutNanos;
    private final ProgressListener progress;
    private final Codec codec;

    private CallOptions(long timeoutNanos, ProgressListener progress, Codec codec) {
        this.timeoutNanos = timeoutNanos;
        this.progress = progress;
        this.codec = codec;
    }

    public static CallOptions none() {
        return NONE;
    }

    /** The call fails with {@link DeadlineExceededException} (and is cancelled) after {@code timeout}. */
    public static CallOptions timeout(Duration timeout) {
        return NONE.withTimeout(timeout);
    }

    public CallOptions withTimeout(Duration timeout) {
        long n = timeout.toNanos();
        if (n <= 0) {
            n = 1;
        }
        return new CallOptions(n, progress, codec);
    }

    /** Asks for progress (sets WANT_PROGRESS) and delivers it to {@code listener}. */
    public CallOptions withProgress(ProgressListener listener) {
        return new CallOptions(timeoutNanos, listener, codec);
    }

    /** Encodes the params with {@code codec} (the peer must have listed it). */
    public CallOptions withCodec(Codec codec) {
        return new CallOptions(timeoutNanos, progress, codec);
    }

    /** 0 when the call has no deadline. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    public ProgressListener progress() {
        return progress;
    }

    public Codec codec() {
        return codec;
    }
}
