package dev.tickcast.job.types;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns UTF-8 bytes into a String, handing back the same String for the same bytes. A symbol read from the
 * network on every tick is then one object per symbol: no new String and byte array per tick, and its hash
 * (computed by the keyed state on every access) is cached in it. Open addressing over the bytes; bounded: once
 * it holds {@link #MAX_ENTRIES} strings it starts over empty, so a feed of endless new symbols costs memory
 * like a feed of {@code MAX_ENTRIES}. Not thread-safe: one per serializer instance.
 *
 * <p>Symbols come from whoever writes the ticks topic, so the table must not be floodable: the hash is seeded per
 * instance and mixes each byte non-linearly (a polynomial hash such as {@code 31 * h + b} collides for {@code Aa} and
 * {@code BB} whatever its seed), and a lookup probes at most {@link #MAX_PROBE} slots: past that the String is made
 * and returned without being kept, which costs what not interning costs.
 */
final class StringInterner {

    /** Most strings kept (the table is twice as large). */
    static final int MAX_ENTRIES = 1 << 17;

    /** Most slots one lookup looks at before it gives up on interning that key. */
    static final int MAX_PROBE = 32;

    /** Key bytes held in the slot itself: a symbol of up to this many bytes is matched without touching its array. */
    private static final int HEAD_BYTES = Long.BYTES;

    /**
     * Two longs per slot: the key's hash and length ({@link #tag}, never 0, so 0 marks an empty slot), then its first
     * {@link #HEAD_BYTES} bytes. At 10,000 symbols each lookup misses the cache; with the hash, the length and the head
     * side by side, a typical symbol is matched in one cache line instead of three arrays and the key's own array.
     */
    private long[] slots = new long[2 * 256];
    /** Each key's bytes, compared past the head only for keys longer than {@link #HEAD_BYTES}. */
    private byte[][] keys = new byte[256][];

    private String[] values = new String[256];
    private int size;
    private final int seed = java.util.concurrent.ThreadLocalRandom.current().nextInt() | 1;

    /** The String for {@code bytes[0, length)}, decoded as UTF-8. */
    String intern(byte[] bytes, int length) {
        int hash = hash(bytes, length);
        long tag = tag(hash, length);
        long head = head(bytes, length);
        int mask = values.length - 1;
        for (int probe = 0, i = hash & mask; ; probe++, i = (i + 1) & mask) {
            if (probe == MAX_PROBE) {
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            long slotTag = slots[2 * i];
            if (slotTag == 0) {
                return insert(bytes, length);
            }
            if (slotTag == tag
                    && slots[2 * i + 1] == head
                    && (length <= HEAD_BYTES || sameTail(keys[i], bytes, length))) {
                String value = values[i];
                // The keyed state reads the String's cached hash next; asking for it here starts that cache miss while
                // the rest of the record is read, instead of after it.
                value.hashCode();
                return value;
            }
        }
    }

    /** A plain loop: symbols are a few bytes, too short for Arrays.equals' vectorised path to pay off. */
    private static boolean sameTail(byte[] key, byte[] bytes, int length) {
        for (int i = HEAD_BYTES; i < length; i++) {
            if (key[i] != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    int size() {
        return size;
    }

    private String insert(byte[] bytes, int length) {
        if (size >= MAX_ENTRIES) {
            clear(256);
        } else if (2 * (size + 1) > values.length) {
            grow();
        }
        byte[] key = Arrays.copyOf(bytes, length);
        String value = new String(key, StandardCharsets.UTF_8);
        if (put(key, value)) {
            size++;
        }
        return value;
    }

    private void clear(int capacity) {
        slots = new long[2 * capacity];
        keys = new byte[capacity][];
        values = new String[capacity];
        size = 0;
    }

    private void grow() {
        byte[][] oldKeys = keys;
        String[] oldValues = values;
        clear(2 * oldKeys.length);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null && put(oldKeys[i], oldValues[i])) {
                size++;
            }
        }
    }

    /**
     * Keeps the key only within {@link #MAX_PROBE} slots of its home, where a lookup finds it; false if it is not kept.
     */
    private boolean put(byte[] key, String value) {
        int hash = hash(key, key.length);
        int mask = values.length - 1;
        int i = hash & mask;
        for (int probe = 0; slots[2 * i] != 0; probe++, i = (i + 1) & mask) {
            if (probe + 1 == MAX_PROBE) {
                return false;
            }
        }
        slots[2 * i] = tag(hash, key.length);
        slots[2 * i + 1] = head(key, key.length);
        keys[i] = key;
        values[i] = value;
        return true;
    }

    private static long tag(int hash, int length) {
        return (long) hash << 32 | (length + 1L); // + 1: never 0, which marks an empty slot
    }

    /** The first {@link #HEAD_BYTES} bytes (fewer for a shorter key, the rest 0), as one long. */
    private static long head(byte[] bytes, int length) {
        long head = 0;
        for (int i = Math.min(length, HEAD_BYTES) - 1; i >= 0; i--) {
            head = head << 8 | (bytes[i] & 0xFF);
        }
        return head;
    }

    /** Seeded, xor-then-multiply per byte (FNV-1a's shape), then murmur3's finaliser to spread it to the low bits. */
    private int hash(byte[] bytes, int length) {
        int h = seed;
        for (int i = 0; i < length; i++) {
            h = (h ^ (bytes[i] & 0xFF)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }
}
