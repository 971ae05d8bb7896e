package io.parley;

/**
 * The peer answered a call with an ERROR frame (SPEC §7.1): its code, message and optional data.
 */
public class RemoteException extends ParleyException {
    private static final long serialVersionUID = 1L;
    private final String method;
    private final String dataJson;

    public RemoteException(int code, String message, String dataJson, String method) {
        super(code, message);
        this.dataJson = dataJson;
        this.method = method;
    }

    /** The error's {@code data} member as JSON text, or {@code null} when absent. */
    public String dataJson() {
        return dataJson;
    }

    /**
     * The error's {@code data} decoded as {@code type} (Jackson binding of the JSON text), or
     * {@code null} when the error has no data.
     *
     * @throws IllegalArgumentException when the data does not fit {@code type}
     */
    public <T> T data(Class<T> type) {
        return type.cast(decode(type));
    }

    /** As {@link #data(Class)}, for generic types: {@code e.data(new TypeRef<Map<String, List<String>>>() {})}. */
    @SuppressWarnings("unchecked")
    public <T> T data(TypeRef<T> type) {
        return (T) decode(type.type());
    }

    private Object decode(java.lang.reflect.Type type) {
        if (dataJson == null) {
            return null;
        }
        try {
            return DataMapper.MAPPER.readValue(dataJson, DataMapper.MAPPER.constructType(type));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the data of this " + ErrorCode.nameOf(code()) + " error is not a "
                    + type.getTypeName() + ": " + e.getOriginalMessage() + " (data: " + abbreviated(dataJson) + ")", e);
        }
    }

    private static String abbreviated(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** A shared plain mapper: data is bound to the type asked for, never to a class named in the data. */
    private static final class DataMapper {
        static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** The peer's message, as sent. */
    public String errorMessage() {
        return super.getMessage();
    }

    /** The method of the failed call, or {@code null} when unknown. */
    public String method() {
        return method;
    }

    @Override
    public String getMessage() {
        return (method == null ? "" : method + ": ") + super.getMessage() + " [" + ErrorCode.nameOf(code()) + " " + code() + "]";
    }
}
