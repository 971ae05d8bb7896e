package io.parley.conformance;

/** Thrown by a case when the testee did not do what the spec requires. */
public final class CaseFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CaseFailed(String message) {
        super(message, null, false, false);
    }
}
