package io.streamrag.monitor;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** LEB128 variable-length integers: aggregates are mostly small counts, so most take one byte. */
final class Varints {

    private Varints() {
    }

    static void writeLong(DataOutput out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    static long readLong(DataInput in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed variable-length integer");
    }

    static void writeSignedLong(DataOutput out, long value) throws IOException {
        writeLong(out, (value << 1) ^ (value >> 63));
    }

    static long readSignedLong(DataInput in) throws IOException {
        long raw = readLong(in);
        return (raw >>> 1) ^ -(raw & 1);
    }
}
