package io.parley.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.internal.frame.FrameEncoder;
import io.parley.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * A hand-driven peer for tests: writes exact frames with the SDK's {@link FrameEncoder} and reads
 * the other side's frames with its own minimal reader (header checksum verified, no stray-byte
 * handling: an SDK never writes any). Reading runs on a daemon thread into a queue, so every
 * wait is bounded.
 */
public final class RawPeer implements AutoCloseable {
    public static final int HELLO = 0x01;
    public static final int REQUEST = 0x02;
    public static final int RESPONSE = 0x03;
    public static final int ERROR = 0x04;
    public static final int PING = 0x08;
    public static final int PONG = 0x09;
    public static final int GOODBYE = 0x0A;

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final RawFrame END = new RawFrame(-1, 0, 0, 0, 0, new byte[0], new byte[0]);

    private final Transport transport;
    private final FrameEncoder encoder = new FrameEncoder();
    private final BlockingQueue<RawFrame> received = new LinkedBlockingQueue<>();
    private final Thread reader;

    /** A frame as read: header fields, meta and body. */
    public record RawFrame(int kind, int flags, long id, int codec, int compression, byte[] meta, byte[] body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }

        public String method() {
            return kind == REQUEST ? new String(meta, 4, meta.length - 4, StandardCharsets.UTF_8) : new String(meta, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "frame{kind=" + kind + ", id=" + id + ", codec=" + codec + ", compression=" + compression + ", body=" + body.length + "}";
        }
    }

    public RawPeer(Transport transport) {
        this.transport = transport;
        this.reader = TestThreads.daemon("raw-peer-reader", this::readLoop);
    }

    /** A HELLO body with the SDK defaults; adjust members before sending. */
    public static ObjectNode hello() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("versions").add(1);
        o.put("peer", "raw-test/1");
        o.putArray("codecs").add("json").add("raw");
        o.putArray("compression").add("deflate");
        o.put("max_frame", 1_048_576);
        o.put("max_message", 134_217_728L);
        o.put("max_in_flight", 1024);
        o.put("heartbeat_ms", 0);
        o.put("caps", 7);
        return o;
    }

    public void sendHello(ObjectNode hello) throws IOException {
        send(HELLO, 0, 0, null, 1, 0, JSON.writeValueAsBytes(hello));
    }

    public void send(int kind, int flags, long id, byte[] meta, int codec, int compression, byte[] body) throws IOException {
        byte[] frame = encoder.encode(kind, flags, (int) id, meta, codec, compression, body);
        transport.write(frame, 0, frame.length);
        transport.flush();
    }

    /** Writes {@code bytes} as they are (part of a frame, stray bytes). */
    public void writeRaw(byte[] bytes) throws IOException {
        transport.write(bytes, 0, bytes.length);
        transport.flush();
    }

    /** The bytes of one frame, for tests that write only part of it. */
    public byte[] encode(int kind, int flags, long id, byte[] meta, int codec, int compression, byte[] body) {
        return encoder.encode(kind, flags, (int) id, meta, codec, compression, body);
    }

    /** REQUEST {@code id} for {@code method} with a JSON body (no deadline). */
    public void request(long id, String method, String json) throws IOException {
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        send(REQUEST, 0, id, FrameEncoder.requestMeta(0, method.getBytes(StandardCharsets.UTF_8)), body == null ? 0 : 1, 0, body);
    }

    /** The next frame, or fails after {@code within}; {@code null} at end of stream. */
    public RawFrame next(Duration within) throws InterruptedException {
        RawFrame f = received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (f == null) {
            throw new AssertionError("no frame within " + within);
        }
        if (f == END) {
            received.add(END);
            return null;
        }
        return f;
    }

    /** Skips frames until one matches; fails if the stream ends or nothing matches within {@code within}. */
    public RawFrame await(Predicate<RawFrame> match, Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        List<RawFrame> skipped = new ArrayList<>();
        while (true) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching frame within " + within + "; skipped " + skipped);
            }
            RawFrame f = next(Duration.ofNanos(left));
            if (f == null) {
                throw new AssertionError("end of stream before a matching frame; skipped " + skipped);
            }
            if (match.test(f)) {
                return f;
            }
            skipped.add(f);
        }
    }

    /** Waits for the other side to close the stream, collecting the frames before the end. */
    public List<RawFrame> awaitEnd(Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        List<RawFrame> frames = new ArrayList<>();
        while (true) {
            RawFrame f = next(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            if (f == null) {
                return frames;
            }
            frames.add(f);
        }
    }

    private void readLoop() {
        try {
            while (true) {
                byte[] header = readFully(24);
                if (header == null) {
                    break;
                }
                if (getInt(header, 0) != 0xFA50524C) {
                    throw new IOException("bad magic: the SDK wrote something that is not a frame");
                }
                CRC32C crc = new CRC32C();
                crc.update(header, 0, 20);
                if ((int) crc.getValue() != getInt(header, 20)) {
                    throw new IOException("bad header checksum");
                }
                int metaLength = ((header[12] & 0xFF) << 8) | (header[13] & 0xFF);
                int bodyLength = getInt(header, 16);
                byte[] meta = readFully(metaLength);
                byte[] body = readFully(bodyLength);
                if (meta == null || body == null) {
                    break;
                }
                received.add(new RawFrame(header[5] & 0xFF, ((header[6] & 0xFF) << 8) | (header[7] & 0xFF),
                        Integer.toUnsignedLong(getInt(header, 8)), header[14] & 0xFF, header[15] & 0xFF, meta, body));
            }
        } catch (IOException e) {
            // end of the test's stream
        } finally {
            received.add(END);
        }
    }

    private byte[] readFully(int n) throws IOException {
        byte[] b = new byte[n];
        int have = 0;
        while (have < n) {
            int r = transport.read(b, have, n - have);
            if (r < 0) {
                return null;
            }
            have += r;
        }
        return b;
    }

    private static int getInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }

    /** Deflates {@code data} (zlib stream, SPEC §10.2 compression 1). */
    public static byte[] deflate(byte[] data) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            while (!d.finished()) {
                out.write(chunk, 0, d.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }
}
