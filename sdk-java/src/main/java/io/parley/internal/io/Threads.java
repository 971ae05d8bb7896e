package io.parley.internal.io;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread creation for a Java 17 baseline: virtual threads when the runtime has them (Java 21+),
 * platform threads otherwise. The choice is made once, when this class loads, through method
 * handles, so the SDK compiles with {@code --release 17} and runs on any newer JDK.
 *
 * <p>The session's readers and workers are always platform threads (see {@link Workers}); virtual
 * threads serve short background tasks that may block (a bounded close, a handler executor a user
 * asks for).
 */
public final class Threads {
    private static final MethodHandle IS_VIRTUAL;
    private static final MethodHandle OF_VIRTUAL;
    private static final MethodHandle BUILDER_NAME;
    private static final MethodHandle BUILDER_FACTORY;

    static {
        MethodHandle isVirtual = null;
        MethodHandle ofVirtual = null;
        MethodHandle name = null;
        MethodHandle factory = null;
        try {
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            isVirtual = l.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            Class<?> ofVirtualType = Class.forName("java.lang.Thread$Builder$OfVirtual");
            ofVirtual = l.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualType));
            name = l.findVirtual(ofVirtualType, "name", MethodType.methodType(ofVirtualType, String.class, long.class));
            factory = l.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            isVirtual = null; // Java 17..20: no virtual threads
            ofVirtual = null;
        }
        IS_VIRTUAL = isVirtual;
        OF_VIRTUAL = ofVirtual;
        BUILDER_NAME = name;
        BUILDER_FACTORY = factory;
    }

    private Threads() {
    }

    /** Whether this runtime has virtual threads (Java 21+). */
    public static boolean virtualThreadsAvailable() {
        return OF_VIRTUAL != null;
    }

    /** Whether {@code t} is a virtual thread (always false before Java 21). */
    public static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            return false;
        }
    }

    /** A daemon platform thread named {@code name}, not started. */
    public static Thread platform(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts {@code task} on a virtual thread when the runtime has them, else on a daemon platform thread. */
    public static Thread startBackground(String name, Runnable task) {
        Thread t = virtualFactory(name).newThread(task);
        t.start();
        return t;
    }

    /** A factory of virtual threads named {@code prefix-N} when available, else of daemon platform threads. */
    public static ThreadFactory virtualFactory(String prefix) {
        if (OF_VIRTUAL != null) {
            try {
                Object b = OF_VIRTUAL.invoke();
                b = BUILDER_NAME.invoke(b, prefix + "-", 1L);
                return (ThreadFactory) BUILDER_FACTORY.invoke(b);
            } catch (Throwable e) {
                // fall back to platform threads
            }
        }
        AtomicInteger n = new AtomicInteger();
        return r -> platform(prefix + "-" + n.incrementAndGet(), r);
    }

    /** A cached pool over {@link #virtualFactory}: virtual threads when available, else daemon platform threads. */
    public static ExecutorService backgroundExecutor(String prefix) {
        return Executors.newCachedThreadPool(virtualFactory(prefix));
    }
}
