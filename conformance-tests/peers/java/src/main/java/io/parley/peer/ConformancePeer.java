package io.parley.peer;

import io.parley.peer.conformance.DriveRole;
import io.parley.peer.conformance.NativeCodec;
import io.parley.peer.conformance.PeerOptions;
import io.parley.peer.conformance.ServeRole;

/**
 * The Java conformance peer (conformance-tests/PEER-CONTRACT.md): {@code serve} answers the
 * conformance service, {@code drive} runs the pair scenarios of conformance-tests/README.md
 * against a serving peer and writes a JSON report.
 *
 * <pre>
 * ConformancePeer serve --transport stdio
 * ConformancePeer serve --transport unix --listen &lt;socket-path&gt;
 * ConformancePeer serve --transport tcp  --listen &lt;host&gt;:&lt;port&gt;
 * ConformancePeer drive --transport stdio --server "&lt;command line&gt;" --report &lt;file&gt; [--cases P-001,...]
 * ConformancePeer drive --transport unix|tcp --connect &lt;address&gt; --report &lt;file&gt; [--cases P-001,...]
 *   [--token t] [--max-frame n] [--max-message n] [--max-in-flight n] [--heartbeat-ms n]
 * </pre>
 *
 * Exit status: 0 when the role ran (whatever the cases' outcomes), 2 for a wrong command line,
 * 1 when the role could not run at all.
 */
public final class ConformancePeer {
    private ConformancePeer() {
    }

    public static void main(String[] args) {
        int status;
        try {
            PeerOptions options = PeerOptions.parse(args);
            status = switch (options.role()) {
                case "serve" -> new ServeRole(options).run();
                case "drive" -> new DriveRole(options).run();
                default -> throw new PeerOptions.UsageException("unknown role '" + options.role() + "' (serve or drive)");
            };
        } catch (PeerOptions.UsageException e) {
            System.err.println("ConformancePeer: " + e.getMessage());
            System.err.println(PeerOptions.USAGE);
            status = 2;
        } catch (Exception e) {
            System.err.println("ConformancePeer: cannot run: " + e);
            status = 1;
        }
        System.exit(status);
    }

    /** Classes a Java peer may send with Kryo (both sides must register the same, in order). */
    public static void registerKryo(com.esotericsoftware.kryo.Kryo k) {
        NativeCodec.register(k);
    }
}
