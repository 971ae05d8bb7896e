package io.parley.peer.conformance;

import io.parley.codec.Compression;
import java.util.List;

/**
 * One pair scenario of conformance-tests/README.md: its id, title and SPEC sections exactly as
 * listed there, its time bound, how its session is set up, and what it does.
 *
 * @param boundSeconds the case's time bound (README and pair-cases.json; 30 s unless stated)
 * @param compressions compressions the driver offers and uses on this case's session; {@code null} = the defaults
 * @param closesItself the case ends its session itself (or the server does); otherwise the
 *     driver closes it gracefully after the checks and checks that the close is clean
 */
record PairCase(String id, String title, String section, int boundSeconds, List<Compression> compressions, boolean closesItself,
        Scenario scenario) {

    /** The body of a case: throws {@link CaseContext.Failure} or {@link CaseContext.Skip}, or returns when it passed. */
    @FunctionalInterface
    interface Scenario {
        void run(CaseContext c) throws Exception;
    }

    static PairCase of(String id, String title, String section, Scenario scenario) {
        return new PairCase(id, title, section, 30, null, false, scenario);
    }

    PairCase bound(int seconds) {
        return new PairCase(id, title, section, seconds, compressions, closesItself, scenario);
    }

    PairCase compressions(List<Compression> offered) {
        return new PairCase(id, title, section, boundSeconds, offered, closesItself, scenario);
    }

    PairCase endsSessionItself() {
        return new PairCase(id, title, section, boundSeconds, compressions, true, scenario);
    }
}
