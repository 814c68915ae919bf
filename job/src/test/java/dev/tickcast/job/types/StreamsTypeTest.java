package dev.tickcast.job.types;

import static dev.tickcast.job.TickBuilder.t;
import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.job.TestModels;
import dev.tickcast.job.TickBuilder;
import dev.tickcast.job.operator.DeadLetters;
import dev.tickcast.job.operator.ForecastFunction;
import dev.tickcast.job.operator.ForecastFunctionTest;
import dev.tickcast.job.operator.ForecastHarness;
import dev.tickcast.job.operator.LegacyStates;
import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.SymbolState;
import dev.tickcast.schema.internal.RawRecord;
import dev.tickcast.schema.internal.SourcedTick;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every stream type is Avro with an Avro serializer, except the ticks across the keyBy and the symbol state, which
 * have their own; never Kryo; each survives a round trip.
 */
class StreamsTypeTest {

    /** The job runs with generic types disabled: any Kryo fallback would fail here. */
    private static final ExecutionConfig NO_GENERIC_TYPES =
            new ExecutionConfig(Configuration.fromMap(java.util.Map.of(PipelineOptions.GENERIC_TYPES.key(), "false")));

    static Stream<TypeInformation<?>> streamTypes() {
        return Stream.of(
                Streams.RAW,
                Streams.MODELS,
                Streams.FORECASTS,
                Streams.EVALUATIONS,
                Streams.DEAD_LETTERS,
                Streams.DEAD_LETTER_TAG.getTypeInfo(),
                Streams.EVALUATION_TAG.getTypeInfo());
    }

    @ParameterizedTest
    @MethodSource("streamTypes")
    void streamTypesAreAvroNotGeneric(TypeInformation<?> type) {
        assertThat(NO_GENERIC_TYPES.getSerializerConfig().hasGenericTypesDisabled())
                .isTrue();
        assertThat(type).isInstanceOf(AvroTypeInfo.class).isNotInstanceOf(GenericTypeInfo.class);
        assertThat(type.createSerializer(NO_GENERIC_TYPES.getSerializerConfig()))
                .isInstanceOf(AvroSerializer.class);
    }

    @Test
    void ticksAcrossTheKeyByHaveTheirOwnSerializerNotKryo() {
        assertThat(Streams.TICKS).isNotInstanceOf(GenericTypeInfo.class);
        assertThat(Streams.TICKS.createSerializer(NO_GENERIC_TYPES.getSerializerConfig()))
                .isInstanceOf(SourcedTickSerializer.class);
    }

    @Test
    void sideOutputTagsCarryTheirAvroTypes() {
        assertThat(Streams.DEAD_LETTER_TAG.getTypeInfo()).isEqualTo(Streams.DEAD_LETTERS);
        assertThat(Streams.EVALUATION_TAG.getTypeInfo()).isEqualTo(Streams.EVALUATIONS);
    }

    @Test
    void broadcastStateDescriptorUsesAvroForModels() {
        Streams.MODEL_STATE.initializeSerializerUnlessSet(NO_GENERIC_TYPES);
        assertThat(Streams.MODEL_STATE.getValueSerializer()).isInstanceOf(AvroSerializer.class);
    }

    @Test
    void symbolStateDescriptorUsesItsOwnSerializerAndExpiresByTimersNotFlinksTtl() {
        ValueStateDescriptor<ForecastState> descriptor = ForecastFunction.stateDescriptor(ForecastSettings.DEFAULTS);
        descriptor.initializeSerializerUnlessSet(NO_GENERIC_TYPES);

        assertThat(descriptor.getSerializer()).isInstanceOf(ForecastStateSerializer.class);
        assertThat(descriptor.getTtlConfig().isEnabled()).isFalse();
        // Expiry at the TTL, rounded up to an eighth of it: at most one new timer per symbol per eighth.
        Duration ttl = Duration.ofMinutes(8);
        assertThat(ForecastFunction.expiryTime(0, ttl)).isEqualTo(ttl.toMillis());
        assertThat(ForecastFunction.expiryTime(1, ttl)).isEqualTo(ttl.toMillis() + 60_000);
        assertThat(ForecastFunction.expiryTime(59_999, ttl)).isEqualTo(ForecastFunction.expiryTime(1, ttl));
        ValueStateDescriptor<SymbolState> legacy = LegacyStates.legacyStateDescriptor(Duration.ofMinutes(5));
        legacy.initializeSerializerUnlessSet(NO_GENERIC_TYPES);
        assertThat(legacy.getSerializer()).isInstanceOf(AvroSerializer.class);
    }

