package io.parley;

import io.parley.internal.call.Outbound;
import io.parley.internal.call.OutboundCall;
import java.util.concurrent.CompletableFuture;

/**
 * The future of an asynchronous call. {@link #cancel(boolean)} cancels the call on the peer too:
 * it sends CANCEL (once) and the future completes with a {@link
 * java.util.concurrent.CancellationException}. Completions never run on the session's reader.
 *
 * @param <T> the result type
 */
public final class CallFuture<T> extends CompletableFuture<T> {
    private final Outbound outbound;
    private final OutboundCall call;

    CallFuture(Outbound outbound, OutboundCall call) {
        this.outbound = outbound;
        this.call = call;
    }

    /** The request id on the wire. */
    public long requestId() {
        return Integer.toUnsignedLong(call.id);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            outbound.giveUp(call, new ParleyException(ErrorCode.CANCELLED, "call " + call.method + " cancelled by the caller"));
        }
        return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
