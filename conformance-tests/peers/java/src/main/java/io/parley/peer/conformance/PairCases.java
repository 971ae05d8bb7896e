package io.parley.peer.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every pair scenario of conformance-tests/README.md ("Pair scenarios"), in ascending id order. */
final class PairCases {
    private static final List<PairCase> ALL = build();

    private PairCases() {
    }

    private static List<PairCase> build() {
        List<PairCase> all = new ArrayList<>();
        all.addAll(ValueCases.all());
        all.addAll(CallCases.all());
        all.addAll(CancelCases.all());
        all.addAll(TransferCases.all());
        all.addAll(LifecycleCases.all());
        return List.copyOf(all);
    }

    static List<PairCase> all() {
        return ALL;
    }

    static Optional<PairCase> byId(String id) {
        return ALL.stream().filter(c -> c.id().equals(id)).findFirst();
    }
}
