package dev.tickcast.job.operator;

import static dev.tickcast.job.TickBuilder.T0;
import static dev.tickcast.job.TickBuilder.TICKS_TOPIC;
import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.job.TickBuilder;
import dev.tickcast.job.types.Streams;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.internal.SourcedTick;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TickDecoderTest {

    private static final int PARTITION = 5;
    private static final long OFFSET = 1234L;
    private static final Duration TOLERANCE = Duration.ofDays(1);

    private OneInputStreamOperatorTestHarness<RawRecord, SourcedTick> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private OneInputStreamOperatorTestHarness<RawRecord, SourcedTick> decoder(int maxRecordBytes) throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new TickDecoder(maxRecordBytes, TOLERANCE));
        return harness;
    }

    private static byte[] encode(Tick tick) {
        return WireCodec.of(Tick.class).encode(tick);
    }

    static Stream<Arguments> badTicks() {
        Instant farFuture = Instant.now().plus(Duration.ofDays(3));
        return Stream.of(
                Arguments.of("BAD_SYMBOL", tick("", T0).build()),
                Arguments.of("BAD_SYMBOL", tick("X".repeat(65), T0).build()),
                Arguments.of("BAD_PRICE", tick("ACME", T0).price(Double.NaN).build()),
                Arguments.of("BAD_PRICE", tick("ACME", T0).price(0.0).build()),
                Arguments.of("BAD_PRICE", tick("ACME", T0).price(-3.5).build()),
                Arguments.of(
                        "BAD_PRICE",
                        tick("ACME", T0).price(Double.POSITIVE_INFINITY).build()),
                Arguments.of(
                        "BAD_VOLUME", tick("ACME", T0).price(101.5).volume(-1.0).build()),
                Arguments.of("BAD_TIME", tick("ACME", farFuture).price(101.5).build()),
                Arguments.of(
                        "BAD_TIME",
                        tick("ACME", Instant.parse("1899-12-31T23:59:59Z"))
                                .price(101.5)
                                .build()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badTicks")
    void deadLettersTicksWithUnusableFields(String reason, Tick bad) throws Exception {
        decoder(1 << 20);
        byte[] value = encode(bad);
        long before = System.currentTimeMillis();
        harness.processElement(TickBuilder.raw(value, PARTITION, OFFSET), 7L);
        long after = System.currentTimeMillis();

        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter dl = onlyDeadLetter();
        assertPointsAtSource(dl, reason, value);
        assertThat(dl.getDetail()).isNotBlank();
        if (reason.equals("BAD_SYMBOL")) {
            assertThat(dl.getSymbol()).isNull();
        } else {
            assertThat(dl.getSymbol()).isEqualTo("ACME");
        }
        if (reason.equals("BAD_TIME")) {
            // The event time is unusable, so detection time is the wall clock.
            assertThat(dl.getDetectedAt().toEpochMilli()).isBetween(before, after);
        } else {
            assertThat(dl.getDetectedAt()).isEqualTo(bad.getEventTime());
        }
    }

    static Stream<Arguments> undecodableValues() {
        byte[] tick = encode(tick("ACME", T0).price(101.5).volume(2.0).build());
        byte[] random = new byte[40];
        new Random(7).nextBytes(random);
        random[0] = 0x11; // anything but the C3 01 marker
        DeadLetter other = DeadLetters.of(DeadLetterReason.BAD_ROW, "y", TickBuilder.raw(null, 0, 0), null, 0L);
        return Stream.of(
                Arguments.of("EMPTY", new byte[0]),
                Arguments.of("NOT_AVRO", random),
                Arguments.of("WRONG_SCHEMA", WireCodec.of(DeadLetter.class).encode(other)),
                Arguments.of("UNDECODABLE", Arrays.copyOf(tick, tick.length - 6)),
                Arguments.of("UNDECODABLE", Arrays.copyOf(tick, 12)),
                Arguments.of("UNDECODABLE", hugeSymbolLength(tick)),
                Arguments.of("UNDECODABLE", lengthPast2pow31(tick)));
    }

    /** A tick's header, then a symbol length past 2^31: Avro 1.12 threw UnsupportedOperationException, uncaught. */
    private static byte[] lengthPast2pow31(byte[] tick) {
        byte[] evil = Arrays.copyOf(tick, 15);
        System.arraycopy(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10}, 0, evil, 10, 5);
        return evil;
    }

    /**
     * A tick's header, then a symbol that claims to be ~2 GB long: refused by the bounds check before Avro allocates
     * (the dead letter's detail says so; Avro alone allocated the 2 GB first).
     */
    private static byte[] hugeSymbolLength(byte[] tick) {
        byte[] evil = Arrays.copyOf(tick, 18);
        long zigzag = 4_000_000_000L; // Avro's zig-zag varint of 2_000_000_000
        int i = 10;
        while ((zigzag & ~0x7FL) != 0) {
            evil[i++] = (byte) ((zigzag & 0x7F) | 0x80);
            zigzag >>>= 7;
        }
        evil[i] = (byte) zigzag;
        return evil;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("undecodableValues")
    void deadLettersValuesThatAreNotTicks(String reason, byte[] value) throws Exception {
        decoder(1 << 20);
        long before = System.currentTimeMillis();
        harness.processElement(TickBuilder.raw(value, PARTITION, OFFSET), 7L);
        long after = System.currentTimeMillis();

        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter dl = onlyDeadLetter();
        assertPointsAtSource(dl, reason, value);
        assertThat(dl.getSymbol()).isNull();
        assertThat(dl.getDetectedAt().toEpochMilli()).isBetween(before, after);
        if (value.length < 20 && reason.equals("UNDECODABLE")) { // the length-prefix attacks
            assertThat(dl.getDetail()).contains("does not fit in the");
        }
    }

    @Test
    void aHugeKeyCountsInTheSizeLimitAndTheDeadLetterCarriesItsHeadLengthAndHash() throws Exception {
        decoder(1 << 20);
        byte[] key = new byte[600 * 1024];
        new Random(1).nextBytes(key);
        byte[] value =
                Arrays.copyOf(encode(tick("ACME", T0).price(101.5).build()), 500 * 1024); // each alone under 1 MiB
        harness.processElement(
                new RawRecord(TICKS_TOPIC, PARTITION, OFFSET, ByteBuffer.wrap(key), ByteBuffer.wrap(value), null), 7L);

        DeadLetter dl = onlyDeadLetter();
        assertThat(dl.getReason()).isEqualTo("OVERSIZED");
        assertThat(dl.getDetail()).contains("key of 614400 and value of 512000 bytes");
        assertThat(bytes(dl.getKey())).isEqualTo(Arrays.copyOf(key, DeadLetters.MAX_KEY_BYTES));
        assertThat(dl.getKeyLength()).isEqualTo(key.length);
        assertThat(bytes(dl.getKeySha256())).isEqualTo(dev.tickcast.model.file.Weights.sha256(ByteBuffer.wrap(key)));
        assertThat(dl.getValueLength()).isEqualTo(value.length);
        assertThat(WireCodec.of(DeadLetter.class).encode(dl).length).isLessThan(80 * 1024);
    }

    @Test
    void aValueJustUnderTheBrokersLimitMakesADeadLetterFarBelowIt() throws Exception {
        decoder(1 << 20);
        byte[] value = new byte[(1 << 20) - 100];
        new Random(2).nextBytes(value);
        value[0] = 0x11;
        harness.processElement(TickBuilder.raw(value, PARTITION, OFFSET), 7L);

        DeadLetter dl = onlyDeadLetter();
        assertThat(dl.getReason()).isEqualTo("NOT_AVRO");
        assertThat(bytes(dl.getValue())).isEqualTo(Arrays.copyOf(value, DeadLetters.MAX_VALUE_BYTES));
        assertThat(dl.getValueLength()).isEqualTo(value.length);
        assertThat(bytes(dl.getValueSha256()))
                .isEqualTo(dev.tickcast.model.file.Weights.sha256(ByteBuffer.wrap(value)));
        assertThat(WireCodec.of(DeadLetter.class).encode(dl).length).isLessThan(80 * 1024);
    }

    @Test
    void deadLettersNullValueAsEmpty() throws Exception {
        decoder(1 << 20);
        harness.processElement(TickBuilder.raw(null, PARTITION, OFFSET), 7L);

        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter dl = onlyDeadLetter();
        assertThat(dl.getReason()).isEqualTo("EMPTY");
        assertThat(dl.getValue()).isNull();
        assertThat(dl.getSourceOffset()).isEqualTo(OFFSET);
    }

    @Test
    void deadLettersValuesOverTheSizeLimitWithoutDecodingThem() throws Exception {
        decoder(64);
        byte[] value = encode(tick("S".repeat(60), T0).price(101.5).build());
        assertThat(value.length).isGreaterThan(64);
        harness.processElement(TickBuilder.raw(value, PARTITION, OFFSET), 7L);

        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter dl = onlyDeadLetter();
        assertPointsAtSource(dl, "OVERSIZED", value);
        assertThat(dl.getDetail()).contains(String.valueOf(value.length)).contains("64");
        assertThat(dl.getSymbol()).isNull();
    }

    @Test
    void passesGoodTickThroughWithItsKafkaPosition() throws Exception {
        decoder(1 << 20);
        Tick good = tick("ACME", T0).price(101.5).volume(3.0).build();
        long beforeMicros = TickDecoder.micros(Instant.now());
        harness.processElement(TickBuilder.raw(encode(good), PARTITION, OFFSET), 7L);
        long afterMicros = TickDecoder.micros(Instant.now());

        List<SourcedTick> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        SourcedTick sourced = out.get(0);
        assertThat(sourced.getTick()).isEqualTo(good);
        assertThat(sourced.getTopic()).isEqualTo(TICKS_TOPIC);
        assertThat(sourced.getPartition()).isEqualTo(PARTITION);
        assertThat(sourced.getOffset()).isEqualTo(OFFSET);
        assertThat(sourced.getReceivedAtMicros()).isBetween(beforeMicros, afterMicros);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void acceptsTickWithoutVolumeAndTickAtTheEdgesOfTheTimeWindow() throws Exception {
        decoder(1 << 20);
        List<Tick> ticks = List.of(
                tick("ACME", T0).price(1e-9).build(),
                tick("ACME", Instant.parse("1900-01-01T00:00:00Z")).price(2.0).build(),
                tick("X".repeat(64), T0).price(3.0).volume(0.0).build(),
                tick("ACME", Instant.now().plus(TOLERANCE).minusSeconds(60))
                        .price(4.0)
                        .build());
        for (Tick t : ticks) {
            harness.processElement(TickBuilder.raw(encode(t), PARTITION, OFFSET), 7L);
        }

        assertThat(harness.extractOutputValues())
                .extracting(SourcedTick::getTick)
                .containsExactlyElementsOf(ticks);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void keepsGoingAfterBadInput() throws Exception {
        decoder(1 << 20);
        harness.processElement(TickBuilder.raw(new byte[] {1, 2, 3}, PARTITION, 1), 7L);
        harness.processElement(tick("ACME", T0).price(101.5).at(PARTITION, 2).raw(), 8L);

        assertThat(harness.extractOutputValues())
                .extracting(SourcedTick::getOffset)
                .containsExactly(2L);
        assertThat(deadLetters()).extracting(DeadLetter::getSourceOffset).containsExactly(1L);
    }

    private static void assertPointsAtSource(DeadLetter dl, String reason, byte[] value) {
        assertThat(dl.getReason()).isEqualTo(reason);
        assertThat(dl.getSourceTopic()).isEqualTo(TICKS_TOPIC);
        assertThat(dl.getSourcePartition()).isEqualTo(PARTITION);
        assertThat(dl.getSourceOffset()).isEqualTo(OFFSET);
        assertThat(dl.getKey()).isEqualTo(ByteBuffer.wrap(WireCodec.key("ACME")));
        assertThat(bytes(dl.getValue())).isEqualTo(value);
    }

    private DeadLetter onlyDeadLetter() {
        List<DeadLetter> dls = deadLetters();
        assertThat(dls).hasSize(1);
        return dls.get(0);
    }

    private List<DeadLetter> deadLetters() {
        var queue = harness.getSideOutput(Streams.DEAD_LETTER_TAG);
        return queue == null
                ? List.of()
                : queue.stream().map(StreamRecord::getValue).toList();
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
