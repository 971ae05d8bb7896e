package io.parley.samples.invoices;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the batch went, from the caller's side.
 *
 * @param wall      from the first call to the last answer
 * @param rendered  the invoices the workers rendered, in completion order
 * @param rejected  orders the PHP code refused (order id → the typed error's message)
 * @param retried   calls that failed because their worker died and were sent again
 * @param killedPid the worker the demo SIGKILLed, or -1
 * @param workers   per worker pid, what it did (in order of first appearance)
 */
public record BatchResult(Duration wall, List<RenderedInvoice> rendered, Map<String, String> rejected, int retried,
        long killedPid, Map<Long, WorkerTally> workers) {

    /**
     * What one worker process did in the batch.
     *
     * @param invoices   invoices it rendered
     * @param lines      line items of those invoices
     * @param activeTime from its first progress event to its last answer
     */
    public record WorkerTally(int invoices, long lines, Duration activeTime) {
        /** Invoices per second while it was active. */
        public double invoicesPerSecond() {
            double s = activeTime.toNanos() / 1e9;
            return s <= 0 ? 0 : invoices / s;
        }
    }
}
