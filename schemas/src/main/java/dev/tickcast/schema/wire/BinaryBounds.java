package dev.tickcast.schema.wire;

import org.apache.avro.Schema;

/**
 * Walks one Avro binary value by its writer schema and checks that every length and count fits in the
 * bytes actually left, before Avro's decoder sees them. Avro allocates a string's or an array's buffer from
 * its length prefix before reading it: a 15-byte record announcing 2 GB is an OutOfMemoryError (or, past
 * {@code Integer.MAX_VALUE - 8}, an UnsupportedOperationException) on the TaskManager. After this walk
 * Avro's allocations are bounded by the record's own size.
 *
 * <p>Also refused: varints longer than their type allows, enum and union indexes out of range, more items
 * in total than bytes (every item of our schemas takes at least one byte), and bytes left over after the
 * value. Linear in the value's size. Not thread-safe; each call makes its own walker.
 */
final class BinaryBounds {

    private final byte[] bytes;
    private final int end;
    private int pos;
    /** Items (array elements, map entries) still allowed: at most one per byte of the value. */
    private long itemBudget;

    private BinaryBounds(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.pos = offset;
        this.end = bytes.length;
        this.itemBudget = bytes.length - offset;
    }

    /**
     * Checks the value encoded in {@code bytes} from {@code offset} to the end.
     *
     * @throws IllegalArgumentException saying which length, count or index does not fit, and where
     */
    static void check(Schema schema, byte[] bytes, int offset) {
        BinaryBounds walker = new BinaryBounds(bytes, offset);
        walker.value(schema);
        if (walker.pos != walker.end) {
            throw new IllegalArgumentException(
                    (walker.end - walker.pos) + " bytes left over after the value at byte " + walker.pos);
        }
    }

    private void value(Schema schema) {
        switch (schema.getType()) {
            case NULL -> {}
            case BOOLEAN -> skip(1, "boolean");
            case INT -> varint(5, "int");
            case LONG -> varint(10, "long");
            case FLOAT -> skip(4, "float");
            case DOUBLE -> skip(8, "double");
            case STRING, BYTES ->
                skip(length(schema.getType().getName()), schema.getType().getName());
            case FIXED -> skip(schema.getFixedSize(), schema.getFullName());
            case ENUM -> index(schema.getEnumSymbols().size(), "enum " + schema.getFullName());
            case UNION -> value(schema.getTypes().get(index(schema.getTypes().size(), "union branch")));
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    value(field.schema());
                }
            }
            case ARRAY -> blocks(schema.getElementType(), false);
            case MAP -> blocks(schema.getValueType(), true);
        }
    }

    /**
     * Arrays and maps: blocks of {@code count} items ending with a count of 0; a negative count is followed by the
     * block's byte size.
     */
    private void blocks(Schema items, boolean mapKeys) {
        while (true) {
            int at = pos;
            long count = varint(10, "block count");
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw new IllegalArgumentException("block count " + count + " at byte " + at);
                }
                count = -count;
                length("block size");
            }
            if (count > itemBudget) {
                throw new IllegalArgumentException("block of " + count + " items at byte " + at + ", more than the "
                        + (end - pos) + " bytes left could hold");
            }
            itemBudget -= count;
            for (long i = 0; i < count; i++) {
                if (mapKeys) {
                    skip(length("map key"), "map key");
                }
                value(items);
            }
        }
    }

    /** A length prefix: not negative and within the bytes left. */
    private int length(String what) {
        int at = pos;
        long length = varint(10, what + " length");
        if (length < 0 || length > end - pos) {
            throw new IllegalArgumentException(what + " length " + length + " at byte " + at + " does not fit in the "
                    + (end - pos) + " bytes left");
        }
        return (int) length;
    }

    private int index(int size, String what) {
        int at = pos;
        long index = varint(5, what + " index");
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException(
                    what + " index " + index + " at byte " + at + " is not in [0, " + size + ")");
        }
        return (int) index;
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes (5 for int, 10 for long), decoded. */
    private long varint(int maxBytes, String what) {
        int at = pos;
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos >= end) {
                throw new IllegalArgumentException("the value ends inside a varint (" + what + ") at byte " + at);
            }
            int b = bytes[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                long decoded = (raw >>> 1) ^ -(raw & 1);
                if (maxBytes == 5 && decoded != (int) decoded) {
                    throw new IllegalArgumentException(what + " at byte " + at + " is past the int range");
                }
                return decoded;
            }
        }
        throw new IllegalArgumentException(what + " at byte " + at + " is a varint longer than " + maxBytes + " bytes");
    }

    private void skip(int n, String what) {
        if (n > end - pos) {
            throw new IllegalArgumentException("the value ends inside a " + what + " at byte " + pos + " (" + n
                    + " bytes needed, " + (end - pos) + " left)");
        }
        pos += n;
    }
}
