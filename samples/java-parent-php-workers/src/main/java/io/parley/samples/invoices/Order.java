package io.parley.samples.invoices;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One order of {@code data/orders.json}, kept as the JSON map it was read as: the Java parent
 * does not interpret orders, it only hands them to the PHP workers.
 *
 * @param id    the order number, e.g. {@code SO-10001}
 * @param lines how many line items it has (each one is a progress step)
 * @param json  the whole order, sent as the call's parameter
 */
public record Order(String id, int lines, Map<String, Object> json) {

    /** Reads every order of {@code file} (a JSON array of orders). */
    @SuppressWarnings("unchecked")
    public static List<Order> readAll(Path file) throws IOException {
        List<Map<String, Object>> raw = new ObjectMapper().readValue(file.toFile(), List.class);
        return raw.stream()
                .map(o -> new Order(String.valueOf(o.get("id")), ((List<?>) o.get("lines")).size(), o))
                .toList();
    }
}
