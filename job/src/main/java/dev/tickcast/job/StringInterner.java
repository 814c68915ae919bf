package dev.tickcast.job;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns UTF-8 bytes into a String, handing back the same String for the same bytes. A symbol read from the
 * network on every tick is then one object per symbol: no new String and byte array per tick, and its hash
 * (computed by the keyed state on every access) is cached in it. Open addressing over the bytes; bounded: once
 * it holds {@link #MAX_ENTRIES} strings it starts over empty, so a feed of endless new symbols costs memory
 * like a feed of {@code MAX_ENTRIES}. Not thread-safe: one per serializer instance.
 */
final class StringInterner {

    /** Most strings kept (the table is twice as large). */
    static final int MAX_ENTRIES = 1 << 17;

    private byte[][] keys = new byte[256][];
    /** Each key's hash, so a probe past another key compares ints, not that key's bytes (a cache miss each). */
    private int[] hashes = new int[256];
    private String[] values = new String[256];
    private int size;

    /** The String for {@code bytes[0, length)}, decoded as UTF-8. */
    String intern(byte[] bytes, int length) {
        int hash = hash(bytes, length);
        int mask = keys.length - 1;
        for (int i = hash & mask;; i = (i + 1) & mask) {
            byte[] key = keys[i];
            if (key == null) {
                return insert(bytes, length);
            }
            if (hashes[i] == hash && same(key, bytes, length)) {
                return values[i];
            }
        }
    }

    /** A plain loop: symbols are a few bytes, too short for Arrays.equals' vectorised path to pay off. */
    private static boolean same(byte[] key, byte[] bytes, int length) {
        if (key.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
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
            keys = new byte[256][];
            hashes = new int[256];
            values = new String[256];
            size = 0;
        } else if (2 * (size + 1) > keys.length) {
            grow();
        }
        byte[] key = Arrays.copyOf(bytes, length);
        String value = new String(key, StandardCharsets.UTF_8);
        put(key, value);
        size++;
        return value;
    }

    private void grow() {
        byte[][] oldKeys = keys;
        String[] oldValues = values;
        keys = new byte[oldKeys.length * 2][];
        hashes = new int[oldKeys.length * 2];
        values = new String[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private void put(byte[] key, String value) {
        int hash = hash(key, key.length);
        int mask = keys.length - 1;
        int i = hash & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        hashes[i] = hash;
        values[i] = value;
    }

    private static int hash(byte[] bytes, int length) {
        int h = 0;
        for (int i = 0; i < length; i++) {
            h = 31 * h + bytes[i];
        }
        return h ^ (h >>> 16); // spread the high bits into the low ones the mask keeps
    }
}
