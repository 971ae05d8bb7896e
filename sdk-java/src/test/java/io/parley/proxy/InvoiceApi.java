package io.parley.proxy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The Java view of sdk-php's InvoiceService test fixture (and of {@link JavaInvoiceService}). */
@Segment("invoice/")
public interface InvoiceApi {
    /** A rendered invoice. */
    record Rendered(String id, int copies, String text) {
    }

    /** The params object form of render. */
    record RenderParams(String id, int copies) {
    }

    /** Error data of refuse. */
    record Refusal(String why, boolean retry) {
    }

    @Request
    Rendered render(String id, int copies);

    @Request("render")
    Rendered renderNamed(RenderParams params);

    @Request("render")
    CompletableFuture<Rendered> renderAsync(String id, int copies);

    @Request
    double total(List<Double> lines);

    @Request
    void refuse(String why);

    @Request
    Map<String, Object> quote(String sku, int qty);

    @Notification
    void audit(Object event);

    @Request
    List<Object> audited();

    /** Not annotated, but default: runs locally. */
    default String twoRenders(String id) {
        return render(id, 1).text() + " / " + renderNamed(new RenderParams(id, 2)).text();
    }
}