    @Test
    void sourcedTickSurvivesASerializerRoundTrip() throws Exception {
        SourcedTick withVolume =
                TickBuilder.sourced(tick("ACME", t(0)).price(101.5).volume(3.0).build(), 7, 123_456_789_012L);
        SourcedTick withoutVolume = SourcedTick.newBuilder(
                        TickBuilder.sourced(tick("BOLT", t(1)).price(7.25).build(), 0, 0))
                .setReceivedAtMicros(1_709_303_400_123_456L)
                .build();

        TypeSerializer<SourcedTick> serializer = Streams.TICKS.createSerializer(NO_GENERIC_TYPES.getSerializerConfig());
        for (SourcedTick tick : List.of(withVolume, withoutVolume)) {
            SourcedTick back = roundTrip(serializer, tick);
            assertThat(back).isEqualTo(tick).isNotSameAs(tick);
            assertThat(back.getTick().getEventTime()).isEqualTo(tick.getTick().getEventTime());
            assertThat(serializer.copy(tick)).isEqualTo(tick);
        }
    }

    @Test
    void symbolStateSurvivesASerializerRoundTrip() throws Exception {
        // A real state, with hidden state, inputs, residuals and running errors, from the operator itself.
        SymbolState state;
        try (ForecastHarness h = ForecastHarness.open()) {
            h.model(TestModels.update(2, CellType.LSTM, new int[] {8}, 1));
            for (var tick : ForecastFunctionTest.randomTicks(4, 20, "ACME")) {
                h.tick(tick);
            }
            state = h.state("ACME");
        }
        assertThat(state.getHidden()).hasSize(16);
        assertThat(state.getRecentResiduals()).isNotEmpty();

        ValueStateDescriptor<ForecastState> descriptor = ForecastFunction.stateDescriptor(ForecastSettings.DEFAULTS);
        descriptor.initializeSerializerUnlessSet(NO_GENERIC_TYPES);
        TypeSerializer<ForecastState> serializer = descriptor.getSerializer();

        ForecastState live = ForecastState.fromRecord(state, ForecastSettings.DEFAULTS);
        ForecastState back = roundTrip(serializer, live);
        assertThat(back).isNotSameAs(live);
        assertThat(back.toRecord()).isEqualTo(state);
        assertThat(serializer.copy(live).toRecord()).isEqualTo(state);
        ForecastState empty = new ForecastState(ForecastSettings.DEFAULTS);
        assertThat(roundTrip(serializer, empty).toRecord()).isEqualTo(empty.toRecord());
        assertThat(roundTrip(serializer, empty).lastVolume()).isNull();
    }

    @Test
    void outputRecordsSurviveASerializerRoundTrip() throws Exception {
        ModelUpdate model = TestModels.update(2, CellType.GRU, new int[] {4}, 1);
        Forecast forecast;
        Evaluation evaluation;
        try (ForecastHarness h = ForecastHarness.open()) {
            h.model(model)
                    .tick(tick("ACME", t(0)).price(100.0))
                    .tick(tick("ACME", t(1)).price(100.5));
            forecast = h.lastForecast();
            evaluation = h.evaluations().get(0);
        }
        DeadLetter deadLetter =
                DeadLetters.of(DeadLetterReason.EMPTY, "empty value", TickBuilder.raw(null, 1, 2), null, 5L);
        RawRecord raw = tick("ACME", t(0)).raw();

        assertThat(roundTrip(Streams.FORECASTS.createSerializer(NO_GENERIC_TYPES.getSerializerConfig()), forecast))
                .isEqualTo(forecast);
        assertThat(roundTrip(Streams.EVALUATIONS.createSerializer(NO_GENERIC_TYPES.getSerializerConfig()), evaluation))
                .isEqualTo(evaluation);
        assertThat(roundTrip(Streams.MODELS.createSerializer(NO_GENERIC_TYPES.getSerializerConfig()), model))
                .isEqualTo(model);
        assertThat(roundTrip(Streams.DEAD_LETTERS.createSerializer(NO_GENERIC_TYPES.getSerializerConfig()), deadLetter))
                .isEqualTo(deadLetter);
        assertThat(roundTrip(Streams.RAW.createSerializer(NO_GENERIC_TYPES.getSerializerConfig()), raw))
                .isEqualTo(raw);
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        // A duplicate serializer, as each task thread gets.
        return serializer.duplicate().deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
    }
}
