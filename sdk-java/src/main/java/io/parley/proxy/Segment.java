package io.parley.proxy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A prefix for the wire names of every {@link Request} and {@link Notification} method of the
 * annotated type, separator included: {@code @Segment("invoice/")} + {@code render} =
 * {@code invoice/render}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Segment {
    /** The prefix, with its separator ({@code "invoice/"}, {@code "invoice."}). */
    String value();
}
