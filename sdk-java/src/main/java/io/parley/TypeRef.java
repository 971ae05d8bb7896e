package io.parley;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * A generic type captured at compile time, for typed results such as {@code List<Point>}:
 * {@code session.call("points", null, new TypeRef<List<Point>>() {})}.
 *
 * @param <T> the type captured
 */
public abstract class TypeRef<T> {
    private final Type type;

    protected TypeRef() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType p)) {
            throw new IllegalStateException("TypeRef must be created with a type argument: new TypeRef<List<X>>() {}");
        }
        this.type = p.getActualTypeArguments()[0];
    }

    private TypeRef(Type type) {
        this.type = type;
    }

    /** A TypeRef for a plain class. */
    public static <T> TypeRef<T> of(Class<T> type) {
        return new TypeRef<T>(type) {
        };
    }

    /** A TypeRef for any reflected type (a parameter's or return value's generic type). */
    public static TypeRef<Object> ofType(Type type) {
        return new TypeRef<Object>(java.util.Objects.requireNonNull(type)) {
        };
    }

    /** The captured type. */
    public Type type() {
        return type;
    }

    @Override
    public String toString() {
        return type.getTypeName();
    }
}
