package io.parley.internal.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.ParleyException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Registers the {@code @Request} / {@code @Notification} methods of an object as handlers (the
 * reverse of {@link ProxyInvoker}); see {@code io.parley.proxy} for how params map to parameters.
 */
public final class ServiceBinder {
    private ServiceBinder() {
    }

    /** Adds a handler to {@code handlers} for each annotated method of {@code impl}; returns their wire names. */
    public static List<String> bind(Object impl, Handlers handlers, ObjectMapper mapper) {
        List<String> names = new ArrayList<>();
        java.util.Map<String, Method> seen = new java.util.HashMap<>();
        for (ServiceMethod sm : ServiceMethod.scan(impl.getClass()).values()) {
            Method m = sm.method();
            Method before = seen.put(sm.name(), m);
            if (before != null) {
                throw new IllegalArgumentException("both " + before + " and " + m + " serve '" + sm.name()
                        + "'; a served object has one method per name (variants such as async overloads belong on the calling side)");
            }
        }
        for (ServiceMethod sm : ServiceMethod.scan(impl.getClass()).values()) {
            Method m = sm.method();
            m.setAccessible(true);
            Type paramsType = paramsType(m);
            if (sm.notification()) {
                handlers.onNotification(sm.name(), io.parley.TypeRef.ofType(paramsType),
                        (p, session) -> invoke(impl, m, args(m, p, mapper)));
            } else {
                handlers.onRequest(sm.name(), io.parley.TypeRef.ofType(paramsType),
                        (p, ctx) -> invoke(impl, m, args(m, p, mapper)));
            }
            names.add(sm.name());
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(impl.getClass().getName() + " has no @Request or @Notification method to serve");
        }
        return names;
    }

    private static Type paramsType(Method m) {
        int n = m.getParameterCount();
        if (n == 0) {
            return Object.class;
        }
        if (n == 1) {
            return ServiceMethod.boxed(m.getGenericParameterTypes()[0]);
        }
        return JsonNode.class;
    }

    private static Object[] args(Method m, Object params, ObjectMapper mapper) {
        int n = m.getParameterCount();
        if (n == 0) {
            return new Object[0];
        }
        if (n == 1) {
            if (params == null && m.getParameterTypes()[0].isPrimitive()) {
                throw new ParleyException(ErrorCode.INVALID_PARAMS, m.getName() + " needs a " + m.getParameterTypes()[0] + " param, got none");
            }
            return new Object[] {params};
        }
        JsonNode node = (JsonNode) params;
        if (node == null || !node.isArray() || node.size() != n) {
            throw new ParleyException(ErrorCode.INVALID_PARAMS, m.getName() + " takes " + n + " params as a JSON array of " + n
                    + " values, got " + (node == null ? "none" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                    + (node.isArray() ? " of " + node.size() : "")));
        }
        Type[] types = m.getGenericParameterTypes();
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            try {
                out[i] = mapper.convertValue(node.get(i), mapper.constructType(types[i]));
            } catch (IllegalArgumentException e) {
                throw new ParleyException(ErrorCode.INVALID_PARAMS, m.getName() + ": param " + (i + 1) + " is not a " + types[i].getTypeName(), e);
            }
        }
        return out;
    }

    private static Object invoke(Object impl, Method m, Object[] args) throws Exception {
        Object r;
        try {
            r = m.invoke(impl, args);
        } catch (InvocationTargetException e) {
            throw rethrow(e.getCause());
        }
        if (r instanceof CompletableFuture<?> f) {
            try {
                return f.get();
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }
        return r;
    }

    private static Exception rethrow(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return (Exception) t;
    }
}
