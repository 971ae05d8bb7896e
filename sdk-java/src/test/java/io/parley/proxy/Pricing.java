package io.parley.proxy;

/** A Java object served to the peer with {@code Session.serve}: the PHP service calls it back. */
@Segment("pricing/")
public final class Pricing {
    @Request
    public double price(String sku, int qty) {
        return qty * (sku.startsWith("B") ? 4.0 : 2.5);
    }

    /** Not annotated: not served. */
    public double secret() {
        return 1;
    }
}
