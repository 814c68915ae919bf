package dev.tickcast.model.forecast;

import static dev.tickcast.model.testdata.TickBuilder.t;
import static dev.tickcast.model.testdata.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.model.file.Model;
import dev.tickcast.model.testdata.TestModels;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.Tick;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class ForecastStateFormatTest {

    /** Small ring and residual window, so that 30 ticks wrap both. */
    private static final ForecastSettings SETTINGS = new ForecastSettings(8, 5, 2, 1.645);

    private final SymbolForecaster forecaster = new SymbolForecaster(SETTINGS);
    /** The builds before the guard served the model's forecasts as they were. */
    private final SymbolForecaster unguarded = new SymbolForecaster(SETTINGS.withGuard(GuardSettings.OFF));

    private final Model lstm = TestModels.model(1, CellType.LSTM, new int[] {4, 3}, 31);

    private static Tick tickAt(int i) {
        double price = 100 + 3 * Math.sin(i * 0.7) + 0.1 * i;
        return tick("ACME", t(2L * i + (i % 3)))
                .price(price)
                .volume(i % 5 == 0 ? null : 10.0 * i)
                .build();
    }

    private Forecast on(ForecastState state, Tick tick) {
        return on(forecaster, state, tick);
    }

    private Forecast on(SymbolForecaster forecaster, ForecastState state, Tick tick) {
        return forecaster
                .onTick(
                        state,
                        lstm,
                        tick.getSymbol(),
                        tick.getEventTime().toEpochMilli(),
                        tick.getPrice(),
                        tick.getVolume())
                .forecast();
    }

    private static byte[] bytes(ForecastState state) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ForecastStateFormat.write(state, new DataOutputStream(out));
        return out.toByteArray();
    }

    private static ForecastState read(byte[] bytes, ForecastSettings settings) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        ForecastState s = ForecastStateFormat.read(in, settings);
        assertThat(in.available()).as("bytes left after the state").isZero();
        return s;
    }

    @Test
    void everyFieldSurvivesBitForBitAtEveryStage() throws IOException {
        ForecastState state = forecaster.newState();
        for (int i = 0; i < 30; i++) { // empty, first tick, partial rings, wrapped rings
            ForecastState back = read(bytes(state), SETTINGS);
            assertThat(back.toRecord()).isEqualTo(state.toRecord());
            assertThat(bytes(back)).isEqualTo(bytes(state));
            on(state, tickAt(i));
        }
        assertThat(state.ringCount()).isEqualTo(8);
    }

    @Test
    void aRestoredStateForecastsExactlyAsTheLiveOne() throws IOException {
        ForecastState live = forecaster.newState();
        for (int i = 0; i < 20; i++) {
            on(live, tickAt(i));
        }
        ForecastState restored = read(bytes(live), SETTINGS);
        ForecastState copy = live.copy();
        List<Forecast> a = new ArrayList<>();
        List<Forecast> b = new ArrayList<>();
        List<Forecast> c = new ArrayList<>();
        for (int i = 20; i < 40; i++) {
            a.add(on(live, tickAt(i)));
            b.add(on(restored, tickAt(i)));
            c.add(on(copy, tickAt(i)));
        }
        assertThat(b).isEqualTo(a);
        assertThat(c).isEqualTo(a);
    }

    @Test
    void copyIsDeep() throws IOException {
        ForecastState state = forecaster.newState();
        for (int i = 0; i < 12; i++) {
            on(state, tickAt(i));
        }
        ForecastState copy = state.copy();
        assertThat(bytes(copy)).as("every field, the guard's too").isEqualTo(bytes(state));
        byte[] before = bytes(copy);
        on(state, tickAt(12));
        assertThat(bytes(copy)).isEqualTo(before).isNotEqualTo(bytes(state));
    }

    @Test
    void smallerRingsKeepTheNewestEntriesAsFromRecordDoes() throws IOException {
        ForecastState state = forecaster.newState();
        for (int i = 0; i < 30; i++) {
            on(state, tickAt(i));
        }
        ForecastSettings smaller = new ForecastSettings(3, 2, 2, 1.645);
        assertThat(read(bytes(state), smaller).toRecord())
                .isEqualTo(ForecastState.fromRecord(state.toRecord(), smaller).toRecord());
    }

    @Test
    void lstm64StateWithItsRingAndGuardStaysNearOneKibibyte() throws IOException {
        ForecastState state = new SymbolForecaster(ForecastSettings.DEFAULTS).newState();
        SymbolForecaster f = new SymbolForecaster(ForecastSettings.DEFAULTS);
        Model lstm64 = TestModels.model(1, CellType.LSTM, new int[] {64}, 5);
        for (int i = 0; i < 40; i++) {
            Tick t = tickAt(i);
            f.onTick(state, lstm64, "ACME", t.getEventTime().toEpochMilli(), t.getPrice(), t.getVolume());
        }
        // h and c 128, ring 24 × 3 = 72 and 32 residuals: 232 floats (928 bytes), 15 small scalars, the guard's
        // five doubles (40 bytes), the line, and the one horizon's book (about 50 bytes).
        assertThat(bytes(state).length).isBetween(1_000, 1_150);
        assertThat(read(bytes(state), ForecastSettings.DEFAULTS).toRecord()).isEqualTo(state.toRecord());
    }

    /**
     * With horizons 1, 5 and 20 and both default interval levels, an LSTM-64 symbol keeps 26 pending forecasts of 4
     * floats and the 20 ticks they were made at: still under 2 KiB.
     */
    @Test
    void lstm64StateWithThreeHorizonsStaysUnderTwoKibibytes() throws IOException {
        SymbolForecaster f = new SymbolForecaster(ForecastSettings.DEFAULTS);
        ForecastState state = f.newState();
        Model lstm64 = TestModels.model(1, CellType.LSTM, new int[] {64}, new int[] {1, 5, 20}, 5);
        for (int i = 0; i < 60; i++) {
            Tick t = tickAt(i);
            f.onTick(state, lstm64, "ACME", t.getEventTime().toEpochMilli(), t.getPrice(), t.getVolume());
        }
        byte[] written = bytes(state);
        assertThat(written.length).isBetween(1_600, 2_047);
        ForecastState back = read(written, ForecastSettings.DEFAULTS);
        assertThat(bytes(back)).isEqualTo(written);
        Tick next = tickAt(60);
        long time = next.getEventTime().toEpochMilli();
        assertThat(f.onTick(back, lstm64, "ACME", time, next.getPrice(), next.getVolume()))
                .isEqualTo(f.onTick(state, lstm64, "ACME", time, next.getPrice(), next.getVolume()));
    }

    @Test
    void anUnknownVersionIsRefusedWithAMessage() throws IOException {
        byte[] b = bytes(forecaster.newState());
        b[0] = 9;
        assertThatThrownBy(() -> read(b, SETTINGS))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version 9");
    }

    /**
     * A state written by the build before format 2 (committed fixtures) restores in this one: every field
     * it had is what this build computes for the same ticks, the coverage counts added in format 2 start
     * at 0 (their default), and from there it forecasts as a state this build wrote.
     */
    @Test
    void version1StatesFromTheOlderBuildRestore() throws IOException {
        ForecastState live = forecaster.newState();
        int ticks = 0;
        for (int n : FIXTURE_TICKS) {
            for (; ticks < n; ticks++) {
                on(unguarded, live, tickAt(ticks));
            }
            ForecastState old = read(Files.readAllBytes(fixture(1, n)), SETTINGS);
            var expected = live.toRecord();
            expected.setIntervalCount(0L);
            expected.setIntervalHits(0L);
            assertThat(old.toRecord()).as("state after %d ticks", n).isEqualTo(expected);
            if (n == 30) {
                assertThat(live.intervalCount())
                        .as("this build counts intervals")
                        .isPositive();
                // From here on, as the state this build makes of those fields: the guard's evidence rebuilt from the
                // ring.
                ForecastState copy = ForecastState.fromRecord(expected, SETTINGS);
                for (int i = n; i < n + 10; i++) {
                    assertThat(on(old, tickAt(i))).isEqualTo(on(copy, tickAt(i)));
                }
                assertThat(old.intervalCount()).isEqualTo(10); // counted from the restore on
            }
        }
    }

    /**
     * A state written by the build before format 3 (committed fixtures, written by commit "ForecastState keeps the
     * last volume as a primitive") restores in this one equal to what this build computes, with no expiry timer yet (0:
     * the job registers one on the symbol's next tick).
     */
    @Test
    void version2StatesFromTheOlderBuildRestore() throws IOException {
        ForecastState live = forecaster.newState();
        int ticks = 0;
        for (int n : FIXTURE_TICKS) {
            for (; ticks < n; ticks++) {
                on(unguarded, live, tickAt(ticks));
            }
            ForecastState old = read(Files.readAllBytes(fixture(2, n)), SETTINGS);
            assertThat(old.toRecord()).as("state after %d ticks", n).isEqualTo(live.toRecord());
            assertThat(old.expiryTimerMs()).isZero();
        }
    }

    /**
     * A state written by the build before format 4 (committed fixtures, written by commit 20240cb) restores in this one
     * equal to what that build computed (this build without the guard), with the guard's evidence unknown; from the
     * next tick the guard starts from the ring's evidence, the hidden state carried over as it was.
     */
    @Test
    void version3StatesFromTheOlderBuildRestoreWithTheGuardRebuiltFromTheRing() throws IOException {
        ForecastState live = unguarded.newState();
        int ticks = 0;
        for (int n : FIXTURE_TICKS) {
            for (; ticks < n; ticks++) {
                on(unguarded, live, tickAt(ticks));
            }
            ForecastState old = read(Files.readAllBytes(fixture(3, n)), SETTINGS);
            assertThat(old.toRecord()).as("state after %d ticks", n).isEqualTo(live.toRecord());
            assertThat(old.expiryTimerMs()).isEqualTo(live.expiryTimerMs());
            assertThat(old.guardCount).as("evidence unknown").isNegative();
            if (n == 30) {
                ForecastState fromRecord = ForecastState.fromRecord(live.toRecord(), SETTINGS);
                for (int i = n; i < n + 10; i++) {
                    assertThat(on(old, tickAt(i))).isEqualTo(on(fromRecord, tickAt(i)));
                }
                assertThat(old.hidden()).isEqualTo(fromRecord.hidden());
                assertThat(old.guardCount).as("rebuilt, then grown").isPositive();
            }
        }
    }

    /**
     * A state written by the build before format 5 (committed fixtures, written by commit 00aa17b) restores in this one
     * bit for bit what this build computes, with no challenger's state.
     */
    @Test
    void version4StatesFromTheOlderBuildRestoreAsThisBuildComputesThem() throws IOException {
        restoresAsThisBuildComputes(4);
    }

    /**
     * A state written by the build before format 6 (committed fixtures, written by commit 57eabcf) restores with no model
     * line; given the line the job served then, it is what this build computes, bit for bit.
     */
    @Test
    void version5StatesFromTheOlderBuildRestoreAsThisBuildComputesThem() throws IOException {
        restoresAsThisBuildComputes(5);
    }

    private void restoresAsThisBuildComputes(int version) throws IOException {
        ForecastState live = forecaster.newState();
        int ticks = 0;
        for (int n : FIXTURE_TICKS) {
            for (; ticks < n; ticks++) {
                on(live, tickAt(ticks));
            }
            byte[] old = Files.readAllBytes(fixture(version, n));
            ForecastState restored = read(old, SETTINGS);
            assertThat(restored.hasShadow()).isFalse();
            if (version < 6) {
                assertThat(restored.modelLine()).isNull();
            }
            restored.assumeLine(lstm.line());
            assertThat(restored.modelLine()).isEqualTo(live.modelLine());
            if (n == 0) {
                continue;
            }
            // Older formats have no pending forecasts of other horizons: the book starts afresh on restore.
            ForecastState liveWithoutBook = live.copy();
            liveWithoutBook.book = null;
            assertThat(bytes(restored)).as("state after %d ticks", n).isEqualTo(bytes(liveWithoutBook));
            assertThat(on(restored, tickAt(n))).isEqualTo(on(liveWithoutBook, tickAt(n)));
        }
    }

    /** A state written by the build before format 7 (committed fixtures, written by commit fc97f65). */
    @Test
    void version6StatesFromTheOlderBuildRestoreAsThisBuildComputesThem() throws IOException {
        restoresAsThisBuildComputes(6);
    }

    @Test
    void theModelLineRoundTripsAndARouteToAnotherLineRewarms() throws Exception {
        ForecastState state = forecaster.newState();
        for (int i = 0; i < 10; i++) {
            on(state, tickAt(i));
        }
        assertThat(state.modelLine()).isEqualTo(lstm.line());
        assertThat(read(bytes(state), SETTINGS).modelLine()).isEqualTo(lstm.line());
        // The same weights and version under another line: not the model the hidden state was built with, so it is
        // rebuilt from the ring (which holds fewer steps than the symbol has seen: the hidden state differs).
        Model other = Model.verify(dev.tickcast.schema.ModelUpdate.newBuilder(lstm.update())
                .setModelName("crypto")
                .build());
        long time = tickAt(10).getEventTime().toEpochMilli();
        ForecastState kept = state.copy();
        forecaster.onTick(kept, lstm, "ACME", time, 101.0, null);
        ForecastState rewarmed = state.copy();
        forecaster.onTick(state, other, "ACME", time, 101.0, null);
        rewarmed.modelVersion = 0; // any other model: the forecaster rebuilds it
        forecaster.onTick(rewarmed, other, "ACME", time, 101.0, null);
        assertThat(state.modelLine()).isEqualTo("crypto");
        assertThat(state.hidden()).isNotEqualTo(kept.hidden()).isEqualTo(rewarmed.hidden());
        assertThat(read(bytes(state), SETTINGS).modelLine()).isEqualTo("crypto");
    }

    @Test
    void theExpiryTimerRoundTrips() throws IOException {
        ForecastState state = forecaster.newState();
        on(state, tickAt(0));
        state.expiryTimerMs(1_764_201_600_000L);
        ForecastState back = read(bytes(state), SETTINGS);
        assertThat(back.expiryTimerMs()).isEqualTo(1_764_201_600_000L);
        assertThat(back.toRecord()).isEqualTo(state.toRecord());
        assertThat(state.copy().expiryTimerMs()).isEqualTo(1_764_201_600_000L);
    }

    /** States after these many ticks of {@link #tickAt}: empty, first tick, partial rings, wrapped rings. */
    private static final int[] FIXTURE_TICKS = {0, 1, 5, 30};

    private static Path fixture(int version, int ticks) {
        return Path.of("src/test/resources/state-format/v" + version + "-" + ticks + "-ticks.bin");
    }

    /**
     * Writes this build's states as fixtures for the builds after it (run once per format version, on the
     * build that introduces it): {@code mvn -pl model/cells test -Dtest=ForecastStateFormatTest
     * -Dtickcast.write-fixtures=VERSION}.
     */
    @Test
    @EnabledIfSystemProperty(named = "tickcast.write-fixtures", matches = "[0-9]+")
    void writeFixtures() throws IOException {
        assertThat(ForecastStateFormat.VERSION)
                .isEqualTo(Integer.parseInt(System.getProperty("tickcast.write-fixtures")));
        ForecastState state = forecaster.newState();
        for (int i = 0; i <= FIXTURE_TICKS[FIXTURE_TICKS.length - 1]; i++) {
            for (int n : FIXTURE_TICKS) {
                if (n == i) {
                    Path file = fixture(ForecastStateFormat.VERSION, n);
                    Files.createDirectories(file.getParent());
                    Files.write(file, bytes(state));
                }
            }
            on(state, tickAt(i));
        }
    }
}
