package io.parley.internal.proxy;

import io.parley.proxy.Notification;
import io.parley.proxy.Request;
import io.parley.proxy.Segment;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One annotated method of a service type: its wire name, kind and the types it sends and
 * receives. {@link #scan} reads a type the way LSP4J's {@code ServiceEndpoints} does.
 *
 * @param method the Java method
 * @param name the method name on the wire (segment + name)
 * @param notification true for {@link Notification}, false for {@link Request}
 * @param async true when the method returns a {@link CompletableFuture}
 * @param resultType the decoded result type ({@code Void} for none)
 */
public record ServiceMethod(Method method, String name, boolean notification, boolean async, Type resultType) {

    /** The annotated methods of {@code type}, its superinterfaces and superclasses, by Java method. */
    public static Map<Method, ServiceMethod> scan(Class<?> type) {
        Map<Method, ServiceMethod> out = new LinkedHashMap<>();
        for (Class<?> c : hierarchy(type)) {
            Segment seg = c.getAnnotation(Segment.class);
            String prefix = seg == null ? "" : seg.value();
            for (Method m : c.getDeclaredMethods()) {
                ServiceMethod sm = of(m, prefix);
                if (sm != null) {
                    out.putIfAbsent(m, sm);
                }
            }
        }
        return out;
    }

    private static ServiceMethod of(Method m, String prefix) {
        Request req = m.getAnnotation(Request.class);
        Notification note = m.getAnnotation(Notification.class);
        if (req == null && note == null) {
            return null;
        }
        if (req != null && note != null) {
            throw new IllegalArgumentException(m + " is marked both @Request and @Notification; keep one");
        }
        String local = req != null ? req.value() : note.value();
        String name = prefix + (local.isEmpty() ? m.getName() : local);
        if (note != null) {
            if (m.getReturnType() != void.class) {
                throw new IllegalArgumentException(m + " is a @Notification and must return void (a notification has no answer)");
            }
            return new ServiceMethod(m, name, true, false, Void.class);
        }
        Class<?> raw = m.getReturnType();
        if (CompletableFuture.class.isAssignableFrom(raw)) {
            Type g = m.getGenericReturnType();
            Type result = g instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            return new ServiceMethod(m, name, false, true, result);
        }
        return new ServiceMethod(m, name, false, false, raw == void.class ? Void.class : boxed(m.getGenericReturnType()));
    }

    /** The params a call of this method sends for {@code args}: none, the one argument, or an array of all. */
    public Object params(Object[] args) {
        if (args == null || args.length == 0) {
            return null;
        }
        if (args.length == 1) {
            return args[0];
        }
        return java.util.Arrays.asList(args);
    }

    private static List<Class<?>> hierarchy(Class<?> type) {
        List<Class<?>> out = new ArrayList<>();
        collect(type, out);
        return out;
    }

    private static void collect(Class<?> c, List<Class<?>> out) {
        if (c == null || c == Object.class || out.contains(c)) {
            return;
        }
        out.add(c);
        for (Class<?> i : c.getInterfaces()) {
            collect(i, out);
        }
        collect(c.getSuperclass(), out);
    }

    static Type boxed(Type t) {
        if (!(t instanceof Class<?> c) || !c.isPrimitive()) {
            return t;
        }
        if (c == int.class) {
            return Integer.class;
        }
        if (c == long.class) {
            return Long.class;
        }
        if (c == double.class) {
            return Double.class;
        }
        if (c == boolean.class) {
            return Boolean.class;
        }
        if (c == float.class) {
            return Float.class;
        }
        if (c == short.class) {
            return Short.class;
        }
        if (c == byte.class) {
            return Byte.class;
        }
        return Character.class;
    }
}
