package io.parley.internal.proxy;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * The {@link InvocationHandler} behind {@code Session.proxy(type)}: each annotated method becomes a
 * call or a notification; {@code default} methods run as written; {@code equals}, {@code hashCode}
 * and {@code toString} are the proxy's own.
 */
public final class ProxyInvoker implements InvocationHandler {
    private final Class<?> type;
    private final Map<Method, ServiceMethod> methods;
    private final RemoteCalls remote;

    private ProxyInvoker(Class<?> type, RemoteCalls remote) {
        this.type = type;
        this.methods = ServiceMethod.scan(type);
        this.remote = remote;
    }

    /** A proxy of the interface {@code type} calling through {@code remote}. */
    public static <T> T create(Class<T> type, RemoteCalls remote) {
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface; a proxy needs an interface with @Request / @Notification methods");
        }
        ProxyInvoker h = new ProxyInvoker(type, remote);
        if (h.methods.isEmpty()) {
            throw new IllegalArgumentException(type.getName() + " has no @Request or @Notification method");
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        ServiceMethod sm = methods.get(method);
        if (sm == null) {
            return local(proxy, method, args);
        }
        Object params = sm.params(args);
        if (sm.notification()) {
            remote.notify(sm.name(), params);
            return null;
        }
        if (sm.async()) {
            return remote.callAsync(sm.name(), params, sm.resultType());
        }
        Object r = remote.call(sm.name(), params, sm.resultType());
        return method.getReturnType() == void.class ? null : r;
    }

    private Object local(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return type.getSimpleName() + " proxy over " + remote.describe();
                default:
                    return method.invoke(this, args);
            }
        }
        if (method.isDefault()) {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                    .unreflectSpecial(method, type).bindTo(proxy).invokeWithArguments(args == null ? new Object[0] : args);
        }
        throw new UnsupportedOperationException(method + " has no @Request or @Notification annotation, so a proxy cannot call it");
    }
}
