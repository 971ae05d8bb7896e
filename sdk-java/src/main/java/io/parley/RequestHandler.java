package io.parley;

/**
 * Answers one method. Return the result ({@code null} = no value; {@code byte[]} goes out raw;
 * a {@link Payload} as is), or throw: a {@link ParleyException} becomes an ERROR with its code and
 * message, anything else {@code INTERNAL_ERROR}.
 *
 * @param <P> the params type, decoded from the body
 * @param <R> the result type
 */
@FunctionalInterface
public interface RequestHandler<P, R> {
    R handle(P params, RequestContext context) throws Exception;
}
