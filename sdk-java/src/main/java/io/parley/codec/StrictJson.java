package io.parley.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The SPEC 1.1 §10.1 rules for JSON values that both SDKs apply the same way, so that a caller sees
 * the same outcome whichever peer answers:
 * <ul>
 * <li>received: a string with an unpaired UTF-16 surrogate escape ({@code "\ud800"}), an integer
 * outside the signed 64-bit range, or a number too large for a double ({@code 1e400}) is not a value
 * a peer can keep exactly: {@code PARSE_ERROR};</li>
 * <li>sent: NaN and ±Infinity have no JSON form: refused locally (never written as {@code "NaN"}).</li>
 * </ul>
 * Receiving costs one pass over the bytes; the exact check (a streaming parse that builds nothing)
 * runs only for a body that contains a 19-digit run, a 3-digit exponent or a {@code \}{@code uD8..}
 * escape.
 */
final class StrictJson {
    private StrictJson() {}

    /** Refuses a body that holds a value JSON peers cannot keep exactly (SPEC 1.1 §10.1). */
    static void checkReceived(ObjectMapper mapper, byte[] body) throws CodecException {
        if (!suspicious(body)) {
            return;
        }
        try (JsonParser p = mapper.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case VALUE_NUMBER_INT:
                        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            throw refused("the integer " + p.getText() + " is outside the signed 64-bit range");
                        }
                        break;
                    case VALUE_NUMBER_FLOAT:
                        if (Double.isInfinite(p.getValueAsDouble())) {
                            throw refused("the number " + p.getText() + " is too large for a double");
                        }
                        break;
                    case VALUE_STRING:
                    case FIELD_NAME:
                        checkSurrogates(p.getText());
                        break;
                    default:
                        break;
                }
            }
        } catch (JsonProcessingException e) {
            throw new CodecException("invalid JSON: " + e.getOriginalMessage(), true, e);
        } catch (IOException e) {
            throw new CodecException("invalid JSON: " + e.getMessage(), true, e);
        }
    }

    private static void checkSurrogates(String s) throws CodecException {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw refused("a string holds an unpaired UTF-16 surrogate (\\u" + Integer.toHexString(c) + ")");
            }
        }
    }

    private static CodecException refused(String why) {
        return new CodecException("invalid JSON: " + why + " (SPEC §10.1)", true, null);
    }

    /** A 19-digit run, an exponent of 3+ digits, or a backslash-u-D escape. */
    static boolean suspicious(byte[] b) {
        int digits = 0;
        for (int i = 0, n = b.length; i < n; i++) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                if (++digits >= 19) {
                    return true;
                }
                continue;
            }
            digits = 0;
            if ((c == 'e' || c == 'E') && i > 0 && b[i - 1] >= '0' && b[i - 1] <= '9') {
                int j = i + 1;
                if (j < n && (b[j] == '+' || b[j] == '-')) {
                    j++;
                }
                int k = j;
                while (k < n && b[k] >= '0' && b[k] <= '9') {
                    k++;
                }
                if (k - j >= 3) {
                    return true;
                }
            } else if (c == '\\' && i + 2 < n && b[i + 1] == 'u' && (b[i + 2] == 'd' || b[i + 2] == 'D')) {
                return true;
            } else if (c == '\\') {
                i++; // an escaped character: "\\" must not start a second escape
            }
        }
        return false;
    }

    /** A generator that refuses NaN and ±Infinity instead of writing them as strings or bare tokens. */
    static final class FiniteGenerator extends JsonGeneratorDelegate {
        FiniteGenerator(JsonGenerator d) {
            super(d, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            check(Double.isFinite(v), v);
            super.writeNumber(v);
        }

        @Override
        public void writeNumber(float v) throws IOException {
            check(Float.isFinite(v), v);
            super.writeNumber(v);
        }

        private void check(boolean finite, Object v) throws IOException {
            if (!finite) {
                throw new com.fasterxml.jackson.core.JsonGenerationException(
                        v + " has no JSON form (SPEC §10.1); send null or a string if you mean it", this);
            }
        }
    }
}
