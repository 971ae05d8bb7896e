package io.parley.samples;

import io.parley.Handlers;
import io.parley.RemoteException;
import io.parley.Session;
import io.parley.transport.Transport;
import io.parley.transport.TransportServer;
import io.parley.transport.UnixSockets;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Java service of {@code samples/php-composer-package}: listens on a Unix socket (SPEC §9.2,
 * mode 0600) and answers {@code price.quote} for PHP clients; one session per connection.
 *
 * <pre>
 * java io.parley.samples.PriceService /tmp/prices.sock
 * </pre>
 *
 * It prints {@code listening on <path>} once ready and serves until killed.
 */
public final class PriceService {
    private static final Map<String, BigDecimal> PRICES = Map.of(
            "coffee", new BigDecimal("3.20"),
            "croissant", new BigDecimal("2.10"),
            "orange-juice", new BigDecimal("4.50"));

    private PriceService() {
    }

    /** The handlers: {@code price.quote {"items": [{"sku", "qty"}], "vat_percent"}} → totals. */
    public static Handlers handlers() {
        return new Handlers().onRequest("price.quote", Map.class, (p, ctx) -> quote(p));
    }

    private static Map<String, Object> quote(Map<?, ?> request) {
        BigDecimal net = BigDecimal.ZERO;
        for (Object o : (List<?>) request.get("items")) {
            Map<?, ?> item = (Map<?, ?>) o;
            BigDecimal price = PRICES.get(String.valueOf(item.get("sku")));
            if (price == null) {
                throw new RemoteException(4004, "unknown sku " + item.get("sku") + "; known: " + PRICES.keySet(), null,
                        "price.quote");
            }
            net = net.add(price.multiply(BigDecimal.valueOf(((Number) item.get("qty")).longValue())));
        }
        BigDecimal vatPercent = new BigDecimal(String.valueOf(request.get("vat_percent")));
        BigDecimal vat = net.multiply(vatPercent).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP);
        return Map.of("net", net.toPlainString(), "vat", vat.toPlainString(), "gross", net.add(vat).toPlainString(),
                "served_by", "java " + Runtime.version().feature());
    }

    /** Accepts connections until {@code server} is closed. */
    public static void serve(TransportServer server) {
        while (true) {
            Transport transport;
            try {
                transport = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread handshake = new Thread(() -> {
                try {
                    Session.builder(transport).handlers(handlers()).peerName("price-service").open();
                } catch (IOException e) {
                    System.err.println("price-service: handshake failed: " + e.getMessage());
                }
            }, "price-service-handshake");
            handshake.setDaemon(true);
            handshake.start();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: PriceService <socket path>");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        TransportServer server = UnixSockets.listen(socket);
        System.out.println("listening on " + socket);
        System.out.flush();
        serve(server); // until killed
    }
}
