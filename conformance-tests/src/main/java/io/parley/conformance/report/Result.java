package io.parley.conformance.report;

/**
 * One cell: a case on one column. {@code column} is an implementation ({@code java}) or a pairing
 * ({@code java→php}); {@code transport} is the transport name.
 */
public record Result(String caseId, String title, String section, String layer, String column, String transport,
                     Status status, String detail, long ms) {

    public boolean red() {
        return status == Status.FAIL;
    }

    /** The column header in the matrix: {@code java/stdio}. */
    public String columnKey() {
        return column + "/" + transport;
    }
}
