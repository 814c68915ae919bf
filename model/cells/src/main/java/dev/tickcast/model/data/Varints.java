package dev.tickcast.model.data;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Unsigned varints as Avro and protobuf write them: 7 bits a byte, lowest first, the high bit set while more follow.
 */
public final class Varints {

    private Varints() {}

    public static void write(DataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /** @param what what is being read, for the error: "corrupt {what}: ..." */
    public static long read(DataInput in, String what) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("corrupt " + what + ": varint longer than 10 bytes");
    }
}
