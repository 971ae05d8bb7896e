package io.parley.proxy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a service interface (or of an object given to {@link io.parley.Session#serve})
 * as a request (SPEC §6.2): the caller waits for a RESULT or an ERROR.
 *
 * <p>The method name on the wire is the {@link Segment} of the declaring type followed by
 * {@link #value()}, or by the Java method name when {@code value} is empty.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Request {
    /** The method name after the segment; empty = the Java method name. */
    String value() default "";
}
