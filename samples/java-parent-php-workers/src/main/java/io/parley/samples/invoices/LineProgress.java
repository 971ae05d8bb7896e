package io.parley.samples.invoices;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A progress event of {@code invoice.render}: the worker {@code pid} priced line {@code line} of
 * {@code lines} of order {@code order}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LineProgress(
        @JsonProperty("line") int line,
        @JsonProperty("lines") int lines,
        @JsonProperty("order") String order,
        @JsonProperty("pid") long pid) {
}
