package io.parley.testutil;

import io.parley.Session;
import io.parley.transport.StreamTransport;

/**
 * A child-process peer for the SDK's own tests: serves {@link TestService} over this process's
 * stdio until the session ends. (The conformance peer, io.parley.peer.ConformancePeer, is in its
 * own module on top of the SDK, so the SDK's tests cannot start it.)
 */
public final class TestPeer {
    private TestPeer() {
    }

    public static void main(String[] args) throws Exception {
        TapTransport tap = new TapTransport(StreamTransport.stdio());
        Session s = Session.builder(tap).handlers(TestService.handlers(() -> { })).open();
        TapTransport.register(s, tap);
        s.closeFuture().join();
        System.exit(0);
    }
}
