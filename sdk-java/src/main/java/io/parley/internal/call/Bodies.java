package io.parley.internal.call;

import io.parley.internal.io.Encoded;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.ErrorCode;
import io.parley.Payload;
import io.parley.RemoteException;
import io.parley.codec.Codec;
import io.parley.codec.CodecException;
import io.parley.codec.Compression;
import io.parley.codec.CompressionLimitException;
import io.parley.codec.JsonCodec;
import io.parley.codec.RawCodec;
import io.parley.internal.frame.Message;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Message bodies: picks the codec and compression the peer can decode (SPEC §8.2, per direction;
 * §10), encodes and decodes values, builds and parses ERROR objects (§7.1).
 */
public final class Bodies {
    /** Thrown for bodies in a codec or compression this side did not offer. */
    public static final class UnsupportedEncodingError extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedEncodingError(String message) {
            super(message);
        }
    }

    /** A decompressed body would exceed max_message: fatal for the session (SPEC §10.2). */
    public interface TooLarge {
        RuntimeException fatal(CompressionLimitException e);
    }

    private final Settings cfg;
    private final JsonCodec json;
    private final Codec[] codecs = new Codec[256];
    private final Compression[] compressions = new Compression[256];
    private final TooLarge tooLarge;
    private volatile Codec[] peerCodecs = new Codec[256];
    private volatile Compression peerCompression;
    private volatile List<String> peerCodecNames;

    public Bodies(Settings cfg, TooLarge tooLarge) {
        this.cfg = cfg;
        this.json = cfg.json();
        this.tooLarge = tooLarge;
        codecs[Codec.RAW] = RawCodec.INSTANCE;
        codecs[Codec.JSON] = json;
        for (Codec c : cfg.extraCodecs()) {
            codecs[c.id()] = c;
        }
        for (Compression c : cfg.compressions()) {
            compressions[c.id()] = c;
        }
    }

    public JsonCodec json() {
        return json;
    }

    /** Codec names this side decodes, for our HELLO. */
    public List<String> offeredCodecs() {
        List<String> out = new ArrayList<>(List.of("json", "raw"));
        for (Codec c : cfg.extraCodecs()) {
            out.add(c.name());
        }
        return out;
    }

    public List<String> offeredCompressions() {
        return cfg.compressions().stream().map(Compression::name).toList();
    }

    /** The peer's HELLO: what it decodes (codecs by name), and the compression we will use towards it. */
    public void peer(List<String> codecNames, List<String> compressionNames) {
        Codec[] pc = new Codec[256];
        for (String name : codecNames) {
            for (Codec c : codecs) {
                if (c != null && c.name().equals(name)) {
                    pc[c.id()] = c;
                }
            }
        }
        Compression chosen = null;
        for (Compression c : cfg.compressions()) { // our preference order: zstd, then deflate
            if (compressionNames.contains(c.name())) {
                chosen = c;
                break;
            }
        }
        peerCompression = chosen;
        peerCodecNames = List.copyOf(codecNames);
        peerCodecs = pc;
    }

    /** Whether we decode this codec and compression (SPEC §6.2: else UNSUPPORTED_ENCODING). */
    public boolean accepts(int codec, int compression) {
        return codecs[codec] != null && (compression == 0 || compressions[compression] != null);
    }

    /** Picks codec and compression the peer can decode and encodes. */
    public Encoded encode(Object value, Codec requested, Integer replyCodec) {
        if (value == null) {
            return Encoded.EMPTY;
        }
        Codec[] pc = peerCodecs;
        Codec codec;
        byte[] bytes;
        if (value instanceof Payload p && p.isPieces()) {
            return pieces(p, pc);
        }
        if (value instanceof Payload p) {
            codec = p.codec();
            bytes = p.bytes();
        } else {
            codec = requested;
            if (codec == null && value instanceof byte[]) {
                codec = RawCodec.INSTANCE;
            }
            if (codec == null && replyCodec != null && replyCodec != Codec.RAW && pc[replyCodec] != null) {
                codec = pc[replyCodec];
            }
            if (codec == null) {
                codec = cfg.defaultCodec() != null && pc[cfg.defaultCodec().id()] != null ? cfg.defaultCodec() : json;
            }
            bytes = codec.encode(value); // a CodecException (SPEC 1.1 §10.1: refused, never altered)
        }
        if (peerCodecNames != null && pc[codec.id()] == null) {
            throw new IllegalArgumentException("the peer does not decode codec '" + codec.name() + "' (it offered "
                    + peerCodecNames + ")");
        }
        if (bytes.length == 0) {
            return Encoded.EMPTY;
        }
        Compression c = peerCompression;
        if (c != null && bytes.length >= cfg.compressionThreshold() && !AutoCompression.looksIncompressible(bytes)) {
            byte[] packed = c.compress(bytes);
            if (packed.length < bytes.length) {
                return new Encoded(codec.id(), c.id(), packed, bytes.length);
            }
        }
        return new Encoded(codec.id(), 0, bytes);
    }

    /** A payload of pieces: sent as they are, uncompressed, never joined. */
    private Encoded pieces(Payload p, Codec[] pc) {
        Codec codec = p.codec();
        if (peerCodecNames != null && pc[codec.id()] == null) {
            throw new IllegalArgumentException("the peer does not decode codec '" + codec.name() + "' (it offered "
                    + peerCodecNames + ")");
        }
        return p.size() == 0 ? Encoded.EMPTY : Encoded.ofPieces(codec.id(), p.pieces(), p.size());
    }

    /** The body decompressed (not decoded). */
    public byte[] plainBody(Message m) throws UnsupportedEncodingError, CompressionLimitException, CodecException {
        if (m.compression() == 0) {
            return m.body();
        }
        Compression c = compressions[m.compression()];
        if (c == null) {
            throw new UnsupportedEncodingError("compression " + m.compression() + " was not offered by this peer");
        }
        return c.decompress(m.body(), cfg.maxMessage());
    }

    /** Decodes a body as {@code type}; an empty body is null (SPEC §4). */
    public Object decode(Message m, Type type) throws CodecException {
        if (m.bodyLength() == 0) {
            return null;
        }
        if (type == Payload.class && m.hasPieces() && m.compression() == 0 && codecs[m.codec()] instanceof RawCodec) {
            return Payload.ofPieces(codecs[m.codec()], m.pieces()); // SPEC §5: the frames' bodies, in order, not joined
        }
        byte[] body;
        try {
            body = plainBody(m);
        } catch (UnsupportedEncodingError e) {
            throw CodecException.unsupportedEncoding(e.getMessage());
        } catch (CompressionLimitException e) {
            throw tooLarge.fatal(e);
        }
        Codec codec = codecs[m.codec()];
        if (codec == null) {
            throw CodecException.unsupportedEncoding("codec " + m.codec() + " was not offered by this peer");
        }
        if (type == Payload.class) {
            if (codec instanceof JsonCodec j) {
                checkJson(j, body); // SPEC §6.2, §10.1: invalid JSON is PARSE_ERROR, even for a handler that takes it as is
            }
            return new Payload(codec, body);
        }
        return codec.decode(body, type);
    }

    /** Checks that {@code body} is one JSON value (streaming: builds nothing). */
    private static void checkJson(JsonCodec json, byte[] body) throws CodecException {
        try (JsonParser p = json.mapper().createParser(body)) {
            if (p.nextToken() == null) {
                throw new CodecException("invalid JSON: no value", true, null);
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new CodecException("invalid JSON: content after the value", true, null);
            }
            json.checkReceived(body);
        } catch (JsonProcessingException e) {
            throw new CodecException("invalid JSON: " + e.getOriginalMessage(), true, e);
        } catch (IOException e) {
            throw new CodecException("invalid JSON: " + e.getMessage(), true, e);
        }
    }

    /** A PROGRESS body as a payload, or null when it cannot be decoded (progress is best effort). */
    public Payload progressValue(Message m) throws CompressionLimitException {
        try {
            byte[] body = plainBody(m);
            Codec c = codecs[m.codec()];
            return c == null ? null : new Payload(c, body);
        } catch (CodecException | UnsupportedEncodingError e) {
            return null;
        }
    }

    /** Parses an ERROR body (SPEC §7.1); a malformed one is reported as PARSE_ERROR with the raw text. */
    public RemoteException remoteError(byte[] body, String method) {
        try {
            JsonNode o = json.mapper().readTree(body);
            if (o == null || !o.isObject() || !o.path("code").isIntegralNumber() || !o.path("message").isTextual()) {
                throw new IOException("not an error object");
            }
            JsonNode data = o.get("data");
            return new RemoteException(o.get("code").asInt(), o.get("message").asText(), data == null ? null : data.toString(), method);
        } catch (IOException e) {
            return new RemoteException(ErrorCode.PARSE_ERROR.code(), "malformed error body: "
                    + new String(body, StandardCharsets.UTF_8), null, method);
        }
    }

    /** An ERROR body that fits in {@code maxFrame} (the message is cut and data dropped if needed). */
    public byte[] errorBody(int code, String message, String dataJson, int maxFrame) {
        ObjectNode o = json.mapper().createObjectNode();
        o.put("code", code);
        o.put("message", message);
        if (dataJson != null) {
            try {
                o.set("data", json.mapper().readTree(dataJson));
            } catch (IOException e) {
                o.put("data", dataJson);
            }
        }
        byte[] body;
        try {
            body = json.mapper().writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (body.length > maxFrame) {
            o.put("message", message.substring(0, Math.min(message.length(), 1024)));
            o.remove("data");
            body = o.toString().getBytes(StandardCharsets.UTF_8);
        }
        return body;
    }

    /** A JSON string literal. */
    public String jsonString(String s) {
        try {
            return json.mapper().writeValueAsString(s);
        } catch (IOException e) {
            return "\"\"";
        }
    }
}
