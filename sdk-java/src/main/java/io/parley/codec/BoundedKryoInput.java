package io.parley.codec;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo {@link Input} over one complete body that refuses any declared length larger than the
 * bytes still present (SPEC §13: nothing is allocated because a length field asks for it). Every
 * string character, array element and collection or map entry takes at least one byte on the wire,
 * so a count above the remaining byte count cannot be honest. Since the body itself is at most
 * max_message bytes (§5.4), no allocation here can exceed a small multiple of max_message.
 *
 * <p>Strings and primitive arrays are checked where Kryo reads them; collections, maps and object
 * arrays arm {@link #expectLength()} just before their serializer reads its count (see
 * {@link BoundedKryo}).
 */
final class BoundedKryoInput extends Input {
    private boolean lengthExpected;

    BoundedKryoInput(byte[] bytes) {
        super(bytes);
    }

    /** The next positive var-int read is a Kryo count (length + 1, 0 meaning null): bound it. */
    void expectLength() {
        lengthExpected = true;
    }

    /** Drops a pending {@link #expectLength()} that its serializer did not consume. */
    void clearExpectedLength() {
        lengthExpected = false;
    }

    int remaining() {
        return limit - position;
    }

    @Override
    public int readVarInt(boolean optimizePositive) throws KryoException {
        boolean check = lengthExpected && optimizePositive;
        lengthExpected = false;
        int value = super.readVarInt(optimizePositive);
        if (check) {
            checkCount(value - 1L, "collection, map or array entries");
        }
        return value;
    }

    @Override
    public int readVarIntFlag(boolean optimizePositive) {
        boolean check = lengthExpected && optimizePositive;
        lengthExpected = false;
        int value = super.readVarIntFlag(optimizePositive);
        if (check) {
            checkCount(value - 1L, "collection, map or array entries");
        }
        return value;
    }

    @Override
    public String readString() {
        checkUtf8Length();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        checkUtf8Length();
        return super.readStringBuilder();
    }

    /** Peeks the UTF-8 form's char count (flag bit set, then var-int count + 1) without consuming. */
    private void checkUtf8Length() {
        if (position >= limit || (buffer[position] & 0x80) == 0) {
            return; // end of input (Kryo reports it) or the ASCII form, bounded by its terminator
        }
        int start = position;
        boolean saved = lengthExpected;
        lengthExpected = false;
        int count = super.readVarIntFlag(true);
        position = start;
        lengthExpected = saved;
        checkCount(count - 1L, "string characters");
    }

    @Override
    public byte[] readBytes(int length) throws KryoException {
        checkCount(length, "byte array elements");
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) throws KryoException {
        checkCount(length, "int array elements");
        return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) throws KryoException {
        checkCount(length, "int array elements");
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) throws KryoException {
        checkCount(length, "long array elements");
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) throws KryoException {
        checkCount(length, "long array elements");
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) throws KryoException {
        checkCount(length, "float array elements");
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) throws KryoException {
        checkCount(length, "double array elements");
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) throws KryoException {
        checkCount(length, "short array elements");
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) throws KryoException {
        checkCount(length, "char array elements");
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) throws KryoException {
        checkCount(length, "boolean array elements");
        return super.readBooleans(length);
    }

    private void checkCount(long count, String what) {
        // count == -1 is Kryo's null marker (a declared count of 0).
        if (count < -1 || count > remaining()) {
            throw new DeclaredLengthException("Kryo body declares " + count + " " + what + " but only " + remaining() + " bytes remain: refused before allocating");
        }
    }

    /** A declared length that the remaining bytes cannot hold. */
    static final class DeclaredLengthException extends KryoException {
        private static final long serialVersionUID = 1L;

        DeclaredLengthException(String message) {
            super(message);
        }
    }
}
