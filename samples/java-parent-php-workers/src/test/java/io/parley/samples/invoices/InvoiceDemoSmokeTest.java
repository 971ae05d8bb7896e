package io.parley.samples.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.pool.CallOutcome;
import io.parley.pool.RestartReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The demo, once, as the test command runs it: a small batch, no pacing, plain output, one worker
 * SIGKILLed mid-run. Checks what the demo promises, not how fast it is.
 */
class InvoiceDemoSmokeTest {

    @Test
    void rendersEveryOrderRecoversFromTheKillAndPrintsPlainText() throws Exception {
        // 20 orders, 2 ms per line (so the kill lands mid-call), kill one worker, plain output,
        // 2 workers; invoices go to target/invoices
        DemoOptions options = new DemoOptions(sampleHome(), 20, 2, true, DemoOptions.Display.PLAIN, 2,
                System.getenv().getOrDefault("PARLEY_PHP", "php"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InvoiceDemo.DemoResult run;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            run = InvoiceDemo.run(options, out);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        BatchResult batch = run.batch();

        // every order ends exactly once: an invoice, or the one order with an unknown product
        Set<String> rendered = batch.rendered().stream().map(RenderedInvoice::order).collect(Collectors.toSet());
        assertThat(batch.rejected()).as(output).containsOnlyKeys("SO-10007");
        assertThat(batch.rendered()).hasSize(19);
        assertThat(rendered).hasSize(19).doesNotContain("SO-10007");
        assertThat(batch.rejected()).containsOnlyKeys("SO-10007");
        assertThat(batch.rejected().get("SO-10007")).contains("unknown SKU 'P-999'");

        // a total checked by hand (order SO-10004, Lyon: 2,944.00 at 20 %, 95.40 at 5.5 %, 250.00 exempt)
        RenderedInvoice lyon = batch.rendered().stream().filter(i -> i.order().equals("SO-10004")).findFirst()
                .orElseThrow();
        assertThat(lyon.total()).isEqualTo(388_345);
        assertThat(lyon.totalText()).isEqualTo("3 883,45 €");
        String html = Files.readString(Path.of(lyon.file()));
        assertThat(html).contains("<h1>Invoice INV-10004</h1>").contains("3 883,45 €");
        for (RenderedInvoice invoice : batch.rendered()) {
            assertThat(Path.of(invoice.file())).isRegularFile();
        }

        // one worker was SIGKILLed; the pool counted the crash and replaced it
        assertThat(batch.killedPid()).isPositive();
        assertThat(run.initialPids()).contains(batch.killedPid());
        assertThat(run.stats().restarts(RestartReason.CRASH)).isEqualTo(1);
        assertThat(run.stats().calls(CallOutcome.CRASHED)).isEqualTo(batch.retried());
        assertThat(run.stats().calls(CallOutcome.OK)).isEqualTo(19);
        assertThat(run.stats().calls(CallOutcome.REMOTE_ERROR)).isEqualTo(1);

        // readable anywhere: no escape codes, no carriage returns, at most 79 columns
        assertThat(output).doesNotContain("\u001b").doesNotContain("\r");
        assertThat(output.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(79));
        assertThat(output).contains("SIGKILL worker " + batch.killedPid()).contains("Summary").contains("Read next");

        // closing the pool left no worker behind, the replacement included
        Set<Long> pids = new HashSet<>(run.initialPids());
        pids.addAll(batch.workers().keySet());
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("worker %d alive", pid)
                    .isFalse();
        }
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        Map<String[], String> cases = Map.of(
                new String[] {"--orders", "many"}, "--orders needs a number >= 0, not 'many'",
                new String[] {"--pace-ms"}, "--pace-ms needs a value",
                new String[] {"--fast"}, "unknown option '--fast'");
        cases.forEach((args, message) -> {
            try {
                DemoOptions.parse(args);
                throw new AssertionError("accepted " + String.join(" ", args));
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).contains(message).contains("usage: InvoiceDemo");
            }
        });
    }

    private static Path sampleHome() {
        Path cwd = Path.of("").toAbsolutePath();
        return Files.isRegularFile(cwd.resolve("php/invoice-worker.php")) ? cwd
                : cwd.resolve("samples/java-parent-php-workers");
    }
}
