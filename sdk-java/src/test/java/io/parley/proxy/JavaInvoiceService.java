package io.parley.proxy;

import io.parley.RemoteException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A Java service object mirroring sdk-php's InvoiceService fixture, served with {@code Session.serve}. */
@Segment("invoice/")
final class JavaInvoiceService {
    final List<Object> audits = Collections.synchronizedList(new ArrayList<>());

    @Request
    public InvoiceApi.Rendered render(String id, int copies) {
        return new InvoiceApi.Rendered(id, copies, "Invoice " + id + " x" + copies);
    }

    @Request
    public double total(List<Double> lines) {
        return lines.stream().mapToDouble(Double::doubleValue).sum();
    }

    @Request
    public void refuse(String why) {
        throw new RemoteException(4100, "refused: " + why, "{\"why\":\"" + why + "\",\"retry\":false}", null);
    }

    @Request
    public CompletableFuture<Map<String, Object>> quote(String sku, int qty) {
        return CompletableFuture.supplyAsync(() -> Map.of("sku", sku, "qty", qty, "total", qty * 2.5));
    }

    @Notification
    public void audit(Object event) {
        audits.add(event);
    }

    @Request
    public List<Object> audited() {
        return List.copyOf(audits);
    }

    @Request
    public String slow(long ms) throws InterruptedException {
        Thread.sleep(ms);
        return "late";
    }

    /** Not annotated: not served. */
    public String secret() {
        return "hidden";
    }
}
