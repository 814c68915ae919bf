package dev.tickcast.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Forecast;
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
        return name.equals("CellType") ? parser.getTypes().get("dev.tickcast.schema.CellType") : parser.parse(new File("avro/" + name + ".avsc"));
    }

    private static Tick tick(String symbol, double price) {
        return Tick.newBuilder().setSymbol(symbol).setEventTime(T0).setPrice(price).setVolume(0.25).build();
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
        long written = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(written).isEqualTo(fingerprint);
    }

    @Test
    void forecastWithEnumDecodesWithStockDecoder() throws Exception {
        Forecast forecast = Forecast.newBuilder().setSymbol("IDX:SPX").setEventTime(T0).setLastPrice(100)
                .setForecastPrice(101).setForecastLogReturn(Math.log(1.01)).setIntervalLow(99).setIntervalHigh(103)
                .setModelVersion(7).setCellType(CellType.GRU).build();
        byte[] bytes = WireCodec.of(Forecast.class).encode(forecast);

        GenericRecord decoded = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), schemaFile("Forecast")).decode(bytes);

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
                .isInstanceOfSatisfying(WireException.class, e -> assertThat(e.reason()).isEqualTo(WireException.Reason.EMPTY));
    }

    @Test
    void plainTextIsRefusedAsNotAvro() {
        assertThatThrownBy(() -> ticks.decode("BTC,812.5".getBytes()))
                .isInstanceOfSatisfying(WireException.class, e -> {
                    assertThat(e.reason()).isEqualTo(WireException.Reason.NOT_AVRO);
                    assertThat(e.getMessage()).contains("C3 01");
                });
    }

    @Test
    void valueOfAnotherSchemaIsRefusedAsWrongSchema() {
        byte[] deadLetter = WireCodec.of(DeadLetter.class).encode(DeadLetter.newBuilder().setReason("X").setDetail("d")
                .setDetectedAt(T0).build());
        assertThatThrownBy(() -> ticks.decode(deadLetter))
                .isInstanceOfSatisfying(WireException.class, e -> assertThat(e.reason()).isEqualTo(WireException.Reason.WRONG_SCHEMA));
    }

    @Test
    void truncatedValueIsRefusedAsUndecodable() {
        byte[] bytes = ticks.encode(tick("BITSTAMP:BTCUSD", 812.5));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 5);
        assertThatThrownBy(() -> ticks.decode(truncated))
                .isInstanceOfSatisfying(WireException.class, e -> assertThat(e.reason()).isEqualTo(WireException.Reason.UNDECODABLE));
    }

    @Test
    void oversizedValueIsRefusedBeforeDecoding() {
        WireCodec<Tick> small = WireCodec.of(Tick.class, 16);
        byte[] bytes = ticks.encode(tick("BITSTAMP:BTCUSD", 812.5));
        assertThatThrownBy(() -> small.decode(bytes))
                .isInstanceOfSatisfying(WireException.class, e -> {
                    assertThat(e.reason()).isEqualTo(WireException.Reason.OVERSIZED);
                    assertThat(e.getMessage()).contains("16-byte limit");
                });
    }
}
