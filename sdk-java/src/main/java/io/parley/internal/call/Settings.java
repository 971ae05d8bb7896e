package io.parley.internal.call;

import io.parley.Handlers;

import io.parley.codec.Codec;
import io.parley.codec.Compression;
import io.parley.codec.JsonCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;

/** A session's settings, fixed when it opens (see {@link io.parley.Session.Builder} for each one). */
public record Settings(
        Handlers handlers,
        JsonCodec json,
        List<Codec> extraCodecs,
        Codec defaultCodec,
        List<Compression> compressions,
        int compressionThreshold,
        int maxFrame,
        long maxMessage,
        int maxInFlight,
        long maxStray,
        int heartbeatMs,
        String token,
        String peerName,
        Duration handshakeTimeout,
        Duration drainTimeout,
        ExecutorService executor,
        io.parley.StrayListener strayListener,
        long spinNanos,
        int maxQueuedCalls,
        boolean inlineHandlers,
        long readerTakeoverNanos,
        long frameStallMillis) {
}
