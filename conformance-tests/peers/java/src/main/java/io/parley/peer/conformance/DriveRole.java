package io.parley.peer.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code drive} role (PEER-CONTRACT.md): runs the requested pair cases of
 * conformance-tests/README.md one after another, each on a fresh session to the serving peer and
 * within its time bound, and writes the JSON report. Exits 0 whenever it could run, whatever the
 * cases' outcomes; unknown case ids are reported as {@code fail} with detail {@code unknown case}.
 */
public final class DriveRole {
    private final PeerOptions options;

    public DriveRole(PeerOptions options) {
        this.options = options;
    }

    public int run() throws PeerOptions.UsageException, IOException {
        Path reportFile = Path.of(options.require("report"));
        DriveTarget target = DriveTarget.of(options);
        List<String> ids = options.cases().isEmpty() ? PairCases.all().stream().map(PairCase::id).toList() : options.cases();
        DriverReport report = new DriverReport(reportFile, options.transport());
        report.write(); // fail now, not after the cases, if the report cannot be written
        CaseRunner runner = new CaseRunner(target, options, name -> {
            if (!report.serverKnown()) {
                report.serverName(name);
            }
        });
        for (String id : ids) {
            CaseResult r = PairCases.byId(id).map(runner::run)
                    .orElseGet(() -> new CaseResult(id, "", "", CaseResult.FAIL, "unknown case", 0));
            report.add(r);
            System.err.println("drive: " + r.id() + " " + r.status() + " (" + r.ms() + " ms)" + (r.detail().isEmpty() ? "" : ": " + r.detail()));
        }
        return 0;
    }
}
