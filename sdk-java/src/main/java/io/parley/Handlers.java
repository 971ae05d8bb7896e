package io.parley;

import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The methods a session serves. Thread-safe; handlers may be added while sessions run.
 *
 * <pre>{@code
 * Handlers handlers = new Handlers()
 *     .onRequest("sum", int[].class, (xs, ctx) -> IntStream.of(xs).sum())
 *     .onNotification("log", Map.class, (line, session) -> System.err.println(line));
 * }</pre>
 */
public final class Handlers {
    /** A registered request handler with its params type. */
    public record RequestEntry(Type paramsType, RequestHandler<Object, ?> handler) {
    }

    /** A registered notification handler with its params type. */
    public record NotificationEntry(Type paramsType, NotificationHandler<Object> handler) {
    }

    private final Map<String, RequestEntry> requests = new ConcurrentHashMap<>();
    private final Map<String, NotificationEntry> notifications = new ConcurrentHashMap<>();

    public <P> Handlers onRequest(String method, Class<P> paramsType, RequestHandler<? super P, ?> handler) {
        return addRequest(method, paramsType, handler);
    }

    public <P> Handlers onRequest(String method, TypeRef<P> paramsType, RequestHandler<? super P, ?> handler) {
        return addRequest(method, paramsType.type(), handler);
    }

    public <P> Handlers onNotification(String method, Class<P> paramsType, NotificationHandler<? super P> handler) {
        return addNotification(method, paramsType, handler);
    }

    public <P> Handlers onNotification(String method, TypeRef<P> paramsType, NotificationHandler<? super P> handler) {
        return addNotification(method, paramsType.type(), handler);
    }

    @SuppressWarnings("unchecked")
    private Handlers addRequest(String method, Type type, RequestHandler<?, ?> handler) {
        checkMethod(method);
        requests.put(method, new RequestEntry(type, (RequestHandler<Object, ?>) handler));
        return this;
    }

    @SuppressWarnings("unchecked")
    private Handlers addNotification(String method, Type type, NotificationHandler<?> handler) {
        checkMethod(method);
        notifications.put(method, new NotificationEntry(type, (NotificationHandler<Object>) handler));
        return this;
    }

    private static void checkMethod(String method) {
        int n = method.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (n < 1 || n > 255) {
            throw new IllegalArgumentException("a method name is 1..255 bytes of UTF-8: '" + method + "'");
        }
    }

    public RequestEntry request(String method) {
        return requests.get(method);
    }

    public NotificationEntry notification(String method) {
        return notifications.get(method);
    }
}
