package io.parley.internal.io;

import java.util.ArrayList;

/** What one read produced that the role holder deals with after decoding (see {@link RoleState}). */
final class ReadBatch {
    final boolean inlineAllowed;
    final ArrayList<Runnable> inline = new ArrayList<>(4);
    boolean notified;
    boolean servedReadingCaller;

    ReadBatch(boolean inlineAllowed) {
        this.inlineAllowed = inlineAllowed;
    }

    void reset() {
        inline.clear();
        notified = false;
        servedReadingCaller = false;
    }
}
