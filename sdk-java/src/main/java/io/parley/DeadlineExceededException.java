package io.parley;

/** A call's deadline passed before its answer arrived (SPEC §6.4); the call was cancelled. */
public class DeadlineExceededException extends ParleyException {
    private static final long serialVersionUID = 1L;

    public DeadlineExceededException(String message) {
        super(ErrorCode.DEADLINE_EXCEEDED, message);
    }
}
