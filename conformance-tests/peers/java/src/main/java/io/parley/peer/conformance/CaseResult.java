package io.parley.peer.conformance;

/** One line of the driver's report (PEER-CONTRACT "Driver report"). */
record CaseResult(String id, String title, String section, String status, String detail, long ms) {
    static final String PASS = "pass";
    static final String FAIL = "fail";
    static final String SKIP = "skip";
}
