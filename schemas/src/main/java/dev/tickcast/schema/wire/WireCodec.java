package dev.tickcast.schema.wire;

import dev.tickcast.schema.DeadLetterReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one encoding of every tickcast Kafka value: Avro single-object encoding (marker {@code C3 01},
 * the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema, then Avro binary). Any Avro
 * library decodes it with the schema file alone; see schemas/README.md.
 *
 * <p>Instances are thread-safe and cheap to share (Avro keeps its buffers per thread).
 */
public final class WireCodec<T extends SpecificRecord> {

    /** Values larger than this are refused before decoding, so a hostile record cannot exhaust memory. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;

    private static final byte[] MARKER = {(byte) 0xC3, (byte) 0x01};
    /** Marker and 8-byte fingerprint. */
    private static final int HEADER_BYTES = 10;

    private final Class<T> type;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final int maxBytes;
    /** The writer schemas this codec reads, by CRC-64-AVRO fingerprint: the current one and its earlier versions. */
    private final Map<Long, Schema> writers;

    private WireCodec(Class<T> type, int maxBytes) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        this.maxBytes = maxBytes;
        Map<Long, Schema> byFingerprint = new HashMap<>();
        byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), schema);
        for (Schema earlier : SchemaHistory.earlierVersions(schema)) {
            decoder.addSchema(earlier); // values written before a field was added still decode, with its default
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(earlier), earlier);
        }
        this.writers = Map.copyOf(byFingerprint);
    }

    public static <T extends SpecificRecord> WireCodec<T> of(Class<T> type) {
        return new WireCodec<>(type, DEFAULT_MAX_BYTES);
    }

    public static <T extends SpecificRecord> WireCodec<T> of(Class<T> type, int maxBytes) {
        return new WireCodec<>(type, maxBytes);
    }

    public Schema schema() {
        return schema;
    }

    public byte[] encode(T value) {
        try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The value in the single-object encoding of an earlier version of its schema ({@code <Name>.v<version>.avsc} in
     * the history), the fields that version lacks left out: the bytes an older build wrote for the same value. Fields
     * are only ever added at the end, and enum symbols too, so positions and ordinals match. Signatures use it: what
     * was signed before a schema gained a field stays what is verified.
     *
     * @throws IllegalArgumentException no such version in the history
     */
    public byte[] encodeAs(int version, T value) {
        List<Schema> earlier = SchemaHistory.earlierVersions(schema);
        if (version < 1 || version > earlier.size()) {
            throw new IllegalArgumentException(type.getSimpleName() + " has no schema version " + version
                    + " (the history has " + earlier.size() + ")");
        }
        try {
            ByteBuffer buffer =
                    new BinaryMessageEncoder<T>(SpecificData.getForClass(type), earlier.get(version - 1)).encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one value, classifying every failure so callers can dead-letter it with a reason. The bytes are
     * untrusted: the header must name this type's schema (or one of its earlier versions, see
     * {@link SchemaHistory}), every length and count inside must fit in the bytes given ({@link BinaryBounds}),
     * and no exception from Avro escapes.
     *
     * @throws WireException with {@link DeadLetterReason} saying why the bytes were refused
     */
    public T decode(byte[] bytes) throws WireException {
        if (bytes == null || bytes.length == 0) {
            throw new WireException(
                    DeadLetterReason.EMPTY,
                    "empty value; expected an Avro single-object encoded " + type.getSimpleName());
        }
        if (bytes.length > maxBytes) {
            throw new WireException(
                    DeadLetterReason.OVERSIZED,
                    bytes.length + " bytes is over the " + maxBytes + "-byte limit for a " + type.getSimpleName());
        }
        if (bytes.length < HEADER_BYTES || bytes[0] != MARKER[0] || bytes[1] != MARKER[1]) {
            throw new WireException(
                    DeadLetterReason.NOT_AVRO,
                    "not Avro single-object encoding (no C3 01 marker and 8-byte fingerprint): " + hexPrefix(bytes));
        }
        Schema writer = writers.get(fingerprint(bytes));
        if (writer == null) {
            throw new WireException(
                    DeadLetterReason.WRONG_SCHEMA,
                    "written with a schema other than " + type.getSimpleName() + " (fingerprint "
                            + fingerprintHex(bytes) + ")");
        }
        try {
            BinaryBounds.check(writer, bytes, HEADER_BYTES);
            return decoder.decode(bytes);
        } catch (IllegalArgumentException | IOException e) {
            throw new WireException(
                    DeadLetterReason.UNDECODABLE,
                    "corrupt or truncated " + type.getSimpleName() + " (" + bytes.length + " bytes): "
                            + e.getMessage());
        } catch (
                RuntimeException
                        e) { // whatever else Avro throws on bytes that passed the bounds: still the record's fault
            throw new WireException(
                    DeadLetterReason.UNDECODABLE,
                    "corrupt " + type.getSimpleName() + " (" + bytes.length + " bytes): " + e);
        }
    }

    private static long fingerprint(byte[] bytes) {
        long f = 0;
        for (int i = HEADER_BYTES - 1; i >= MARKER.length; i--) {
            f = (f << 8) | (bytes[i] & 0xff);
        }
        return f;
    }

    /** Kafka keys are the symbol (or model name) as UTF-8. */
    public static byte[] key(String symbol) {
        return symbol.getBytes(StandardCharsets.UTF_8);
    }

    private static String fingerprintHex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 2; i < Math.min(10, bytes.length); i++) {
            sb.append(String.format("%02x", bytes[i]));
        }
        return sb.toString();
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder sb = new StringBuilder("starts ");
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(String.format("%02x", bytes[i]));
        }
        return sb.toString();
    }
}
