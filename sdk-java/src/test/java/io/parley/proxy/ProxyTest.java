package io.parley.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.DeadlineExceededException;
import io.parley.ErrorCode;
import io.parley.RemoteException;
import io.parley.Session;
import io.parley.TypeRef;
import io.parley.transport.MemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Typed proxies and served objects, Java on both sides (memory transport); ProxyPhpTest covers PHP. */
class ProxyTest {
    private Session client;
    private Session server;
    private final JavaInvoiceService service = new JavaInvoiceService();

    private void open(UnaryOperator<Session.Builder> clientCfg) throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        CompletableFuture<Session> s = CompletableFuture.supplyAsync(() -> {
            try {
                return Session.builder(pair[1]).open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        client = clientCfg.apply(Session.builder(pair[0])).open();
        server = s.get(10, TimeUnit.SECONDS);
        assertThat(server.serve(service)).containsExactlyInAnyOrder("invoice/render", "invoice/total", "invoice/refuse",
                "invoice/quote", "invoice/audit", "invoice/audited", "invoice/slow");
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void proxyCallsServedObject() throws Exception {
        open(b -> b);
        InvoiceApi api = client.proxy(InvoiceApi.class);
        assertThat(api.render("A", 2)).isEqualTo(new InvoiceApi.Rendered("A", 2, "Invoice A x2"));
        assertThat(api.renderAsync("B", 1).get(10, TimeUnit.SECONDS).text()).isEqualTo("Invoice B x1");
        assertThat(api.total(List.of(1.0, 2.5))).isEqualTo(3.5);
        assertThat(api.quote("Q", 2)).isEqualTo(Map.of("sku", "Q", "qty", 2, "total", 5.0));
        api.audit(Map.of("n", 1));
        assertThat(api.audited()).containsExactly(Map.of("n", 1));
        assertThat(api).isEqualTo(api).isNotEqualTo(client.proxy(InvoiceApi.class));
    }

    @Test
    void genericResultTypesAreDecodedInFull() throws Exception {
        open(b -> b);
        api(Lines.class).audit(List.of(Map.of("id", "x", "copies", 3)));
        List<List<InvoiceApi.RenderParams>> got = api(Lines.class).audited();
        assertThat(got).containsExactly(List.of(new InvoiceApi.RenderParams("x", 3)));
        List<List<InvoiceApi.RenderParams>> viaTypeRef = client.call("invoice/audited", null,
                new TypeRef<List<List<InvoiceApi.RenderParams>>>() { });
        assertThat(viaTypeRef.get(0).get(0)).isInstanceOf(InvoiceApi.RenderParams.class);
    }

    @Test
    void errorsArriveWithTypedDataAndMismatchesAreInvalidParams() throws Exception {
        open(b -> b);
        InvoiceApi api = client.proxy(InvoiceApi.class);
        assertThatThrownBy(() -> api.refuse("closed")).isInstanceOfSatisfying(RemoteException.class, e -> {
            assertThat(e.code()).isEqualTo(4100);
            assertThat(e.data(InvoiceApi.Refusal.class)).isEqualTo(new InvoiceApi.Refusal("closed", false));
            assertThat(e.data(new TypeRef<Map<String, Object>>() { })).containsEntry("retry", false);
            assertThatThrownBy(() -> e.data(Integer.class)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a java.lang.Integer");
        });
        // a Java method with two parameters takes a JSON array; an object is refused clearly
        assertThatThrownBy(() -> api.renderNamed(new InvoiceApi.RenderParams("A", 1))).isInstanceOfSatisfying(RemoteException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
                    assertThat(e.errorMessage()).contains("takes 2 params as a JSON array of 2 values, got object");
                });
        assertThatThrownBy(() -> client.call("invoice/render", List.of("A", "not a number"), Object.class))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code()));
        assertThatThrownBy(() -> client.call("invoice/secret", null, Object.class))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code()));
        assertThat(api.render("after", 1).id()).isEqualTo("after");
    }

    @Test
    void blockingCallsUseTheSessionDefaultTimeout() throws Exception {
        open(b -> b.defaultTimeout(Duration.ofMillis(300)));
        Slow slow = client.proxy(Slow.class);
        assertThatThrownBy(() -> slow.slow(1500)).isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("within 300 ms");
        assertThatThrownBy(() -> client.call("invoice/slow", 1500, String.class)).isInstanceOf(DeadlineExceededException.class);
        assertThat(slow.slow(1)).isEqualTo("late");
    }

    @Test
    void badInterfacesAreRefusedWithAReason() throws Exception {
        open(b -> b);
        assertThatThrownBy(() -> client.proxy(JavaInvoiceService.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an interface");
        assertThatThrownBy(() -> client.proxy(Runnable.class)).hasMessageContaining("no @Request or @Notification");
        assertThatThrownBy(() -> client.proxy(NoteWithResult.class)).hasMessageContaining("must return void");
        assertThatThrownBy(() -> server.serve(new DuplicateNames())).hasMessageContaining("serve 'invoice/render'");
    }

    private <T> T api(Class<T> type) {
        return client.proxy(type);
    }

    @Segment("invoice/")
    interface Lines {
        @Notification
        void audit(Object event);

        @Request
        List<List<InvoiceApi.RenderParams>> audited();
    }

    @Segment("invoice/")
    interface Slow {
        @Request
        String slow(long ms);
    }

    interface NoteWithResult {
        @Notification
        String x();
    }

    @Segment("invoice/")
    static final class DuplicateNames {
        @Request
        public String render(String id) {
            return id;
        }

        @Request("render")
        public String renderTwice(String id) {
            return id + id;
        }
    }
}
