package io.parley.conformance.single;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One single-peer case: id, title, the SPEC section it checks, and its body. Built fluently:
 * <pre>
 *   session("S-060", "PING is answered with PONG", "8.4", s -> { ... })
 *       .args("--heartbeat-ms", "200")            // testee options
 *       .notOn("stdio", "why it cannot run there") // an n/a cell, with its reason
 * </pre>
 */
public final class SingleCase {

    public interface SessionBody {
        void run(Script s) throws Exception;
    }

    public interface ProcessBody {
        void run(ProcessContext c) throws Exception;
    }

    /** Who starts the session. */
    public enum Kind {
        /** the runner connects/launches and sends HELLO first; the testee runs {@code serve} */
        RUNNER_INITIATES,
        /** the testee runs {@code drive} towards the runner, which accepts */
        TESTEE_INITIATES,
        /** no session: the case starts the peer program itself (listen rules, exit codes) */
        PROCESS
    }

    public final String id;
    public final String title;
    public final String section;
    public final Kind kind;
    final SessionBody session;
    final ProcessBody process;
    final List<String> args = new ArrayList<>();
    final Map<String, String> notOn = new LinkedHashMap<>();
    boolean dedicatedServer;
    int boundSeconds = 30;

    private SingleCase(String id, String title, String section, Kind kind, SessionBody session, ProcessBody process) {
        this.id = id;
        this.title = title;
        this.section = section;
        this.kind = kind;
        this.session = session;
        this.process = process;
    }

    /** A case where the runner opens the session (raw: the body sends its own HELLO, or not). */
    public static SingleCase raw(String id, String title, String section, SessionBody body) {
        return new SingleCase(id, title, section, Kind.RUNNER_INITIATES, body, null);
    }

    /** A case that starts after a completed handshake with the runner's default HELLO. */
    public static SingleCase session(String id, String title, String section, SessionBody body) {
        return new SingleCase(id, title, section, Kind.RUNNER_INITIATES, s -> {
            s.hello();
            body.run(s);
        }, null);
    }

    /** A case where the testee initiates (it runs {@code drive} towards the runner). */
    public static SingleCase testeeInitiates(String id, String title, String section, SessionBody body) {
        return new SingleCase(id, title, section, Kind.TESTEE_INITIATES, body, null);
    }

    /** A case about the peer program itself, without a session opened by the runner. */
    public static SingleCase process(String id, String title, String section, ProcessBody body) {
        return new SingleCase(id, title, section, Kind.PROCESS, null, body);
    }

    /** Extra options for the testee's command line. */
    public SingleCase args(String... a) {
        args.addAll(List.of(a));
        return this;
    }

    /** The case cannot run on {@code transport}; the reason goes into the report. */
    public SingleCase notOn(String transport, String reason) {
        notOn.put(transport, reason);
        return this;
    }

    /** On socket transports, use a listening server of its own (the case stops or inspects it). */
    public SingleCase dedicatedServer() {
        dedicatedServer = true;
        return this;
    }

    public SingleCase bound(int seconds) {
        boundSeconds = seconds;
        return this;
    }

    public String naReason(String transport) {
        return notOn.get(transport);
    }

    public List<String> args() {
        return List.copyOf(args);
    }
}
