package io.parley.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * Codec 1: JSON (RFC 8259) through Jackson. Pass your own {@link ObjectMapper} to control
 * modules and naming; the default one keeps floats as floats ({@code 1.0} stays a double,
 * SPEC §10.1) and rejects trailing tokens. SPEC 1.1 §10.1: NaN and ±Infinity are refused when
 * encoding; unpaired surrogate escapes, integers outside 64 bits and numbers beyond a double are
 * refused when decoding ({@code PARSE_ERROR}).
 */
public final class JsonCodec implements Codec {
    private final ObjectMapper mapper;

    public JsonCodec() {
        this(new ObjectMapper());
    }

    public JsonCodec(ObjectMapper mapper) {
        this.mapper = mapper.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    @Override
    public int id() {
        return JSON;
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public byte[] encode(Object value) throws CodecException {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = new StrictJson.FiniteGenerator(mapper.getFactory().createGenerator(out))) {
            mapper.writeValue(g, value);
        } catch (JsonProcessingException e) {
            throw new CodecException("cannot encode " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), false, e);
        } catch (IOException e) {
            throw new CodecException("cannot encode " + value.getClass().getName() + " as JSON: " + e.getMessage(), false, e);
        }
        return out.toByteArray();
    }

    @Override
    public Object decode(byte[] bytes, Type type) throws CodecException {
        StrictJson.checkReceived(mapper, bytes);
        try {
            if (type == Object.class || type == JsonNode.class) {
                return mapper.readTree(bytes);
            }
            return mapper.readValue(bytes, mapper.getTypeFactory().constructType(type));
        } catch (com.fasterxml.jackson.core.exc.StreamReadException e) {
            throw new CodecException("invalid JSON: " + e.getOriginalMessage(), true, e);
        } catch (com.fasterxml.jackson.databind.DatabindException e) {
            throw new CodecException("JSON body does not fit " + type.getTypeName() + ": " + e.getOriginalMessage(), false, e);
        } catch (JsonProcessingException e) {
            throw new CodecException("invalid JSON: " + e.getOriginalMessage(), true, e);
        } catch (IOException e) {
            throw new CodecException("invalid JSON: " + e.getMessage(), true, e);
        }
    }

    /**
     * Refuses a received body holding a value a JSON peer cannot keep exactly: an unpaired surrogate
     * escape, an integer outside 64 bits, a number beyond a double (SPEC 1.1 §10.1, PARSE_ERROR).
     */
    public void checkReceived(byte[] bytes) throws CodecException {
        StrictJson.checkReceived(mapper, bytes);
    }

    /** Converts an already-parsed value (e.g. a {@link JsonNode}) to {@code type}. */
    public Object convert(Object value, Type type) {
        return mapper.convertValue(value, mapper.getTypeFactory().constructType(type));
    }
}
