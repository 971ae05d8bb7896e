package io.parley.samples.invoices;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the PHP worker's {@code invoice.render} answers: the invoice's totals in the customer's
 * currency (minor units), its formatted total, the HTML file it wrote and which worker did it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RenderedInvoice(
        @JsonProperty("invoice") String invoice,
        @JsonProperty("order") String order,
        @JsonProperty("currency") String currency,
        @JsonProperty("lines") int lines,
        @JsonProperty("net") long net,
        @JsonProperty("tax") long tax,
        @JsonProperty("total") long total,
        @JsonProperty("total_text") String totalText,
        @JsonProperty("file") String file,
        @JsonProperty("worker_pid") long workerPid) {
}
