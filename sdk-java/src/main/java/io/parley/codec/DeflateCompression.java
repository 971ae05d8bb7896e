package io.parley.codec;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Compression 1: a zlib stream (RFC 1950: 2-byte header, deflate data, Adler-32 trailer). */
public final class DeflateCompression implements Compression {
    public static final DeflateCompression INSTANCE = new DeflateCompression();

    private DeflateCompression() {
    }

    @Override
    public int id() {
        return DEFLATE;
    }

    @Override
    public String name() {
        return "deflate";
    }

    @Override
    public byte[] compress(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, false);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
            byte[] chunk = new byte[16384];
            while (!d.finished()) {
                int n = d.deflate(chunk);
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    @Override
    public byte[] decompress(byte[] data, long maxOutput) throws CodecException, CompressionLimitException {
        Inflater inf = new Inflater(false);
        try {
            inf.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(data.length * 4 + 64, 1 << 20));
            byte[] chunk = new byte[16384];
            while (!inf.finished()) {
                int n = inf.inflate(chunk);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new CodecException("truncated or invalid zlib stream", true, null);
                }
                if ((long) out.size() + n > maxOutput) {
                    throw new CompressionLimitException("deflate body decompresses to more than max_message " + maxOutput + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new CodecException("invalid zlib stream: " + e.getMessage(), true, e);
        } finally {
            inf.end();
        }
    }
}
