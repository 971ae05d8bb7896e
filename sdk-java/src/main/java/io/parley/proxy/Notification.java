package io.parley.proxy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code void} method of a service interface (or of a served object) as a notification
 * (SPEC §6.7): sent without an answer of any kind. Named as for {@link Request}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Notification {
    /** The method name after the segment; empty = the Java method name. */
    String value() default "";
}
