package dev.tickcast.schema.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
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

    private final Class<T> type;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final int maxBytes;

    private WireCodec(Class<T> type, int maxBytes) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        this.maxBytes = maxBytes;
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
     * Decodes one value, classifying every failure so callers can dead-letter it with a reason.
     *
     * @throws WireException with {@link WireException.Reason} saying why the bytes were refused
     */
    public T decode(byte[] bytes) throws WireException {
        if (bytes == null || bytes.length == 0) {
            throw new WireException(WireException.Reason.EMPTY, "empty value; expected an Avro single-object encoded " + type.getSimpleName());
        }
        if (bytes.length > maxBytes) {
            throw new WireException(WireException.Reason.OVERSIZED,
                    bytes.length + " bytes is over the " + maxBytes + "-byte limit for a " + type.getSimpleName());
        }
        try {
            return decoder.decode(bytes);
        } catch (BadHeaderException e) {
            throw new WireException(WireException.Reason.NOT_AVRO,
                    "not Avro single-object encoding (no C3 01 marker): " + hexPrefix(bytes));
        } catch (MissingSchemaException e) {
            throw new WireException(WireException.Reason.WRONG_SCHEMA,
                    "written with a schema other than " + type.getSimpleName() + " (fingerprint " + fingerprintHex(bytes) + ")");
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new WireException(WireException.Reason.UNDECODABLE,
                    "corrupt or truncated " + type.getSimpleName() + " (" + bytes.length + " bytes): " + e.getMessage());
        }
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
