package io.parley.internal.proxy;

import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;

/** What a typed proxy needs from a session or a pool: blocking and asynchronous calls, notifications. */
public interface RemoteCalls {
    /** A blocking call with the caller's default deadline. */
    Object call(String method, Object params, Type resultType);

    /** An asynchronous call with the caller's default deadline. */
    CompletableFuture<Object> callAsync(String method, Object params, Type resultType);

    /** A notification. */
    void notify(String method, Object params);

    /** For {@code toString} of the proxy. */
    String describe();
}
