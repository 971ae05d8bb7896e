package io.parley.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code parley dump [FILE|-] [--hex]}: decodes a captured byte stream with the SDK's frame decoder
 * (SPEC §3.5) and prints one annotated line per frame, stray run (§3.6) and error.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Decode a captured Parley byte stream into annotated frames with their errors.",
                "Exit status: 0 clean stream, 1 the stream holds an error (bad version, oversized or truncated frame, too much stray data), 2 cannot read the input."})
final class DumpCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = "-", description = "the capture; - or nothing reads stdin")
    String file;

    @Option(names = "--hex", description = "the input is hexadecimal text (whitespace and 0x prefixes ignored), not binary")
    boolean hex;

    @Option(names = "--max-frame", paramLabel = "BYTES", defaultValue = "16777216", description = "the largest payload accepted (default: ${DEFAULT-VALUE})")
    int maxFrame;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        byte[] bytes;
        try {
            bytes = file.equals("-") ? readAll(System.in) : Files.readAllBytes(Path.of(file));
            if (hex) bytes = FrameDump.unhex(new String(bytes, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            err.println("parley dump: cannot read " + (file.equals("-") ? "stdin" : file) + ": " + e.getMessage());
            return 2;
        }
        FrameDump.Summary s = FrameDump.dump(bytes, maxFrame, out);
        out.println(s.frames() + " frames, " + s.strayBytes() + " stray bytes" + (s.error() == null ? ", no error" : ", error: " + s.error()));
        out.flush();
        return s.error() == null ? 0 : 1;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
