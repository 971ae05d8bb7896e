package io.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.CallOptions;
import io.parley.ParleyException;
import io.parley.RemoteException;
import io.parley.Session;
import io.parley.transport.ChildProcessTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code parley call <worker command> <method> <json>}: launches the worker on stdio (SPEC §9.1),
 * calls one method with JSON params and prints the JSON result, or the typed error (SPEC §7.2).
 */
@Command(name = "call", mixinStandardHelpOptions = true,
        description = {"Launch a worker on stdio, call METHOD with JSON params, print the JSON result.",
                "Exit status: 0 result printed, 1 the call failed (typed error printed), 2 bad arguments or the worker did not start."},
        footer = {"", "Example: parley call 'php worker.php' invoice.total '{\"lines\":[]}'"})
final class CallCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "COMMAND", description = "the worker's command line, split at spaces (e.g. 'php worker.php')")
    String command;

    @Parameters(index = "1", paramLabel = "METHOD", description = "the method to call")
    String method;

    @Parameters(index = "2", paramLabel = "JSON", description = "the params as JSON (default: null)", defaultValue = "null")
    String params;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", description = "the call's deadline in seconds (default: ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonNode p;
        try {
            p = JSON.readTree(params);
        } catch (Exception e) {
            err.println("parley call: the params are not valid JSON: " + e.getMessage());
            return 2;
        }
        List<String> argv = split(command);
        if (argv.isEmpty()) {
            err.println("parley call: empty worker command");
            return 2;
        }
        Session session;
        try {
            session = Session.builder(ChildProcessTransport.launch(argv)).open();
        } catch (Exception e) {
            err.println("parley call: could not start the worker '" + command + "': " + e.getMessage());
            return 2;
        }
        try (session) {
            JsonNode result = session.call(method, p, JsonNode.class,
                    CallOptions.timeout(Duration.ofMillis(Math.round(timeoutSeconds * 1000))));
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            return 0;
        } catch (RemoteException e) {
            err.println("error " + e.code() + ": " + e.errorMessage());
            if (e.dataJson() != null) err.println("data: " + e.dataJson());
            return 1;
        } catch (ParleyException e) {
            err.println("error " + e.code() + " (" + e.getClass().getSimpleName() + "): " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("parley call: " + e);
            return 1;
        }
    }

    /** Splits at spaces; single or double quotes group words. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else w.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || w.length() > 0) words.add(w.toString());
                w.setLength(0);
                any = false;
            } else {
                w.append(c);
            }
        }
        if (any || w.length() > 0) words.add(w.toString());
        return words;
    }
}
