package dev.tickcast.job.operator;

import static dev.tickcast.job.TickBuilder.TICKS_TOPIC;
import static dev.tickcast.job.TickBuilder.t;
import static dev.tickcast.job.TickBuilder.tick;
import static dev.tickcast.job.operator.ForecastHarness.MODELS_TOPIC;
import static dev.tickcast.job.operator.ForecastHarness.SETTINGS;
import static dev.tickcast.job.operator.ForecastHarness.TTL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tickcast.job.TestModels;
import dev.tickcast.job.TickBuilder;
import dev.tickcast.model.cell.RecurrentNetwork;
import dev.tickcast.model.forecast.Backtest;
import dev.tickcast.schema.CellType;
import dev.tickcast.schema.DeadLetter;
import dev.tickcast.schema.DeadLetterReason;
import dev.tickcast.schema.Evaluation;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.ModelUpdate;
import dev.tickcast.schema.SymbolState;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.wire.WireCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class ForecastFunctionTest {

    private static final int[] LSTM_8 = {8};
    private static final ModelUpdate V2 = TestModels.update(2, CellType.LSTM, LSTM_8, 11);
    private static final ModelUpdate V3 = TestModels.update(3, CellType.LSTM, LSTM_8, 12);

    private final List<ForecastHarness> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (ForecastHarness h : opened) {
            h.close();
        }
    }

    private ForecastHarness open(byte[] initialModel) throws Exception {
        ForecastHarness h = ForecastHarness.open(initialModel);
        opened.add(h);
        return h;
    }

    private ForecastHarness open() throws Exception {
        return open(null);
    }

    // ---- naive forecasts, model versions, parity with the backtest ----

    @Test
    void forecastsNaiveUntilFirstModel() throws Exception {
        ForecastHarness h = open();
        h.tick(tick("ACME", t(0)).price(101.5).volume(3.0))
                .tick(tick("ACME", t(1)).price(101.7))
                .tick(tick("BOLT", t(1)).price(7.25).volume(1.0));

        assertThat(h.forecasts()).hasSize(3).allSatisfy(f -> {
            assertThat(f.getModelVersion()).isZero();
            assertThat(f.getCellType()).isNull();
            assertThat(f.getForecastPrice()).isEqualTo(f.getLastPrice());
            assertThat(f.getForecastLogReturn()).isEqualTo(0.0);
            assertThat(f.getIntervalLow()).isEqualTo(f.getLastPrice());
            assertThat(f.getIntervalHigh()).isEqualTo(f.getLastPrice());
        });
        assertThat(h.forecasts())
                .extracting(Forecast::getSymbol, Forecast::getLastPrice, f -> f.getEventTime())
                .containsExactly(tuple("ACME", 101.5, t(0)), tuple("ACME", 101.7, t(1)), tuple("BOLT", 7.25, t(1)));
        assertThat(h.serving()).isNull();
    }

    @Test
    void forecastsCarryTheBroadcastModelsVersionAndCellType() throws Exception {
        ForecastHarness h = open();
        h.tick(tick("ACME", t(0)).price(101.5))
                .model(V2)
                .tick(tick("ACME", t(1)).price(101.7));

        Forecast f = h.lastForecast();
        assertThat(f.getModelVersion()).isEqualTo(2L);
        assertThat(f.getCellType()).isEqualTo(CellType.LSTM);
        assertThat(f.getModelLogReturn()).isNotEqualTo(0.0);
        // The symbol's first evaluation under the model: no evidence yet, so the guard serves the naive price.
        assertThat(f.getGuardWeight()).isZero();
        assertThat(f.getForecastPrice()).isEqualTo(101.7 * Math.exp(f.getForecastLogReturn()));
        assertThat(h.serving()).isEqualTo(V2);
    }

    @Test
    void symbolsFirstTickIsNaiveEvenWithAModel() throws Exception {
        ForecastHarness h = open();
        h.model(V2).tick(tick("ACME", t(0)).price(101.5));

        Forecast f = h.lastForecast();
        assertThat(f.getModelVersion()).isZero();
        assertThat(f.getForecastPrice()).isEqualTo(101.5);
    }

    static Stream<Arguments> cells() {
        return Stream.of(
                Arguments.of(CellType.SIMPLE_RNN, new int[] {6}),
                Arguments.of(CellType.LSTM, new int[] {8}),
                Arguments.of(CellType.GRU, new int[] {6, 4}),
                Arguments.of(CellType.LSTM, new int[] {5, 4, 3}));
    }

    @ParameterizedTest
    @MethodSource("cells")
    void forecastsEqualTheBacktestBitForBit(CellType cellType, int[] hidden) throws Exception {
        ModelUpdate update = TestModels.update(4, cellType, hidden, 99);
        List<Tick> ticks = randomTicks(5, 60, "ACME", "BOLT", "CRUX");

        List<Forecast> expected = new ArrayList<>();
        Backtest.Summary summary = Backtest.run(
                TestModels.verified(update), ticks, SETTINGS, s -> Long.MIN_VALUE, (tick, f) -> expected.add(f));

        ForecastHarness h = open();
        h.model(update);
        for (Tick tick : ticks) {
            h.tick(tick);
        }

        List<Forecast> actual = h.forecasts();
        assertThat(actual).hasSize(expected.size()).containsExactlyElementsOf(expected);
        assertThat(bits(actual)).isEqualTo(bits(expected));
        assertThat(actual)
                .filteredOn(f -> f.getModelVersion() == 4L)
                .hasSize(expected.size() - 3)
                .allSatisfy(f -> assertThat(f.getCellType()).isEqualTo(cellType));
        // The prediction interval opened once enough residuals existed.
        assertThat(actual).anySatisfy(f -> assertThat(f.getIntervalLow()).isLessThan(f.getForecastPrice()));

        Map<String, Long> rejected = new TreeMap<>();
        h.deadLetters().forEach(d -> rejected.merge(d.getReason(), 1L, Long::sum));
        assertThat(rejected).isEqualTo(summary.rejected()).containsOnlyKeys("OUT_OF_ORDER", "DUPLICATE");
        assertThat(h.numKeyedStateEntries()).isEqualTo(3);
        assertThat(h.state("CRUX").getTicks()).isEqualTo(60L);

        // The last evaluation of each symbol carries the running errors the backtest totals.
        Map<String, Evaluation> lastEvaluation = new HashMap<>();
        h.evaluations().forEach(e -> lastEvaluation.put(e.getSymbol(), e));
        assertThat(lastEvaluation.keySet()).isEqualTo(summary.perSymbol().keySet());
        summary.perSymbol().forEach((symbol, stats) -> {
            Evaluation e = lastEvaluation.get(symbol);
            assertThat(e.getCount()).isEqualTo(stats.count());
            assertThat(e.getMae()).isEqualTo(stats.mae());
            assertThat(e.getRmse()).isEqualTo(stats.rmse());
            assertThat(e.getNaiveMae()).isEqualTo(stats.naiveMae());
            assertThat(e.getNaiveRmse()).isEqualTo(stats.naiveRmse());
            assertThat(e.getSkill()).isEqualTo(stats.skill());
        });
    }

    @Test
    void modelArrivingMidStreamRewarmsToTheBacktestsHiddenState() throws Exception {
        // Fewer ticks before the model than the ring holds, so the replay covers the symbol's whole history.
        List<Tick> ticks = randomTicks(8, 30, "ACME");
        int before = 20;
        List<Forecast> expected = new ArrayList<>();
        Backtest.run(TestModels.verified(V2), ticks, SETTINGS, s -> Long.MIN_VALUE, (tick, f) -> expected.add(f));

        ForecastHarness h = open();
        for (int i = 0; i < ticks.size(); i++) {
            if (i == before) {
                h.model(V2);
            }
            h.tick(ticks.get(i));
        }
        List<Forecast> actual = h.forecasts();
        assertThat(actual).hasSameSizeAs(expected);
        int firstWithModel =
                (int) actual.stream().takeWhile(f -> f.getModelVersion() == 0).count();
        assertThat(firstWithModel).isBetween(before - 2, before);
        for (int i = firstWithModel; i < actual.size(); i++) {
            assertThat(actual.get(i).getModelVersion()).isEqualTo(2L);
            assertThat(actual.get(i).getForecastLogReturn())
                    .as("log return %d", i)
                    .isEqualTo(expected.get(i).getForecastLogReturn());
            assertThat(actual.get(i).getForecastPrice())
                    .as("price %d", i)
                    .isEqualTo(expected.get(i).getForecastPrice());
        }
    }

    // ---- keyed state ----

    @Test
    void keyedStateHoldsEachSymbolsCountPriceModelAndHiddenState() throws Exception {
        ForecastHarness h = open();
        h.model(V2)
                .tick(tick("ACME", t(0)).price(101.5).volume(3.0))
                .tick(tick("BOLT", t(0)).price(7.25))
                .tick(tick("ACME", t(2)).price(101.6))
                .tick(tick("ACME", t(3)).price(101.4).volume(1.0));

        SymbolState acme = h.state("ACME");
        assertThat(acme.getTicks()).isEqualTo(3L);
        assertThat(acme.getLastPrice()).isEqualTo(101.4);
        assertThat(acme.getLastTime()).isEqualTo(t(3).toEpochMilli());
        assertThat(acme.getLastVolume()).isEqualTo(1.0);
        assertThat(acme.getModelVersion()).isEqualTo(2L);
        assertThat(acme.getHidden())
                .hasSize(RecurrentNetwork.stateFloatsPerLayer(CellType.LSTM, 8))
                .hasSize(16)
                .anySatisfy(v -> assertThat(v).isNotEqualTo(0.0f));
        assertThat(acme.getRecentInputs()).hasSize(2 * 3); // two steps of three raw features
        assertThat(acme.getPendingForecast()).isEqualTo(h.lastForecast().getForecastPrice());
        assertThat(acme.getEvalCount()).isEqualTo(2L);

        SymbolState bolt = h.state("BOLT");
        assertThat(bolt.getTicks()).isEqualTo(1L);
        assertThat(bolt.getLastPrice()).isEqualTo(7.25);
        assertThat(bolt.getModelVersion()).isZero(); // no step yet: one tick gives no return
        assertThat(bolt.getHidden()).isEmpty();

        assertThat(h.state("CRUX")).isNull();
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        h.tick(tick("CRUX", t(4)).price(55.0));
        assertThat(h.numKeyedStateEntries()).isEqualTo(3);
    }

    @Test
    void hiddenStateSizeFollowsTheServingModel() throws Exception {
        ModelUpdate gru = TestModels.update(3, CellType.GRU, new int[] {6, 4}, 5);
        ForecastHarness h = open();
        h.model(V2).tick(tick("ACME", t(0)).price(10.0)).tick(tick("ACME", t(1)).price(10.1));
        assertThat(h.state("ACME").getHidden()).hasSize(16);

        h.model(gru).tick(tick("ACME", t(2)).price(10.2));
        SymbolState acme = h.state("ACME");
        assertThat(acme.getModelVersion()).isEqualTo(3L);
        assertThat(acme.getHidden()).hasSize(6 + 4);
        assertThat(h.lastForecast().getCellType()).isEqualTo(CellType.GRU);
    }

    // ---- evaluations ----

    @Test
    void evaluatesEveryTickButASymbolsFirst() throws Exception {
        ForecastHarness h = open();
        h.tick(tick("ACME", t(0)).price(100.0))
                .tick(tick("BOLT", t(0)).price(7.0))
                .tick(tick("ACME", t(1)).price(101.0));
        Forecast naiveAt1 = h.lastForecast();
        h.model(V2).tick(tick("ACME", t(3)).price(100.5));
        Forecast modelAt3 = h.lastForecast();
        h.tick(tick("ACME", t(4)).price(100.25)).tick(tick("BOLT", t(6)).price(7.5));

        List<Evaluation> evaluations = h.evaluations();
        assertThat(evaluations).extracting(Evaluation::getSymbol).containsExactly("ACME", "ACME", "ACME", "BOLT");

        Evaluation first = evaluations.get(0);
        assertThat(first.getForecastTime()).isEqualTo(t(0));
        assertThat(first.getActualTime()).isEqualTo(t(1));
        assertThat(first.getActualPrice()).isEqualTo(101.0);
        assertThat(first.getForecastPrice()).isEqualTo(100.0);
        assertThat(first.getNaivePrice()).isEqualTo(100.0);
        assertThat(first.getModelVersion()).isZero();
        assertThat(first.getError()).isEqualTo(1.0);
        assertThat(first.getNaiveError()).isEqualTo(1.0);
        assertThat(first.getCount()).isEqualTo(1L);
        assertThat(first.getMae()).isEqualTo(1.0);
        assertThat(first.getSkill()).isEqualTo(0.0);

        Evaluation second = evaluations.get(1); // realises the naive forecast made at t(1)
        assertThat(second.getForecastPrice()).isEqualTo(naiveAt1.getForecastPrice());
        assertThat(second.getError()).isEqualTo(100.5 - 101.0);
        assertThat(second.getCount()).isEqualTo(2L);
        assertThat(second.getMae()).isEqualTo((1.0 + 0.5) / 2);

        Evaluation third = evaluations.get(2); // realises the model's forecast made at t(3)
        assertThat(third.getModelVersion()).isEqualTo(2L);
        assertThat(third.getForecastTime()).isEqualTo(t(3));
        assertThat(third.getActualTime()).isEqualTo(t(4));
        assertThat(third.getForecastPrice()).isEqualTo(modelAt3.getForecastPrice());
        assertThat(third.getNaivePrice()).isEqualTo(100.5);
        assertThat(third.getError()).isEqualTo(100.25 - modelAt3.getForecastPrice());
        assertThat(third.getNaiveError()).isEqualTo(100.25 - 100.5);
        assertThat(third.getCount()).isEqualTo(3L);
        double sq = 1.0 + 0.25 + third.getError() * third.getError();
        double naiveSq = 1.0 + 0.25 + 0.0625;
        assertThat(third.getRmse()).isEqualTo(Math.sqrt(sq / 3));
        assertThat(third.getNaiveRmse()).isEqualTo(Math.sqrt(naiveSq / 3));
        assertThat(third.getSkill()).isEqualTo(1.0 - sq / naiveSq);

        Evaluation bolt = evaluations.get(3);
        assertThat(bolt.getCount()).isEqualTo(1L);
        assertThat(bolt.getError()).isEqualTo(0.5);
        assertThat(bolt.getForecastTime()).isEqualTo(t(0));
    }

    // ---- order ----

    @Test
    void deadLettersOutOfOrderTickAndLeavesStateUnchanged() throws Exception {
        ForecastHarness h = open();
        h.model(V2)
                .tick(tick("ACME", t(0)).price(100.0))
                .tick(tick("ACME", t(5)).price(100.2));
        SymbolState before = h.state("ACME");
        h.clearOutputs();

        Tick late = tick("ACME", t(3)).price(100.1).volume(2.0).build();
        h.tick(late);

        assertThat(h.forecasts()).isEmpty();
        assertThat(h.evaluations()).isEmpty();
        assertRefusedTick(h, late, "OUT_OF_ORDER");
        assertThat(h.deadLetters().get(0).getDetail()).contains(t(3).toString()).contains(t(5).toString());
        assertThat(h.state("ACME")).isEqualTo(before);
    }

    @Test
    void deadLettersDuplicateTickAndLeavesStateUnchanged() throws Exception {
        ForecastHarness h = open();
        h.model(V2)
                .tick(tick("ACME", t(0)).price(100.0))
                .tick(tick("ACME", t(5)).price(100.2).volume(4.0));
        SymbolState before = h.state("ACME");
        h.clearOutputs();

        Tick again = tick("ACME", t(5)).price(100.2).volume(4.0).build();
        h.tick(again);

        assertThat(h.forecasts()).isEmpty();
        assertThat(h.evaluations()).isEmpty();
        assertRefusedTick(h, again, "DUPLICATE");
        assertThat(h.state("ACME")).isEqualTo(before);
    }

    private static void assertRefusedTick(ForecastHarness h, Tick tick, String reason) throws Exception {
        assertThat(h.deadLetters()).hasSize(1);
        DeadLetter dl = h.deadLetters().get(0);
        assertThat(dl.getReason()).isEqualTo(reason);
        assertThat(dl.getSymbol()).isEqualTo("ACME");
        assertThat(dl.getSourceTopic()).isEqualTo(TICKS_TOPIC);
        assertThat(dl.getSourcePartition()).isEqualTo(0);
        assertThat(dl.getSourceOffset()).isEqualTo(h.lastOffset());
        assertThat(dl.getKey()).isEqualTo(ByteBuffer.wrap(WireCodec.key("ACME")));
        assertThat(WireCodec.of(Tick.class).decode(TickDecoderTest.bytes(dl.getValue())))
                .isEqualTo(tick);
        assertThat(dl.getDetectedAt()).isEqualTo(tick.getEventTime());
    }

    @Test
    void acceptsSameTimeTickWithDifferentPriceOrVolume() throws Exception {
        ForecastHarness h = open();
        h.tick(tick("ACME", t(5)).price(100.2).volume(4.0))
                .tick(tick("ACME", t(5)).price(100.3).volume(4.0))
                .tick(tick("ACME", t(5)).price(100.3).volume(5.0))
                .tick(tick("ACME", t(5)).price(100.3));

        assertThat(h.deadLetters()).isEmpty();
        assertThat(h.forecasts()).hasSize(4);
        assertThat(h.evaluations()).hasSize(3);
        assertThat(h.state("ACME").getTicks()).isEqualTo(4L);
        assertThat(h.state("ACME").getLastVolume()).isNull();
    }

    @Test
    void orderIsPerSymbol() throws Exception {
        ForecastHarness h = open();
        h.tick(tick("ACME", t(10)).price(100.0)).tick(tick("BOLT", t(1)).price(7.0));

        assertThat(h.deadLetters()).isEmpty();
        assertThat(h.forecasts()).hasSize(2);
    }

    // ---- models ----

    static Stream<Arguments> refusedModels() {
        float[] nan = TestModels.randomWeights(CellType.LSTM, LSTM_8, 13);
        nan[7] = Float.NaN;
        float[] shortWeights = java.util.Arrays.copyOf(TestModels.randomWeights(CellType.LSTM, new int[] {9}, 13), 400);
        ModelUpdate truncated = ModelUpdate.newBuilder(TestModels.update(3, CellType.LSTM, LSTM_8, 13))
                .setWeights(ByteBuffer.wrap(dev.tickcast.model.file.Weights.toBytes(shortWeights)))
                .build();
        return Stream.of(
                Arguments.of(
                        "CHECKSUM",
                        ModelUpdate.newBuilder(V3)
                                .setWeightsSha256(ByteBuffer.wrap(new byte[32]))
                                .build()),
                Arguments.of(
                        "SHAPE",
                        ModelUpdate.newBuilder(V3).setHiddenSizes(List.of(9)).build()),
                Arguments.of("SHAPE", truncated),
                Arguments.of("NOT_FINITE", TestModels.withWeights(3, CellType.LSTM, LSTM_8, nan)),
                Arguments.of("VERSION", TestModels.update(2, CellType.LSTM, LSTM_8, 14)),
                Arguments.of("VERSION", TestModels.update(1, CellType.LSTM, LSTM_8, 14)),
                Arguments.of("VERSION", TestModels.update(0, CellType.LSTM, LSTM_8, 14)),
                Arguments.of(
                        "FEATURES",
                        ModelUpdate.newBuilder(V3)
                                .setFeatures(dev.tickcast.schema.FeatureSpec.newBuilder(
                                                dev.tickcast.model.testdata.TestModels.spec())
                                        .setNames(List.of("log_return", "log_gap", "sentiment"))
                                        .build())
                                .build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedModels")
    void refusedModelGivesOneDeadLetterAndTheServingModelKeepsServing(String check, ModelUpdate refused)
            throws Exception {
        ForecastHarness h = open();
        h.model(V2)
                .tick(tick("ACME", t(0)).price(100.0))
                .tick(tick("ACME", t(1)).price(100.1));
        h.clearOutputs();

        h.model(refused);

        assertThat(h.deadLetters()).hasSize(1);
        DeadLetter dl = h.deadLetters().get(0);
        assertThat(dl.getReason()).isEqualTo(DeadLetterReason.MODEL_REJECTED.name());
        assertThat(dl.getDetail())
                .startsWith(check + ":")
                .contains("serving model of line test (version 2) keeps serving");
        assertThat(dl.getSourceTopic()).isEqualTo(MODELS_TOPIC);
        assertThat(dl.getSourcePartition()).isZero();
        assertThat(dl.getSourceOffset()).isEqualTo(1L); // V2 came at offset 0 of the models topic, the refused one at 1
        assertThat(dl.getKey()).isEqualTo(ByteBuffer.wrap(WireCodec.key("test")));
        assertThat(WireCodec.of(ModelUpdate.class).decode(TickDecoderTest.bytes(dl.getValue())))
                .isEqualTo(refused);
        assertThat(dl.getSymbol()).isNull();
        assertThat(dl.getDetectedAt()).isEqualTo(refused.getCreatedAt());
        assertThat(h.forecasts()).isEmpty();
        assertThat(h.serving()).isEqualTo(V2);

        h.tick(tick("ACME", t(2)).price(100.2))
                .tick(tick("BOLT", t(2)).price(7.0))
                .tick(tick("BOLT", t(3)).price(7.1));
        assertThat(h.forecasts()).extracting(Forecast::getModelVersion).containsExactly(2L, 0L, 2L);
        assertThat(h.state("ACME").getModelVersion()).isEqualTo(2L);
        assertThat(h.deadLetters()).hasSize(1);
    }

    @Test
    void refusedModelBeforeAnyModelLeavesForecastsNaive() throws Exception {
        ForecastHarness h = open();
        h.model(ModelUpdate.newBuilder(V2)
                .setWeightsSha256(ByteBuffer.wrap(new byte[32]))
                .build());
        h.tick(tick("ACME", t(0)).price(100.0)).tick(tick("ACME", t(1)).price(100.1));

        assertThat(h.deadLetters()).singleElement().satisfies(dl -> {
            assertThat(dl.getReason()).isEqualTo(DeadLetterReason.MODEL_REJECTED.name());
            assertThat(dl.getDetail()).startsWith("CHECKSUM:").contains("version 0");
        });
        assertThat(h.forecasts()).extracting(Forecast::getModelVersion).containsExactly(0L, 0L);
        assertThat(h.serving()).isNull();
    }

    @Test
    void onlySubtaskZeroDeadLettersARefusedModel() throws Exception {
        ForecastHarness zero = ForecastHarness.subtask(0, 2);
        ForecastHarness one = ForecastHarness.subtask(1, 2);
        opened.add(zero);
        opened.add(one);
        ModelUpdate refused = TestModels.update(0, CellType.LSTM, LSTM_8, 14);
        for (ForecastHarness h : List.of(zero, one)) {
            h.model(V2).model(refused);
        }

        assertThat(zero.deadLetters())
                .extracting(DeadLetter::getReason)
                .containsExactly(DeadLetterReason.MODEL_REJECTED.name());
        assertThat(one.deadLetters()).isEmpty();
        assertThat(one.serving()).isEqualTo(V2);
        assertThat(zero.serving()).isEqualTo(V2);
    }

    @Test
    void sameModelDeliveredTwiceIsIgnoredSilently() throws Exception {
        ForecastHarness once = open();
        ForecastHarness twice = open();
        List<Tick> ticks = randomTicks(3, 10, "ACME");
        once.model(V2);
        twice.model(V2);
        for (int i = 0; i < ticks.size(); i++) {
            if (i == 5) {
                // A re-read of the compacted topic delivers an equal record, not the same object.
                twice.model(ModelUpdate.newBuilder(V2).build());
            }
            once.tick(ticks.get(i));
            twice.tick(ticks.get(i));
        }

        assertThat(twice.deadLetters()).isEqualTo(once.deadLetters());
        assertThat(twice.forecasts()).isEqualTo(once.forecasts());
        assertThat(twice.serving()).isEqualTo(V2);
    }

    @Test
    void newerModelReplacesTheServingOneAndRewarms() throws Exception {
        ForecastHarness h = open();
        h.model(V2)
                .tick(tick("ACME", t(0)).price(100.0))
                .tick(tick("ACME", t(1)).price(100.1));
        h.model(V3).tick(tick("ACME", t(2)).price(100.2));

        assertThat(h.deadLetters()).isEmpty();
        assertThat(h.serving()).isEqualTo(V3);
        assertThat(h.forecasts()).extracting(Forecast::getModelVersion).containsExactly(0L, 2L, 3L);
        assertThat(h.state("ACME").getModelVersion()).isEqualTo(3L);
    }

    @Test
    void initialModelServesBeforeAnyBroadcast() throws Exception {
        ForecastHarness h = open(TestModels.wire(V2));
        h.tick(tick("ACME", t(0)).price(100.0)).tick(tick("ACME", t(1)).price(100.1));

        assertThat(h.forecasts()).extracting(Forecast::getModelVersion).containsExactly(0L, 2L);
        assertThat(h.lastForecast().getCellType()).isEqualTo(CellType.LSTM);
        assertThat(h.serving()).isNull(); // the constructor's model is not broadcast state

        // The same forecast as a harness that received that model on the broadcast side.
        ForecastHarness broadcast = open();
        broadcast
                .model(V2)
                .tick(tick("ACME", t(0)).price(100.0))
                .tick(tick("ACME", t(1)).price(100.1));
        assertThat(h.forecasts()).isEqualTo(broadcast.forecasts());
    }

    @Test
    void initialModelIsTheVersionBroadcastModelsMustBeat() throws Exception {
        ForecastHarness h = open(TestModels.wire(V2));
        h.model(V2); // the same model again: nothing happens
        assertThat(h.deadLetters()).isEmpty();

        h.model(TestModels.update(1, CellType.LSTM, LSTM_8, 3));
        assertThat(h.deadLetters())
                .singleElement()
                .satisfies(dl -> assertThat(dl.getDetail())
                        .startsWith("VERSION:")
                        .contains("serving model of line test (version 2)"));

        h.model(V3)
                .tick(tick("ACME", t(0)).price(100.0))
                .tick(tick("ACME", t(1)).price(100.1));
        assertThat(h.lastForecast().getModelVersion()).isEqualTo(3L);
        assertThat(h.serving()).isEqualTo(V3);
    }

    // ---- TTL ----

    @Test
    void symbolStateExpiresAfterTtlAndTheSymbolStartsFresh() throws Exception {
        ForecastHarness h = open();
        long ttl = TTL.toMillis();
        h.setProcessingTime(0);
        h.model(V2)
                .tick(tick("ACME", t(0)).price(100.0))
                .tick(tick("ACME", t(1)).price(100.1))
                .tick(tick("BOLT", t(0)).price(7.0))
                .tick(tick("BOLT", t(1)).price(7.1));
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);

        // A tick just inside the TTL keeps ACME's state and renews it.
        h.setProcessingTime(ttl - 1);
        h.clearOutputs();
        h.tick(tick("ACME", t(2)).price(100.2));
        assertThat(h.evaluations()).hasSize(1);
        assertThat(h.lastForecast().getModelVersion()).isEqualTo(2L);

        // BOLT was last written at 0 and is gone; ACME, renewed at ttl - 1, is not.
        h.setProcessingTime(ttl + 1000);
        h.clearOutputs();
        h.tick(tick("BOLT", t(7200)).price(7.5));
        assertThat(h.evaluations()).isEmpty();
        Forecast fresh = h.lastForecast();
        assertThat(fresh.getModelVersion()).isZero();
        assertThat(fresh.getForecastPrice()).isEqualTo(7.5);
        assertThat(h.state("BOLT").getTicks()).isEqualTo(1L);
        assertThat(h.state("ACME").getTicks()).isEqualTo(3L);

        // Once both are past the TTL, reading them finds nothing and the entries go.
        h.setProcessingTime(3 * ttl);
        assertThat(h.state("ACME")).isNull();
        assertThat(h.state("BOLT")).isNull();
        assertThat(h.numKeyedStateEntries()).isZero();

        h.clearOutputs();
        h.tick(tick("ACME", t(3600 * 3)).price(99.0));
        assertThat(h.evaluations()).isEmpty();
        assertThat(h.lastForecast().getModelVersion()).isZero();
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void stateRestoredWithoutATimerExpiresByTheSweepOnLaterModelRecords() throws Exception {
        long ttl = TTL.toMillis();
        ForecastHarness old = open();
        old.setProcessingTime(1000);
        old.putUntimedState("GONE").putUntimedState("BACK");
        // A savepoint of a build before state format 3: keyed states without timers, and no sweep flag.
        OperatorSubtaskState snapshot = old.snapshot(1L);
        OperatorSubtaskState olderBuild = OperatorSubtaskState.builder()
                .setManagedKeyedState(snapshot.getManagedKeyedState())
                .build();

        ForecastHarness h = ForecastHarness.restore(olderBuild, null);
        opened.add(h);
        h.setProcessingTime(1000);
        h.model(V2); // the first models record after the restore: each untimed state gets a deadline, no timer
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        assertThat(h.harness.numProcessingTimeTimers()).isZero();

        h.setProcessingTime(1000 + ttl / 2);
        h.tick(tick("BACK", t(0)).price(5.0)); // a restored symbol that ticks again gets its timer and stays
        h.setProcessingTime(1000 + ttl + ttl / 8 + 1);
        assertThat(h.state("GONE")).isNotNull(); // no timer stands for it

        h.model(V3); // the first record past its deadline
        assertThat(h.state("GONE")).isNull();
        assertThat(h.state("BACK")).isNotNull();
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        assertThat(h.serving()).isEqualTo(V3);

        // The next walk finds none left, and the snapshot says so: restored from it, an untimed state (there can be
        // none
        // after that) is not looked for.
        h.setProcessingTime(1000 + ttl + ttl / 4 + 2);
        h.model(V3); // the serving model sent again: harmless, and a models record all the same
        ForecastHarness again = ForecastHarness.restore(h.snapshot(2L), null);
        opened.add(again);
        again.setProcessingTime(1000 + ttl + ttl / 4 + 2);
        again.putUntimedState("NEVER");
        again.model(V3);
        again.setProcessingTime(1000 + 3 * ttl);
        again.model(V3);
        assertThat(again.state("NEVER")).isNotNull();
    }

    @Test
    void aSymbolTickingSteadilyRegistersOneExpiryTimerPerEighthOfTheTtl() throws Exception {
        ForecastHarness h = open();
        long eighth = TTL.toMillis() / 8;
        h.setProcessingTime(0);
        for (int i = 0; i < 20; i++) {
            h.tick(tick("ACME", t(i)).price(100.0 + i));
        }
        assertThat(h.harness.numProcessingTimeTimers()).isEqualTo(1);
        h.setProcessingTime(eighth / 2);
        h.tick(tick("ACME", t(20)).price(99.0));
        assertThat(h.harness.numProcessingTimeTimers()).isEqualTo(2); // a later one; the first stays until it fires
        h.setProcessingTime(eighth / 2 + 10);
        h.tick(tick("ACME", t(21)).price(99.5));
        assertThat(h.harness.numProcessingTimeTimers()).isEqualTo(2);
        h.setProcessingTime(TTL.toMillis()); // the first fires, finds the later one registered, and keeps the state
        assertThat(h.harness.numProcessingTimeTimers()).isEqualTo(1);
        assertThat(h.state("ACME").getTicks()).isEqualTo(22L);
    }

    @Test
    void refusedTickDoesNotRenewTheTtl() throws Exception {
        ForecastHarness h = open();
        long ttl = TTL.toMillis();
        h.setProcessingTime(0);
        h.tick(tick("ACME", t(10)).price(100.0));
        h.setProcessingTime(ttl - 1);
        h.tick(tick("ACME", t(5)).price(100.0)); // out of order: refused, nothing written
        assertThat(h.deadLetters()).extracting(DeadLetter::getReason).containsExactly("OUT_OF_ORDER");

        h.setProcessingTime(ttl);
        h.clearOutputs();
        h.tick(tick("ACME", t(5)).price(100.0)); // the state has expired: this is a first tick again
        assertThat(h.deadLetters()).isEmpty();
        assertThat(h.evaluations()).isEmpty();
        assertThat(h.state("ACME").getTicks()).isEqualTo(1L);
    }

    // ---- checkpoints ----

    @Test
    void restoredOperatorContinuesExactlyAsTheUninterruptedOne() throws Exception {
        List<Tick> ticks = randomTicks(21, 40, "ACME", "BOLT");
        int cut = 50;
        ForecastHarness uninterrupted = open();
        uninterrupted.model(V2);
        for (Tick tick : ticks.subList(0, cut)) {
            uninterrupted.tick(tick);
        }
        OperatorSubtaskState snapshot = uninterrupted.snapshot(1L);
        uninterrupted.clearOutputs();
        for (Tick tick : ticks.subList(cut, ticks.size())) {
            uninterrupted.tick(tick);
        }

        ForecastHarness restored = ForecastHarness.restore(snapshot, null);
        opened.add(restored);
        assertThat(restored.serving()).isEqualTo(V2);
        assertThat(restored.numKeyedStateEntries()).isEqualTo(2);
        for (Tick tick : ticks.subList(cut, ticks.size())) {
            restored.tick(tick);
        }

        assertThat(restored.forecasts()).isNotEmpty().isEqualTo(uninterrupted.forecasts());
        assertThat(bits(restored.forecasts())).isEqualTo(bits(uninterrupted.forecasts()));
        assertThat(restored.forecasts())
                .allSatisfy(f -> assertThat(f.getModelVersion()).isIn(0L, 2L))
                .anySatisfy(f -> assertThat(f.getModelVersion()).isEqualTo(2L));
        assertThat(restored.evaluations()).isEqualTo(uninterrupted.evaluations());
        assertThat(restored.deadLetters()).isEqualTo(uninterrupted.deadLetters());
        assertThat(restored.state("ACME")).isEqualTo(uninterrupted.state("ACME"));
        assertThat(restored.state("BOLT")).isEqualTo(uninterrupted.state("BOLT"));
    }

    @Test
    void stateFromASavepointOfTheAvroEraIsConvertedAndForecastsContinueBitForBit() throws Exception {
        List<Tick> ticks = randomTicks(23, 40, "ACME", "BOLT");
        int cut = 50;
        ForecastHarness uninterrupted = open();
        uninterrupted.model(V2);
        for (Tick tick : ticks.subList(0, cut)) {
            uninterrupted.tick(tick);
        }
        // An operator of an older build: the same model, each symbol's state as an Avro SymbolState named "symbol".
        ForecastHarness old = open();
        old.model(V2)
                .putLegacyState("ACME", uninterrupted.state("ACME"))
                .putLegacyState("BOLT", uninterrupted.state("BOLT"));
        assertThat(old.numKeyedStateEntries()).isEqualTo(2);
        OperatorSubtaskState snapshot = old.snapshot(1L);
        uninterrupted.clearOutputs();
        for (Tick tick : ticks.subList(cut, ticks.size())) {
            uninterrupted.tick(tick);
        }

        ForecastHarness restored = ForecastHarness.restore(snapshot, null);
        opened.add(restored);
        for (Tick tick : ticks.subList(cut, ticks.size())) {
            restored.tick(tick);
        }

        assertThat(bits(restored.forecasts())).isNotEmpty().isEqualTo(bits(uninterrupted.forecasts()));
        // The Avro record has no field for the model's own prediction behind the pending forecast (the builds that
        // wrote it served that prediction as it was): each symbol's first evaluation after the restore reads the
        // served one in its place, for model_error. Nor has it the pending forecasts of every horizon, which start
        // afresh. Everything else, and every later evaluation, is the same.
        List<Evaluation> expected = new ArrayList<>(uninterrupted.evaluations());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < expected.size(); i++) {
            Evaluation e = expected.get(i);
            if (seen.add(e.getSymbol())) {
                expected.set(
                        i, Evaluation.newBuilder(e).setModelError(e.getError()).build());
            }
        }
        assertThat(withoutHorizons(restored.evaluations())).isEqualTo(withoutHorizons(expected));
        assertThat(restored.state("ACME")).isEqualTo(uninterrupted.state("ACME"));
        assertThat(restored.numKeyedStateEntries())
                .as("legacy entries cleared once converted")
                .isEqualTo(2);
    }

    @Test
    void restoredOperatorStillRefusesModelsNotNewerThanTheRestoredOne() throws Exception {
        ForecastHarness h = open();
        h.model(V3).tick(tick("ACME", t(0)).price(100.0));
        OperatorSubtaskState snapshot = h.snapshot(7L);

        ForecastHarness restored = ForecastHarness.restore(snapshot, TestModels.wire(V2));
        opened.add(restored);
        restored.model(V2).tick(tick("ACME", t(1)).price(100.1));

        assertThat(restored.deadLetters())
                .singleElement()
                .satisfies(dl -> assertThat(dl.getDetail())
                        .startsWith("VERSION:")
                        .contains("serving model of line test (version 3)"));
        assertThat(restored.lastForecast().getModelVersion()).isEqualTo(3L);
    }

    // ---- helpers ----

    /** The doubles of each forecast as raw bits, so that "equal" means bit for bit. */
    private static List<List<Long>> bits(List<Forecast> forecasts) {
        return forecasts.stream()
                .map(f -> List.of(
                        Double.doubleToRawLongBits(f.getLastPrice()),
                        Double.doubleToRawLongBits(f.getForecastPrice()),
                        Double.doubleToRawLongBits(f.getForecastLogReturn()),
                        Double.doubleToRawLongBits(f.getIntervalLow()),
                        Double.doubleToRawLongBits(f.getIntervalHigh()),
                        f.getModelVersion()))
                .toList();
    }

    /**
     * Interleaved random walks of the symbols, {@code perSymbol} accepted ticks each, with
     * same-millisecond trades, ticks without volume, and per symbol one out-of-order and one duplicate
     * tick (which are refused and not counted).
     */
    public static List<Tick> randomTicks(long seed, int perSymbol, String... symbols) {
        Random random = new Random(seed);
        Map<String, Integer> left = new LinkedHashMap<>();
        Map<String, Double> price = new HashMap<>();
        Map<String, Long> time = new HashMap<>();
        for (String s : symbols) {
            left.put(s, perSymbol);
            price.put(s, 20 + random.nextDouble() * 200);
            time.put(s, TickBuilder.T0.toEpochMilli() + random.nextInt(1000));
        }
        List<Tick> ticks = new ArrayList<>();
        while (!left.isEmpty()) {
            List<String> open = new ArrayList<>(left.keySet());
            String s = open.get(random.nextInt(open.size()));
            int k = perSymbol - left.get(s);
            long gap = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(8000);
            long ms = time.get(s) + (k == 0 ? 0 : gap);
            double p = price.get(s) * Math.exp(random.nextGaussian() * 0.002);
            Double volume = random.nextInt(4) == 0 ? null : Math.floor(random.nextDouble() * 500) / 10;
            Tick tick = Tick.newBuilder()
                    .setSymbol(s)
                    .setEventTime(java.time.Instant.ofEpochMilli(ms))
                    .setPrice(p)
                    .setVolume(volume)
                    .build();
            ticks.add(tick);
            if (k == perSymbol / 2) {
                ticks.add(Tick.newBuilder(tick).build());
            }
            if (k == perSymbol / 3) {
                ticks.add(Tick.newBuilder(tick)
                        .setEventTime(java.time.Instant.ofEpochMilli(ms - 1))
                        .setPrice(p * 1.01)
                        .build());
            }
            price.put(s, p);
            time.put(s, ms);
            if (left.merge(s, -1, Integer::sum) == 0) {
                left.remove(s);
            }
        }
        return ticks;
    }

    private static List<Evaluation> withoutHorizons(List<Evaluation> evaluations) {
        return evaluations.stream()
                .map(e -> Evaluation.newBuilder(e).setHorizons(List.of()).build())
                .toList();
    }
}
