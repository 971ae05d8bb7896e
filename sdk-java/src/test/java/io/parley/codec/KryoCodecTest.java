package io.parley.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.parley.CallOptions;
import io.parley.ErrorCode;
import io.parley.Handlers;
import io.parley.RemoteException;
import io.parley.Session;
import io.parley.transport.MemoryTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kryo (SPEC §10.1, §13): registered classes round-trip, on the codec and through a session; a
 * class that is not registered is never encoded nor instantiated from a peer's bytes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KryoCodecTest {

    /** A registered application type. */
    public static final class Point {
        int x;
        int y;
        String label;
        List<String> tags = new ArrayList<>();

        public Point() {
        }

        Point(int x, int y, String label, List<String> tags) {
            this.x = x;
            this.y = y;
            this.label = label;
            this.tags = new ArrayList<>(tags);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Point p && p.x == x && p.y == y && Objects.equals(p.label, label) && Objects.equals(p.tags, tags);
        }

        @Override
        public int hashCode() {
            return Objects.hash(x, y, label, tags);
        }
    }

    /** Never registered by the receiver: constructing one would be a deserialisation hole. */
    public static final class Gadget {
        static final AtomicInteger CONSTRUCTED = new AtomicInteger();
        String command = "rm -rf /";

        public Gadget() {
            CONSTRUCTED.incrementAndGet();
        }
    }

    private static void registerPoint(Kryo k) {
        k.register(Point.class);
        k.register(ArrayList.class);
    }

    @Test
    void registeredClassesRoundTripThroughTheCodec() throws Exception {
        KryoCodec codec = new KryoCodec(KryoCodecTest::registerPoint);
        Point p = new Point(3, -4, "héllo", List.of("a", "b"));
        byte[] bytes = codec.encode(p);
        assertThat(codec.decode(bytes, Point.class)).isEqualTo(p);
        assertThat(codec.decode(bytes, Object.class)).isEqualTo(p);
        assertThat(codec.id()).isEqualTo(Codec.KRYO);
        assertThat(codec.name()).isEqualTo("kryo");
    }

    @Test
    void anUnregisteredClassIsNotEncoded() {
        KryoCodec codec = new KryoCodec(KryoCodecTest::registerPoint);
        assertThatThrownBy(() -> codec.encode(new Gadget())).isInstanceOfSatisfying(CodecException.class,
                e -> assertThat(e.isMalformed()).isFalse());
    }

    @Test
    void bytesNamingAnUnregisteredClassAreRejectedWithoutInstantiatingIt() {
        // a hostile peer writes the class by name, as Kryo does when registration is not required
        Kryo lax = new Kryo();
        lax.setRegistrationRequired(false);
        Output out = new Output(256, -1);
        lax.writeClassAndObject(out, new Gadget());
        byte[] hostile = out.toBytes();
        int before = Gadget.CONSTRUCTED.get();

        KryoCodec codec = new KryoCodec(KryoCodecTest::registerPoint);
        assertThatThrownBy(() -> codec.decode(hostile, Object.class)).isInstanceOfSatisfying(CodecException.class,
                e -> assertThat(e.isMalformed()).isTrue());
        assertThat(Gadget.CONSTRUCTED.get()).isEqualTo(before);
    }

    @Test
    void registeredClassesRoundTripThroughSessionsAndUnregisteredOnesAreRefused() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        KryoCodec serverKryo = new KryoCodec(KryoCodecTest::registerPoint);
        // the client registers one more class than the server: the server must refuse it
        KryoCodec clientKryo = new KryoCodec(k -> {
            registerPoint(k);
            k.register(Gadget.class);
        });
        Handlers handlers = new Handlers()
                .onRequest("mirror", Point.class, (p, ctx) -> new Point(-p.x, -p.y, p.label, p.tags))
                .onRequest("take", Object.class, (p, ctx) -> "took " + p);
        CompletableFuture<Session> server = CompletableFuture.supplyAsync(() -> {
            try {
                return Session.builder(pair[1]).handlers(handlers).codec(serverKryo).open();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (Session client = Session.builder(pair[0]).codec(clientKryo).open(); Session srv = server.get(10, TimeUnit.SECONDS)) {
            assertThat(client.peer().codecs()).contains("kryo");
            Point back = client.call("mirror", new Point(1, 2, "p", List.of("x")), Point.class, CallOptions.none().withCodec(clientKryo));
            assertThat(back).isEqualTo(new Point(-1, -2, "p", List.of("x")));

            int before = Gadget.CONSTRUCTED.get();
            Gadget g = new Gadget();
            assertThatThrownBy(() -> client.call("take", g, String.class, CallOptions.none().withCodec(clientKryo)))
                    .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PARSE_ERROR.code()));
            assertThat(Gadget.CONSTRUCTED.get()).as("only the client's own instance").isEqualTo(before + 1);
            // a per-request error: the session goes on
            assertThat(client.call("mirror", new Point(5, 5, null, List.of()), Point.class, CallOptions.none().withCodec(clientKryo)))
                    .isEqualTo(new Point(-5, -5, null, List.of()));
            assertThat(srv.isOpen()).isTrue();
        }
    }
}
