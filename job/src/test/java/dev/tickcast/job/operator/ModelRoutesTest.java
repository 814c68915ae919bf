package dev.tickcast.job.operator;

import static dev.tickcast.job.TickBuilder.t;
import static dev.tickcast.job.TickBuilder.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.job.TestModels;
import dev.tickcast.job.serving.ModelAdmission;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelSigning;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRoute;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.Tick;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several model lines in one job, routed by symbol: each symbol is served by its line's model, forecasts say which
 * line, a routes record moves symbols at its effective time (their state re-warms under the new line's model), and
 * every forecast equals the backtest that serves the same models at the same ticks, bit for bit.
 */
class ModelRoutesTest {

    private static final String CRYPTO = "crypto";
    /** The same version as the test line's, other weights: a version number alone does not tell lines apart. */
    private static final ModelUpdate TEST_V1 = TestModels.update(1, CellType.LSTM, new int[] {8}, 31);

    private static final ModelUpdate CRYPTO_V1 = ModelUpdate.newBuilder(
                    TestModels.update(1, CellType.GRU, new int[] {6}, 32))
            .setModelName(CRYPTO)
            .build();
    private static final ModelUpdate CRYPTO_V2 = ModelUpdate.newBuilder(
                    TestModels.update(2, CellType.GRU, new int[] {6}, 33))
            .setModelName(CRYPTO)
            .build();

    private final List<ForecastHarness> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(ForecastHarness::close);
    }

    private ForecastHarness open(String routes) throws Exception {
        return open(ModelAdmission.unsigned(TestModels.LINE), routes);
    }

    private ForecastHarness open(ModelAdmission admission, String routes) throws Exception {
        ForecastHarness h = ForecastHarness.open(admission, routes);
        opened.add(h);
        return h;
    }

    /** BITSTAMP:BTC and FX:CHF interleaved, 40 ticks each, 1 s apart. */
    private static List<Tick> feed() {
        Random random = new Random(9);
        List<Tick> ticks = new ArrayList<>();
        double btc = 40_000;
        double chf = 0.9;
        for (int i = 0; i < 40; i++) {
            btc *= Math.exp(0.004 * random.nextGaussian());
            chf *= Math.exp(0.001 * random.nextGaussian());
            ticks.add(tick("BITSTAMP:BTC", t(2 * i)).price(btc).volume(1.0 + i).build());
            ticks.add(tick("FX:CHF", t(2 * i + 1)).price(chf).build());
        }
        return ticks;
    }

    private static ModelRoutes routes(String spec, Instant issuedAt, Instant effective) {
        List<ModelRoute> routes = new ArrayList<>();
        for (String r : spec.split(",")) {
            String[] parts = r.split("=");
            routes.add(new ModelRoute(parts[0], parts[1]));
        }
        return ModelRoutes.newBuilder()
                .setRoutes(routes)
                .setIssuedAt(issuedAt)
                .setEffectiveTime(effective == null ? Instant.EPOCH : effective) // the ticks here are of 2024
                .build();
    }

    private static final Instant ISSUED = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void eachSymbolIsServedByItsLinesModelBitForBitAsTheBacktest() throws Exception {
        List<Tick> ticks = feed();
        ForecastHarness h = open("BITSTAMP:*=crypto,*=" + TestModels.LINE);
        h.model(TEST_V1).model(CRYPTO_V1);
        ticks.forEach(tick -> tickQuietly(h, tick));

        Model test = TestModels.verified(TEST_V1);
        Model crypto = TestModels.verified(CRYPTO_V1);
        List<Forecast> expected = new ArrayList<>();
        Backtest.runWithModels(
                i -> ticks.get(i).getSymbol().startsWith("BITSTAMP:") ? crypto : test,
                ticks,
                ForecastHarness.SETTINGS,
                s -> Long.MIN_VALUE,
                (t, f) -> expected.add(f));
        assertThat(h.forecasts()).isEqualTo(expected);
        assertThat(h.deadLetters()).isEmpty();
        Forecast btc = h.forecasts().get(h.forecasts().size() - 2);
        Forecast chf = h.lastForecast();
        assertThat(btc.getModelName()).isEqualTo(CRYPTO);
        assertThat(btc.getCellType()).isEqualTo(CellType.GRU);
        assertThat(chf.getModelName()).isEqualTo(TestModels.LINE);
        assertThat(chf.getCellType()).isEqualTo(CellType.LSTM);
        assertThat(h.forecasts().get(0).getModelName())
                .as("a symbol's first tick is naive")
                .isNull();
    }

    @Test
    void aSymbolNoRouteMatchesGetsTheNaiveForecast() throws Exception {
        ForecastHarness h = open("BITSTAMP:*=crypto");
        h.model(CRYPTO_V1);
        for (int i = 0; i < 5; i++) {
            h.tick(tick("FX:CHF", t(i)).price(0.9 + 0.01 * i));
        }
        assertThat(h.forecasts()).allSatisfy(f -> {
            assertThat(f.getModelVersion()).isZero();
            assertThat(f.getForecastPrice()).isEqualTo(f.getLastPrice());
        });
    }

    @Test
    void aRoutesRecordMovesSymbolsAtItsEffectiveTimeAndTheirStateRewarms() throws Exception {
        List<Tick> ticks = feed();
        ForecastHarness h = open("*=" + TestModels.LINE);
        h.model(TEST_V1);
        h.model(CRYPTO_V1); // no route to crypto yet: refused, nothing changes
        assertThat(h.deadLetters())
                .singleElement()
                .satisfies(dl -> assertThat(dl.getDetail())
                        .startsWith(
                                "LINE: model of model line 'crypto', which this job routes no symbols to (it serves [test]")
                        .contains("route symbols to it first"));
        Instant switchAt = ticks.get(30).getEventTime();
        for (int i = 0; i < ticks.size(); i++) {
            if (i == 10) { // published ahead of the ticks it applies to, as a replay would see it
                h.routes(routes("BITSTAMP:*=crypto,*=" + TestModels.LINE, ISSUED, switchAt));
                h.model(CRYPTO_V1);
            }
            h.tick(ticks.get(i));
        }
        Model test = TestModels.verified(TEST_V1);
        Model crypto = TestModels.verified(CRYPTO_V1);
        List<Forecast> expected = new ArrayList<>();
        Backtest.runWithModels(
                i -> i >= 30 && ticks.get(i).getSymbol().startsWith("BITSTAMP:") ? crypto : test,
                ticks,
                ForecastHarness.SETTINGS,
                s -> Long.MIN_VALUE,
                (t, f) -> expected.add(f));
        assertThat(h.forecasts()).isEqualTo(expected);
        assertThat(h.forecasts().get(28).getModelName()).isEqualTo(TestModels.LINE);
        assertThat(h.forecasts().get(30).getModelName()).isEqualTo(CRYPTO);
        assertThat(h.forecasts().get(31).getModelName()).isEqualTo(TestModels.LINE);
        assertThat(h.deadLetters()).hasSize(1);
    }

    @Test
    void linesKeepTheirOwnVersionsAndPinsAndRoutesSurviveARestore() throws Exception {
        ForecastHarness h = open("*=" + TestModels.LINE);
        h.routes(routes("BITSTAMP:*=crypto,*=" + TestModels.LINE, ISSUED, null));
        h.model(TEST_V1).model(CRYPTO_V1).model(CRYPTO_V2);
        h.control(ModelControl.newBuilder()
                .setModelName(CRYPTO)
                .setAction(ModelAction.PIN)
                .setVersion(1)
                .setIssuedAt(ISSUED)
                .build());
        h.tick(tick("BITSTAMP:BTC", t(0)).price(40_000))
                .tick(tick("FX:CHF", t(0)).price(0.9));
        OperatorSubtaskState snapshot = h.snapshot(1L);

        ForecastHarness restored = ForecastHarness.restore(snapshot, null);
        opened.add(restored);
        restored.tick(tick("BITSTAMP:BTC", t(1)).price(40_010))
                .tick(tick("FX:CHF", t(1)).price(0.91));
        List<Forecast> out = restored.forecasts();
        assertThat(out.get(0).getModelName()).isEqualTo(CRYPTO);
        assertThat(out.get(0).getModelVersion()).as("crypto is pinned to v1").isEqualTo(1L);
        assertThat(out.get(1).getModelName()).isEqualTo(TestModels.LINE);
        assertThat(out.get(1).getModelVersion()).isEqualTo(1L);
        assertThat(restored.serving(CRYPTO).getVersion()).isEqualTo(1L);
        assertThat(restored.serving(TestModels.LINE).getVersion()).isEqualTo(1L);
        assertThat(restored.deadLetters()).isEmpty();
    }

    @Test
    void badOldAndUnsignedRoutesAreRefusedAndTheRoutesKeepRouting() throws Exception {
        ForecastHarness h = open("*=" + TestModels.LINE);
        h.model(TEST_V1);
        h.routes(routes("BITSTAMP:*=crypto,*=" + TestModels.LINE, ISSUED, null));
        h.routes(routes("*=old", ISSUED.minusSeconds(1), null)); // issued before the last applied: a replay
        h.routes(routes("*=a#b", ISSUED.plusSeconds(1), null)); // not a line's name
        List<ModelRoute> many = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            many.add(new ModelRoute("S" + i + ":*", "line" + i));
        }
        h.routes(ModelRoutes.newBuilder()
                .setRoutes(many)
                .setIssuedAt(ISSUED.plusSeconds(2))
                .build());
        h.tick(tick("BITSTAMP:BTC", t(0)).price(1))
                .tick(tick("BITSTAMP:BTC", t(1)).price(2));

        List<String> details =
                h.deadLetters().stream().map(DeadLetter::getDetail).toList();
        assertThat(details)
                .satisfiesExactly(
                        d -> assertThat(d).startsWith("REPLAY: routes issued at 2026-05-31T23:59:59Z are not after"),
                        d -> assertThat(d).startsWith("ROUTES: routes refused: model line 'a#b' has '#'"),
                        d -> assertThat(d).startsWith("ROUTES: routes to 19 model lines"));
        assertThat(details).allSatisfy(d -> assertThat(d).endsWith("the routes BITSTAMP:*=crypto,*=test keep routing"));
        assertThat(h.deadLetters()).allSatisfy(dl -> assertThat(dl.getKey()).isNotNull());
        // BTC is routed to crypto, which has no model yet: naive.
        assertThat(h.lastForecast().getModelVersion()).isZero();

        KeyPair trusted = ModelSigning.generate();
        ForecastHarness signed = open(
                new ModelAdmission(
                        TestModels.LINE,
                        List.of(trusted.getPublic().getEncoded()),
                        ModelAdmission.DEFAULT_MAX_VERSION_STEP),
                "*=" + TestModels.LINE);
        signed.routes(routes("*=crypto", ISSUED, null));
        signed.routes(ModelSigning.sign(
                routes("*=crypto", ISSUED.plusSeconds(1), null), trusted.getPrivate(), trusted.getPublic()));
        assertThat(signed.deadLetters())
                .singleElement()
                .satisfies(dl -> assertThat(dl.getDetail()).startsWith("SIGNATURE: routes is not signed"));
        signed.model(ModelSigning.sign(CRYPTO_V1, trusted.getPrivate(), trusted.getPublic()));
        signed.tick(tick("X", t(0)).price(1)).tick(tick("X", t(1)).price(2));
        assertThat(signed.lastForecast().getModelName()).isEqualTo(CRYPTO);
    }

    @Test
    void pastTheHistoryTheNewestDroppedRoutesStillRouteEarlierTicks() throws Exception {
        ForecastHarness h = open("*=" + TestModels.LINE);
        h.model(TEST_V1);
        for (int k = 1; k <= 6; k++) { // each effective later than the one before
            h.routes(routes("*=crypto", ISSUED.plusSeconds(k), t(100 + k)));
            if (k == 1) {
                h.model(CRYPTO_V1);
                // Before every routes record's effective time: the job's own routes.
                h.tick(tick("EARLY", t(0)).price(1)).tick(tick("EARLY", t(1)).price(2));
                assertThat(h.lastForecast().getModelName()).isEqualTo(TestModels.LINE);
            }
        }
        // Two records dropped from the history; the newest of them stands for the routes before the four kept.
        h.tick(tick("LAGGING", t(0)).price(1)).tick(tick("LAGGING", t(1)).price(2));
        assertThat(h.lastForecast().getModelName()).isEqualTo(CRYPTO);
        assertThat(h.deadLetters()).isEmpty();
    }

    @Test
    void routesEffectiveBeforeTheRoutesAppliedAreRefused() throws Exception {
        ForecastHarness h = open("*=" + TestModels.LINE);
        h.routes(routes("*=crypto", ISSUED, t(50)));
        h.routes(routes("*=" + TestModels.LINE, ISSUED.plusSeconds(1), t(40)));
        assertThat(h.deadLetters())
                .singleElement()
                .satisfies(dl -> assertThat(dl.getDetail())
                        .startsWith("ROUTES: routes effective from " + t(40) + ", before the routes applied from "
                                + t(50)));
    }

    @Test
    void aSymbolBackOnItsLineAfterTicksWithoutAModelRewarmsAsTheBacktestDoes() throws Exception {
        List<Tick> ticks = new ArrayList<>();
        Random random = new Random(3);
        double price = 50;
        for (int i = 0; i < 30; i++) {
            price *= Math.exp(0.003 * random.nextGaussian());
            ticks.add(tick("X:A", t(i)).price(price).build());
        }
        ForecastHarness h = open("*=" + TestModels.LINE);
        h.model(TEST_V1);
        h.routes(
                routes("X:*=nothing,*=" + TestModels.LINE, ISSUED, ticks.get(10).getEventTime()));
        h.routes(routes(
                "*=" + TestModels.LINE, ISSUED.plusSeconds(1), ticks.get(20).getEventTime()));
        ticks.forEach(tick -> tickQuietly(h, tick));
        Model test = TestModels.verified(TEST_V1);
        List<Forecast> expected = new ArrayList<>();
        Backtest.runWithModels(
                i -> i >= 10 && i < 20 ? null : test,
                ticks,
                ForecastHarness.SETTINGS,
                s -> Long.MIN_VALUE,
                (t, f) -> expected.add(f));
        assertThat(h.forecasts()).isEqualTo(expected);
        assertThat(h.forecasts().get(15).getModelVersion())
                .as("no model of line 'nothing'")
                .isZero();
        assertThat(h.forecasts().get(25).getModelVersion()).isEqualTo(1L);
    }

    /** A snapshot of a build before routes kept its one line's entries unscoped ("v1", "pinned"): they still serve. */
    @Test
    void entriesOfASavepointBeforeRoutesMoveToTheirLine() throws Exception {
        ForecastHarness h = open("*=" + TestModels.LINE);
        h.harness.getBroadcastState(dev.tickcast.job.types.Streams.MODEL_STATE).put("v1", TEST_V1);
        ModelUpdate v2 = TestModels.update(2, CellType.LSTM, new int[] {8}, 41);
        h.harness.getBroadcastState(dev.tickcast.job.types.Streams.MODEL_STATE).put("v2", v2);
        h.harness
                .getBroadcastState(dev.tickcast.job.types.Streams.MODEL_CONTROL_STATE)
                .put("pinned", 1L);
        OperatorSubtaskState snapshot = h.snapshot(1L);

        ForecastHarness restored = ForecastHarness.restore(snapshot, null);
        opened.add(restored);
        restored.tick(tick("A", t(0)).price(1)).tick(tick("A", t(1)).price(2));
        assertThat(restored.lastForecast().getModelVersion())
                .as("the pin moved with the models")
                .isEqualTo(1L);
        assertThat(restored.harness
                        .getBroadcastState(dev.tickcast.job.types.Streams.MODEL_STATE)
                        .contains("v1"))
                .isFalse();
        restored.control(ModelControl.newBuilder()
                .setModelName(TestModels.LINE)
                .setAction(ModelAction.UNPIN)
                .setIssuedAt(ISSUED)
                .build());
        restored.tick(tick("A", t(2)).price(3));
        assertThat(restored.lastForecast().getModelVersion()).isEqualTo(2L);
    }

    private static void tickQuietly(ForecastHarness h, Tick tick) {
        try {
            h.tick(tick);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
