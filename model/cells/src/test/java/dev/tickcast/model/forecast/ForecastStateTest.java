package dev.tickcast.model.forecast;

import static dev.tickcast.model.testdata.TickBuilder.t;
import static dev.tickcast.model.testdata.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.model.feature.Feature;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.SymbolState;
import dev.tickcast.schema.Tick;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class ForecastStateTest {

    /** Small ring and residual window, so that 20 ticks wrap both. */
    private static final ForecastSettings SETTINGS = new ForecastSettings(8, 5, 2, 1.645);

    private final SymbolForecaster forecaster = new SymbolForecaster(SETTINGS);
    private final Model v1 = TestModels.model(1, CellType.LSTM, new int[] {4, 3}, 31);
    private final Model v2 = TestModels.model(2, CellType.GRU, new int[] {5}, 32);

    private static Tick tickAt(int i) {
        double price = 100 + 3 * Math.sin(i * 0.7) + 0.1 * i;
        return tick("ACME", t(2L * i + (i % 3)))
                .price(price)
                .volume(i % 5 == 0 ? null : 10.0 * i)
                .build();
    }

    private TickOutcome on(ForecastState state, Model model, Tick tick) {
        return forecaster.onTick(
                state, model, tick.getSymbol(), tick.getEventTime().toEpochMilli(), tick.getPrice(), tick.getVolume());
    }

    /** Through Avro binary, as a Flink checkpoint would store it. */
    private static SymbolState viaAvroBytes(SymbolState record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(SymbolState.class).write(record, encoder);
        encoder.flush();
        return new SpecificDatumReader<>(SymbolState.class)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    private static void assertSameBits(Forecast actual, Forecast expected) {
        assertThat(actual).isEqualTo(expected);
        assertThat(Double.doubleToRawLongBits(actual.getForecastPrice()))
                .isEqualTo(Double.doubleToRawLongBits(expected.getForecastPrice()));
        assertThat(Double.doubleToRawLongBits(actual.getIntervalLow()))
                .isEqualTo(Double.doubleToRawLongBits(expected.getIntervalLow()));
        assertThat(Double.doubleToRawLongBits(actual.getIntervalHigh()))
                .isEqualTo(Double.doubleToRawLongBits(expected.getIntervalHigh()));
    }

    /** Through the checkpoint format, every field carries over, the guard's evidence too. */
    @Test
    void restoredStateGivesTheSameNextForecastsBitForBit() throws IOException {
        ForecastState original = forecaster.newState();
        for (int i = 0; i < 20; i++) {
            on(original, v1, tickAt(i));
        }

        var bytes = new java.io.ByteArrayOutputStream();
        ForecastStateFormat.write(original, new java.io.DataOutputStream(bytes));
        ForecastState restored = ForecastStateFormat.read(
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())), SETTINGS);

        assertThat(restored.toRecord()).isEqualTo(original.toRecord());
        for (int i = 20; i < 24; i++) {
            TickOutcome expected = on(original, v1, tickAt(i));
            TickOutcome actual = on(restored, v1, tickAt(i));
            assertSameBits(actual.forecast(), expected.forecast());
            assertThat(actual.evaluation()).isEqualTo(expected.evaluation());
        }
        assertThat(restored.hidden()).containsExactly(original.hidden());
    }

    /**
     * The Avro record of the first builds has no guard: read back, the guard starts from the ring's evidence, and
     * the hidden state carries over as it was.
     */
    @Test
    void aStateFromTheAvroRecordRebuildsTheGuardFromItsRing() throws IOException {
        ForecastState original = forecaster.newState();
        for (int i = 0; i < 20; i++) {
            on(original, v1, tickAt(i));
        }
        ForecastState restored = ForecastState.fromRecord(viaAvroBytes(original.toRecord()), SETTINGS);
        assertThat(restored.toRecord()).isEqualTo(original.toRecord());
        assertThat(restored.guardWeight(SETTINGS.guard())).isZero();
        restored.assumeLine(v1.line()); // the record has no line: the job gives it the line it served then

        Forecast next = on(restored, v1, tickAt(20)).forecast();
        Forecast uninterrupted = on(original, v1, tickAt(20)).forecast();
        // Rebuilt from the ring: 7 pairs of an 8-step ring (decayed), this tick's evaluation counted once, in them.
        assertThat(restored.guardCount).isCloseTo(7.0, org.assertj.core.api.Assertions.within(0.05));
        assertThat(next.getModelLogReturn()).isEqualTo(uninterrupted.getModelLogReturn());
        assertThat(next.getGuardWeight()).isBetween(0.0, 1.0);
        assertThat(restored.hidden()).containsExactly(original.hidden());
    }

    @Test
    void restoredRingRewarmsANewModelExactlyLikeTheOriginal() throws IOException {
        ForecastState original = forecaster.newState();
        for (int i = 0; i < 19; i++) { // the 8-step ring has wrapped
            on(original, v1, tickAt(i));
        }

        ForecastState restored = ForecastState.fromRecord(viaAvroBytes(original.toRecord()), SETTINGS);

        original.book = null; // the Avro record has no pending forecasts of other horizons: they start afresh
        for (int i = 19; i < 23; i++) {
            assertSameBits(
                    on(restored, v2, tickAt(i)).forecast(),
                    on(original, v2, tickAt(i)).forecast());
        }
        assertThat(restored.hidden()).containsExactly(original.hidden());
    }

    @Test
    void recordHoldsTheRingAndResidualsOldestFirst() {
        ForecastState state = forecaster.newState();
        float[] raw = new float[Feature.COUNT];
        for (int i = 0; i < 12; i++) {
            on(state, null, tickAt(i));
        }

        SymbolState record = state.toRecord();

        // 11 steps were stored, the ring keeps the latest 8: steps of ticks 4..11
        assertThat(record.getRecentInputs()).hasSize(8 * Feature.COUNT);
        Tick prev = tickAt(10);
        Tick last = tickAt(11);
        Feature.computeRaw(
                prev.getPrice(),
                prev.getEventTime().toEpochMilli(),
                last.getPrice(),
                last.getEventTime().toEpochMilli(),
                last.getVolume(),
                raw,
                0);
        List<Float> newest = record.getRecentInputs().subList(7 * Feature.COUNT, 8 * Feature.COUNT);
        assertThat(newest).containsExactly(raw[0], raw[1], raw[2]);
        // 11 naive residuals (the log returns), the window keeps the latest 5
        assertThat(record.getRecentResiduals()).hasSize(5);
        assertThat(record.getRecentResiduals().get(4)).isEqualTo(raw[Feature.LOG_RETURN.ordinal()]);
        assertThat(record.getRecentResiduals().get(0))
                .isEqualTo((float) Math.log(tickAt(7).getPrice() / tickAt(6).getPrice()));
        assertThat(record.getTicks()).isEqualTo(12);
        assertThat(record.getLastPrice()).isEqualTo(last.getPrice());
        assertThat(record.getLastVolume()).isEqualTo(last.getVolume());
    }

    @Test
    void restoringIntoSmallerSettingsKeepsTheNewestHistory() {
        ForecastState state = forecaster.newState();
        for (int i = 0; i < 12; i++) {
            on(state, null, tickAt(i));
        }
        SymbolState record = state.toRecord();
        ForecastSettings smaller = new ForecastSettings(3, 2, 1, 1.0);

        SymbolState restored = ForecastState.fromRecord(record, smaller).toRecord();

        List<Float> inputs = record.getRecentInputs();
        assertThat(restored.getRecentInputs())
                .containsExactlyElementsOf(inputs.subList(inputs.size() - 3 * Feature.COUNT, inputs.size()));
        List<Float> residuals = record.getRecentResiduals();
        assertThat(restored.getRecentResiduals())
                .containsExactlyElementsOf(residuals.subList(residuals.size() - 2, residuals.size()));
    }

    @Test
    void freshStateRoundTrips() throws IOException {
        ForecastState fresh = forecaster.newState();

        ForecastState restored = ForecastState.fromRecord(viaAvroBytes(fresh.toRecord()), SETTINGS);

        assertThat(restored.ticks()).isZero();
        assertThat(restored.toRecord()).isEqualTo(fresh.toRecord());
        assertThat(on(restored, v1, tickAt(0)).forecast())
                .isEqualTo(on(fresh, v1, tickAt(0)).forecast());
    }
}
