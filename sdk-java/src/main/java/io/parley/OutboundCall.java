package io.parley;

import io.parley.internal.frame.Message;
import io.parley.internal.SerialExecutor;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request this peer sent and whose terminal frame has not arrived yet. Its id stays reserved
 * until then, even after the caller gave up (SPEC §6.1).
 */
final class OutboundCall {
    final int id;
    final String method;
    final Type resultType;
    final ProgressListener progress;
    /** Orders progress callbacks before completion; null without a listener. */
    final SerialExecutor sequencer;
    /** The terminal message (RESPONSE or ERROR), or the failure that ended the call locally. */
    final CompletableFuture<Message> outcome = new CompletableFuture<>();
    final AtomicBoolean gaveUp = new AtomicBoolean();
    final AtomicBoolean cancelSent = new AtomicBoolean();
    volatile ScheduledFuture<?> deadlineTask;

    OutboundCall(int id, String method, Type resultType, ProgressListener progress, SerialExecutor sequencer) {
        this.id = id;
        this.method = method;
        this.resultType = resultType;
        this.progress = progress;
        this.sequencer = sequencer;
    }
}
