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
