package dev.tickcast.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import java.io.File;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    private static final Instant T0 = Instant.parse("2013-11-25T10:00:00Z");
    private final WireCodec<Tick> ticks = WireCodec.of(Tick.class);

    /** The schema as a non-Java consumer sees it: parsed from the .avsc file, not the generated class. */
    private static Schema schemaFile(String name) throws Exception {
        Schema.Parser parser = new Schema.Parser();
        parser.parse(new File("avro/CellType.avsc"));
        return name.equals("CellType")
                ? parser.getTypes().get("dev.tickcast.schema.CellType")
                : parser.parse(new File("avro/" + name + ".avsc"));
    }

    private static Tick tick(String symbol, double price) {
        return Tick.newBuilder()
                .setSymbol(symbol)
                .setEventTime(T0)
                .setPrice(price)
                .setVolume(0.25)
                .build();
    }

    @Test
    void tickBytesDecodeWithStockGenericDecoderAndSchemaFile() throws Exception {
        byte[] bytes = ticks.encode(tick("BITSTAMP:BTCUSD", 812.5));

        BinaryMessageDecoder<GenericRecord> stock = new BinaryMessageDecoder<>(GenericData.get(), schemaFile("Tick"));
        GenericRecord decoded = stock.decode(bytes);

        assertThat(decoded.get("symbol").toString()).isEqualTo("BITSTAMP:BTCUSD");
        assertThat(decoded.get("event_time")).isEqualTo(T0.toEpochMilli());
        assertThat(decoded.get("price")).isEqualTo(812.5);
        assertThat(decoded.get("volume")).isEqualTo(0.25);
    }

    @Test
    void headerIsSingleObjectMarkerThenSchemaFingerprint() throws Exception {
        byte[] bytes = ticks.encode(tick("X", 1.0));
        long fingerprint = SchemaNormalization.parsingFingerprint64(schemaFile("Tick"));
        long written = ByteBuffer.wrap(bytes, 2, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong();

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(written).isEqualTo(fingerprint);
    }

    @Test
    void forecastWithEnumDecodesWithStockDecoder() throws Exception {
        Forecast forecast = Forecast.newBuilder()
                .setSymbol("IDX:SPX")
                .setEventTime(T0)
                .setLastPrice(100)
                .setForecastPrice(101)
                .setForecastLogReturn(Math.log(1.01))
                .setIntervalLow(99)
                .setIntervalHigh(103)
                .setModelVersion(7)
                .setCellType(CellType.GRU)
                .build();
        byte[] bytes = WireCodec.of(Forecast.class).encode(forecast);

        GenericRecord decoded =
                new BinaryMessageDecoder<GenericRecord>(GenericData.get(), schemaFile("Forecast")).decode(bytes);

        assertThat(decoded.get("cell_type").toString()).isEqualTo("GRU");
        assertThat(decoded.get("model_version")).isEqualTo(7L);
        assertThat(WireCodec.of(Forecast.class).decode(bytes)).isEqualTo(forecast);
    }

    @Test
    void roundTripIsExact() throws Exception {
        Tick t = tick("TA4J:AAPL", 0.1 + 0.2);
        assertThat(ticks.decode(ticks.encode(t))).isEqualTo(t);
    }

    @Test
    void emptyValueIsRefusedAsEmpty() {
        assertThatThrownBy(() -> ticks.decode(new byte[0]))
                .isInstanceOfSatisfying(
                        WireException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.EMPTY));
    }

    @Test
    void plainTextIsRefusedAsNotAvro() {
        assertThatThrownBy(() -> ticks.decode("BTC,812.5".getBytes()))
                .isInstanceOfSatisfying(WireException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.NOT_AVRO);
                    assertThat(e.getMessage()).contains("C3 01");
                });
    }

    @Test
    void valueOfAnotherSchemaIsRefusedAsWrongSchema() {
        byte[] deadLetter = WireCodec.of(DeadLetter.class)
                .encode(DeadLetter.newBuilder()
                        .setReason("X")
                        .setDetail("d")
                        .setDetectedAt(T0)
                        .build());
        assertThatThrownBy(() -> ticks.decode(deadLetter))
                .isInstanceOfSatisfying(
                        WireException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.WRONG_SCHEMA));
    }

    @Test
    void truncatedValueIsRefusedAsUndecodable() {
        byte[] bytes = ticks.encode(tick("BITSTAMP:BTCUSD", 812.5));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 5);
        assertThatThrownBy(() -> ticks.decode(truncated))
                .isInstanceOfSatisfying(
                        WireException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE));
    }

    @Test
    void oversizedValueIsRefusedBeforeDecoding() {
        WireCodec<Tick> small = WireCodec.of(Tick.class, 16);
        byte[] bytes = ticks.encode(tick("BITSTAMP:BTCUSD", 812.5));
        assertThatThrownBy(() -> small.decode(bytes)).isInstanceOfSatisfying(WireException.class, e -> {
            assertThat(e.reason()).isEqualTo(DeadLetterReason.OVERSIZED);
            assertThat(e.getMessage()).contains("16-byte limit");
        });
    }

    // ---- hostile bytes: every length and count is checked against the bytes left before Avro allocates ----

    @Test
    void lengthPrefixPast2pow31IsUndecodableNotAnAvroException() {
        byte[] bytes = concat(header(ticks), new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10});
        assertRefusedByBounds(ticks, bytes, "does not fit");
    }

    @Test
    void lengthPrefixJustBelow2pow31IsRefusedBeforeAllocating() {
        // Avro would allocate the 2 GB buffer first (an OutOfMemoryError on a TaskManager); the bounds refuse it.
        byte[] bytes = concat(header(ticks), zigzag(2_000_000_000L), new byte[] {'A'});
        assertRefusedByBounds(ticks, bytes, "length 2000000000");
    }

    @Test
    void negativeLengthAndOverlongVarintAreUndecodable() {
        assertRefusedByBounds(ticks, concat(header(ticks), zigzag(-1)), "length -1");
        byte[] eleven = new byte[11];
        Arrays.fill(eleven, (byte) 0xff);
        assertRefusedByBounds(ticks, concat(header(ticks), eleven), "longer than 10 bytes");
    }

    @Test
    void unionIndexOutOfRangeIsUndecodable() {
        byte[] bytes = concat(header(ticks), zigzag(1), new byte[] {'A'}, zigzag(7), new byte[8], zigzag(2));
        assertRefusedByBounds(ticks, bytes, "union branch index 2");
    }

    @Test
    void arrayCountsPastTheBytesLeftAreUndecodable() {
        WireCodec<ModelUpdate> models = WireCodec.of(ModelUpdate.class);
        // model_name "d", version 1, created_at 1, cell_type LSTM, input_size 3, then hidden_sizes' block count.
        byte[] prefix = concat(header(models), zigzag(1), new byte[] {'d'}, zigzag(1), zigzag(1), zigzag(1), zigzag(3));
        assertRefusedByBounds(models, concat(prefix, zigzag(1_000_000_000L)), "block of 1000000000 items");
        assertRefusedByBounds(models, concat(prefix, zigzag(-1_000_000_000L), zigzag(0)), "block of 1000000000 items");
        assertRefusedByBounds(models, concat(prefix, zigzag(-2), zigzag(1L << 40)), "block size length");
    }

    @Test
    void bytesAfterTheValueAreUndecodable() {
        assertRefusedByBounds(ticks, concat(ticks.encode(tick("A", 1)), new byte[] {0}), "1 bytes left over");
    }

    @Test
    void mutatedModelsGiveOnlyWireExceptions() {
        WireCodec<ModelUpdate> models = WireCodec.of(ModelUpdate.class);
        byte[] good = models.encode(model());
        java.util.Random random = new java.util.Random(14);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = good.clone();
            for (int f = 0, flips = 1 + random.nextInt(4); f < flips; f++) {
                b[2 + 8 + random.nextInt(b.length - 10)] = (byte) random.nextInt(256);
            }
            try {
                models.decode(b);
            } catch (WireException e) {
                refused++;
            }
        }
        assertThat(refused)
                .as("mutations of the header fields are refused (payload bytes decode); none escaped as"
                        + " another exception")
                .isGreaterThan(3_000);
    }

    @Test
    void deadLetterWrittenBeforeTheTruncationFieldsStillDecodes() throws Exception {
        Schema v1 = new Schema.Parser().parse(new File("history/DeadLetter.v1.avsc"));
        GenericRecord old = new GenericData.Record(v1);
        old.put("reason", "NOT_AVRO");
        old.put("detail", "d");
        old.put("detected_at", T0.toEpochMilli());
        byte[] bytes = new org.apache.avro.message.BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                .encode(old)
                .array();

        DeadLetter decoded = WireCodec.of(DeadLetter.class).decode(bytes);

        assertThat(decoded.getReason()).isEqualTo("NOT_AVRO");
        assertThat(decoded.getValueLength()).isNull();
    }

    private static void assertRefusedByBounds(WireCodec<?> codec, byte[] bytes, String detail) {
        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOfSatisfying(WireException.class, e -> {
            assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
            assertThat(e.getMessage()).contains(detail);
        });
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> byte[] header(WireCodec<T> codec) {
        try {
            T sample = codec.schema().getName().equals("Tick") ? (T) tick("A", 1) : (T) model();
            return Arrays.copyOf(codec.encode(sample), 10);
        } catch (ClassCastException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelUpdate model() {
        return ModelUpdate.newBuilder()
                .setVersion(3)
                .setCreatedAt(T0)
                .setCellType(CellType.LSTM)
                .setInputSize(1)
                .setHiddenSizes(java.util.List.of(2, 3))
                .setFeatures(dev.tickcast.schema.FeatureSpec.newBuilder()
                        .setNames(java.util.List.of("log_return"))
                        .setMean(java.util.List.of(0.0))
                        .setStd(java.util.List.of(1.0))
                        .setTargetMean(0)
                        .setTargetStd(1)
                        .build())
                .setWeights(ByteBuffer.wrap(new byte[40]))
                .setWeightsSha256(ByteBuffer.wrap(new byte[32]))
                .build();
    }

    private static byte[] zigzag(long v) {
        long z = (v << 1) ^ (v >> 63);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7f) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
