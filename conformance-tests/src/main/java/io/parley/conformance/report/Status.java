package io.parley.conformance.report;

/** The state of one cell of the matrix. Only FAIL is red. */
public enum Status {
    PASS("pass"),
    FAIL("FAIL"),
    /** The case cannot run on this transport or pairing; the detail says why. */
    NA("n/a"),
    /** The driving peer skipped the case with a reason (pair cases). */
    SKIP("skip"),
    /** The peer program does not exist yet. */
    MISSING("missing");

    public final String label;

    Status(String label) {
        this.label = label;
    }
}
