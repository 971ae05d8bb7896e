package io.parley.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * Codec 1: JSON (RFC 8259) through Jackson. Pass your own {@link ObjectMapper} to control
 * modules and naming; the default one keeps floats as floats ({@code 1.0} stays a double,
 * SPEC §10.1) and rejects trailing tokens.
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
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new CodecException("cannot encode " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), false, e);
        }
    }

    @Override
    public Object decode(byte[] bytes, Type type) throws CodecException {
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

    /** Converts an already-parsed value (e.g. a {@link JsonNode}) to {@code type}. */
    public Object convert(Object value, Type type) {
        return mapper.convertValue(value, mapper.getTypeFactory().constructType(type));
    }
}
